// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/**
 * Puts weights in the order the NPU consumes them and pads them as the hardware expects (ethos-u-facts.md §5.2,
 * §5.3; Vela 3.10 {@code mlw_encode.c: reorder}). Outer to inner:
 * <ol>
 *   <li>OFM blocks of the core's OFM block depth;
 *   <li>IFM blocks (32 deep, 16 for part-kernel-first or 16-bit IFMs; one pass for depthwise);
 *   <li>sub-kernel rows, then columns (at most 8/dilation each);
 *   <li>part-kernel-first only: IFM micro-blocks of the IFM block;
 *   <li>OFM micro-blocks of the OFM block;
 *   <li>kernel elements of the sub-kernel, padded to a multiple of 4 (part-kernel 8-bit and depthwise) or 2
 *       (part-kernel 16-bit);
 *   <li>depth-first only: IFM micro-blocks of the IFM block (a depth-first IFM block is always fully padded);
 *   <li>OFM channels of the micro-block;
 *   <li>IFM channels of the micro-block (one for depthwise): the weight, or 0 where the position is padding.
 * </ol>
 *
 * <p>A stream covers a subset of the OFM channels: {@code ofmDepth} channels starting at {@code channelStart} with
 * step {@code channelStep} (the U65-512 gives core c every other channel of a depth slice).
 */
final class WeightReorder {

    private WeightReorder() {}

    /** Returns the number of values the stream of {@code ofmDepth} channels has, padding included. */
    static long length(WeightVolume v, int ofmDepth, StreamShape s) {
        boolean depthwise = s.traversal() == WeightTraversal.DEPTHWISE;
        int ifmBlockDepth = s.ifmBlockDepth();
        int iu = s.ifmUblockDepth();
        int ou = s.ofmUblockDepth();
        long total = 0;
        for (int ofmBlock = 0; ofmBlock < ofmDepth; ofmBlock += s.ofmBlockDepth()) {
            int ofmClipped = Math.min(s.ofmBlockDepth(), ofmDepth - ofmBlock);
            long ofmUblocks = ceilDiv(ofmClipped, ou);
            for (int ifmBlock = 0; ifmBlock < (depthwise ? 1 : v.ifm); ifmBlock += ifmBlockDepth) {
                int ifmClipped = clippedIfmBlockDepth(v, s, ifmBlock);
                long ifmUblocks = ceilDiv(ifmClipped, iu);
                for (int sy = 0; sy < v.height; sy += s.subKernelH()) {
                    int subH = Math.min(v.height - sy, s.subKernelH());
                    for (int sx = 0; sx < v.width; sx += s.subKernelW()) {
                        int subW = Math.min(v.width - sx, s.subKernelW());
                        int elements = paddedElements(subH * subW, s);
                        total += ifmUblocks * ofmUblocks * elements * ou * (depthwise ? 1 : iu);
                    }
                }
            }
        }
        return total;
    }

