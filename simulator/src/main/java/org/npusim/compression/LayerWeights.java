// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.Objects;
import java.util.List;

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
 * @param encoded the encoded weights of each weight tensor the layer's NPU operations read (one for a convolution or
 *     fully connected layer, one per gate matrix for an LSTM), in order; empty when the layer is not encoded
 * @param note why there is no encoding, or empty
 */
public record LayerWeights(int operator, String name, String op, long weights, int uniqueValues, long zeros,
        List<EncodedWeights> encoded, String note) {

    public LayerWeights {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        encoded = List.copyOf(encoded);
        Objects.requireNonNull(note, "note");
    }

    /** Returns the fraction of weights that are zero. */
    public double zeroFraction() {
        return weights == 0 ? 0 : (double) zeros / weights;
    }

    /** Returns whether the Ethos-U encoder took the layer's weights. */
    public boolean isEncoded() {
        return !encoded.isEmpty();
    }

    /** Returns the encoded bytes of all the layer's streams, scale records included. */
    public long encodedBytes() {
        return encoded.stream().mapToLong(EncodedWeights::totalBytes).sum();
    }

    /** Returns the scale and bias record bytes of all the layer's streams. */
    public long scaleBytes() {
        return encoded.stream().mapToLong(EncodedWeights::scaleBytes).sum();
    }

    /** Returns the compressed weight bytes of all the layer's streams, records left out. */
    public long weightStreamBytes() {
        return encoded.stream().mapToLong(EncodedWeights::weightBytes).sum();
    }

    /** Returns the bits of compressed weight stream per encoded weight; 0 when not encoded. */
    public double bitsPerWeight() {
        long original = encoded.stream().mapToLong(EncodedWeights::originalWeights).sum();
        return original == 0 ? 0 : weightStreamBytes() * 8.0 / original;
    }
}
