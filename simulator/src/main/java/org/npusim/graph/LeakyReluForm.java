// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.List;
import java.util.Optional;

/**
 * The form Vela 3.10 gives a LEAKY_RELU or PRELU ({@code convert_lrelu}, {@code convert_prelu}), which decides the
 * operations it runs as and the MACs it counts:
 * <ul>
 *   <li>{@link #RELU}: a slope of 0 (a PRELU whose constant slopes are all 0), retyped to a ReLU;
 *   <li>{@link #LUT}: one slope, 8 bits in and out of the same type: a 256-entry LUT;
 *   <li>{@link #NATIVE}: one positive slope, int16 in and out with equal quantization: the NPU's own LeakyReLU;
 *   <li>{@link #MUL_MAX}: a slope (or a PRELU's slopes) between 0 and 1 otherwise: {@code max(x·a, x)};
 *   <li>{@link #MIN_MUL_RELU_ADD}: any other slope (negative, or at least 1), or a PRELU's non-constant slopes:
 *       {@code min(x, 0)·a + relu(x)}.
 * </ul>
 */
public enum LeakyReluForm {
    RELU,
    LUT,
    NATIVE,
    MUL_MAX,
    MIN_MUL_RELU_ADD;

    /** Returns the form of LEAKY_RELU or PRELU {@code op}, or empty for other operators. */
    public static Optional<LeakyReluForm> of(Operator op, List<Tensor> tensors) {
        if (op.inputCount() == 0 || op.outputCount() == 0 || op.input(0) < 0) {
            return Optional.empty();
        }
        Tensor in = tensors.get(op.input(0));
        Tensor out = tensors.get(op.output(0));
        if (op.is(BuiltinOperator.LEAKY_RELU) && op.options() instanceof OpOptions.LeakyRelu l) {
            return Optional.of(ofSlope(l.alpha(), in, out));
        }
        if (!op.is(BuiltinOperator.PRELU)) {
            return Optional.empty();
        }
        Optional<double[]> slopes = op.inputCount() > 1 && op.input(1) >= 0 ? slopes(tensors.get(op.input(1))) : Optional.empty();
        if (slopes.isEmpty()) {
            return Optional.of(MIN_MUL_RELU_ADD);
        }
        double[] a = slopes.get();
        double max = Double.NEGATIVE_INFINITY;
        boolean equal = true;
        for (double v : a) {
            max = Math.max(max, v);
            equal &= v == a[0];
        }
        if (equal && a.length > 0) {
            return Optional.of(ofSlope(a[0], in, out));
        }
        return Optional.of(max < 1 ? MUL_MAX : MIN_MUL_RELU_ADD);
    }

    /** Whether PRELU {@code op} has constant slopes that are all equal (Vela converts it to a LEAKY_RELU). */
    public static boolean equalSlopes(Operator op, List<Tensor> tensors) {
        if (op.inputCount() < 2 || op.input(1) < 0) {
            return false;
        }
        Optional<double[]> a = slopes(tensors.get(op.input(1)));
        if (a.isEmpty() || a.get().length == 0) {
            return false;
        }
        for (double v : a.get()) {
            if (v != a.get()[0]) {
                return false;
            }
        }
        return true;
    }

    private static LeakyReluForm ofSlope(double alpha, Tensor in, Tensor out) {
        if (alpha == 0) {
            return RELU;
        }
        boolean eightBit = in.type() == ElementType.INT8 || in.type() == ElementType.UINT8;
        if (eightBit && in.type() == out.type()) {
            return LUT;
        }
        if (in.type() == ElementType.INT16 && out.type() == ElementType.INT16 && alpha > 0
                && Quantization.sameScaling(in.quantization(), out.quantization())) {
            return NATIVE;
        }
        return alpha > 0 && alpha < 1 ? MUL_MAX : MIN_MUL_RELU_ADD;
    }

    private static int[] intsOf(int n, java.util.function.IntUnaryOperator value) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = value.applyAsInt(i);
        }
        return out;
    }

    /** The dequantized slopes of a constant PRELU alpha tensor, or empty when it is not constant. */
    private static Optional<double[]> slopes(Tensor alpha) {
        if (alpha.data().isEmpty()) {
            return Optional.empty();
        }
        if (alpha.quantization().isEmpty()) {
            return Optional.empty();
        }
        java.nio.ByteBuffer b = alpha.data().get().buffer();
        int[] q = switch (alpha.type()) {
            case INT8 -> intsOf(b.remaining(), i -> b.get(i));
            case UINT8 -> intsOf(b.remaining(), i -> b.get(i) & 0xFF);
            case INT16 -> intsOf(b.remaining() / 2, i -> b.getShort(2 * i));
            default -> null;
        };
        if (q == null) {
            return Optional.empty();
        }
        Quantization z = alpha.quantization().get();
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            int c = z.channelCount() > 1 ? Math.min(i % z.channelCount(), z.channelCount() - 1) : 0;
            out[i] = (q[i] - z.zeroPoint(c)) * (double) z.scale(c);
        }
        return Optional.of(out);
    }
}
