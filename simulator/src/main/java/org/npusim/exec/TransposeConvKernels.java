// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Padding;
import org.npusim.graph.Tensor;

/**
 * TRANSPOSE_CONV as TFLite Micro's reference kernel computes it (reference/integer_ops/transpose_conv.h): every
 * input element is scattered, multiplied by each filter tap, into a zeroed accumulator the size of the output;
 * then bias, per-channel requantization and clamping. Inputs: 0 the output shape (ignored, as in TFLite Micro:
 * the output tensor's static shape rules), 1 the filter [outC, kH, kW, inC], 2 the input, 3 the optional bias.
 *
 * <p>The padding is the one a forward convolution of the output would have: {@link Padding#padBefore} with the
 * output size as the "input" size, which is how TFLite computes it.
 */
final class TransposeConvKernels {

    private TransposeConvKernels() {}

    static Step transposeConv(OpBinding b) {
        b.requireInputCount(3, 4);
        OpOptions.TransposeConv o = b.options(OpOptions.TransposeConv.class, OpKind.TRANSPOSE_CONV);
        Tensor filter = b.input(1);
        Tensor in = b.input(2);
        Tensor out = b.output(0);
        ElementType t = b.requireType(in, "input", ElementType.INT8, ElementType.INT16);
        b.requireType(filter, "filter", ElementType.INT8);
        b.requireType(out, "output", t);
        b.requireRank(in, "input", 4);
        b.requireRank(filter, "filter", 4);
        b.requireRank(out, "output", 4);
        int batches = in.shape().dim(0);
        int inH = in.shape().dim(1);
        int inW = in.shape().dim(2);
        int inC = in.shape().dim(3);
        int outC = filter.shape().dim(0);
        int kH = filter.shape().dim(1);
        int kW = filter.shape().dim(2);
        int outH = out.shape().dim(1);
        int outW = out.shape().dim(2);
        if (filter.shape().dim(3) != inC || out.shape().dim(3) != outC || out.shape().dim(0) != batches) {
            throw b.fail("filter " + filter.shape() + " does not fit input " + in.shape() + " and output " + out.shape());
        }
        int padTop = o.padding().padBefore(outH, kH, o.strideH(), 1);
        int padLeft = o.padding().padBefore(outW, kW, o.strideW(), 1);
        QuantizedMultiplier[] m = ConvKernels.channelMultipliers(b, in, filter, out, outC);
        int[] mult = ConvKernels.multipliers(m);
        int[] shift = ConvKernels.shifts(m);
        byte[] w = b.constant(1, "filter").int8();
        int outZp = b.zeroPoint(out, "output");
        ActivationRange range = ActivationRange.of(o.activation(), t, b.scale(out, "output"), outZp, b);
        int inIdx = b.inputIndex(2);
        int outIdx = b.outputIndex(0);
        Scatter s = new Scatter(batches, inH, inW, inC, outH, outW, outC, kH, kW, o.strideH(), o.strideW(), padTop,
                padLeft);
        if (t == ElementType.INT8) {
            int inputOffset = -b.zeroPoint(in, "input");
            int[] bias = ConvKernels.toInt(ConvKernels.bias(b, 3, outC, false));
            return tensors -> int8(s, tensors[inIdx].int8(), inputOffset, w, bias, mult, shift, outZp, range.min(),
                    range.max(), tensors[outIdx].int8());
        }
        b.requireSymmetricInt16(in, "input");
        b.requireSymmetricInt16(out, "output");
        long[] bias = int16Bias(b, outC);
        boolean wide = ConvKernels.wideAccumulator(b, 3);
        return tensors -> int16(s, tensors[inIdx].int16(), w, bias, wide, mult, shift, range.min(), range.max(),
                tensors[outIdx].int16());
    }

    /** The int16x8 bias: int64, int32, or (older converters) int16 widened to int64 as TFLite Micro does. */
    private static long[] int16Bias(OpBinding b, int outC) {
        if (b.hasInput(3) && b.input(3).type() == ElementType.INT16) {
            TensorBuffer c = b.constant(3, "bias");
            if (c.length() != outC) {
                throw b.fail("bias has " + c.length() + " values for " + outC + " output channels");
            }
            long[] out = new long[outC];
            for (int i = 0; i < outC; i++) {
                out[i] = c.int16()[i];
            }
            return out;
        }
        return ConvKernels.bias(b, 3, outC, true);
    }

    /** The scatter geometry. */
    record Scatter(int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW, int strideH,
            int strideW, int padTop, int padLeft) {}

    static void int8(Scatter g, byte[] x, int inputOffset, byte[] w, int[] bias, int[] mult, int[] shift, int outZp,
            int actMin, int actMax, byte[] y) {
        int outC = g.outC();
        int[] acc = new int[g.batches() * g.outH() * g.outW() * outC];
        for (int n = 0; n < g.batches(); n++) {
            for (int iy = 0; iy < g.inH(); iy++) {
                for (int ix = 0; ix < g.inW(); ix++) {
                    for (int ic = 0; ic < g.inC(); ic++) {
                        int v = x[((n * g.inH() + iy) * g.inW() + ix) * g.inC() + ic] + inputOffset;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int oy = iy * g.strideH() - g.padTop() + ky;
                            if (oy < 0 || oy >= g.outH()) {
                                continue;
                            }
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ox = ix * g.strideW() - g.padLeft() + kx;
                                if (ox < 0 || ox >= g.outW()) {
                                    continue;
                                }
                                int ab = ((n * g.outH() + oy) * g.outW() + ox) * outC;
                                for (int oc = 0; oc < outC; oc++) {
                                    acc[ab + oc] += v * w[((oc * g.kH() + ky) * g.kW() + kx) * g.inC() + ic];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < acc.length; i++) {
            int oc = i % outC;
            int v = FixedPoint.multiplyByQuantizedMultiplier(acc[i] + bias[oc], mult[oc], shift[oc]) + outZp;
            y[i] = (byte) Math.min(Math.max(v, actMin), actMax);
        }
    }

    static void int16(Scatter g, short[] x, byte[] w, long[] bias, boolean wide, int[] mult, int[] shift, int actMin,
            int actMax, short[] y) {
        int outC = g.outC();
        long[] acc = new long[g.batches() * g.outH() * g.outW() * outC];
        for (int n = 0; n < g.batches(); n++) {
            for (int iy = 0; iy < g.inH(); iy++) {
                for (int ix = 0; ix < g.inW(); ix++) {
                    for (int ic = 0; ic < g.inC(); ic++) {
                        int v = x[((n * g.inH() + iy) * g.inW() + ix) * g.inC() + ic];
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int oy = iy * g.strideH() - g.padTop() + ky;
                            if (oy < 0 || oy >= g.outH()) {
                                continue;
                            }
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ox = ix * g.strideW() - g.padLeft() + kx;
                                if (ox < 0 || ox >= g.outW()) {
                                    continue;
                                }
                                int ab = ((n * g.outH() + oy) * g.outW() + ox) * outC;
                                for (int oc = 0; oc < outC; oc++) {
                                    acc[ab + oc] += v * w[((oc * g.kH() + ky) * g.kW() + kx) * g.inC() + ic];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < acc.length; i++) {
            int oc = i % outC;
            y[i] = (short) ConvKernels.scale16(acc[i] + bias[oc], wide, mult[oc], shift[oc], actMin, actMax);
        }
    }
}
