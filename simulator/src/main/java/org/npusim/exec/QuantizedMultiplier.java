// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * A real multiplier as TFLite applies it in integer kernels: {@code real = multiplier * 2^(shift - 31)}, with the
 * Q31 {@code multiplier} in [2^30, 2^31) (or 0 for a zero or negligible multiplier).
 *
 * @param multiplier the Q31 significand
 * @param shift the power of two; positive shifts left before the multiply, negative shifts right after it
 */
public record QuantizedMultiplier(int multiplier, int shift) {

    /** The multiplier of zero. */
    public static final QuantizedMultiplier ZERO = new QuantizedMultiplier(0, 0);

    /**
     * Returns TFLite's {@code QuantizeMultiplier(double)} (quantization_util.cc): {@code frexp} splits the value into
     * a significand q in [0.5, 1) and an exponent; q * 2^31 is rounded half away from zero; a significand that
     * rounds up to 2^31 is halved and the exponent incremented; exponents below -31 flush to zero (every bit would
     * be shifted out).
     */
    public static QuantizedMultiplier of(double real) {
        if (real == 0.0 || !Double.isFinite(real)) {
            return ZERO;
        }
        int shift = frexpExponent(real);
        double q = Math.scalb(real, -shift);
        long fixed = (long) FixedPoint.roundHalfAwayFromZero(q * (1L << 31));
        if (fixed == (1L << 31)) {
            fixed /= 2;
            shift++;
        }
        if (shift < -31) {
            return ZERO;
        }
        return new QuantizedMultiplier((int) fixed, shift);
    }

    /**
     * Returns the significand and exponent as the activation kernels compute them inline ({@code frexp}, then
     * {@code round(q * 2^31)} without the 2^31 correction): used for LOGISTIC and TANH input scaling, where TFLite
     * does not call {@code QuantizeMultiplier}.
     */
    public static QuantizedMultiplier frexp(double real) {
        if (real == 0.0 || !Double.isFinite(real)) {
            return ZERO;
        }
        int shift = frexpExponent(real);
        double q = Math.scalb(real, -shift);
        return new QuantizedMultiplier((int) (long) FixedPoint.roundHalfAwayFromZero(q * (1L << 31)), shift);
    }

    /** Returns the exponent e of {@code frexp}: real = q * 2^e with |q| in [0.5, 1). */
    static int frexpExponent(double real) {
        int e = Math.getExponent(real);
        if (e == Double.MIN_EXPONENT - 1) {
            // Subnormal: normalize by scaling up first.
            return frexpExponent(real * 0x1p64) - 64;
        }
        return e + 1;
    }

    /** Returns the real value this multiplier represents. */
    public double toDouble() {
        return Math.scalb((double) multiplier, shift - 31);
    }

    /** Applies this multiplier to an int32 value with TFLite's double rounding. */
    public int apply(int x) {
        return FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift);
    }

    /** Applies this multiplier to an int64 accumulator with TFLite's int16x8 rounding. */
    public int apply(long x) {
        return FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift);
    }
}
