// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * TFLite Micro's SOFTMAX for int16 input and int16 output (kernels/internal/reference/softmax.h,
 * {@code SoftmaxInt16} and {@code SoftMaxCalculateExp}; micro/kernels/softmax_common.cc prepares it): two
 * interpolated 513-entry tables ({@link Int16Lut}) instead of gemmlowp's fixed-point exp and reciprocal. The output
 * is Q0.15 (scale 2^-15, zero point 0), the input symmetric with zero point 0. The tables follow the current
 * softmax_common.cc, which fills them with {@code LUTPopulate<int16_t>} (kernels/internal/common.h); releases
 * before it used {@code gen_lut}, whose entries may differ in the last unit.
 *
 * <p>Per row of the innermost dimension:
 * <ol>
 * <li>The row maximum is subtracted, so every difference d lies in [-65535, 0].
 * <li>d is rescaled by {@code inputScale * beta / (10 / 65535)}, so that [-65535, 0] in the scaled units is
 * [-10, 0] in real units times beta (exp(-10) = 4.5e-5 is taken as negligible), shifted up by 32767 to the table's
 * int16 range, saturated, and looked up in the exp table: e in Q0.15.
 * <li>The exponentials are summed in an int32, S in Q16.15. With h = clz(S), S << (h - 1) has its top bit at bit
 * 30, i.e. it is S normalized to [1, 2) in Q1.30, which rounded to Q1.16 (>> 14 with 2^13 added) is 1 + x with x
 * in [0, 1) in Q0.16. Subtracting 2^16 leaves x, and a further 2^15 recentres [0, 65536) on the 1/(1 + x) table's
 * int16 range. The lookup gives r = 1 / (1 + x) in Q0.15, in [1/2, 1].
 * <li>Since S = (1 + x) * 2^(31 - h - 15) in real terms, e / S = e * r / 2^(31 - h - 15); with e and r both
 * Q0.15 the product is Q0.30, so the output in Q0.15 is {@code e * r} shifted right by 31 - h, rounding half up,
 * clamped to [0, 32767].
 * </ol>
 */
final class Int16Softmax {

    private Int16Softmax() {}

    /**
     * exp(v) for v in [-10, 0] in Q0.15. TFLite's parameters: input scale 10 / 65535 and zero point 32767 put
     * int16 32767 at 0 and -32768 at -10; output scale 2 / 65535, zero point 0. The range constant 65535 is an
     * int32 in the C++ and converted to float in each division. {@code expf} is evaluated as the double exp
     * rounded to float, i.e. correctly rounded. C libraries are not always: glibc 2.36's expf is one float unit
     * off at one of the 1025 arguments the table samples (-0x1.1bcp+1), but the entry it feeds rounds to the same
     * int16, and a C build of the same algorithm against glibc (with and without fused multiply-add contraction)
     * gives this table entry for entry.
     */
    static final short[] EXP_LUT = Int16Lut.populate(10.0f / 65535, Short.MAX_VALUE, 2.0f / 65535, 0,
            v -> (float) StrictMath.exp(v));

    /** 1 / (1 + x) for x in [0, 1] in Q0.15: input scale 1 / 65535 and zero point -32768 put -32768 at 0. */
    static final short[] ONE_OVER_ONE_PLUS_X_LUT = Int16Lut.populate(1.0f / 65535, Short.MIN_VALUE, 2.0f / 65535,
            0, v -> 1.0f / (1.0f + v));

    /**
     * The prepared input rescaling: {@code QuantizeMultiplier(inputScale * beta / (10 / 65535))}, applied to each
     * difference with {@code MultiplyByQuantizedMultiplier}.
     */
    record Params(int multiplier, int shift) {

        /**
         * The largest shift for which the kernel's {@code d * 2^shift} stays inside int32 for every difference d
         * in [-65535, 0]: 65535 * 2^15 < 2^31 but 65535 * 2^16 is not. A larger shift means inputScale * beta of
         * 5 or more, where the C++ would overflow.
         */
        static final int MAX_SHIFT = 15;

        /** Computes the rescaling as CalculateSoftmaxParams does, in double. */
        static Params of(float inputScale, float beta) {
            double real = (double) inputScale * (double) beta / (10.0 / 65535.0);
            QuantizedMultiplier m = QuantizedMultiplier.of(real);
            return new Params(m.multiplier(), m.shift());
        }

        /** Whether the kernel can apply this rescaling without int32 overflow. */
        boolean usable() {
            return shift <= MAX_SHIFT;
        }
    }

    /**
     * The largest row for which the int32 sum of exponentials (each at most 32767) cannot overflow, so that
     * {@code clz(S)} is at least 1 as the kernel needs.
     */
    static final int MAX_DEPTH = Integer.MAX_VALUE / Short.MAX_VALUE;

    /**
     * Computes the softmax of each row of {@code depth} values of {@code x} into {@code y}. Like the C++, the row's
     * exponentials are kept in {@code y} between the two passes.
     */
    static void softmax(Params p, int depth, short[] x, short[] y) {
        int rows = depth == 0 ? 0 : x.length / depth;
        for (int r = 0; r < rows; r++) {
            int base = r * depth;
            int max = Short.MIN_VALUE;
            for (int c = 0; c < depth; c++) {
                max = Math.max(max, x[base + c]);
            }
            int sum = 0;
            for (int c = 0; c < depth; c++) {
                short e = exp(p, x[base + c] - max);
                y[base + c] = e;
                sum += e;
            }
            int headroomPlusOne = Integer.numberOfLeadingZeros(sum);
            int onePlusX = (int) ((((long) sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
            int x01 = FixedPoint.saturateToInt16(onePlusX - (1 << 16) - (1 << 15));
            int reciprocal = Int16Lut.lookup(ONE_OVER_ONE_PLUS_X_LUT, x01);
            int rightShift = 31 - headroomPlusOne;
            long round = 1L << (rightShift - 1);
            for (int c = 0; c < depth; c++) {
                int v = (int) (((long) y[base + c] * reciprocal + round) >> rightShift);
                y[base + c] = (short) Math.min(Math.max(v, 0), Short.MAX_VALUE);
            }
        }
    }

    /** exp of a difference d in [-65535, 0] in Q0.15, step 2 above. */
    static short exp(Params p, int diff) {
        int scaled = FixedPoint.multiplyByQuantizedMultiplier(diff, p.multiplier(), p.shift());
        return Int16Lut.lookup(EXP_LUT, FixedPoint.saturateToInt16(scaled + Short.MAX_VALUE));
    }
}