    /**
     * Writes the stream of {@code ofmDepth} channels ({@code channelStart + k·channelStep}) into {@code out} and
     * returns its length.
     */
    static int reorder(WeightVolume v, int channelStart, int channelStep, int ofmDepth, StreamShape s, short[] out) {
        boolean depthwise = s.traversal() == WeightTraversal.DEPTHWISE;
        boolean partKernel = s.traversal() == WeightTraversal.PART_KERNEL_FIRST;
        int ifmBlockDepth = s.ifmBlockDepth();
        int iu = s.ifmUblockDepth();
        int ou = s.ofmUblockDepth();
        int ifmPerUblock = depthwise ? 1 : iu;
        short[] values = v.values;
        int n = 0;
        for (int ofmBlock = 0; ofmBlock < ofmDepth; ofmBlock += s.ofmBlockDepth()) {
            int ofmClipped = Math.min(s.ofmBlockDepth(), ofmDepth - ofmBlock);
            for (int ifmBlock = 0; ifmBlock < (depthwise ? 1 : v.ifm); ifmBlock += ifmBlockDepth) {
                int ifmClipped = clippedIfmBlockDepth(v, s, ifmBlock);
                int outerDepth = partKernel ? ifmClipped : 1;
                int innerDepth = partKernel ? 1 : ifmClipped;
                for (int sy = 0; sy < v.height; sy += s.subKernelH()) {
                    int subH = Math.min(v.height - sy, s.subKernelH());
                    for (int sx = 0; sx < v.width; sx += s.subKernelW()) {
                        int subW = Math.min(v.width - sx, s.subKernelW());
                        int elements = paddedElements(subH * subW, s);
                        for (int outer = 0; outer < outerDepth; outer += iu) {
                            for (int ofmUblock = 0; ofmUblock < ofmClipped; ofmUblock += ou) {
                                // The micro-block's OFM channels that exist (the rest is padding), the position of
                                // the first one's weights and the distance between consecutive ones: computed once
                                // per micro-block instead of per channel and element.
                                int firstOfm = ofmBlock + ofmUblock;
                                int liveOfm = Math.min(ou, ofmDepth - firstOfm);
                                int channelStride = channelStep * v.height * v.width * v.ifm;
                                for (int e = 0; e < elements; e++) {
                                    int ky = e / subW;
                                    if (ky >= subH) {
                                        // Padding elements: zeros for every channel of the micro-block.
                                        int end = n + ou * innerBlocks(innerDepth, iu) * ifmPerUblock;
                                        for (; n < end; n++) {
                                            out[n] = 0;
                                        }
                                        continue;
                                    }
                                    int wy = sy + ky;
                                    int wx = sx + e % subW;
                                    for (int inner = 0; inner < innerDepth; inner += iu) {
                                        int ifmBase = ifmBlock + inner + outer;
                                        // The IFM channels of the micro-block that exist; the rest is padding.
                                        int present = Math.max(0, Math.min(ifmPerUblock, v.ifm - ifmBase));
                                        int from = present > 0
                                                ? v.index(channelStart + firstOfm * channelStep, wy, wx, ifmBase)
                                                : 0;
                                        if (present == 8 && ifmPerUblock == 8) {
                                            // Whole micro-blocks of eight channels, the common case: a copy of
                                            // constant length, which the compiler turns into plain moves.
                                            for (int oz = 0; oz < liveOfm; oz++) {
                                                System.arraycopy(values, from, out, n, 8);
                                                n += 8;
                                                from += channelStride;
                                            }
                                        } else {
                                            for (int oz = 0; oz < liveOfm; oz++) {
                                                for (int k = 0; k < present; k++) {
                                                    out[n + k] = values[from + k];
                                                }
                                                for (int k = present; k < ifmPerUblock; k++) {
                                                    out[n + k] = 0;
                                                }
                                                n += ifmPerUblock;
                                                from += channelStride;
                                            }
                                        }
                                        int end = n + (ou - liveOfm) * ifmPerUblock;
                                        for (; n < end; n++) {
                                            out[n] = 0;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return n;
    }

    /** Returns the number of IFM micro-blocks an element of an OFM micro-block walks: ⌈innerDepth / iu⌉. */
    private static int innerBlocks(int innerDepth, int iu) {
        return (innerDepth + iu - 1) / iu;
    }

    /** IFM block depth: clipped to the IFM for part-kernel-first, full for depth-first, one micro-block depthwise. */
    private static int clippedIfmBlockDepth(WeightVolume v, StreamShape s, int ifmBlock) {
        return switch (s.traversal()) {
            case DEPTHWISE -> s.ifmUblockDepth();
            case PART_KERNEL_FIRST -> Math.min(s.ifmBlockDepth(), v.ifm - ifmBlock);
            case DEPTH_FIRST -> s.ifmBlockDepth();
        };
    }

    private static int paddedElements(int elements, StreamShape s) {
        return switch (s.traversal()) {
            case PART_KERNEL_FIRST -> roundUp(elements, s.ifmBits() == 16 ? 2 : 4);
            case DEPTHWISE -> roundUp(elements, 4);
            case DEPTH_FIRST -> elements;
        };
    }

    private static int roundUp(int a, int b) {
        return (a + b - 1) / b * b;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
