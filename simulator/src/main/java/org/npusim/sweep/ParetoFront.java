// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The Pareto front of a sweep: the points no other point dominates in time, energy and hardware size (NPU MACs per
 * cycle, peak on-chip memory bytes), every objective minimized (see {@link PointResult.Metrics#dominates}). Failed points
 * are never on the front. Points equal in all four are all on it, unless one builds less on-chip memory than another,
 * which then dominates it.
 *
 * <p>The points are taken in lexicographic order of (time, energy, MACs per cycle, peak on-chip bytes, built on-chip
 * bytes): a point's dominators come before it, and a point dominated by an earlier one is dominated by a point of the
 * front found so far too (dominance is transitive), so each point is compared with the front's distinct points only.
 * That is O(n·f) for f distinct points on the front, instead of O(n²): a sweep of 90,000 points, or one with an axis
 * that changes nothing (thousands of equal points), is marked in moments.
 */
public final class ParetoFront {

    private ParetoFront() {}

    private static final Comparator<PointResult.Metrics> ORDER = Comparator
            .comparingDouble(PointResult.Metrics::seconds)
            .thenComparingDouble(PointResult.Metrics::energyJoules)
            .thenComparingLong(PointResult.Metrics::npuMacsPerCycle)
            .thenComparingLong(PointResult.Metrics::sramPeakBytes)
            .thenComparingLong(PointResult.Metrics::onChipBytes);

    /** Returns, for each row in order, whether it is on the front. */
    public static BitSet of(List<PointResult> rows) {
        List<Integer> ok = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).outcome() instanceof PointResult.Metrics) {
                ok.add(i);
            }
        }
        ok.sort(Comparator.comparing((Integer i) -> (PointResult.Metrics) rows.get(i).outcome(), ORDER)
                .thenComparingInt(i -> i));
        BitSet front = new BitSet(rows.size());
        List<PointResult.Metrics> distinct = new ArrayList<>();
        for (int i : ok) {
            PointResult.Metrics m = (PointResult.Metrics) rows.get(i).outcome();
            boolean dominated = false;
            for (int k = 0; k < distinct.size() && !dominated; k++) {
                dominated = distinct.get(k).dominates(m);
            }
            if (!dominated) {
                front.set(i);
                if (distinct.isEmpty() || ORDER.compare(distinct.get(distinct.size() - 1), m) != 0) {
                    distinct.add(m);
                }
            }
        }
        return front;
    }
}
