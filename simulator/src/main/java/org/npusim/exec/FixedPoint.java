// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * The integer arithmetic of TensorFlow Lite's quantized kernels: gemmlowp's rounding primitives and TFLite's
 * {@code MultiplyByQuantizedMultiplier} family (tensorflow/lite/kernels/internal/common.h and common.cc, the
 * default double-rounding build).
 *
 * <p>A real multiplier {@code M} is represented as a Q31 {@code multiplier} in [2^30, 2^31) and a power-of-two
 * {@code shift}, {@code M = multiplier * 2^(shift - 31)} (see {@link QuantizedMultiplier}). Applying it to an
 * integer {@code x} is a left shift by {@code max(shift, 0)}, a rounding doubling high multiply (the upper 32 bits
 * of {@code 2 * x * multiplier}, ties rounded toward plus infinity), and a rounding right shift by
 * {@code max(-shift, 0)} (ties rounded away from zero). Both roundings happen: TFLite's optional single-rounding
 * build is not what TFLite Micro's reference kernels use by default, and not what this class computes.
 */
public final class FixedPoint {

    private FixedPoint() {}

    /** Returns {@code v} clamped to the int16 range, as the kernels' saturating stores to int16 do. */
    static int saturateToInt16(int v) {
        return Math.min(Math.max(v, Short.MIN_VALUE), Short.MAX_VALUE);
    }

    /**
     * Returns gemmlowp's {@code SaturatingRoundingDoublingHighMul(a, b)}: {@code a * b / 2^31} rounded to nearest
     * with ties toward plus infinity, i.e. {@code floor((a * b + 2^30) / 2^31)}, saturated to
     * {@code Integer.MAX_VALUE} for the single overflowing case a = b = -2^31. (The nudge is 2^30 for a
     * non-negative product and 1 - 2^30 for a negative one, and the division truncates toward zero; for negative
     * products that rounds a tie toward zero, which is toward plus infinity.)
     */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == b && a == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        return (int) ((ab + nudge) / (1L << 31));
    }

    /**
     * Returns gemmlowp's {@code RoundingDivideByPOT(x, exponent)}: {@code x / 2^exponent} rounded to nearest, ties
     * away from zero. The arithmetic shift floors; the remainder is then compared with half the divisor, and the
     * threshold is one higher for negative {@code x}, so that a tie rounds up for positive and stays floored (away
     * from zero) for negative values. {@code exponent} is in [0, 31].
     */
    public static int roundingDivideByPot(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /** Returns the 64-bit form of {@link #roundingDivideByPot(int, int)}, used by the int16 LSTM and SVDF paths. */
    public static long roundingDivideByPot(long x, int exponent) {
        long mask = (1L << exponent) - 1;
        long remainder = x & mask;
        long threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /**
     * Returns TFLite's {@code MultiplyByQuantizedMultiplier(int32 x, multiplier, shift)}: {@code x * 2^max(shift,0)}
     * (wrapping, as the C++ does for in-range models), then {@link #saturatingRoundingDoublingHighMul}, then
     * {@link #roundingDivideByPot} by {@code max(-shift, 0)}.
     */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return roundingDivideByPot(saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
    }

    /**
     * Returns TFLite's {@code MultiplyByQuantizedMultiplier(int64 x, multiplier, shift)}, the int16x8 path: the
     * multiplier is first reduced to Q15 by rounding ({@code (multiplier + 2^15) >> 16}, capped at 0x7FFF so that it
     * stays below 2^15), then {@code x * reduced} is shifted right by {@code 15 - shift} with a round-half-up
     * nudge, and the result is truncated to 32 bits. Valid for |x| below 2^47 and shift in [-31, 7], as TFLite
     * requires.
     */
    public static int multiplyByQuantizedMultiplier(long x, int multiplier, int shift) {
        long reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
        int totalShift = 15 - shift;
        long result = x * reduced + (1L << (totalShift - 1));
        return (int) (result >> totalShift);
    }

    /**
     * Returns TFLite's {@code MultiplyByQuantizedMultiplierSmallerThanOneExp}: {@code shift <= 0}, so this is a
     * rounding doubling high multiply followed by a rounding right shift by {@code -shift}.
     */
    public static int multiplyByQuantizedMultiplierSmallerThanOne(int x, int multiplier, int shift) {
        return roundingDivideByPot(saturatingRoundingDoublingHighMul(x, multiplier), -shift);
    }

    /**
     * Returns TFLite's {@code MultiplyByQuantizedMultiplierGreaterThanOne}: {@code shift >= 0}, a left shift then a
     * rounding doubling high multiply.
     */
    public static int multiplyByQuantizedMultiplierGreaterThanOne(int x, int multiplier, int leftShift) {
        return saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier);
    }

    /**
     * Returns gemmlowp's {@code SaturatingRoundingMultiplyByPOT<exponent>}: a rounding right shift for negative
     * exponents, a left shift saturated to the int32 range for positive ones.
     */
    public static int saturatingRoundingMultiplyByPot(int x, int exponent) {
        if (exponent == 0) {
            return x;
        }
        if (exponent < 0) {
            return roundingDivideByPot(x, -exponent);
        }
        int threshold = (1 << (31 - exponent)) - 1;
        if (x > threshold) {
            return Integer.MAX_VALUE;
        }
        if (x < -threshold) {
            return Integer.MIN_VALUE;
        }
        return x << exponent;
    }

    /** Returns gemmlowp's {@code RoundingHalfSum(a, b)}: (a + b) / 2 rounded half away from zero. */
    public static int roundingHalfSum(int a, int b) {
        long sum = (long) a + b;
        long sign = sum >= 0 ? 1 : -1;
        return (int) ((sum + sign) / 2);
    }

    /** Returns {@code std::round}: nearest integer, ties away from zero (Java's {@code Math.round} ties upward). */
    public static double roundHalfAwayFromZero(double v) {
        return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
    }

    /** Returns {@code std::round} of a float, computed in float as TFLite's {@code TfLiteRound(float)} does. */
    public static float roundHalfAwayFromZero(float v) {
        // In double, v + 0.5 is exact for every float v, so no value just below a tie is pushed over it.
        return (float) roundHalfAwayFromZero((double) v);
    }
}
