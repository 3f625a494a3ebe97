// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * TFLite Micro's int16 LOGISTIC and TANH (kernels/internal/reference/integer_ops/logistic.h and tanh.h, the int16
 * overloads; logistic_common.cc and tanh.cc prepare them): a 256-entry table of sigmoid(i / 24) in unsigned Q0.16,
 * read with linear interpolation between neighbouring entries. TFLite Micro uses this table for int16, not the
 * 513-entry LUT of the TFLite interpreter nor gemmlowp's fixed-point functions; the integer LSTM
 * (lstm_eval.cc, {@code lstm_internal::Sigmoid} and {@code Tanh}) calls the same two functions.
 *
 * <p>The input is first brought to the table's scale by {@code (x * multiplier + round) >> rightShift}
 * ({@link Scaling}). For sigmoid one table step is 512 units of the scaled input and the table covers |x| below
 * 255 steps, i.e. 10.6; tanh reads the same table at twice the argument, since tanh(x) = 2 sigmoid(2x) - 1, with
 * one step per 256 units. Both functions are odd around their centre, so only |x| is looked up and the sign is
 * applied afterwards. Outputs are Q0.15 (scale 2^-15).
 */
final class Int16Sigmoid {

    private Int16Sigmoid() {}

    /**
     * sigmoid(i / 24) * 2^16 for i = 0 .. 255, saturated to 65535 (common.h, {@code sigmoid_table_uint16}). The
     * values are TFLite's own, not recomputed: 44 of them are one above round(2^16 sigmoid(i / 24)), so a table
     * built from the formula would not be bit-exact.
     */
    private static final int[] SIGMOID_Q16 = {
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
        43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
        51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
        57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
        61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
        63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
        64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
        64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
        65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
        65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
        65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
        65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
        65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
        65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
        65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
        65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535
    };

    /**
     * How an int16 input is scaled before the table lookup: {@code (x * multiplier + round) >> rightShift} with
     * {@code round = 2^(rightShift - 1)} (0 when rightShift is 0). TFLite calls the shift {@code input_left_shift}
     * although the kernel shifts right with it; a TFLite multiplier of 0 marks a power-of-two scale and is
     * resolved here, as the kernel resolves it, into {@code 3 << shift} with no shift.
     *
     * @param multiplier the integer multiplier, at most 2^15 - 1 for general scales
     * @param rightShift the rounding right shift, in [0, 31]
     */
    record Scaling(int multiplier, int rightShift) {

        Scaling {
            if (rightShift < 0 || rightShift > 31 || multiplier < 0) {
                throw new IllegalArgumentException("multiplier " + multiplier + ", shift " + rightShift);
            }
        }

        /**
         * The scaling of an input quantized as {@code scale}, as LogisticPrepare ({@code scaleLog2Offset} 0) and
         * TanhPrepare (1) compute it (logistic_common.cc, tanh.cc, {@code CalculateArithmeticOpData}). The table
         * wants the input in units of 2^-12 / 3. A power-of-two scale 2^(e) with {@code shift = 12 + e} equal to 0
         * (or, for tanh, 1) multiplies by {@code 3 << shift}; any other scale multiplies by
         * {@code scale * 4096 * 3}, doubled (and the right shift incremented) while it is at most 32767 / 2 and
         * the shift at most 30, then truncated.
         */
        static Scaling of(float scale, int largestPowerOfTwoShift) {
            ScaleLog2 log2 = ScaleLog2.of(scale);
            int shift = 12 + log2.exponent();
            if (log2.powerOfTwo() && shift >= 0 && shift <= largestPowerOfTwoShift) {
                return new Scaling(3 << shift, 0);
            }
            double multiplier = (double) scale * 4096.0 * 3.0;
            int rightShift = 0;
            while (multiplier <= 32767.0 / 2.0 && rightShift <= 30) {
                rightShift++;
                multiplier *= 2.0;
            }
            return new Scaling((int) multiplier, rightShift);
        }

        /** LOGISTIC's scaling of an int16 input with {@code scale}. */
        static Scaling logistic(float scale) {
            return of(scale, 0);
        }

        /** TANH's scaling of an int16 input with {@code scale}. */
        static Scaling tanh(float scale) {
            return of(scale, 1);
        }

