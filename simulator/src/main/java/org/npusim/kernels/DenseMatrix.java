// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

/** Dense row-major int8 weights: {@code rows · cols} bytes, CMSIS-NN's layout. */
public final class DenseMatrix implements WeightMatrix {

    private final byte[] w;
    private final int rows;
    private final int cols;

    DenseMatrix(byte[] w, int rows, int cols) {
        this.w = w.clone();
        this.rows = rows;
        this.cols = cols;
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
        return KernelVariant.DENSE;
    }

    @Override
    public long sizeBytes() {
        return (long) rows * cols;
    }

    @Override
    public void multiply(int[] column, int[] acc) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int s = 0;
            for (int k = 0; k < cols; k++) {
                s += w[base + k] * column[k];
            }
            acc[r] = s;
        }
    }
}
