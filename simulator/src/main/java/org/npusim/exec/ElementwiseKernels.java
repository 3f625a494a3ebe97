// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.Activation;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Tensor;

/**
 * ADD, SUB and MUL on quantized int8 and int16 tensors with broadcasting, and on plain int32 tensors.
 *
 * <p>ADD and SUB follow TFLite Micro's general rescaling path (add_common.cc, sub_common.cc, reference add.h and
 * sub.h): both inputs are offset by their zero points, shifted left by 20 bits (int8) or 15 bits (int16) for
 * headroom, scaled to a common scale of twice the larger input scale, summed, and scaled to the output. The
 * multipliers are computed in double from the float scales for both operators. (TFLite Micro's current
 * sub_common.cc computes SUB's in float; the seanet conformance vectors were generated with the double version, and
 * in float the last bit of a multiplier changes 4 of the 10,848 SUB outputs there.) MUL
 * multiplies the offset values and applies {@code s1 * s2 / sOut} once (mul_common.cc).
 *
 * <p>MAXIMUM and MINIMUM compare the stored values as they are, without rescaling (TFLite Micro's
 * maximum_minimum.cc; the converter gives both inputs and the output one quantization).
 */
final class ElementwiseKernels {

    private ElementwiseKernels() {}

    private enum Kind {
        ADD,
        SUB,
        MUL
    }

    static Step add(OpBinding b) {
        return prepare(b, Kind.ADD);
    }

    static Step sub(OpBinding b) {
        return prepare(b, Kind.SUB);
    }

    static Step mul(OpBinding b) {
        return prepare(b, Kind.MUL);
    }

    /** The precomputed parameters of one quantized binary operator. */
    record Params(int in1Offset, int in2Offset, int outOffset, int leftShift, int m1, int s1, int m2, int s2, int mOut,
            int sOut, int actMin, int actMax) {}

    private static Step prepare(OpBinding b, Kind kind) {
        Operands o = operands(b);
        Tensor a = b.input(0);
        Tensor c = b.input(1);
        Tensor out = b.output(0);
        Activation activation = activation(b);
        ElementType t = o.type();
        int[] mapA = o.mapA();
        int[] mapC = o.mapC();
        int ia = b.inputIndex(0);
        int ic = b.inputIndex(1);
        int io = b.outputIndex(0);
        if (t == ElementType.INT32) {
            if (activation != Activation.NONE && activation != Activation.RELU && activation != Activation.RELU6) {
                throw b.fail("fused activation " + activation + " is not supported on int32 outputs");
            }
            int lo = activation == Activation.NONE ? Integer.MIN_VALUE : 0;
            int hi = activation == Activation.RELU6 ? 6 : Integer.MAX_VALUE;
            return tensors -> int32(kind, tensors[ia].int32(), mapA, tensors[ic].int32(), mapC, lo, hi,
                    tensors[io].int32());
        }
        Params p = kind == Kind.MUL ? mulParams(b, a, c, out, activation) : addSubParams(b, kind, a, c, out, activation);
        if (t == ElementType.INT8) {
            return tensors -> int8(kind, p, tensors[ia].int8(), mapA, tensors[ic].int8(), mapC, tensors[io].int8());
        }
        return tensors -> int16(kind, p, tensors[ia].int16(), mapA, tensors[ic].int16(), mapC, tensors[io].int16());
    }

    private static Activation activation(OpBinding b) {
        OpOptions o = b.options();
        if (o.kind() == OpKind.NONE) {
            return Activation.NONE;
        }
        return b.options(OpOptions.Arithmetic.class, OpKind.ARITHMETIC).activation();
    }

    private static Params addSubParams(OpBinding b, Kind kind, Tensor a, Tensor c, Tensor out, Activation activation) {
        float sa = b.scale(a, "input 1");
        float sc = b.scale(c, "input 2");
        float so = b.scale(out, "output");
        int leftShift = out.type() == ElementType.INT16 ? 15 : 20;
        double twiceMax = 2 * (double) Math.max(sa, sc);
        double realA = sa / twiceMax;
        double realC = sc / twiceMax;
        double realOut = twiceMax / ((1 << leftShift) * (double) so);
        QuantizedMultiplier ma = smallerThanOne(b, realA);
        QuantizedMultiplier mc = smallerThanOne(b, realC);
        QuantizedMultiplier mo = smallerThanOne(b, realOut);
        int outZp = b.zeroPoint(out, "output");
        ActivationRange r = ActivationRange.of(activation, out.type(), so, outZp, b);
        return new Params(-b.zeroPoint(a, "input 1"), -b.zeroPoint(c, "input 2"), outZp, leftShift, ma.multiplier(),
                ma.shift(), mc.multiplier(), mc.shift(), mo.multiplier(), mo.shift(), r.min(), r.max());
    }

