// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The Pareto front of a sweep: the points no other point dominates in time, energy and hardware size (NPU MACs per
 * cycle, peak on-chip memory bytes), every objective minimized (see {@link PointResult.Metrics#dominates}). Failed points
 * are never on the front. Points equal in all four are all on it, unless one builds less on-chip memory than another,
 * which then dominates it. Quadratic in the number of points, which is fine for the
 * thousands a sweep has (500 points: 250,000 comparisons).
 */
public final class ParetoFront {

    private ParetoFront() {}

    /** Returns, for each row in order, whether it is on the front. */
    public static BitSet of(List<PointResult> rows) {
        List<Integer> ok = new ArrayList<>(rows.size());
        List<PointResult.Metrics> metrics = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).outcome() instanceof PointResult.Metrics m) {
                ok.add(i);
                metrics.add(m);
            }
        }
        BitSet front = new BitSet(rows.size());
        for (int i = 0; i < metrics.size(); i++) {
            PointResult.Metrics a = metrics.get(i);
            boolean dominated = false;
            for (int j = 0; j < metrics.size() && !dominated; j++) {
                dominated = j != i && metrics.get(j).dominates(a);
            }
            if (!dominated) {
                front.set(ok.get(i));
            }
        }
        return front;
    }
}
