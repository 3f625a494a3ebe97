// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Objects;
import java.util.Optional;

/**
 * What the data of a layer offers the sparse kernels.
 *
 * @param weights fraction of zero weights, in [0, 1]
 * @param activations fraction of input activations equal to the input zero point (real zeros), in [0, 1]
 * @param pattern the N:M pattern the weights follow (or are to be pruned to), if any; the N:M kernel's cost
 *     depends only on it, not on {@code weights}
 */
public record Sparsity(double weights, double activations, Optional<NmPattern> pattern) {

    /** Dense weights and activations. */
    public static final Sparsity NONE = new Sparsity(0, 0, Optional.empty());

    /** Validates the record. */
    public Sparsity {
        Objects.requireNonNull(pattern, "pattern");
        if (!(weights >= 0 && weights <= 1) || !(activations >= 0 && activations <= 1)) {
            throw new IllegalArgumentException("sparsities must be in [0, 1]: " + weights + ", " + activations);
        }
    }

    /** Returns weight sparsity {@code weights} with dense activations and no pattern. */
    public static Sparsity ofWeights(double weights) {
        return new Sparsity(weights, 0, Optional.empty());
    }

    /** Returns a copy with another weight sparsity. */
    public Sparsity withWeights(double w) {
        return new Sparsity(w, activations, pattern);
    }

    /** Returns a copy with another activation sparsity. */
    public Sparsity withActivations(double a) {
        return new Sparsity(weights, a, pattern);
    }

    /** Returns a copy with another pattern. */
    public Sparsity withPattern(Optional<NmPattern> p) {
        return new Sparsity(weights, activations, p);
    }
}
