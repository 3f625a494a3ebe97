// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

/**
 * N:M structured sparse weights: every row is cut into groups of M positions (the last one padded), and each
 * group stores exactly N values with their in-group indices; a group with fewer than N nonzeros stores zeros in
 * the spare slots. Format: {@code rows · G · N} int8 values and {@code rows · G · N} indices of log2(M) bits,
 * packed per row and rounded up to a byte, where G = ceil(cols / M).
 */
public final class NmMatrix implements WeightMatrix {

    private final int rows;
    private final int cols;
    private final NmPattern pattern;
    private final int groups;
    private final byte[] values;
    private final byte[] index;

    NmMatrix(byte[] w, int rows, int cols, NmPattern pattern) {
        this.rows = rows;
        this.cols = cols;
        this.pattern = pattern;
        this.groups = pattern.groups(cols);
        int n = pattern.n();
        int m = pattern.m();
        values = new byte[rows * groups * n];
        index = new byte[rows * groups * n];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                int slot = (r * groups + g) * n;
                int used = 0;
                for (int i = 0; i < m && g * m + i < cols; i++) {
                    byte v = w[r * cols + g * m + i];
                    if (v != 0) {
                        if (used == n) {
                            throw new IllegalArgumentException("weights do not follow " + pattern + ": row " + r
                                    + ", group " + g + " has more than " + n + " nonzeros");
                        }
                        values[slot + used] = v;
                        index[slot + used] = (byte) i;
                        used++;
                    }
                }
            }
        }
    }

    /** Returns the size of the format: N values and N indices of log2(M) bits per group. */
    static long sizeBytes(NmPattern p, int rows, int cols) {
        long slots = (long) p.groups(cols) * p.n();
        return rows * (slots + (slots * p.indexBits() + 7) / 8);
    }

    /** Returns the pattern. */
    public NmPattern pattern() {
        return pattern;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public KernelVariant variant() {
        return KernelVariant.SPARSE_NM;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes(pattern, rows, cols);
    }

    @Override
    public void multiply(int[] column, int[] acc) {
        int n = pattern.n();
        int m = pattern.m();
        for (int r = 0; r < rows; r++) {
            int s = 0;
            int slot = r * groups * n;
            for (int g = 0; g < groups; g++) {
                int base = g * m;
                for (int j = 0; j < n; j++, slot++) {
                    s += values[slot] * column[base + index[slot]];
                }
            }
            acc[r] = s;
        }
    }
}
