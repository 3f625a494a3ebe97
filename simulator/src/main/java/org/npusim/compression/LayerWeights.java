// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.Objects;
import java.util.Optional;

/**
 * The weights of one layer of a model: what the model stores and, when the layer runs on the NPU, how the
 * Ethos-U encodes them.
 *
 * @param operator index of the operator in the main subgraph
 * @param name the operator's output tensor name
 * @param op the TFLite operator name
 * @param weights elements of the weight tensor
 * @param uniqueValues distinct stored values (8-bit weights; 0 otherwise)
 * @param zeros weights equal to their zero point (real value 0)
 * @param encoded the encoded weights, when the layer lowers to an NPU operation
 * @param note why there is no encoding, or empty
 */
public record LayerWeights(int operator, String name, String op, long weights, int uniqueValues, long zeros,
        Optional<EncodedWeights> encoded, String note) {

    public LayerWeights {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(encoded, "encoded");
        Objects.requireNonNull(note, "note");
    }

    /** Returns the fraction of weights that are zero. */
    public double zeroFraction() {
        return weights == 0 ? 0 : (double) zeros / weights;
    }
}
