// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.MemoryTiming;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.Shape4;

/**
 * Vela's propose_weight_buffering on a synthetic 1×1 convolution with 64 output channels whose weights take 100
 * bytes per channel (6400 bytes), stored in flash (1 byte/cycle, 64 cycles latency) and buffered into SRAM
 * (8 bytes/cycle). The whole transfer takes {@code max(6400/1 + 64, 6400/8) = 6464} cycles. The scheduler's
 * estimate is 10 cycles per output channel, the OFM block 16 deep. Expected slices and buffers are worked out by
 * hand from the algorithm in /work notes on Vela's lowering §4.4.
 */
final class WeightBufferingTest {

    private static final MemoryTiming SRAM = new MemoryTiming("sram", 8.0, 32, 32, 32);
    private static final MemoryTiming FLASH = new MemoryTiming("flash", 1.0, 128, 64, 64);
    static final NpuTarget TARGET = new NpuTarget(NpuVariant.ETHOS_U55_128, 500_000_000L, new Channel(1, "flash", FLASH),
            new Channel(0, "sram", SRAM), new Channel(0, "sram", SRAM), 384 * 1024, true, false);
    static final BlockConfig BLOCK = new BlockConfig(Shape4.block(8, 8, 16), Shape4.block(8, 8, 16),
            BlockConfig.Accumulator.ACC32, BlockConfig.Traversal.DEPTH_FIRST);
    static final IntToDoubleFunction TEN_PER_CHANNEL = depth -> 10.0 * depth;

