// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Objects;
import java.util.Optional;

/**
 * The weights of a layer as a {@code rows x cols} int8 matrix (one row per output channel, one column per
 * position of the reduction: a filter tap and input channel, or an input value of a fully connected layer),
 * encoded for one kernel variant. {@link #multiply} computes {@code acc[r] = Σ_k W[r][k] · column[k]} in int32
 * wrapping arithmetic: every encoding adds the same products, only in a different order or without the zero
 * ones, so the sums are the dense sums exactly.
 *
 * <p>Contract: {@link #sizeBytes()} is the size of the encoding as a Cortex-M kernel would store it (the format
 * each class documents), not the size of the Java arrays; the cost model's weight footprint equals it.
 */
public sealed interface WeightMatrix
        permits DenseMatrix, CsrMatrix, BitmaskMatrix, NmMatrix, ColumnMajorMatrix {

    /** Returns the number of rows (output channels). */
    int rows();

    /** Returns the number of columns (reduction length). */
    int cols();

    /** Returns the variant this encoding serves. */
    KernelVariant variant();

    /** Returns the bytes of the encoded weights. */
    long sizeBytes();

    /** Sets {@code acc[r]} to row r times {@code column}, for every row; {@code column} has {@link #cols()} values. */
    void multiply(int[] column, int[] acc);

    /**
     * Encodes the row-major {@code rows x cols} weights {@code w} for {@code variant} (dense, a sparse encoding or
     * zero-skip); {@code pattern} is required for {@link KernelVariant#SPARSE_NM}, and the weights must follow it.
     */
    static WeightMatrix encode(KernelVariant variant, byte[] w, int rows, int cols, Optional<NmPattern> pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if ((long) rows * cols != w.length || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(w.length + " weights for a " + rows + " x " + cols + " matrix");
        }
        return switch (variant) {
            case DENSE -> new DenseMatrix(w, rows, cols);
            case SPARSE_CSR -> new CsrMatrix(w, rows, cols);
            case SPARSE_BITMASK -> new BitmaskMatrix(w, rows, cols);
            case SPARSE_NM -> new NmMatrix(w, rows, cols, pattern.orElseThrow(
                    () -> new IllegalArgumentException("sparse-nm needs an N:M pattern")));
            case ZERO_SKIP -> new ColumnMajorMatrix(w, rows, cols);
            case WINOGRAD_F2, WINOGRAD_F4 -> throw new IllegalArgumentException(
                    variant.label() + " transforms the weights; it has no matrix encoding");
        };
    }
}
