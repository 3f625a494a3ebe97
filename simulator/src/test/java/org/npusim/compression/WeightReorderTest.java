// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Does the stream walk the weights in the order of ethos-u-facts.md §5.3, with the padding of §5.2? */
class WeightReorderTest {

    /** Weight value 1 + (o·100 + y·30 + x·10 + i) mod 120, so every position is recognisable and non-zero. */
    private static WeightVolume numbered(int o, int h, int w, int i) {
        short[] v = new short[o * h * w * i];
        for (int a = 0; a < o; a++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < i; c++) {
                        v[((a * h + y) * w + x) * i + c] = (short) (1 + (a * 100 + y * 30 + x * 10 + c) % 120);
                    }
                }
            }
        }
        return new WeightVolume(v, o, h, w, i);
    }

    private static short[] reorder(WeightVolume v, int start, int step, int depth, StreamShape s) {
        short[] out = new short[(int) WeightReorder.length(v, depth, s)];
        int n = WeightReorder.reorder(v, start, step, depth, s, out);
        assertThat(n).isEqualTo(out.length);
        return out;
    }

    @Test
    void depthFirst_oneByOne_padsIfmToThirtyTwoAndOfmToTheMicroBlock() {
        // 2 OFM × 3 IFM channels, 1×1 kernel, micro-blocks 8/8: one 32-deep IFM block = 4 IFM micro-blocks,
        // each holding 8 OFM × 8 IFM values: 256 values; weight (o, i) sits at o·8 + i of the first micro-block.
        WeightVolume v = numbered(2, 1, 1, 3);
        short[] s = reorder(v, 0, 1, 2, new StreamShape(8, 8, 16, WeightTraversal.DEPTH_FIRST, 8, 8, 8));
        assertThat(s).hasSize(256);
        int nonZero = 0;
        for (int k = 0; k < s.length; k++) {
            int o = (k / 8) % 8;
            int i = k % 8;
            boolean real = k < 64 && o < 2 && i < 3;
            assertThat(s[k]).as("position %d", k).isEqualTo(real ? v.get(o, 0, 0, i) : (short) 0);
            nonZero += real ? 1 : 0;
        }
        assertThat(nonZero).isEqualTo(6);
    }

    @Test
    void partKernel_threeByThree_padsElementsToAMultipleOfFour() {
        // 1 OFM, 1 IFM channel, 3×3: 9 elements padded to 12, each 8 OFM × 8 IFM values: 768 values; element
        // e = ky·3 + kx sits at e·64.
        WeightVolume v = numbered(1, 3, 3, 1);
        short[] s = reorder(v, 0, 1, 1, new StreamShape(8, 8, 16, WeightTraversal.PART_KERNEL_FIRST, 8, 8, 8));
        assertThat(s).hasSize(12 * 64);
        for (int e = 0; e < 12; e++) {
            short expected = e < 9 ? v.get(0, e / 3, e % 3, 0) : 0;
            assertThat(s[e * 64]).as("element %d", e).isEqualTo(expected);
        }
        assertThat(java.util.Arrays.stream(toInts(s)).filter(x -> x != 0).count()).isEqualTo(9);
    }

    @Test
    void depthwise_walksElementsThenChannels() {
        // 3 channels, 3×3: elements padded to 12, each one OFM micro-block of 8 channels: 96 values; channel c of
        // element e sits at e·8 + c.
        WeightVolume v = numbered(3, 3, 3, 1);
        short[] s = reorder(v, 0, 1, 3, new StreamShape(8, 8, 16, WeightTraversal.DEPTHWISE, 8, 8, 8));
        assertThat(s).hasSize(96);
        for (int e = 0; e < 9; e++) {
            for (int c = 0; c < 3; c++) {
                assertThat(s[e * 8 + c]).isEqualTo(v.get(c, e / 3, e % 3, 0));
            }
        }
    }

    @Test
    void secondCore_takesEveryOtherChannel() {
        // U65-512 core 1 of a 4-channel slice: channels 1 and 3, as channels 0 and 1 of its stream.
        WeightVolume v = numbered(4, 1, 1, 2);
        short[] s = reorder(v, 1, 2, 2, new StreamShape(8, 8, 8, WeightTraversal.DEPTH_FIRST, 8, 8, 8));
        assertThat(s[0]).isEqualTo(v.get(1, 0, 0, 0));
        assertThat(s[8]).isEqualTo(v.get(3, 0, 0, 0));
        assertThat(s[9]).isEqualTo(v.get(3, 0, 0, 1));
    }

    @Test
    void sixteenBitIfm_usesSixteenDeepIfmBlocks() {
        // 20 IFM channels: two 16-deep blocks for 16-bit IFMs (2 × 2 micro-blocks), one 32-deep block for 8-bit.
        WeightVolume v = numbered(1, 1, 1, 20);
        assertThat(WeightReorder.length(v, 1, new StreamShape(8, 8, 8, WeightTraversal.DEPTH_FIRST, 16, 8, 8)))
                .isEqualTo(2 * 2 * 64);
        assertThat(WeightReorder.length(v, 1, new StreamShape(8, 8, 8, WeightTraversal.DEPTH_FIRST, 8, 8, 8)))
                .isEqualTo(4 * 64);
    }

    @Test
    void largeKernel_isSplitIntoEightByEightSubKernels() {
        // 1×10 depthwise kernel: sub-kernels of 8 and 2 columns, each padded to a multiple of 4 elements: 8 + 4.
        WeightVolume v = numbered(1, 1, 10, 1);
        short[] s = reorder(v, 0, 1, 1, new StreamShape(8, 8, 8, WeightTraversal.DEPTHWISE, 8, 8, 8));
        assertThat(s).hasSize((8 + 4) * 8);
        assertThat(s[8 * 8]).isEqualTo(v.get(0, 0, 8, 0));
    }

    private static int[] toInts(short[] s) {
        int[] r = new int[s.length];
        for (int k = 0; k < s.length; k++) {
            r[k] = s[k];
        }
        return r;
    }

    /**
     * The order of the class comment, position by position, with no work hoisted out of the loops: what
     * {@link WeightReorder#reorder} must write.
     */
    private static short[] plainReorder(WeightVolume v, int start, int step, int depth, StreamShape s) {
        boolean depthwise = s.traversal() == WeightTraversal.DEPTHWISE;
        boolean partKernel = s.traversal() == WeightTraversal.PART_KERNEL_FIRST;
        int iu = s.ifmUblockDepth();
        int ou = s.ofmUblockDepth();
        int perUblock = depthwise ? 1 : iu;
        short[] out = new short[(int) WeightReorder.length(v, depth, s)];
        int n = 0;
        for (int ofmBlock = 0; ofmBlock < depth; ofmBlock += s.ofmBlockDepth()) {
            int ofmClipped = Math.min(s.ofmBlockDepth(), depth - ofmBlock);
            for (int ifmBlock = 0; ifmBlock < (depthwise ? 1 : v.ifm); ifmBlock += s.ifmBlockDepth()) {
                int ifmClipped = depthwise ? iu : partKernel ? Math.min(s.ifmBlockDepth(), v.ifm - ifmBlock)
                        : s.ifmBlockDepth();
                for (int sy = 0; sy < v.height; sy += s.subKernelH()) {
                    int subH = Math.min(v.height - sy, s.subKernelH());
                    for (int sx = 0; sx < v.width; sx += s.subKernelW()) {
                        int subW = Math.min(v.width - sx, s.subKernelW());
                        int multiple = partKernel ? (s.ifmBits() == 16 ? 2 : 4) : depthwise ? 4 : 1;
                        int elements = (subH * subW + multiple - 1) / multiple * multiple;
                        for (int outer = 0; outer < (partKernel ? ifmClipped : 1); outer += iu) {
                            for (int ofmUblock = 0; ofmUblock < ofmClipped; ofmUblock += ou) {
                                for (int e = 0; e < elements; e++) {
                                    for (int inner = 0; inner < (partKernel ? 1 : ifmClipped); inner += iu) {
                                        for (int oz = 0; oz < ou; oz++) {
                                            for (int c = 0; c < perUblock; c++) {
                                                int ofm = ofmBlock + ofmUblock + oz;
                                                int ifm = ifmBlock + inner + outer + c;
                                                int y = sy + e / subW;
                                                int x = sx + e % subW;
                                                boolean real = e / subW < subH && ofm < depth && ifm < v.ifm;
                                                out[n++] = real ? v.get(start + ofm * step, y, x, ifm) : 0;
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(n).isEqualTo(out.length);
        return out;
    }

    @Property(tries = 300)
    void reorder_randomShapes_matchesThePlainOrder(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        WeightTraversal traversal = WeightTraversal.values()[random.nextInt(WeightTraversal.values().length)];
        boolean depthwise = traversal == WeightTraversal.DEPTHWISE;
        int ofm = 1 + random.nextInt(40);
        int h = 1 + random.nextInt(11);
        int w = 1 + random.nextInt(11);
        int ifm = depthwise ? 1 : 1 + random.nextInt(70);
        short[] values = new short[ofm * h * w * ifm];
        for (int k = 0; k < values.length; k++) {
            values[k] = (short) (random.nextInt(511) - 255);
        }
        WeightVolume v = new WeightVolume(values, ofm, h, w, ifm);
        int step = 1 + random.nextInt(2);
        int start = random.nextInt(step);
        int depth = (ofm - start + step - 1) / step;
        int[] ublocks = {2, 4, 8};
        int dilationY = 1 + random.nextInt(2);
        int dilationX = 1 + random.nextInt(2);
        StreamShape shape = new StreamShape(ublocks[random.nextInt(3)], ublocks[random.nextInt(3)],
                1 + random.nextInt(48), traversal, random.nextBoolean() ? 8 : 16, 8 / dilationY, 8 / dilationX);
        short[] expected = plainReorder(v, start, step, depth, shape);
        // The stream goes into scratch that holds older values: every position must be written.
        short[] out = new short[expected.length + 5];
        Arrays.fill(out, (short) 77);
        int n = WeightReorder.reorder(v, start, step, depth, shape, out);
        assertThat(n).isEqualTo(expected.length);
        assertThat(Arrays.copyOf(out, n)).isEqualTo(expected);
    }
}
