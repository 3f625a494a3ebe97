// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.math.RoundingMode;
import java.math.BigDecimal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

/**
 * The requantization arithmetic against exact references in BigInteger/BigDecimal: each reference states the
 * mathematical definition (a rational number rounded half away from zero), not the bit tricks of the
 * implementation.
 */
final class FixedPointPropertiesTest {

    /** Rounds num / 2^exp to the nearest integer, ties away from zero, exactly. */
    static BigInteger roundHalfAway(BigInteger num, int exp) {
        return new BigDecimal(num).divide(new BigDecimal(BigInteger.ONE.shiftLeft(exp)))
                .setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
    }

    /** Rounds num / 2^31 to the nearest integer, ties toward plus infinity: floor((num + 2^30) / 2^31). */
    static BigInteger roundHalfUp31(BigInteger num) {
        return num.add(BigInteger.ONE.shiftLeft(30)).shiftRight(31);
    }

    static BigInteger clampInt(BigInteger v) {
        return v.max(BigInteger.valueOf(Integer.MIN_VALUE)).min(BigInteger.valueOf(Integer.MAX_VALUE));
    }

    @Property
    void saturatingRoundingDoublingHighMul_anyInts_isRoundedProductOver2To31(@ForAll int a, @ForAll int b) {
        BigInteger expected = clampInt(roundHalfUp31(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))));
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(a, b)).isEqualTo(expected.intValueExact());
    }

    @Test
    void saturatingRoundingDoublingHighMul_minTimesMin_saturates() {
        // (-2^31)^2 / 2^31 = 2^31, one more than the largest int.
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE))
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Property
    void roundingDivideByPot_anyInt_isRoundedQuotient(@ForAll int x, @ForAll @IntRange(min = 0, max = 31) int e) {
        assertThat(FixedPoint.roundingDivideByPot(x, e))
                .isEqualTo(roundHalfAway(BigInteger.valueOf(x), e).intValueExact());
    }

    @Test
    void saturatingRoundingDoublingHighMul_ties_roundTowardPlusInfinity() {
        // 2^30 * 1 / 2^31 = 0.5 -> 1, and -0.5 -> 0, -1.5 -> -1: gemmlowp's nudge-and-truncate rounds ties up.
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, 1)).isEqualTo(1);
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, -1)).isEqualTo(0);
        assertThat(FixedPoint.saturatingRoundingDoublingHighMul(1 << 30, -3)).isEqualTo(-1);
    }

    @Test
    void roundingDivideByPot_ties_roundAwayFromZero() {
        // 5 / 2 = 2.5 -> 3 and -5 / 2 = -2.5 -> -3: gemmlowp rounds ties away from zero, unlike a plain shift.
        assertThat(FixedPoint.roundingDivideByPot(5, 1)).isEqualTo(3);
        assertThat(FixedPoint.roundingDivideByPot(-5, 1)).isEqualTo(-3);
        assertThat(FixedPoint.roundingDivideByPot(-6, 2)).isEqualTo(-2);
    }

    /**
     * TFLite's int32 MultiplyByQuantizedMultiplier rounds twice: x * 2^ls * m / 2^31 (ties up, saturated), then
     * . / 2^rs (ties away from zero). The reference computes both steps on exact rationals.
     */
    @Property
    void multiplyByQuantizedMultiplier_int32_matchesTwoStepExactRounding(
            @ForAll @IntRange(min = -(1 << 20), max = 1 << 20) int x,
            @ForAll @IntRange(min = 1 << 30, max = Integer.MAX_VALUE) int m,
            @ForAll @IntRange(min = -31, max = 10) int shift) {
        int ls = Math.max(shift, 0);
        int rs = Math.max(-shift, 0);
        BigInteger shifted = BigInteger.valueOf((long) x << ls);
        if (shifted.bitLength() >= 32) {
            return; // TFLite requires x * 2^ls to fit int32; models never exceed it.
        }
        BigInteger step1 = clampInt(roundHalfUp31(shifted.multiply(BigInteger.valueOf(m))));
        BigInteger expected = roundHalfAway(step1, rs);
        assertThat(FixedPoint.multiplyByQuantizedMultiplier(x, m, shift)).isEqualTo(expected.intValueExact());
    }

    /** The int64 form: m rounded to Q15, then floor((x * m15 + 2^(14 - shift)) / 2^(15 - shift)). */
    @Property
    void multiplyByQuantizedMultiplier_int64_matchesReducedMultiplierReference(
            @ForAll @LongRange(min = -(1L << 40), max = 1L << 40) long x,
            @ForAll @IntRange(min = 1 << 30, max = Integer.MAX_VALUE) int m,
            @ForAll @IntRange(min = -31, max = -1) int shift) {
        long reduced = m < 0x7FFF0000 ? Math.floorDiv(m + (1L << 15), 1L << 16) : 0x7FFF;
        int total = 15 - shift;
        BigInteger num = BigInteger.valueOf(x).multiply(BigInteger.valueOf(reduced))
                .add(BigInteger.ONE.shiftLeft(total - 1));
        BigInteger expected = num.shiftRight(total); // arithmetic shift = floor division
        assertThat(FixedPoint.multiplyByQuantizedMultiplier(x, m, shift)).isEqualTo(expected.intValue());
    }

    @Property
    void quantizedMultiplier_positiveReal_representsItWithin2ToMinus31(
            @ForAll @DoubleRange(min = 1e-4, max = 1e4) @Scale(12) double real) {
        QuantizedMultiplier q = QuantizedMultiplier.of(real);
        assertThat(q.multiplier()).isBetween(1 << 30, Integer.MAX_VALUE);
        // The significand is rounded to 31 bits: relative error at most 2^-31 of the significand's scale.
        assertThat(Math.abs(q.toDouble() - real) / real).isLessThanOrEqualTo(Math.scalb(1.0, -30));
    }

    @Test
    void quantizedMultiplier_exactPowersAndEdges_matchTflite() {
        // 0.5 = 2^30 * 2^(0 - 31): frexp(0.5) = (0.5, 0).
        assertThat(QuantizedMultiplier.of(0.5)).isEqualTo(new QuantizedMultiplier(1 << 30, 0));
        // 1.0: frexp gives (0.5, 1).
        assertThat(QuantizedMultiplier.of(1.0)).isEqualTo(new QuantizedMultiplier(1 << 30, 1));
        // Just below 1: q * 2^31 rounds up to 2^31, which TFLite halves and compensates in the shift.
        assertThat(QuantizedMultiplier.of(1.0 - 1e-12)).isEqualTo(new QuantizedMultiplier(1 << 30, 1));
        // Below 2^-32 the shift would be under -31: TFLite flushes to zero.
        assertThat(QuantizedMultiplier.of(1e-10)).isEqualTo(QuantizedMultiplier.ZERO);
        assertThat(QuantizedMultiplier.of(0.0)).isEqualTo(QuantizedMultiplier.ZERO);
    }

    @Property
    void expOnNegativeValues_q5_isCloseToExp(@ForAll @IntRange(min = -(31 << 26), max = 0) int raw) {
        double a = raw / (double) (1 << 26);
        double got = FixedPointFunctions.expOnNegativeValues(raw, 5) / Math.scalb(1.0, 31);
        // gemmlowp documents a few ulps of Q0.31 error; 1e-6 absolute is far looser and still catches any
        // wrong constant or barrel-shifter bit.
        assertThat(got).isCloseTo(Math.exp(a), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Property
    void logisticAndTanh_q4_areCloseToReal(@ForAll @IntRange(min = -(15 << 27), max = 15 << 27) int raw) {
        double a = raw / (double) (1 << 27);
        double logistic = FixedPointFunctions.logistic(raw, 4) / Math.scalb(1.0, 31);
        double tanh = FixedPointFunctions.tanh(raw, 4) / Math.scalb(1.0, 31);
        assertThat(logistic).isCloseTo(1 / (1 + Math.exp(-a)), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(tanh).isCloseTo(Math.tanh(a), org.assertj.core.data.Offset.offset(2e-6));
    }

    @Property
    void reciprocal_q12_isCloseToOneOverX(@ForAll @IntRange(min = 1 << 19, max = 1 << 30) int x) {
        int[] bits = new int[1];
        int r = FixedPointFunctions.reciprocal(x, 12, bits);
        double got = r / Math.scalb(1.0, 31) * Math.scalb(1.0, -bits[0]);
        double real = x / Math.scalb(1.0, 19); // Q12.19
        assertThat(got * real).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    }
}