    /** 100 bytes per output channel of each slice. */
    private static final WeightSizer HUNDRED_PER_CHANNEL = (g, op, bc, variant, slices) -> {
        long[] bytes = new long[slices.size()];
        long total = 0;
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = 100L * (slices.get(i)[1] - slices.get(i)[0]);
            total += bytes[i];
        }
        return new EncodedWeights(6400, total, 0, bytes, true);
    };

    private static NpuOperation op(NpuBlockType type) {
        Shape4 ifm = new Shape4(1, 8, 8, 16);
        return NpuOperation.builder("conv", 0, type).ifm(0, ifm, 8).ofm(1, ifm.withDepth(64), 8).scaled(true)
                .weights(new NpuOperation.WeightTensor(2, false)).build();
    }

    private static WeightBuffering.Decision decide(NpuBlockType type, double slackPrevious, long limit, boolean cascaded) {
        return new WeightBuffering(TARGET, HUNDRED_PER_CHANNEL).decide(null, op(type), BLOCK, TEN_PER_CHANNEL, slackPrevious, limit,
                cascaded);
    }

    private static int[] starts(WeightPlan p) {
        return p.slices().stream().mapToInt(s -> s[0]).toArray();
    }

    /** Slack 10,000 covers the 6464-cycle transfer: everything is prebuffered, one slice, one buffer. */
    @Test
    void decide_slackCoversTransfer_oneStandardBuffer() {
        WeightBuffering.Decision d = decide(NpuBlockType.CONVOLUTION, 10_000, 1L << 32, false);
        assertThat(d.plan().buffering()).isEqualTo(WeightPlan.Buffering.SINGLE);
        assertThat(d.plan().slices()).hasSize(1);
        assertThat(d.plan().fullTransferCycles()).isEqualTo(6464.0);
        assertThat(d.slackCycles()).isEqualTo(640.0);
    }

    /**
     * Slack 1616 hides a quarter of the transfer: 1600 bytes, 16 channels prebuffered. The later slices are as deep
     * as the transfer the first slice's 160 cycles hide (64 × 160/6464 = 1.6 channels), rounded up to the block
     * depth: 16. Slices start at 0, 16, 32, 48; two buffers of 1600 bytes fit; the slack is the last slice's 160.
     */
    @Test
    void decide_slackHidesQuarter_sixteenChannelSlicesDoubleBuffered() {
        WeightBuffering.Decision d = decide(NpuBlockType.CONVOLUTION, 1616, 1L << 32, false);
        assertThat(starts(d.plan())).containsExactly(0, 16, 32, 48);
        assertThat(d.plan().buffering()).isEqualTo(WeightPlan.Buffering.DOUBLE);
        assertThat(d.slackCycles()).isEqualTo(160.0);
    }

    /**
     * A 3000-byte limit caps the prebuffer at half of it (1500 bytes, rounded down to 16 channels) and the later
     * slices at 15 channels, rounded to the 16-channel minimum; two 1600-byte buffers (3200) do not fit, so the
     * slices share one buffer.
     */
    @Test
    void decide_limitBelowTwoSlices_slicedStandardBuffer() {
        WeightBuffering.Decision d = decide(NpuBlockType.CONVOLUTION, 10_000, 3000, false);
        assertThat(starts(d.plan())).containsExactly(0, 16, 32, 48);
        assertThat(d.plan().buffering()).isEqualTo(WeightPlan.Buffering.SINGLE);
    }

    /** A 1000-byte limit cannot hold even one 1600-byte slice: the weights are read from flash in place. */
    @Test
    void decide_limitBelowOneSlice_readInPlace() {
        WeightBuffering.Decision d = decide(NpuBlockType.CONVOLUTION, 10_000, 1000, false);
        assertThat(d.plan().buffering()).isEqualTo(WeightPlan.Buffering.DIRECT);
        assertThat(d.plan().slices()).hasSize(1);
        assertThat(d.plan().fullTransferCycles()).isZero();
    }

    /** A cascaded operation keeps its whole stream in one buffer loaded before the cascade: no transfer charged. */
    @Test
    void decide_cascaded_wholeStandardBufferWithoutTransfer() {
        WeightBuffering.Decision d = decide(NpuBlockType.CONVOLUTION, 0, 1L << 32, true);
        assertThat(d.plan().buffering()).isEqualTo(WeightPlan.Buffering.SINGLE);
        assertThat(d.plan().slices()).hasSize(1);
        assertThat(d.plan().fullTransferCycles()).isZero();
        assertThat(d.slackCycles()).isEqualTo(640.0);
    }

    /** Vector products (fully connected layers) always read their weights in place. */
    @Test
    void decide_vectorProduct_readInPlace() {
        WeightBuffering.Decision d = decide(NpuBlockType.VECTOR_PRODUCT, 0, 1L << 32, false);
        assertThat(d.plan().buffering()).isEqualTo(WeightPlan.Buffering.DIRECT);
    }

    /** Vela's depth_slices: [0] + range(first, depth, step) + [depth]. */
    @Test
    void slices_firstAndStep_coverTheDepthInOrder() {
        List<int[]> s = WeightBuffering.slices(100, 16, 32);
        assertThat(s).extracting(r -> r[0] + "-" + r[1]).containsExactly("0-16", "16-48", "48-80", "80-100");
        assertThat(WeightBuffering.slices(8, 16, 16)).extracting(r -> r[0] + "-" + r[1]).containsExactly("0-8");
    }

    /**
     * The fast storage a plan's buffers take, which the planner's cascade peak and the sweep's peak on-chip bytes
     * both read: slices of 10, 1, 1 and 10 bytes need 10 + 10 = 20 bytes in two alternating buffers (slices 0 and 3
     * are in different buffers, so the largest consecutive pair, 11, would be too small); one buffer holds the
     * largest slice, 10; weights read in place take none.
     */
    @Test
    void bufferBytes_evenAndOddSlicesForTwoBuffers_largestSliceForOne() {
        EncodedWeights e = new EncodedWeights(22, 22, 0, new long[] {10, 1, 1, 10}, true);
        List<int[]> slices = List.of(new int[] {0, 10}, new int[] {10, 11}, new int[] {11, 12}, new int[] {12, 22});
        Channel sram = new Channel(0, "sram", SRAM);
        Channel flash = new Channel(1, "flash", FLASH);
        assertThat(new WeightPlan(2, flash, e, WeightPlan.Buffering.DOUBLE, sram, slices, 0).bufferBytes()).isEqualTo(20);
        assertThat(new WeightPlan(2, flash, e, WeightPlan.Buffering.SINGLE, sram, slices, 0).bufferBytes()).isEqualTo(10);
        assertThat(new WeightPlan(2, flash, e, WeightPlan.Buffering.DIRECT, sram, slices, 0).bufferBytes()).isZero();
    }
}
