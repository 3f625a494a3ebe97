// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.Arrays;

/**
 * One-dimensional k-means (Lloyd's algorithm) over weight values, deterministic, and the placement of the
 * resulting centroids on the int8 grid with every centroid on its own level.
 *
 * <p>In one dimension the optimal clusters of sorted values are contiguous runs, so a clustering is a list of
 * k - 1 boundaries in the sorted distinct values. Lloyd's two steps become: each centroid is the weighted mean of
 * its run; each boundary moves to the first value at or above the midpoint of the two centroids beside it (the
 * nearest-centroid rule). The runs start at equal-count quantiles (the usual deterministic initialisation in place
 * of random seeding) and iterate until no boundary moves. Each run is kept non-empty, so exactly k distinct
 * centroids come out; this only overrides the nearest-centroid rule when two centroids would otherwise share one
 * run, which random weights do not produce.
 */
final class Clustering {

    /** Lloyd's iterations converge in far fewer steps on weight distributions; this bounds the work. */
    static final int MAX_ITERATIONS = 1000;

    /**
     * The result: centroids in increasing order, and for each input value the index of its centroid.
     *
     * @param centroids k distinct values, increasing
     * @param assignment for each value given to {@link #cluster}, its centroid's index
     */
    record Result(double[] centroids, int[] assignment) {
        Result {
            centroids = centroids.clone();
            assignment = assignment.clone();
        }

        @Override
        public double[] centroids() {
            return centroids.clone();
        }

        @Override
        public int[] assignment() {
            return assignment.clone();
        }

        /** Returns the centroid index of value {@code i}. */
        int clusterOf(int i) {
            return assignment[i];
        }

        /** Returns centroid {@code j}. */
        double centroid(int j) {
            return centroids[j];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && Arrays.equals(centroids, r.centroids) && Arrays.equals(assignment, r.assignment);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(centroids) + Arrays.hashCode(assignment);
        }

        @Override
        public String toString() {
            return "Clustering " + Arrays.toString(centroids);
        }
    }

    private Clustering() {}

    /**
     * Clusters {@code values} into {@code k} groups.
     *
     * @throws IllegalArgumentException when there are fewer than k distinct values
     */
    static Result cluster(double[] values, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1 (got " + k + ")");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        // Distinct values with their multiplicities, and prefix sums of counts and of count·value.
        double[] unique = new double[sorted.length];
        long[] counts = new long[sorted.length];
        int m = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (m > 0 && sorted[i] == unique[m - 1]) {
                counts[m - 1]++;
            } else {
                unique[m] = sorted[i];
                counts[m] = 1;
                m++;
            }
        }
        if (m < k) {
            throw new IllegalArgumentException(k + " clusters need " + k + " distinct values, found " + m);
        }
        long[] countPrefix = new long[m + 1];
        double[] sumPrefix = new double[m + 1];
        for (int i = 0; i < m; i++) {
            countPrefix[i + 1] = countPrefix[i] + counts[i];
            sumPrefix[i + 1] = sumPrefix[i] + counts[i] * unique[i];
        }

        // Run j covers unique[bounds[j] .. bounds[j+1]).
        int[] bounds = new int[k + 1];
        bounds[k] = m;
        long n = sorted.length;
        for (int j = 1; j < k; j++) {
            long target = (n * j + k - 1) / k;
            int at = Arrays.binarySearch(countPrefix, 0, m + 1, target);
            bounds[j] = at >= 0 ? at : -at - 1;
        }
        keepNonEmpty(bounds, m);
        double[] centroids = new double[k];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            means(bounds, countPrefix, sumPrefix, centroids);
            boolean moved = false;
            int[] next = bounds.clone();
            for (int j = 1; j < k; j++) {
                double mid = 0.5 * (centroids[j - 1] + centroids[j]);
                next[j] = firstAtOrAbove(unique, m, mid);
            }
            keepNonEmpty(next, m);
            for (int j = 1; j < k; j++) {
                moved |= next[j] != bounds[j];
            }
            bounds = next;
            if (!moved) {
                break;
            }
        }
        means(bounds, countPrefix, sumPrefix, centroids);

        int[] assignment = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            int u = Arrays.binarySearch(unique, 0, m, values[i]);
            int run = Arrays.binarySearch(bounds, 0, k + 1, u);
            // bounds holds the first index of each run: an exact hit starts run `run`, else the run before.
            assignment[i] = run >= 0 ? Math.min(run, k - 1) : -run - 2;
        }
        return new Result(centroids, assignment);
    }

    private static void means(int[] bounds, long[] countPrefix, double[] sumPrefix, double[] centroids) {
        for (int j = 0; j < centroids.length; j++) {
            long c = countPrefix[bounds[j + 1]] - countPrefix[bounds[j]];
            centroids[j] = (sumPrefix[bounds[j + 1]] - sumPrefix[bounds[j]]) / c;
        }
    }

    private static int firstAtOrAbove(double[] unique, int m, double x) {
        int lo = 0;
        int hi = m;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (unique[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Moves boundaries so that every run holds at least one distinct value (bounds[0] = 0, bounds[k] = m). */
    private static void keepNonEmpty(int[] bounds, int m) {
        int k = bounds.length - 1;
        bounds[0] = 0;
        bounds[k] = m;
        for (int j = 1; j < k; j++) {
            bounds[j] = Math.max(bounds[j], bounds[j - 1] + 1);
        }
        for (int j = k - 1; j >= 1; j--) {
            bounds[j] = Math.min(bounds[j], bounds[j + 1] - 1);
        }
    }

    /**
     * Returns the int8 level of each centroid (increasing, as the centroids are) for quantization scale
     * {@code scale}: round(c / scale), but never 0 (zero is reserved for pruned weights, so that sparsity stays
     * exact) and never shared by two centroids (so that the number of distinct values stays exact). Negative
     * centroids take levels in [-127, -1], the others in [1, 127]; collisions are resolved by moving levels apart
     * the least, first upwards then back down from the top. Each side holds at most 127 centroids, which
     * {@link WeightSpec#MAX_CLUSTERS} guarantees.
     */
    static int[] int8Levels(double[] centroids, double scale) {
        int k = centroids.length;
        int[] levels = new int[k];
        int negatives = 0;
        while (negatives < k && centroids[negatives] < 0) {
            negatives++;
        }
        for (int j = 0; j < k; j++) {
            long q = WeightGenerator.roundHalfAway(centroids[j] / scale);
            levels[j] = j < negatives ? (int) Math.max(-127, Math.min(-1, q)) : (int) Math.max(1, Math.min(127, q));
        }
        spread(levels, 0, negatives, -127, -1);
        spread(levels, negatives, k, 1, 127);
        return levels;
    }

    /** Makes levels[from..to) strictly increasing inside [min, max], moving each as little as the order allows. */
    private static void spread(int[] levels, int from, int to, int min, int max) {
        if (to - from > max - min + 1) {
            throw new IllegalArgumentException((to - from) + " centroids do not fit " + (max - min + 1) + " levels");
        }
        for (int j = from + 1; j < to; j++) {
            levels[j] = Math.max(levels[j], levels[j - 1] + 1);
        }
        int ceiling = max;
        for (int j = to - 1; j >= from; j--) {
            levels[j] = Math.min(levels[j], ceiling);
            ceiling = levels[j] - 1;
        }
    }
}
