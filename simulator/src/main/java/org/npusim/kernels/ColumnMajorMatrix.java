// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

/**
 * Dense weights stored column-major ({@code [cols][rows]}, {@code rows · cols} bytes) for zero-activation
 * skipping: each nonzero entry of the column scales one contiguous weight column into all the accumulators, and
 * a zero entry is skipped after one test.
 */
public final class ColumnMajorMatrix implements WeightMatrix {

    private final byte[] wt;
    private final int rows;
    private final int cols;

    ColumnMajorMatrix(byte[] w, int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.wt = new byte[w.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                wt[k * rows + r] = w[r * cols + k];
            }
        }
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
        return KernelVariant.ZERO_SKIP;
    }

    @Override
    public long sizeBytes() {
        return (long) rows * cols;
    }

    @Override
    public void multiply(int[] column, int[] acc) {
        java.util.Arrays.fill(acc, 0, rows, 0);
        for (int k = 0; k < cols; k++) {
            int c = column[k];
            if (c == 0) {
                continue;
            }
            int base = k * rows;
            for (int r = 0; r < rows; r++) {
                acc[r] += wt[base + r] * c;
            }
        }
    }
}
