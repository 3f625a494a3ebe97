// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.Objects;
import java.util.Optional;

/**
 * A tensor of a subgraph.
 *
 * @param index position in the subgraph's tensor list; operators refer to tensors by it
 * @param name the name the model gives it (TFLite: the tensor name; reports name layers by output tensor)
 * @param type element type
 * @param shape static shape
 * @param quantization affine quantization, when the tensor is quantized
 * @param data the constant bytes, when the tensor is a constant (weights, biases, shapes, LUTs)
 * @param variable whether the tensor is state that operators update (LSTM and SVDF state)
 */
public record Tensor(
        int index,
        String name,
        ElementType type,
        Shape shape,
        Optional<Quantization> quantization,
        Optional<ConstantData> data,
        boolean variable) {

    public Tensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(data, "data");
        if (index < 0) {
            throw new IllegalArgumentException("tensor index is negative");
        }
    }

    /** Returns whether the tensor holds constant data. */
    public boolean isConstant() {
        return data.isPresent();
    }

    /** Returns the number of elements. */
    public long elementCount() {
        return shape.elementCount();
    }

    /** Returns the bytes the tensor occupies in memory. */
    public long sizeBytes() {
        return type.bytesFor(shape.elementCount());
    }
}
