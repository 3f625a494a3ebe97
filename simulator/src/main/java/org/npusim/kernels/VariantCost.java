// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Objects;
import java.util.Optional;

/**
 * The modelled cost of one kernel variant for one layer on one core.
 *
 * @param variant the variant
 * @param pattern the N:M pattern of a {@link KernelVariant#SPARSE_NM} cost, else empty
 * @param cycles CPU cycles of the layer (compute only: memory wait states are the CPU model's business)
 * @param footprint encoded weights and scratch buffers
 */
public record VariantCost(KernelVariant variant, Optional<NmPattern> pattern, double cycles, Footprint footprint) {

    /** Validates the record. */
    public VariantCost {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(footprint, "footprint");
        if (!(cycles >= 0) || !Double.isFinite(cycles)) {
            throw new IllegalArgumentException("cycles must be finite and not negative: " + cycles);
        }
    }

    /** Returns the cycles rounded up to a whole cycle. */
    public long wholeCycles() {
        return (long) Math.ceil(cycles);
    }

    /** Returns the variant's label, with the pattern for N:M ({@code sparse-nm 2:4}). */
    public String label() {
        return variant.label() + pattern.map(p -> " " + p).orElse("");
    }
}