        /**
         * The LSTM's tanh of a Q(15 + p).(-p) value, where 2^p is the cell state scale (lstm_eval.cc,
         * {@code lstm_internal::Tanh}): TFLite computes a left shift {@code 15 + p - 3}; when it is negative the
         * input is multiplied by 3 and shifted right by its magnitude, otherwise multiplied by {@code 3 << shift}.
         * The gates' tanh uses p = -12, which is the identity scaling 3.
         */
        static Scaling lstmTanh(int cellScalePower) {
            int leftShift = 15 + cellScalePower - 3;
            return leftShift < 0 ? new Scaling(3, -leftShift) : new Scaling(3 << leftShift, 0);
        }

        /** Returns the scaled input, {@code (x * multiplier + round) >> rightShift}. */
        int apply(int x) {
            int round = rightShift > 0 ? 1 << (rightShift - 1) : 0;
            return (x * multiplier + round) >> rightShift;
        }

        /**
         * Whether the kernel can use this scaling: a non-zero multiplier (a scale below about 2^-43 truncates to 0)
         * for which {@code x * multiplier + round} stays inside int32 for every int16 x, as the C++ needs (TFLite
         * only checks multiplier <= 32767 in debug builds).
         */
        boolean usable() {
            return multiplier > 0
                    && (long) multiplier * 32768L + (rightShift > 0 ? 1L << (rightShift - 1) : 0) <= Integer.MAX_VALUE;
        }
    }

    /**
     * Returns sigmoid of the scaled input {@code v} in Q0.15 (logistic.h, int16 {@code Logistic}). With
     * a = |v|, the index is a / 512 and the remaining 9 bits interpolate: r = (t[i] << 9) + (a mod 512) *
     * (t[i + 1] - t[i]), a Q0.25 value; from index 255 on r saturates to 0x7FFF << 10. A non-negative input
     * rounds r + 2^9 down by 10 bits; a negative one mirrors it, 2^25 - r + 2^9 - 1, so that sigmoid(-x) =
     * 1 - sigmoid(x) with the same rounding. (A saturated negative input therefore gives 1, not 0.)
     */
    static int logisticScaled(int v) {
        int r = interpolate(Math.abs(v), 9, 0x7FFF << 10);
        r = v >= 0 ? r + (1 << 9) : (1 << 25) - r + (1 << 9) - 1;
        return r >>> 10;
    }

    /**
     * Returns tanh of the scaled input {@code v} in Q0.15 (tanh.h, int16 {@code Tanh}): index a / 256 with 8
     * interpolation bits, r = (t[i] << 8) + (a mod 256) * (t[i + 1] - t[i]) in Q0.24, saturated from index 255
     * to 0xFFFF << 8. Since tanh(x) = 2 sigmoid(2x) - 1, subtracting one half (2^23) leaves tanh / 2 in Q0.24,
     * which is tanh in Q0.23 (one bit of scale): r - 2^23 + 2^7 for non-negative inputs, 2^23 - r + 2^7 - 1 for
     * negative ones, then an arithmetic shift right by 8 to Q0.15.
     */
    static int tanhScaled(int v) {
        int r = interpolate(Math.abs(v), 8, 0xFFFF << 8);
        r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
        return r >> 8;
    }

    /**
     * The table read shared by both functions: index {@code a >> fractionBits}, and the low {@code fractionBits}
     * of {@code a} weighting the step to the next entry, {@code (t[i] << fractionBits) + frac * (t[i + 1] - t[i])};
     * from index 255 on (no next entry) the caller's saturated value.
     */
    private static int interpolate(int a, int fractionBits, int saturated) {
        int index = a >>> fractionBits;
        if (index >= 255) {
            return saturated;
        }
        int lo = SIGMOID_Q16[index];
        int fraction = a & ((1 << fractionBits) - 1);
        return (lo << fractionBits) + fraction * (SIGMOID_Q16[index + 1] - lo);
    }

    /** Returns sigmoid(x) in Q0.15 for an int16 input {@code x} scaled by {@code s}. */
    static short logistic(int x, Scaling s) {
        return (short) logisticScaled(s.apply(x));
    }

    /** Returns tanh(x) in Q0.15 for an int16 input {@code x} scaled by {@code s}. */
    static short tanh(int x, Scaling s) {
        return (short) tanhScaled(s.apply(x));
    }
}
