// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.Shape4;

/**
 * The slice prediction's claim: a rehearsal of {@link WeightBuffering} with estimated slice sizes asks for the
 * slices the real decision cuts, wherever the buffer limit is not reached. The weights here are deliberately
 * uneven (channel c takes 20 + 7c bytes, so the last channel weighs 45 times the first), so that an estimate
 * spread evenly over the channels is wrong for every slice; the synthetic 1×1 convolution, memories and block are
 * those of {@link WeightBufferingTest}, with 128 output channels.
 */
final class EncodeAheadTest {

    private static final NpuTarget TARGET = WeightBufferingTest.TARGET;
    private static final BlockConfig BLOCK = WeightBufferingTest.BLOCK;
    private static final IntToDoubleFunction TEN_PER_CHANNEL = WeightBufferingTest.TEN_PER_CHANNEL;
    private static final int DEPTH = 128;

    /** Channel c takes 20 + 7c bytes; every request is logged with its slices. */
    private static final class UnevenSizer implements WeightSizer {
        final List<List<int[]>> requests = new ArrayList<>();

        @Override
        public EncodedWeights size(org.npusim.graph.Subgraph g, NpuOperation op, BlockConfig bc, NpuVariant variant,
                List<int[]> slices) {
            requests.add(slices);
            long[] bytes = new long[slices.size()];
            long total = 0;
            for (int i = 0; i < bytes.length; i++) {
                for (int c = slices.get(i)[0]; c < slices.get(i)[1]; c++) {
                    bytes[i] += 20 + 7L * c;
                }
                total += bytes[i];
            }
            return new EncodedWeights(DEPTH * 64L, total, 0, bytes, true);
        }

        /** The requests cut into more than one slice, as {from, to} pairs in order. */
        List<List<Integer>> sliced() {
            List<List<Integer>> out = new ArrayList<>();
            for (List<int[]> r : requests) {
                if (r.size() > 1) {
                    out.add(flat(r));
                }
            }
            return out;
        }
    }

    private static List<Integer> flat(List<int[]> slices) {
        List<Integer> out = new ArrayList<>();
        for (int[] s : slices) {
            out.add(s[0]);
            out.add(s[1]);
        }
        return out;
    }

    private static NpuOperation conv() {
        Shape4 ifm = new Shape4(1, 8, 8, 16);
        return NpuOperation.builder("conv", 0, NpuBlockType.CONVOLUTION).ifm(0, ifm, 8).ofm(1, ifm.withDepth(DEPTH), 8)
                .scaled(true).weights(new NpuOperation.WeightTensor(2, false)).build();
    }

    /**
     * Under the maximum-performance schedule's 4 GiB limit, for previous slacks from none to more than the whole
     * transfer, the rehearsal records exactly the sliced requests of the real decision, in order; the range cuts
     * the depth in several ways (at least three distinct slicings), so the comparison is not of one case.
     */
    @Test
    void prediction_maximumPerformanceLimit_recordsTheSlicesTheDecisionCuts() {
        List<List<Integer>> slicings = new ArrayList<>();
        for (double slack = 0; slack <= 80_000; slack += 250) {
            UnevenSizer real = new UnevenSizer();
            new WeightBuffering(TARGET, real).decide(null, conv(), BLOCK, TEN_PER_CHANNEL, slack, 1L << 32, false);
            EncodeAhead.SlicePrediction prediction = new EncodeAhead.SlicePrediction(new UnevenSizer());
            new WeightBuffering(TARGET, prediction).decide(null, conv(), BLOCK, TEN_PER_CHANNEL, slack, 1L << 32,
                    false);
            List<List<Integer>> predicted = new ArrayList<>();
            for (EncodeAhead.Request r : prediction.requests()) {
                predicted.add(flat(r.slices()));
            }
            assertThat(predicted).as("slack %s", slack).isEqualTo(real.sliced());
            if (!predicted.isEmpty() && !slicings.contains(predicted.get(0))) {
                slicings.add(predicted.get(0));
            }
        }
        assertThat(slicings).hasSizeGreaterThanOrEqualTo(3);
    }

    /** The estimate spreads the full stream's bytes over the slices by channels, rounding each share up. */
    @Test
    void prediction_estimate_fullBytesSharedByChannels() {
        EncodeAhead.SlicePrediction prediction = new EncodeAhead.SlicePrediction(new UnevenSizer());
        EncodedWeights e = prediction.size(null, conv(), BLOCK, NpuVariant.ETHOS_U55_128,
                List.of(new int[] {0, 3}, new int[] {3, 128}));
        // Full stream: 128 × 20 + 7 × (0 + 1 + … + 127) = 2560 + 56,896 = 59,456 bytes.
        assertThat(e.totalBytes()).isEqualTo(59_456);
        // 59,456 × 3/128 = 1393.5 and 59,456 × 125/128 = 58,062.5, each rounded up.
        assertThat(e.sliceBytes()).containsExactly(1394, 58_063);
    }
}
