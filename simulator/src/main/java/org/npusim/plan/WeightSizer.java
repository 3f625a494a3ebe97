// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.List;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuOperation;

/**
 * Sizes the weight stream of an NPU operation.
 *
 * <p>Contract: the result depends only on the arguments; {@code slices} are OFM-channel ranges {from, to} that
 * cover the output channels in order.
 */
@FunctionalInterface
public interface WeightSizer {

    EncodedWeights size(Subgraph graph, NpuOperation op, BlockConfig blockConfig, NpuVariant variant, List<int[]> slices);

    /**
     * Returns what {@link #size} reads of {@code op}, {@code blockConfig} and {@code variant}, for caches: two
     * requests on one subgraph with equal keys and equal slices have equal sizes. By default all three; a sizer
     * that reads less returns less, so that requests differing only in what it ignores share one size.
     */
    default Object sizeKey(NpuOperation op, BlockConfig blockConfig, NpuVariant variant) {
        return List.of(op, blockConfig, variant);
    }

    /**
     * Returns a sizer with the same sizes for the requests of one simulation run, which may keep what it derives
     * from the model for the run's later requests (and drops it with the run). By default this one.
     */
    default WeightSizer forRun() {
        return this;
    }

    /** Returns whether the sizes come from the Ethos-U weight encoder. */
    default boolean compressed() {
        return false;
    }

    /**
     * Uncompressed sizing, for when the weight encoder is not used: one byte per weight (the int8 weights of the
     * lowered operation), and 10 bytes per OFM channel of scales, each padded to 16 bytes per slice.
     */
    /** Returns the slices of {@code op}'s whole OFM depth as one: {@code [0, depth)}. */
    static List<int[]> wholeDepth(NpuOperation op) {
        return List.<int[]>of(new int[] {0, op.ofm().c()});
    }

    WeightSizer UNCOMPRESSED = (graph, op, bc, variant, slices) -> {
        int cout = op.ofm().c();
        long perChannel = op.weights().isEmpty() ? 0 : graph.tensor(op.weights().get().tensor()).elementCount() / Math.max(1, cout);
        long[] sliceBytes = new long[slices.size()];
        long weights = 0;
        long scales = 0;
        for (int s = 0; s < slices.size(); s++) {
            int channels = slices.get(s)[1] - slices.get(s)[0];
            long w = roundUp16(perChannel * channels);
            long sc = roundUp16(10L * channels);
            sliceBytes[s] = w + sc;
            weights += w;
            scales += sc;
        }
        return new EncodedWeights(perChannel * cout, weights, scales, sliceBytes, false);
    };

    private static long roundUp16(long bytes) {
        return (bytes + 15) / 16 * 16;
    }
}
