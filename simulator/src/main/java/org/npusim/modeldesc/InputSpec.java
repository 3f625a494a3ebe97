// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.Objects;
import org.npusim.graph.ElementType;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;

/**
 * The model's input tensor. Its element type is the activation type of the whole model: int8, or int16 (the
 * 16x8 scheme: int16 activations, int8 weights).
 *
 * @param name the tensor's name
 * @param shape NHWC, or [batch, features]
 * @param type INT8 or INT16
 * @param scale the quantization scale
 * @param zeroPoint the quantization zero point (0 for int16, TFLite's symmetric 16-bit convention)
 * @param position where the input is described, for errors about it
 */
record InputSpec(String name, Shape shape, ElementType type, float scale, long zeroPoint, Position position) {

    InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(position, "position");
    }

    /** Returns the input's quantization. */
    Quantization quantization() {
        return Quantization.perTensor(scale, zeroPoint);
    }
}
