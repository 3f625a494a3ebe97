// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Tensor;

/**
 * SOFTMAX over the innermost dimension for int8 inputs with int8 or int16 outputs, in gemmlowp fixed point
 * (reference/softmax.h, softmax_common.cc).
 *
 * <p>Per row: the maximum is subtracted; differences at or above {@code diffMin} are scaled by
 * {@code beta * inputScale} into Q5.26 (the scaled difference has 5 integer bits) and exponentiated with
 * {@link FixedPointFunctions#expOnNegativeValues}; the exponentials are summed in Q12.19; the sum's reciprocal
 * times each exponential, shifted to the output's bits, is offset by the type minimum (the output zero point must
 * be the type minimum and the scale 1/256 for int8, 1/65536 for int16).
 */
final class SoftmaxKernels {

    private SoftmaxKernels() {}

    static final int SCALED_DIFF_INTEGER_BITS = 5;
    static final int ACCUMULATION_INTEGER_BITS = 12;

    /** The prepared parameters: Q31 input multiplier, its left shift, and the smallest difference kept. */
    record Params(int multiplier, int leftShift, int diffMin, int outBits, int outMin, int outMax) {}

    static Step softmax(OpBinding b) {
        b.requireInputCount(1, 1);
        Tensor in = b.input(0);
        Tensor out = b.output(0);
        b.requireType(in, "input", ElementType.INT8);
        ElementType t = b.requireType(out, "output", ElementType.INT8, ElementType.INT16);
        b.requireSameShape(in, out);
        float beta = b.options(OpOptions.Softmax.class, OpKind.SOFTMAX).beta();
        int outMin = ActivationRange.typeMin(t);
        ActivationKernels.requireOutputQuantization(b, out, t == ElementType.INT8 ? 1f / 256 : 1f / 65536, outMin);
        Params p = params(beta, b.scale(in, "input"), t);
        int depth = in.shape().rank() == 0 ? 1 : in.shape().dim(-1);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> softmax(p, depth, tensors[inIdx].int8(), tensors[outIdx]);
    }

    /**
     * Returns TFLite's {@code PreprocessSoftmaxScaling}: {@code beta * inputScale * 2^(31 - 5)}, capped at 2^31 - 1,
     * as a multiplier greater than one, and {@code diffMin = -CalculateInputRadius(5, leftShift)}.
     */
    static Params params(float beta, float inputScale, ElementType outType) {
        double maxReal = (double) ((1L << 31) - 1);
        double real = Math.min((double) beta * (double) inputScale * (double) (1 << (31 - SCALED_DIFF_INTEGER_BITS)),
                maxReal);
        QuantizedMultiplier m = QuantizedMultiplier.of(real);
        int diffMin = -FixedPointFunctions.inputRadius(SCALED_DIFF_INTEGER_BITS, m.shift(), 31);
        int bits = outType == ElementType.INT8 ? 8 : 16;
        return new Params(m.multiplier(), m.shift(), diffMin, bits, ActivationRange.typeMin(outType),
                ActivationRange.typeMax(outType));
    }

    static void softmax(Params p, int depth, byte[] x, TensorBuffer out) {
        int rows = depth == 0 ? 0 : x.length / depth;
        int[] bitsOverUnit = new int[1];
        for (int r = 0; r < rows; r++) {
            int base = r * depth;
            int max = Byte.MIN_VALUE;
            for (int c = 0; c < depth; c++) {
                max = Math.max(max, x[base + c]);
            }
            int sumOfExps = 0;
            for (int c = 0; c < depth; c++) {
                int diff = x[base + c] - max;
                if (diff >= p.diffMin()) {
                    int exp = FixedPointFunctions.expOnNegativeValues(scaledDiff(p, diff), SCALED_DIFF_INTEGER_BITS);
                    sumOfExps += FixedPoint.saturatingRoundingMultiplyByPot(exp, -ACCUMULATION_INTEGER_BITS);
                }
            }
            int shiftedScale = FixedPointFunctions.reciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS, bitsOverUnit);
            for (int c = 0; c < depth; c++) {
                int diff = x[base + c] - max;
                int v;
                if (diff >= p.diffMin()) {
                    int exp = FixedPointFunctions.expOnNegativeValues(scaledDiff(p, diff), SCALED_DIFF_INTEGER_BITS);
                    int unsat = FixedPoint.roundingDivideByPot(
                            FixedPoint.saturatingRoundingDoublingHighMul(shiftedScale, exp),
                            bitsOverUnit[0] + 31 - p.outBits());
                    v = Math.max(Math.min(unsat + p.outMin(), p.outMax()), p.outMin());
                } else {
                    v = p.outMin();
                }
                out.set(base + c, v);
            }
        }
    }

    private static int scaledDiff(Params p, int diff) {
        return FixedPoint.multiplyByQuantizedMultiplierGreaterThanOne(diff, p.multiplier(), p.leftShift());
    }
}
