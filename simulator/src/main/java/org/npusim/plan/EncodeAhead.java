// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.npusim.compression.WeightEncoder;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuOperation;

/**
 * Sizes weight streams on all cores before the planner asks for them one by one, into the run's cache: the
 * Ethos-U encoder's search is most of a fresh simulation's time, and each request's encoding is independent.
 * The planner sizes every weighted operation's full-depth stream ahead, then, before each buffering pass, the
 * depth slices that pass will cut ({@link SlicePrediction}); the pass then finds them in the cache.
 *
 * <p>The block configs are the planner's own, chosen once per operation, so that what is sized ahead is exactly
 * what the planner asks for (a search of its own here would run each operation's block-config search twice, a
 * tenth of a run whose weights are cached already).
 *
 * <p>Requests are taken largest first by as many workers as the common pool runs at once (one when the JVM has
 * one processor: {@link WeightEncoder#sizesInParallel}), each taking the next one left: one large layer (MobileNet
 * v2's classifier holds a third of its weights) then starts at once instead of last, and the small ones fill in
 * beside it. Which worker encodes what does not change any size.
 */
final class EncodeAhead {

    private EncodeAhead() {}

    /** A sizing request: an NPU operation with weights, its block config, and the OFM depth slices to size. */
    record Request(NpuOperation op, BlockConfig block, List<int[]> slices) {

        /** The request for the operation's whole OFM depth as one slice. */
        static Request fullDepth(NpuOperation op, BlockConfig block) {
            return new Request(op, block, WeightSizer.wholeDepth(op));
        }
    }

    static void sizeAll(Subgraph g, WeightSizer sizer, NpuVariant variant, List<Request> requests) {
        List<Request> largestFirst = new ArrayList<>(requests);
        largestFirst.sort(Comparator.comparingLong(
                (Request r) -> g.tensor(r.op().weights().get().tensor()).elementCount()).reversed());
        AtomicInteger next = new AtomicInteger();
        int workers = !WeightEncoder.sizesInParallel() ? 1
                : Math.min(largestFirst.size(), ForkJoinPool.getCommonPoolParallelism() + 1);
        IntStream.range(0, workers).parallel().forEach(worker -> {
            for (int i = next.getAndIncrement(); i < largestFirst.size(); i = next.getAndIncrement()) {
                Request r = largestFirst.get(i);
                sizer.size(g, r.op(), r.block(), variant, r.slices());
            }
        });
    }

    /**
     * Stands in for the run's sizer in a rehearsal of a buffering pass, to learn which depth slices the pass will
     * ask for: full-depth requests are sized by the run's sizer (ahead, so they are cached), sliced ones are
     * recorded and answered with an estimate, each slice's share of the full stream by its channels.
     *
     * <p>Why a rehearsal finds the slices: {@link WeightBuffering} cuts an operation's depth from its full-depth
     * size, the scheduler's cycle estimates and the previous operation's slack, which is an estimate of cycles too.
     * Slice sizes enter only where a buffer would pass the limit (halving the slices, or reading in place), and in
     * Vela's maximum-performance schedule, which the planner proposes first, the limit is 4 GiB. There the rehearsal
     * asks for exactly what the pass will; under a tighter limit an estimate may choose other slices, which the pass
     * then sizes itself: a prediction changes what is sized ahead, never a size.
     */
    static final class SlicePrediction implements WeightSizer {

        private final WeightSizer sizer;
        private final List<Request> requests = new ArrayList<>();

        SlicePrediction(WeightSizer sizer) {
            this.sizer = sizer;
        }

        /** Returns the sliced requests recorded so far, in the order they came. */
        List<Request> requests() {
            return requests;
        }

        @Override
        public EncodedWeights size(Subgraph graph, NpuOperation op, BlockConfig blockConfig, NpuVariant variant,
                List<int[]> slices) {
            int depth = op.ofm().c();
            EncodedWeights full = sizer.size(graph, op, blockConfig, variant, WeightSizer.wholeDepth(op));
            if (slices.size() == 1) {
                return full;
            }
            requests.add(new Request(op, blockConfig, slices));
            long[] sliceBytes = new long[slices.size()];
            for (int s = 0; s < sliceBytes.length; s++) {
                sliceBytes[s] = share(full.totalBytes(), slices.get(s), depth);
            }
            return new EncodedWeights(full.originalElements(), full.weightBytes(), full.scaleBytes(), sliceBytes,
                    full.compressed());
        }

        /** Returns the bytes of {@code slice} if a stream's bytes were spread evenly over its channels, rounded up. */
        private static long share(long bytes, int[] slice, int depth) {
            return (bytes * (slice[1] - slice[0]) + depth - 1) / depth;
        }
    }
}
