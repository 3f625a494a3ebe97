// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.npusim.graph.Model;

/**
 * Plans shared by the simulations that need the same one: a sweep's points mostly differ in what the planner does
 * not read (CPU clock, energy, the simulation's switches) or in it only for some keys, so that many points run one
 * plan. A plan is a pure function of the model, the {@link NpuTarget} (a value: variant, clock, and the channels,
 * with their timing, that weights, arena and cache use) and the weight sizes, which the cache's one
 * {@link WeightSizer} gives; points with equal targets therefore get the plan each would have made. The model is
 * compared by identity (it is immutable, and a sweep holds one). Thread-safe.
 */
public final class PlanCache {

    /**
     * The most plans kept, the least recently used going first. A sweep whose varied keys all enter the target
     * (variant, NPU clock, memory timings) needs a plan per point and gains nothing from keeping them, while each
     * costs memory: MobileNet v2's plan (66 steps) holds about 40 KB, so 256 of them 10 MB. The product varies its
     * last axis fastest, so an off-target key (CPU clock, energy) varied last reuses a plan at once, and one
     * varied first reuses it while the on-target keys after it span at most 256 targets.
     */
    static final int CAPACITY = 256;

    private final WeightSizer sizer;
    private final Map<Key, ExecutionPlan> plans = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, ExecutionPlan> eldest) {
            return size() > CAPACITY;
        }
    };
    private final AtomicInteger made = new AtomicInteger();

    /** Creates an empty cache of plans whose weight streams {@code sizer} sizes. */
    public PlanCache(WeightSizer sizer) {
        this.sizer = Objects.requireNonNull(sizer, "sizer");
    }

    /** Returns the sizer this cache's plans are made with. */
    public WeightSizer sizer() {
        return sizer;
    }

    /**
     * Returns the plan of {@code model} on {@code target}, made by {@code make} unless a kept one is equal. Two
     * threads may make the same plan at once; both are equal and the first kept is returned.
     */
    public ExecutionPlan plan(Model model, NpuTarget target, Supplier<ExecutionPlan> make) {
        Key key = new Key(model, target);
        synchronized (plans) {
            ExecutionPlan kept = plans.get(key);
            if (kept != null) {
                return kept;
            }
        }
        ExecutionPlan plan = make.get();
        made.incrementAndGet();
        synchronized (plans) {
            ExecutionPlan raced = plans.putIfAbsent(key, plan);
            return raced != null ? raced : plan;
        }
    }

    /** Returns how many plans were made (the requests no kept plan answered). */
    public int made() {
        return made.get();
    }

    /** A model by identity and a target by value. */
    private record Key(Model model, NpuTarget target) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.model == model && k.target.equals(target);
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(model) + target.hashCode();
        }
    }
}
