// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.Arrays;
import java.util.Objects;
import org.npusim.graph.ConstantData;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;

/**
 * A layer's generated int8 weights: symmetric (zero point 0), per channel along {@code quantizedDimension} or per
 * tensor (one scale), and for each output channel the sum of the squares of its dequantized weights, which the
 * range estimate of the layer's output needs.
 *
 * @param shape the weight tensor's shape
 * @param values the int8 values in row-major order
 * @param scales one scale per channel, or one for the tensor
 * @param quantizedDimension the channel dimension of per-channel scales (0 when per tensor)
 * @param outputSumSquares for each output channel c, Σ (q·scale)² over the weights that produce it
 */
record QuantizedWeights(Shape shape, byte[] values, float[] scales, int quantizedDimension, double[] outputSumSquares) {

    QuantizedWeights {
        Objects.requireNonNull(shape, "shape");
        values = values.clone();
        scales = scales.clone();
        outputSumSquares = outputSumSquares.clone();
        if (values.length != shape.elementCount()) {
            throw new IllegalArgumentException(values.length + " values for shape " + shape);
        }
    }

    @Override
    public byte[] values() {
        return values.clone();
    }

    @Override
    public float[] scales() {
        return scales.clone();
    }

    @Override
    public double[] outputSumSquares() {
        return outputSumSquares.clone();
    }

    /** Returns scale {@code c}, or the single scale. */
    float scale(int c) {
        return scales.length == 1 ? scales[0] : scales[c];
    }

    /** Returns the weights' quantization: the scales with zero points of 0. */
    Quantization quantization() {
        return new Quantization(scales, new long[scales.length], quantizedDimension);
    }

    /** Returns the weights as constant data. */
    ConstantData data() {
        return ConstantData.ofInt8(values);
    }

    /** Returns the number of values equal to 0. */
    long zeroCount() {
        long zeros = 0;
        for (byte v : values) {
            if (v == 0) {
                zeros++;
            }
        }
        return zeros;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizedWeights w
                && shape.equals(w.shape)
                && Arrays.equals(values, w.values)
                && Arrays.equals(scales, w.scales)
                && quantizedDimension == w.quantizedDimension
                && Arrays.equals(outputSumSquares, w.outputSumSquares);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shape, Arrays.hashCode(values), Arrays.hashCode(scales), quantizedDimension);
    }

    @Override
    public String toString() {
        return "QuantizedWeights " + shape + " (" + scales.length + " scales)";
    }
}
