// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.Objects;

/**
 * How a layer's weights are generated: the file's {@code weights:} defaults, with the layer's own
 * {@code weights:} keys applied over them.
 *
 * @param distribution the distribution values are drawn from
 * @param seed the seed from which each layer's random stream is derived (with the layer index)
 * @param sparsity the fraction of weights set to zero, the smallest in magnitude, in [0, 1)
 * @param clusters the number of distinct weight values (0: no clustering); zero counts as one of them when the
 *     layer is sparse
 */
record WeightSpec(Distribution distribution, long seed, double sparsity, int clusters) {

    /** The most clusters a layer may ask for: one side of the int8 grid, [1, 127], holds each sign's values. */
    static final int MAX_CLUSTERS = 127;

    WeightSpec {
        Objects.requireNonNull(distribution, "distribution");
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity " + sparsity + " is outside [0, 1)");
        }
        if (clusters != 0 && (clusters < 2 || clusters > MAX_CLUSTERS)) {
            throw new IllegalArgumentException("clusters " + clusters + " is outside [2, " + MAX_CLUSTERS + "]");
        }
    }

    /** Returns whether the weights are clustered. */
    boolean clustered() {
        return clusters != 0;
    }
}
