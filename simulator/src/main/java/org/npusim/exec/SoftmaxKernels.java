// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Tensor;

/**
 * SOFTMAX over the innermost dimension for int8 inputs with int8 or int16 outputs, in gemmlowp fixed point
 * (reference/softmax.h, softmax_common.cc); int16 inputs with int16 outputs use TFLite Micro's table-based kernel
 * ({@link Int16Softmax}).
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
        ElementType inType = b.requireType(in, "input", ElementType.INT8, ElementType.INT16);
        float beta = b.options(OpOptions.Softmax.class, OpKind.SOFTMAX).beta();
        int depth = in.shape().rank() == 0 ? 1 : in.shape().dim(-1);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        if (inType == ElementType.INT16) {
            Int16Softmax.Params p = int16Params(b, in, out, beta, depth);
            return tensors -> Int16Softmax.softmax(p, depth, tensors[inIdx].int16(), tensors[outIdx].int16());
        }
        ElementType t = b.requireType(out, "output", ElementType.INT8, ElementType.INT16);
        b.requireSameShape(in, out);
        int outMin = ActivationRange.typeMin(t);
        ActivationKernels.requireOutputQuantization(b, out, t == ElementType.INT8 ? 1f / 256 : 1f / 65536, outMin);
        Params p = params(beta, b.scale(in, "input"), t);
        return tensors -> softmax(p, depth, tensors[inIdx].int8(), tensors[outIdx]);
    }

    /**
     * The int16 checks of CalculateSoftmaxParams (softmax_common.cc): an int16 output (TFLite Micro has no int16 to
     * int8 softmax), input and output zero points 0, output scale 2^-15; and two limits the C++ leaves to chance,
     * an input rescaling and a row length for which its int32 arithmetic does not overflow.
     */
    private static Int16Softmax.Params int16Params(OpBinding b, Tensor in, Tensor out, float beta, int depth) {
        if (out.type() != ElementType.INT16) {
            throw b.fail("int16 input '" + in.name() + "' with " + out.type().label() + " output '" + out.name()
                    + "' is not supported; int16 SOFTMAX needs an int16 output");
        }
        b.requireSameShape(in, out);
        b.requireSymmetricInt16(in, "input");
        b.requireSymmetricInt16(out, "output");
        ActivationKernels.requireOutputQuantization(b, out, 1f / 32768, 0);
        Int16Softmax.Params p = Int16Softmax.Params.of(b.scale(in, "input"), beta);
        if (!p.usable()) {
            throw b.fail("input scale " + b.scale(in, "input") + " times beta " + beta + " is too large for the int16"
                    + " kernel (input shift " + p.shift() + " above " + Int16Softmax.Params.MAX_SHIFT
                    + " would overflow int32)");
        }
        if (depth > Int16Softmax.MAX_DEPTH) {
            throw b.fail("rows of " + depth + " values are longer than the int16 kernel's int32 sum allows ("
                    + Int16Softmax.MAX_DEPTH + ")");
        }
        return p;
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
