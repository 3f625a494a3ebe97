// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Locale;
import java.util.Objects;

/**
 * An {@code NPU_OP_DMA_START}: a copy by the NPU's DMA ({@code register_command_stream_generator.py:
 * generate_dma_op}). The region registers ({@code NPU_SET_DMA0_SRC_REGION}, {@code _DST_REGION}) hold the region in
 * bits 0-7 and, in bit 8, whether the side is the NPU's internal SHRAM rather than a region: Vela copies LUTs into
 * SHRAM with destination region {@code 0x103} ({@code BasePointerIndex.Mem2Mem}) and a destination address in the
 * LUT banks at the end of SHRAM. The start command's parameter is {@code channel · 16 + mode}.
 *
 * @param index position among the stream's operation commands
 * @param word position of the command word in the payload
 * @param source what is read ({@code NPU_SET_DMA0_SRC}, {@code NPU_SET_DMA0_LEN})
 * @param destination where it is written ({@code NPU_SET_DMA0_DST}); its region is meaningless when
 *     {@code toShram}
 * @param toShram whether the destination is SHRAM (a LUT)
 * @param channel the DMA channel
 * @param mode the transfer mode (0: one contiguous block, the only one Vela uses)
 * @param kernelsIssued how many kernel commands the stream issues before this transfer: the command processor
 *     reaches it only after issuing them
 * @param kernelsDone how many of those must have completed before it starts, by the stream's
 *     {@code NPU_OP_KERNEL_WAIT n} (at most n kernel commands outstanding), which Vela writes before a transfer
 *     that overwrites a buffer a running command still reads ({@code register_command_stream_util.py:
 *     get_wait_dependency})
 */
public record DmaCommand(int index, int word, AddressRange source, AddressRange destination, boolean toShram, int channel,
        int mode, int kernelsIssued, int kernelsDone) implements NpuCommand {

    public DmaCommand {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (kernelsDone < 0 || kernelsDone > kernelsIssued) {
            throw new IllegalArgumentException("kernels done must be between 0 and the kernels issued");
        }
    }

    /** Returns the bytes copied. */
    public long bytes() {
        return source.length();
    }

    /** Returns {@code DMA r0 0x6fa0+224 -> r1 0x2400} or {@code ... -> SHRAM 0xb800}. */
    @Override
    public String label() {
        String to = toShram ? String.format(Locale.ROOT, "SHRAM 0x%x", destination.address())
                : String.format(Locale.ROOT, "r%d 0x%x", destination.region(), destination.address());
        return "DMA " + source + " -> " + to;
    }
}
