// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

/**
 * The unit of work the NPU processes per job (ethos-u-facts.md §4.1): an OFM block (a multiple of the micro-block,
 * at most 32×64×128), the IFM block that feeds it, the accumulator width and the kernel traversal.
 *
 * @param ofmBlock OFM block as searched (the stored, not the Conv1D-fitted, height)
 * @param ifmBlock IFM block: height and width of the footprint of one sub-kernel, depth consumed per pass
 * @param accumulator 32- or 40-bit accumulators in SHRAM
 * @param traversal depth-first or part-kernel-first
 */
public record BlockConfig(Shape4 ofmBlock, Shape4 ifmBlock, Accumulator accumulator, Traversal traversal) {

    /** Accumulator width; 40-bit only for 16-bit IFMs of scaled, non-pooling operations. */
    public enum Accumulator {
        ACC32(32),
        ACC40(40);

        private final int bits;

        Accumulator(int bits) {
            this.bits = bits;
        }

        public int bits() {
            return bits;
        }
    }

    /** The order in which the weight stream and the MAC array walk kernel and IFM depth (ethos-u-facts.md §5.3). */
    public enum Traversal {
        DEPTH_FIRST,
        PART_KERNEL_FIRST
    }

    /** Returns Vela's printed form {@code [ofm_H, ofm_W, ifm_D, ofm_D]}. */
    @Override
    public String toString() {
        return "[" + ofmBlock.h() + ", " + ofmBlock.w() + ", " + ifmBlock.c() + ", " + ofmBlock.c() + "]";
    }
}
