// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.Activation;
import org.npusim.graph.ElementType;

/**
 * The clamp range of a quantized output: the element type's range narrowed by a fused activation, as TFLite's
 * {@code CalculateActivationRangeQuantized} computes it (kernels/kernel_util.cc): the real bounds 0, 6, -1, 1 are
 * quantized with the output's scale and zero point ({@code zp + round(f / scale)}, in float) and intersected with
 * the type's range.
 *
 * @param min the smallest output value
 * @param max the largest output value
 */
record ActivationRange(int min, int max) {

    /** Returns the range of {@code type} narrowed by {@code activation}; null-free, throws for TANH and SIGN_BIT. */
    static ActivationRange of(Activation activation, ElementType type, float scale, int zeroPoint, OpBinding b) {
        int qmin = typeMin(type);
        int qmax = typeMax(type);
        switch (activation) {
            case NONE:
                return new ActivationRange(qmin, qmax);
            case RELU:
                return new ActivationRange(Math.max(qmin, quantize(0f, scale, zeroPoint)), qmax);
            case RELU6:
                return new ActivationRange(
                        Math.max(qmin, quantize(0f, scale, zeroPoint)), Math.min(qmax, quantize(6f, scale, zeroPoint)));
            case RELU_N1_TO_1:
                return new ActivationRange(
                        Math.max(qmin, quantize(-1f, scale, zeroPoint)), Math.min(qmax, quantize(1f, scale, zeroPoint)));
            default:
                throw b.fail("fused activation " + activation + " is not supported on quantized outputs");
        }
    }

    private static int quantize(float f, float scale, int zeroPoint) {
        return zeroPoint + (int) FixedPoint.roundHalfAwayFromZero(f / scale);
    }

    /** Returns the smallest value of an integer element type ({@link ElementType#quantizedMin}, as an int). */
    static int typeMin(ElementType type) {
        return (int) Math.max(Integer.MIN_VALUE, type.quantizedMin());
    }

    /** Returns the largest value of an integer element type ({@link ElementType#quantizedMax}, as an int). */
    static int typeMax(ElementType type) {
        return (int) Math.min(Integer.MAX_VALUE, type.quantizedMax());
    }
}
