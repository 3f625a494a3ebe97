// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

/** An {@code NPU_OP_*} command that starts work: a kernel command or a DMA transfer. */
public sealed interface NpuCommand permits KernelCommand, DmaCommand {

    /** Returns the command's position among the operation commands of its stream, counted from 0. */
    int index();

    /** Returns the position of its command word in the driver payload. */
    int word();

    /** Returns a one-line description: {@code CONV 96x48x2->48x48x8}, {@code DMA r0 0x6fa0+224 -> r1 0x2400}. */
    String label();
}
