// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

/**
 * A bitmask encoding: one bit per weight position (set where the weight is nonzero), and the nonzero values in
 * row-major order. Format: {@code rows · ceil(cols / 8)} mask bytes (each row starts on a byte) plus {@code nnz}
 * int8 values. The Java form keeps the mask in 64-bit words and walks the set bits with
 * {@link Long#numberOfTrailingZeros}, as a Cortex-M kernel walks 32-bit words with CLZ.
 */
public final class BitmaskMatrix implements WeightMatrix {

    private final int rows;
    private final int cols;
    private final int words;
    private final long[] mask;
    private final byte[] values;

    BitmaskMatrix(byte[] w, int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.words = (cols + 63) / 64;
        this.mask = new long[rows * words];
        int nnz = 0;
        for (byte v : w) {
            nnz += v != 0 ? 1 : 0;
        }
        values = new byte[nnz];
        int p = 0;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                byte v = w[r * cols + k];
                if (v != 0) {
                    mask[r * words + k / 64] |= 1L << (k % 64);
                    values[p++] = v;
                }
            }
        }
    }

    /** Returns the size of the format for {@code nnz} nonzeros: mask bytes plus values. */
    static long sizeBytes(long nnz, int rows, int cols) {
        return (long) rows * ((cols + 7) / 8) + nnz;
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
        return KernelVariant.SPARSE_BITMASK;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes(values.length, rows, cols);
    }

    @Override
    public void multiply(int[] column, int[] acc) {
        int p = 0;
        for (int r = 0; r < rows; r++) {
            int s = 0;
            for (int wd = 0; wd < words; wd++) {
                long bits = mask[r * words + wd];
                int base = wd * 64;
                while (bits != 0) {
                    s += values[p++] * column[base + Long.numberOfTrailingZeros(bits)];
                    bits &= bits - 1;
                }
            }
            acc[r] = s;
        }
    }
}
