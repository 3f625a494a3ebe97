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
 * Sizes the full-depth weight stream of every weighted NPU operation on all cores before the planner schedules
 * them, into the run's cache: the Ethos-U encoder's search is most of a fresh simulation's time, and each
 * operation's encoding is independent. The planner then finds these in the cache; slices it cuts later are encoded
 * as it goes.
 *
 * <p>The block configs are the planner's own, chosen once per operation, so that what is sized ahead is exactly
 * what the planner asks for (a search of its own here would run each operation's block-config search twice, a
 * tenth of a run whose weights are cached already).
 *
 * <p>Operations are taken largest first by as many workers as the common pool runs at once (one when the JVM has
 * one processor: {@link WeightEncoder#sizesInParallel}), each taking the next one left: one large layer (MobileNet
 * v2's classifier holds a third of its weights) then starts at once instead of last, and the small ones fill in
 * beside it. Which worker encodes what does not change any size.
 */
final class EncodeAhead {

    private EncodeAhead() {}

    /** An NPU operation with weights, and its block config. */
    record Weighted(NpuOperation op, BlockConfig block) {}

    static void sizeAll(Subgraph g, WeightSizer sizer, NpuVariant variant, List<Weighted> operations) {
        List<Weighted> largestFirst = new ArrayList<>(operations);
        largestFirst.sort(Comparator.comparingLong(
                (Weighted w) -> g.tensor(w.op().weights().get().tensor()).elementCount()).reversed());
        AtomicInteger next = new AtomicInteger();
        int workers = !WeightEncoder.sizesInParallel() ? 1
                : Math.min(largestFirst.size(), ForkJoinPool.getCommonPoolParallelism() + 1);
        IntStream.range(0, workers).parallel().forEach(worker -> {
            for (int i = next.getAndIncrement(); i < largestFirst.size(); i = next.getAndIncrement()) {
                Weighted w = largestFirst.get(i);
                sizer.size(g, w.op(), w.block(), variant, List.<int[]>of(new int[] {0, w.op().ofm().c()}));
            }
        });
    }
}
