// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.util.Objects;

/**
 * The output stage of an int8 convolution or fully connected layer as the executor's dense kernels apply it: add
 * the bias, apply the channel's multiplier with TFLite's {@link FixedPoint#multiplyByQuantizedMultiplier(int, int,
 * int)}, add the output zero point and clamp to the fused activation's range. Alternative kernels
 * ({@code org.npusim.kernels}) call {@link #output} so that their bytes are the dense kernel's bytes whenever their
 * accumulators are.
 *
 * <p>The arrays are copied on construction and must not be modified through the accessors.
 *
 * @param bias per output channel, int32
 * @param multiplier per output channel, Q31
 * @param shift per output channel
 * @param outputZeroPoint the output tensor's zero point
 * @param activationMin the smallest output value (type range narrowed by the fused activation)
 * @param activationMax the largest output value
 */
public record Requantization(int[] bias, int[] multiplier, int[] shift, int outputZeroPoint, int activationMin,
        int activationMax) {

    /** Validates the record: one bias, multiplier and shift per channel, and a non-empty clamp range. */
    public Requantization {
        Objects.requireNonNull(bias, "bias");
        if (multiplier.length != bias.length || shift.length != bias.length) {
            throw new IllegalArgumentException(bias.length + " biases, " + multiplier.length + " multipliers, "
                    + shift.length + " shifts");
        }
        if (activationMin > activationMax) {
            throw new IllegalArgumentException("empty clamp range [" + activationMin + ", " + activationMax + "]");
        }
        bias = bias.clone();
        multiplier = multiplier.clone();
        shift = shift.clone();
    }

    /** Returns the number of output channels. */
    public int channels() {
        return bias.length;
    }

    /**
     * Returns the output value of {@code channel} for an accumulator that holds {@code sum(w * (x + inputOffset))}
     * without the bias: exactly what the dense kernels compute, with int32 wrapping arithmetic.
     */
    public int output(int accumulator, int channel) {
        int v = FixedPoint.multiplyByQuantizedMultiplier(accumulator + bias[channel], multiplier[channel],
                shift[channel]) + outputZeroPoint;
        return Math.min(Math.max(v, activationMin), activationMax);
    }
}
