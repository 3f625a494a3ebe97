// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which kernel family the CPU uses for convolution and fully connected layers ({@code simulate --cpu-kernels}).
 * A forced family runs wherever it applies, even where it is slower than dense, so that its cost shows; layers it
 * cannot compute stay dense. {@link #AUTO} takes the fastest applicable variant, so it never loses to dense.
 */
public enum KernelChoice {
    /** CMSIS-NN's dense kernels (the CPU model's own cost, unchanged). */
    DENSE(EnumSet.of(KernelVariant.DENSE)),
    /** The faster of Winograd F2 and F4 on 3x3 stride-1 convolutions. */
    WINOGRAD(EnumSet.of(KernelVariant.WINOGRAD_F2, KernelVariant.WINOGRAD_F4)),
    /** The fastest weight-sparse encoding (CSR, bitmask, or N:M where the weights follow a standard pattern). */
    SPARSE(EnumSet.of(KernelVariant.SPARSE_CSR, KernelVariant.SPARSE_BITMASK, KernelVariant.SPARSE_NM)),
    /** The fastest applicable variant of all. */
    AUTO(EnumSet.allOf(KernelVariant.class));

    private final Set<KernelVariant> variants;

    KernelChoice(Set<KernelVariant> variants) {
        this.variants = variants;
    }

    /** Returns the variants this choice selects from. */
    public Set<KernelVariant> variants() {
        return EnumSet.copyOf(variants);
    }

    /** Returns the choice users name {@code label} ({@code auto}), if any. */
    public static java.util.Optional<KernelChoice> fromLabel(String label) {
        for (KernelChoice c : values()) {
            if (c.label().equals(label)) {
                return java.util.Optional.of(c);
            }
        }
        return java.util.Optional.empty();
    }

    /** Returns the labels of every choice, for messages: {@code dense, winograd, sparse, auto}. */
    public static String labels() {
        return String.join(", ", java.util.Arrays.stream(values()).map(KernelChoice::label).toList());
    }

    /** Returns the name users write: {@code winograd}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
