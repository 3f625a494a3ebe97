// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * gemmlowp's fixed-point transcendental functions (gemmlowp/fixedpoint/fixedpoint.h), on raw int32 values of a
 * {@code FixedPoint<int32_t, integerBits>}: the value is {@code raw / 2^(31 - integerBits)}.
 *
 * <p>Fixed-point multiplication of an a-integer-bit value by a b-integer-bit value is a
 * {@link FixedPoint#saturatingRoundingDoublingHighMul} and yields a+b integer bits; addition and subtraction are
 * plain (wrapping) int32 operations on values with equal integer bits; {@code Rescale} from a to b integer bits is
 * {@link FixedPoint#saturatingRoundingMultiplyByPot} by a - b. The constants are gemmlowp's, each named with the
 * real value it encodes.
 */
public final class FixedPointFunctions {

    private FixedPointFunctions() {}

    private static int mul(int a, int b) {
        return FixedPoint.saturatingRoundingDoublingHighMul(a, b);
    }

    /** The raw value of 1.0 with 0 integer bits (saturated: 1 - 2^-31). */
    static final int ONE_Q0 = Integer.MAX_VALUE;

    /**
     * Returns exp(a) for a in [-1/4, 0), a and the result with 0 integer bits: a fourth-order Taylor expansion
     * around -1/8, exp(-1/8) * (1 + x + x^2/2 + x^3/6 + x^4/24) with x = a + 1/8.
     */
    static int expOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a) {
        final int expMinusOneEighth = 1895147668; // exp(-1/8) in Q0.31
        final int oneThird = 715827883; // 1/3 in Q0.31
        int x = a + (1 << 28); // + 1/8
        int x2 = mul(x, x);
        int x3 = mul(x2, x);
        int x4 = mul(x2, x2);
        int x4Over4 = FixedPoint.saturatingRoundingMultiplyByPot(x4, -2);
        int poly = FixedPoint.saturatingRoundingMultiplyByPot(mul(x4Over4 + x3, oneThird) + x2, -1);
        return expMinusOneEighth + mul(expMinusOneEighth, x + poly);
    }

    /**
     * Returns exp(a) for a <= 0, a with {@code integerBits} integer bits, the result with 0: a = q + r with r in
     * [-1/4, 0) evaluated by the Taylor kernel, and q a multiple of -1/4 whose binary digits select factors
     * exp(-1/4), exp(-1/2), exp(-1), ... (gemmlowp's barrel shifter); values below -32 give 0, and 0 gives 1.
     */
    public static int expOnNegativeValues(int a, int integerBits) {
        int fractionalBits = 31 - integerBits;
        int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = (a & mask) - oneQuarter;
        int result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
                FixedPoint.saturatingRoundingMultiplyByPot(aModQuarterMinusOneQuarter, integerBits));
        int remainder = aModQuarterMinusOneQuarter - a;
        // exp(-2^k) in Q0.31 for k = -2 .. 4.
        final int[] multipliers = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
        for (int k = -2; k <= 4; k++) {
            if (integerBits > k) {
                int bit = 1 << (fractionalBits + k);
                if ((remainder & bit) != 0) {
                    result = mul(result, multipliers[k + 2]);
                }
            }
        }
        if (integerBits > 5) {
            int clamp = -(1 << (36 - integerBits)); // -32.0
            if (a < clamp) {
                result = 0;
            }
        }
        if (a == 0) {
            result = ONE_Q0;
        }
        return result;
    }

    /**
     * Returns the Newton-Raphson estimate of 2 / (1 + a) with 2 integer bits, for a in [0, 1) with 0 integer bits:
     * the shared core of gemmlowp's two reciprocal functions. The start value 48/17 - 32/17 * d minimizes the
     * worst-case error on d = (1 + a) / 2 in [1/2, 1); three iterations x += x * (1 - d * x) follow.
     */
    private static int newtonReciprocalQ2(int a) {
        int halfDenominator = FixedPoint.roundingHalfSum(a, ONE_Q0);
        final int c48Over17 = 1515870810;
        final int cNeg32Over17 = -1010580540;
        final int oneQ2 = 1 << 29;
        int x = c48Over17 + mul(halfDenominator, cNeg32Over17);
        for (int i = 0; i < 3; i++) {
            int halfDenominatorTimesX = mul(halfDenominator, x);
            int oneMinus = oneQ2 - halfDenominatorTimesX;
            x = x + FixedPoint.saturatingRoundingMultiplyByPot(mul(x, oneMinus), 2);
        }
        return x;
    }

    /** Returns 1 / (1 + a) for a in [0, 1), both with 0 integer bits. */
    public static int oneOverOnePlusXForXIn01(int a) {
        int x = newtonReciprocalQ2(a);
        // x / 2 keeps the raw value and has 1 integer bit; rescaling to 0 integer bits shifts left by 1.
        return FixedPoint.saturatingRoundingMultiplyByPot(x, 1);
    }

    /** Returns (1 - a) / (1 + a) for a in [0, 1), both with 0 integer bits. */
    public static int oneMinusXOverOnePlusXForXIn01(int a) {
        int x = newtonReciprocalQ2(a);
        return FixedPoint.saturatingRoundingMultiplyByPot(x - (1 << 29), 2);
    }

    /** Returns logistic(a) = 1 / (1 + exp(-a)), a with {@code integerBits} integer bits, the result with 0. */
    public static int logistic(int a, int integerBits) {
        if (a == 0) {
            return 1 << 30; // 0.5
        }
        int absInput = a > 0 ? a : -a;
        int ifPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absInput, integerBits));
        return a > 0 ? ifPositive : ONE_Q0 - ifPositive;
    }

    /** Returns tanh(a), a with {@code integerBits} integer bits, the result with 0. */
    public static int tanh(int a, int integerBits) {
        if (a == 0) {
            return 0;
        }
        int n = a < 0 ? a : -a;
        // tanh(-|a|) = -(1 - exp(-2|a|)) / (1 + exp(-2|a|)); doubling keeps the raw value, adds one integer bit.
        int t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
        return a < 0 ? -t : t;
    }

    /**
     * Returns TFLite's {@code GetReciprocal(x, xIntegerBits)} (kernels/internal/common.h): 1/x for a positive x with
     * {@code xIntegerBits} integer bits, as a Q0.31 significand and a count of bits over unit; the result is
     * {@code significand * 2^-bitsOverUnit}. {@code out[0]} receives the bits over unit.
     */
    public static int reciprocal(int x, int xIntegerBits, int[] bitsOverUnit) {
        int headroomPlusOne = Integer.numberOfLeadingZeros(x);
        bitsOverUnit[0] = xIntegerBits - headroomPlusOne;
        int shiftedSumMinusOne = (int) (((x & 0xFFFFFFFFL) << headroomPlusOne) - (1L << 31));
        return oneOverOnePlusXForXIn01(shiftedSumMinusOne);
    }

    /**
     * Returns TFLite's {@code CalculateInputRadius}: the largest input difference (after the left shift) whose
     * rescaled value still fits {@code integerBits} integer bits, floor((2^ib - 1) * 2^(tb - ib) / 2^leftShift).
     */
    public static int inputRadius(int integerBits, int leftShift, int totalSignedBits) {
        double maxInputRescaled = 1.0 * ((1 << integerBits) - 1) * (double) (1L << (totalSignedBits - integerBits))
                / (double) (1L << leftShift);
        return (int) Math.floor(maxInputRescaled);
    }
}
