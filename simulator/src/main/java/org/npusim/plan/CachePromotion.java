// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which feature maps stay in a dedicated-sram cache, as Vela 3.10's scheduler decides after scheduling
 * ({@code scheduler.py: use_fast_storage_for_feature_maps} and {@code FastStorageComponentAllocator};
 * ethos-u-facts.md §4, step 5). Every candidate is first put in the cache. If the use over time then stays within
 * the limit, all stay. Otherwise, against the use without any candidate (the weight buffers):
 *
 * <ol>
 *   <li>a candidate that cannot fit even alone beside that use is evicted (in the order of its live range's
 *       creation);
 *   <li>one that fits even beside all remaining candidates is kept;
 *   <li>the others compete: sorted by (start, end + 1, size), with those whose range outlives by more than 20 steps
 *       the one 20 places later dropped when there are more than 20, they are cut into components of overlapping
 *       ranges of at most 20, and for each component an exhaustive search keeps the set that fits and has the most
 *       element accesses (IFM reads plus OFM writes; the first such set found wins a tie).
 * </ol>
 */
final class CachePromotion {

    /** Vela's {@code MAX_EXHAUSTIVE_ITEMS}: most live ranges one exhaustive search takes. */
    static final int MAX_ITEMS = 20;
    /** Vela's {@code MAX_EXHAUSTIVE_LIFE_RANGE}: how many steps longer than its neighbours a range may live. */
    static final int MAX_LIFE_RANGE = 20;

    /**
     * A candidate for the cache: a live range of {@code bytes} over time steps {@code [start, end]}, whose feature
     * maps are accessed {@code accessElements} times.
     */
    record Candidate(long bytes, int start, int end, long accessElements) {}

    private final long limitBytes;
    /** Use at every time step with the kept candidates only. */
    private final long[] base;
    /** Use at every time step with every candidate not evicted. */
    private final long[] max;
    private final boolean[] evicted;

    private CachePromotion(long[] baseBytes, List<Candidate> candidates, long limitBytes) {
        this.limitBytes = limitBytes;
        this.base = baseBytes.clone();
        this.max = baseBytes.clone();
        this.evicted = new boolean[candidates.size()];
        for (Candidate c : candidates) {
            add(max, c, c.bytes());
        }
    }

    /**
     * Returns, per candidate, whether it is evicted from a cache of {@code limitBytes}, given the use at every time
     * step without any candidate ({@code baseBytes}).
     */
    static boolean[] evicted(long[] baseBytes, List<Candidate> candidates, long limitBytes) {
        CachePromotion p = new CachePromotion(baseBytes, candidates, limitBytes);
        p.decide(candidates);
        return p.evicted;
    }

    private void decide(List<Candidate> candidates) {
        if (peak(max, 0, max.length - 1) <= limitBytes) {
            return;
        }
        List<Integer> remaining = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            if (peak(base, c.start(), c.end()) + c.bytes() > limitBytes) {
                evict(i, c);
            } else {
                remaining.add(i);
            }
        }
        List<Integer> competing = new ArrayList<>();
        for (int i : remaining) {
            Candidate c = candidates.get(i);
            if (peak(max, c.start(), c.end()) <= limitBytes) {
                add(base, c, c.bytes());
            } else {
                competing.add(i);
            }
        }
        if (competing.isEmpty()) {
            return;
        }
        competing.sort(Comparator.<Integer>comparingInt(i -> candidates.get(i).start())
                .thenComparingInt(i -> candidates.get(i).end() + 1).thenComparingLong(i -> candidates.get(i).bytes()));
        if (competing.size() > MAX_ITEMS) {
            // Vela compares with the range MAX_ITEMS places later in the sorted list as it was, bounded by the
            // length of the list as ranges leave it.
            List<Integer> sorted = List.copyOf(competing);
            for (int k = 0; k < sorted.size(); k++) {
                Candidate c = candidates.get(sorted.get(k));
                if (c.end() - c.start() >= MAX_LIFE_RANGE) {
                    int compared = Math.min(k + MAX_ITEMS, competing.size() - 1);
                    if (c.end() > candidates.get(sorted.get(compared)).end() + MAX_LIFE_RANGE) {
                        evict(sorted.get(k), c);
                        competing.remove(sorted.get(k));
                    }
                }
            }
        }
        int start = 0;
        int endTime = candidates.get(competing.get(0)).end();
        for (int k = 0; k < competing.size(); k++) {
            Candidate c = candidates.get(competing.get(k));
            if (c.start() <= endTime && k - start < MAX_ITEMS) {
                endTime = Math.max(endTime, c.end());
            } else {
                component(candidates, competing.subList(start, k));
                start = k;
                endTime = c.end();
            }
        }
        component(candidates, competing.subList(start, competing.size()));
    }

    // ---- One component's exhaustive search (FastStorageComponentAllocator.allocate_component) ----

    private List<Candidate> items;
    private boolean[] current;
    private boolean[] best;
    private long bestScore;

    private void component(List<Candidate> candidates, List<Integer> indices) {
        items = new ArrayList<>();
        for (int i : indices) {
            items.add(candidates.get(i));
        }
        current = new boolean[items.size()];
        // Vela starts from "nothing evicted" and a score below any, so that some set always replaces it.
        best = new boolean[items.size()];
        bestScore = -1;
        search(0, 0);
        for (int k = 0; k < items.size(); k++) {
            Candidate c = items.get(k);
            if (best[k]) {
                evict(indices.get(k), c);
            } else {
                add(base, c, c.bytes());
            }
        }
    }

    private void search(int k, long score) {
        if (k == items.size()) {
            if (score > bestScore) {
                bestScore = score;
                best = current.clone();
            }
            return;
        }
        Candidate c = items.get(k);
        if (peak(base, c.start(), c.end()) + c.bytes() <= limitBytes) {
            current[k] = false;
            add(base, c, c.bytes());
            search(k + 1, score + c.accessElements());
            add(base, c, -c.bytes());
        }
        // A range that fits even beside every other not evicted need not be tried out.
        if (peak(max, c.start(), c.end()) > limitBytes) {
            current[k] = true;
            add(max, c, -c.bytes());
            search(k + 1, score);
            add(max, c, c.bytes());
        }
    }

    private void evict(int i, Candidate c) {
        evicted[i] = true;
        add(max, c, -c.bytes());
    }

    private static void add(long[] use, Candidate c, long bytes) {
        for (int t = c.start(); t <= c.end(); t++) {
            use[t] += bytes;
        }
    }

    private static long peak(long[] use, int from, int to) {
        long peak = Long.MIN_VALUE;
        for (int t = from; t <= to; t++) {
            peak = Math.max(peak, use[t]);
        }
        return peak;
    }
}
