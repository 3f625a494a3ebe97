// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuOperation;

/**
 * Remembers the sizes another {@link WeightSizer} gave, so that simulating one model on many descriptions encodes
 * each weight stream once. A sweep's points, and a run's what-ifs, mostly differ in clocks, latencies and memories,
 * which leave an operation's block config and depth slices as they are; the Ethos-U encoder's search, which costs
 * far more than the rest of a simulation, then runs once per distinct request: the slices and what the delegate reads
 * of the operation, block config and variant ({@link WeightSizer#sizeKey}; the encoder, for instance, ignores the
 * feature-map shapes a cascade's stripes change and the block's height and width).
 * The {@link WeightSizer} contract (sizes depend only on the arguments) makes the cached size the one the delegate
 * would give. Thread-safe: two threads may size the same stream at once, and both get equal results.
 */
public final class CachedWeightSizer implements WeightSizer {

    private final WeightSizer delegate;
    private final ConcurrentHashMap<Key, EncodedWeights> sizes;

    /** Returns {@code sizer} if it is a cache already, else a cache in front of it. */
    public static CachedWeightSizer of(WeightSizer sizer) {
        return sizer instanceof CachedWeightSizer c ? c : new CachedWeightSizer(sizer);
    }

    /** Creates a cache in front of {@code delegate}. */
    public CachedWeightSizer(WeightSizer delegate) {
        this(delegate, new ConcurrentHashMap<>());
    }

    private CachedWeightSizer(WeightSizer delegate, ConcurrentHashMap<Key, EncodedWeights> sizes) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.sizes = sizes;
    }

    /**
     * A cache for one run that shares this one's sizes and sizes what it misses with the delegate's sizer for the
     * run ({@link WeightSizer#forRun}: the Ethos-U encoder's builds each operation's weights once per run).
     */
    @Override
    public WeightSizer forRun() {
        WeightSizer run = delegate.forRun();
        return run == delegate ? this : new CachedWeightSizer(run, sizes);
    }

    @Override
    public EncodedWeights size(Subgraph graph, NpuOperation op, BlockConfig blockConfig, NpuVariant variant, List<int[]> slices) {
        Key key = new Key(graph, delegate.sizeKey(op, blockConfig, variant), slices);
        EncodedWeights cached = sizes.get(key);
        if (cached != null) {
            return cached;
        }
        EncodedWeights sized = delegate.size(graph, op, blockConfig, variant, slices);
        EncodedWeights raced = sizes.putIfAbsent(key, sized);
        return raced != null ? raced : sized;
    }

    @Override
    public Object sizeKey(NpuOperation op, BlockConfig blockConfig, NpuVariant variant) {
        return delegate.sizeKey(op, blockConfig, variant);
    }

    @Override
    public boolean compressed() {
        return delegate.compressed();
    }

    /** Returns how many distinct weight streams were sized: for tests, and for the planner to tell a fresh run. */
    int distinctStreams() {
        return sizes.size();
    }

    /**
     * A sizing request. The subgraph compares by identity (one model is sized many times; comparing its tensors
     * would cost more than it saves); what the delegate reads of the operation, block config and variant
     * ({@link WeightSizer#sizeKey}) by value; the slices by content.
     */
    private static final class Key {
        private final Subgraph graph;
        private final Object request;
        private final int[] slices;
        private final int hash;

        Key(Subgraph graph, Object request, List<int[]> slices) {
            this.graph = graph;
            this.request = request;
            this.slices = new int[slices.size() * 2];
            for (int i = 0; i < slices.size(); i++) {
                this.slices[2 * i] = slices.get(i)[0];
                this.slices[2 * i + 1] = slices.get(i)[1];
            }
            this.hash = Objects.hash(System.identityHashCode(graph), request, Arrays.hashCode(this.slices));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.graph == graph && k.hash == hash && k.request.equals(request)
                    && Arrays.equals(k.slices, slices);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
