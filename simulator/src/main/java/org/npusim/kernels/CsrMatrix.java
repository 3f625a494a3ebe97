// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

/**
 * Compressed sparse rows: the nonzero weights of each row in column order, their column indices, and the offset
 * of each row's first nonzero. Format: {@code nnz} int8 values, {@code nnz} column indices of 16 bits (32 bits
 * when a row is longer than 65,536), and {@code rows + 1} int32 row offsets.
 */
public final class CsrMatrix implements WeightMatrix {

    private final int rows;
    private final int cols;
    private final int[] rowStart;
    private final int[] index;
    private final byte[] values;

    CsrMatrix(byte[] w, int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        int nnz = 0;
        for (byte v : w) {
            nnz += v != 0 ? 1 : 0;
        }
        rowStart = new int[rows + 1];
        index = new int[nnz];
        values = new byte[nnz];
        int p = 0;
        for (int r = 0; r < rows; r++) {
            rowStart[r] = p;
            for (int k = 0; k < cols; k++) {
                byte v = w[r * cols + k];
                if (v != 0) {
                    index[p] = k;
                    values[p++] = v;
                }
            }
        }
        rowStart[rows] = p;
    }

    /** Returns the bytes of one column index: 2 for rows up to 65,536 long, else 4. */
    static int indexBytes(int cols) {
        return cols <= 1 << 16 ? 2 : 4;
    }

    /** Returns the size of the format for {@code nnz} nonzeros: values, indices and row offsets. */
    static long sizeBytes(long nnz, int rows, int cols) {
        return nnz + nnz * indexBytes(cols) + 4L * (rows + 1);
    }

    /** Returns the number of nonzero weights. */
    public int nonzeros() {
        return values.length;
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
        return KernelVariant.SPARSE_CSR;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes(values.length, rows, cols);
    }

    @Override
    public void multiply(int[] column, int[] acc) {
        for (int r = 0; r < rows; r++) {
            int s = 0;
            for (int p = rowStart[r], end = rowStart[r + 1]; p < end; p++) {
                s += values[p] * column[index[p]];
            }
            acc[r] = s;
        }
    }
}
