// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * TFLite's {@code CheckedLog2} (kernels/internal/quantization_util.cc): the base-2 logarithm of a scale rounded to
 * the nearest integer, and whether the scale is a power of two to within a fractional part of 10^-3. The int16
 * LOGISTIC and TANH kernels and the integer LSTM's cell state use it to find the fixed-point format of a tensor.
 *
 * @param exponent log2(scale) rounded half away from zero, as {@code TfLiteRound} rounds
 * @param powerOfTwo whether |log2(scale) - exponent| is below 10^-3
 */
record ScaleLog2(int exponent, boolean powerOfTwo) {

    /**
     * Computes the logarithm in float as the C++ does, {@code log(x) * (1 / log(2))}, so that a scale just off a
     * power of two is judged by the same float rounding.
     */
    static ScaleLog2 of(float scale) {
        float log2 = (float) Math.log(scale) * (1.0f / (float) Math.log(2.0));
        float rounded = FixedPoint.roundHalfAwayFromZero(log2);
        return new ScaleLog2((int) rounded, Math.abs(log2 - rounded) < 1e-3f);
    }
}
