// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Arrays;
import java.util.Optional;

/** The kernel variants of a convolution or fully connected layer that this package implements and costs. */
public enum KernelVariant {
    /** CMSIS-NN's dense im2col + matrix multiply (convolution) or matrix-vector product (fully connected). */
    DENSE("dense"),
    /** Winograd F(2x2,3x3): 16 instead of 36 multiplications per 2x2 output tile and channel pair. */
    WINOGRAD_F2("winograd-f2"),
    /** Winograd F(4x4,3x3): 36 instead of 144 multiplications per 4x4 output tile and channel pair. */
    WINOGRAD_F4("winograd-f4"),
    /** Unstructured weight sparsity, compressed sparse rows: values, 16-bit column indices, row pointers. */
    SPARSE_CSR("sparse-csr"),
    /** Unstructured weight sparsity, one mask bit per weight position plus the nonzero values. */
    SPARSE_BITMASK("sparse-bitmask"),
    /** N:M structured weight sparsity: at most N nonzeros in every M consecutive weights of a row. */
    SPARSE_NM("sparse-nm"),
    /** Dense weights; zero activations (the input zero point) are skipped with a test per activation. */
    ZERO_SKIP("zero-skip");

    private final String label;

    KernelVariant(String label) {
        this.label = label;
    }

    /** Returns the name users write: {@code winograd-f2}. */
    public String label() {
        return label;
    }

    /** Returns whether the variant exploits zero weights. */
    public boolean weightSparse() {
        return this == SPARSE_CSR || this == SPARSE_BITMASK || this == SPARSE_NM;
    }

    /** Returns whether the variant is a Winograd transform. */
    public boolean winograd() {
        return this == WINOGRAD_F2 || this == WINOGRAD_F4;
    }

    /** Returns the variant named {@code label}. */
    public static Optional<KernelVariant> fromLabel(String label) {
        return Arrays.stream(values()).filter(v -> v.label.equals(label)).findFirst();
    }

    /** Returns the labels of all variants, for messages. */
    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(KernelVariant::label).toList());
    }
}
