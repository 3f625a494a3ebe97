// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Arrays;

/**
 * Magnitude pruning of int8 weight matrices, to make layers of a given sparsity from real weights (benchmarks,
 * what-if comparisons) and to measure the sparsity of real weights. Deterministic: ties in magnitude are broken by
 * position.
 */
public final class Pruning {

    private Pruning() {}

    /** Returns the fraction of weights that are zero (0 for no weights). */
    public static double zeroFraction(byte[] w) {
        if (w.length == 0) {
            return 0;
        }
        long zeros = 0;
        for (byte v : w) {
            zeros += v == 0 ? 1 : 0;
        }
        return (double) zeros / w.length;
    }

    /**
     * Returns a copy of {@code w} in which the {@code round(sparsity · n)} weights of smallest magnitude are zero
     * (earlier positions first among equal magnitudes), as the model descriptions' {@code sparsity} key prunes.
     */
    public static byte[] unstructured(byte[] w, double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1]: " + sparsity);
        }
        int zeros = (int) Math.round(sparsity * w.length);
        Integer[] order = new Integer[w.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Math.abs(w[a]) != Math.abs(w[b]) ? Integer.compare(Math.abs(w[a]), Math.abs(w[b]))
                : Integer.compare(a, b));
        byte[] out = w.clone();
        for (int i = 0; i < zeros; i++) {
            out[order[i]] = 0;
        }
        return out;
    }

    /**
     * Returns a copy of the row-major {@code rows x cols} matrix {@code w} pruned to {@code pattern}: in every group
     * of M consecutive weights of a row, the N of largest magnitude are kept (earlier positions first among equal
     * magnitudes) and the others set to zero.
     */
    public static byte[] structured(byte[] w, int rows, int cols, NmPattern pattern) {
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException(w.length + " weights for " + rows + " x " + cols);
        }
        byte[] out = w.clone();
        int m = pattern.m();
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < cols; g += m) {
                int end = Math.min(g + m, cols);
                for (int k = g; k < end; k++) {
                    int larger = 0;
                    int mk = Math.abs(w[r * cols + k]);
                    for (int j = g; j < end; j++) {
                        int mj = Math.abs(w[r * cols + j]);
                        if (mj > mk || (mj == mk && j < k)) {
                            larger++;
                        }
                    }
                    if (larger >= pattern.n()) {
                        out[r * cols + k] = 0;
                    }
                }
            }
        }
        return out;
    }
}
