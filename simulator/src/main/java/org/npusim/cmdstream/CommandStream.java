// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The decoded command streams of one driver payload.
 *
 * @param commands the operation commands (kernel commands and DMA transfers), in stream order
 * @param parallelMode the value of {@code NPU_SET_PARALLEL_MODE} (cores - 1), which Vela writes first in every
 *     Ethos-U65 stream and never in an Ethos-U55 one ({@code register_command_stream_generator.py:
 *     generate_command_stream})
 * @param words the command words decoded
 */
public record CommandStream(List<NpuCommand> commands, OptionalInt parallelMode, int words) {

    public CommandStream {
        commands = List.copyOf(commands);
        Objects.requireNonNull(parallelMode, "parallelMode");
    }

    /** Returns the kernel commands, in order. */
    public List<KernelCommand> kernels() {
        return commands.stream().filter(KernelCommand.class::isInstance).map(KernelCommand.class::cast).toList();
    }

    /** Returns the DMA commands, in order. */
    public List<DmaCommand> dmas() {
        return commands.stream().filter(DmaCommand.class::isInstance).map(DmaCommand.class::cast).toList();
    }

    /** Returns the MACs of all kernel commands, as Vela counts them. */
    public long macs() {
        return kernels().stream().mapToLong(KernelCommand::macs).sum();
    }
}