    /** TFLite's {@code QuantizeMultiplierSmallerThanOneExp}: the multiplier must lie in (0, 1). */
    private static QuantizedMultiplier smallerThanOne(OpBinding b, double real) {
        if (!(real > 0 && real < 1)) {
            throw b.fail("rescaling factor " + real + " is outside (0, 1); the scales of the inputs and the output "
                    + "are not ones TFLite's kernels accept");
        }
        return QuantizedMultiplier.of(real);
    }

    private static Params mulParams(OpBinding b, Tensor a, Tensor c, Tensor out, Activation activation) {
        float so = b.scale(out, "output");
        double real = (double) b.scale(a, "input 1") * (double) b.scale(c, "input 2") / (double) so;
        QuantizedMultiplier m = QuantizedMultiplier.of(real);
        int outZp = b.zeroPoint(out, "output");
        ActivationRange r = ActivationRange.of(activation, out.type(), so, outZp, b);
        return new Params(-b.zeroPoint(a, "input 1"), -b.zeroPoint(c, "input 2"), outZp, 0, 0, 0, 0, 0,
                m.multiplier(), m.shift(), r.min(), r.max());
    }

    /** Returns the quantized result of one element pair. */
    static int apply(Kind kind, Params p, int x1, int x2) {
        int a = p.in1Offset() + x1;
        int c = p.in2Offset() + x2;
        int raw;
        if (kind == Kind.MUL) {
            raw = FixedPoint.multiplyByQuantizedMultiplier(a * c, p.mOut(), p.sOut()) + p.outOffset();
        } else {
            int sa = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOne(a * (1 << p.leftShift()), p.m1(), p.s1());
            int sc = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOne(c * (1 << p.leftShift()), p.m2(), p.s2());
            int sum = kind == Kind.ADD ? sa + sc : sa - sc;
            raw = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOne(sum, p.mOut(), p.sOut()) + p.outOffset();
        }
        return Math.min(Math.max(raw, p.actMin()), p.actMax());
    }

    private static void int8(Kind kind, Params p, byte[] a, int[] mapA, byte[] c, int[] mapC, byte[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] = (byte) apply(kind, p, a[mapA == null ? i : mapA[i]], c[mapC == null ? i : mapC[i]]);
        }
    }

    private static void int16(Kind kind, Params p, short[] a, int[] mapA, short[] c, int[] mapC, short[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] = (short) apply(kind, p, a[mapA == null ? i : mapA[i]], c[mapC == null ? i : mapC[i]]);
        }
    }

    private static void int32(Kind kind, int[] a, int[] mapA, int[] c, int[] mapC, int lo, int hi, int[] y) {
        for (int i = 0; i < y.length; i++) {
            int x1 = a[mapA == null ? i : mapA[i]];
            int x2 = c[mapC == null ? i : mapC[i]];
            int v = kind == Kind.ADD ? x1 + x2 : kind == Kind.SUB ? x1 - x2 : x1 * x2;
            y[i] = Math.min(Math.max(v, lo), hi);
        }
    }

    /**
     * The checked operands of a binary operator: both inputs of the output's type (int8, int16 or int32), and for
     * each input the index map of its broadcast to the output's shape (null where it has that shape).
     */
    private record Operands(ElementType type, int[] mapA, int[] mapC) {}

    private static Operands operands(OpBinding b) {
        b.requireInputCount(2, 2);
        Tensor a = b.input(0);
        Tensor c = b.input(1);
        Tensor out = b.output(0);
        ElementType t = b.requireType(out, "output", ElementType.INT8, ElementType.INT16, ElementType.INT32);
        b.requireType(a, "input 1", t);
        b.requireType(c, "input 2", t);
        if (!Broadcast.broadcastsTo(a.shape(), out.shape()) || !Broadcast.broadcastsTo(c.shape(), out.shape())) {
            throw b.fail("input shapes " + a.shape() + " and " + c.shape() + " do not broadcast to output "
                    + out.shape());
        }
        return new Operands(t, a.shape().equals(out.shape()) ? null : Broadcast.indexMap(a.shape(), out.shape()),
                c.shape().equals(out.shape()) ? null : Broadcast.indexMap(c.shape(), out.shape()));
    }

    /** MAXIMUM ({@code greater}) or MINIMUM of two int8, int16 or int32 tensors, with broadcasting. */
    static Step maximumMinimum(OpBinding b, boolean greater) {
        Operands o = operands(b);
        int n = (int) b.output(0).elementCount();
        int ia = b.inputIndex(0);
        int ic = b.inputIndex(1);
        int io = b.outputIndex(0);
        return tensors -> {
            TensorBuffer x = tensors[ia];
            TensorBuffer z = tensors[ic];
            TensorBuffer y = tensors[io];
            for (int i = 0; i < n; i++) {
                long v1 = x.get(o.mapA() == null ? i : o.mapA()[i]);
                long v2 = z.get(o.mapC() == null ? i : o.mapC()[i]);
                y.set(i, greater ? Math.max(v1, v2) : Math.min(v1, v2));
            }
        };
    }
}
