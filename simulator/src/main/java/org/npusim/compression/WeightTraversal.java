// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/** The order in which a weight stream walks kernel and depth (ethos-u-facts.md §5.3). */
public enum WeightTraversal {
    /** Convolutions and vector products: kernel element outside, 32-deep (16 for 16-bit IFMs) IFM blocks inside. */
    DEPTH_FIRST,
    /** Convolutions with few IFM channels: 16-deep IFM blocks, IFM micro-block outside the kernel elements. */
    PART_KERNEL_FIRST,
    /** Depthwise convolutions: one weight per kernel element and channel. */
    DEPTHWISE
}
