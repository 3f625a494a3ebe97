// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/**
 * What decides the order of one weight stream (ethos-u-facts.md §5.2-5.3): the micro-block depths of the
 * variant, the OFM block depth this core processes, the traversal, the IFM element width and the sub-kernel
 * size (8 / dilation per axis).
 */
record StreamShape(
        int ifmUblockDepth,
        int ofmUblockDepth,
        int ofmBlockDepth,
        WeightTraversal traversal,
        int ifmBits,
        int subKernelH,
        int subKernelW) {

    StreamShape {
        if (ifmUblockDepth < 1 || ofmUblockDepth < 1 || ofmBlockDepth < 1 || subKernelH < 1 || subKernelW < 1) {
            throw new IllegalArgumentException("stream shape dimensions must be positive: " + this);
        }
    }

    /** IFM depth of one IFM block: 16 for part-kernel-first or 16-bit IFMs, else 32. */
    int ifmBlockDepth() {
        return traversal == WeightTraversal.PART_KERNEL_FIRST || ifmBits == 16 ? 16 : 32;
    }
}
