// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.Activation;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Padding;
import org.npusim.graph.Tensor;

/**
 * CONV_2D and DEPTHWISE_CONV_2D with the integer semantics of TFLite's per-channel reference kernels
 * (reference/integer_ops/conv.h and depthwise_conv.h): int8 activations with int8 weights and int32 bias, and the
 * int16x8 scheme (int16 activations with zero point 0, int8 weights, int64 or int32 bias).
 *
 * <p>The int8 accumulator is {@code sum(w * (x + inputOffset))} over the taps inside the image (padding taps are
 * skipped, not zero-filled). The loops compute it as {@code sum(w * x) + inputOffset * sum(w)}, with the weight
 * sums of the valid taps precomputed per output channel and tap, so that the inner loop is a plain dot product
 * over contiguous input channels; integer addition is associative, so the result is identical.
 */
final class ConvKernels {

    private ConvKernels() {}

    /** Geometry of a 2-D convolution window over an NHWC input. */
    record Geometry(int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW,
            int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft) {}

    static Geometry geometry(OpBinding b, Tensor in, Tensor filter, Tensor out, Padding padding, int strideH,
            int strideW, int dilationH, int dilationW, boolean depthwise) {
        b.requireRank(in, "input", 4);
        b.requireRank(filter, "filter", 4);
        b.requireRank(out, "output", 4);
        int kH = filter.shape().dim(1);
        int kW = filter.shape().dim(2);
        int inH = in.shape().dim(1);
        int inW = in.shape().dim(2);
        int outH = padding.outputSize(inH, kH, strideH, dilationH);
        int outW = padding.outputSize(inW, kW, strideW, dilationW);
        int outC = depthwise ? filter.shape().dim(3) : filter.shape().dim(0);
        if (out.shape().dim(0) != in.shape().dim(0) || out.shape().dim(1) != outH || out.shape().dim(2) != outW
                || out.shape().dim(3) != outC) {
            throw b.fail("output shape " + out.shape() + " does not match the convolution of " + in.shape() + " by "
                    + filter.shape() + " (expected " + in.shape().dim(0) + "x" + outH + "x" + outW + "x" + outC + ")");
        }
        return new Geometry(in.shape().dim(0), inH, inW, in.shape().dim(3), outH, outW, outC, kH, kW, strideH,
                strideW, dilationH, dilationW, padding.padBefore(inH, kH, strideH, dilationH),
                padding.padBefore(inW, kW, strideW, dilationW));
    }

    /**
     * Returns the per-channel multipliers {@code inputScale * filterScale[c] / outputScale}, computed in double from
     * the float scales as TFLite's {@code PopulateConvolutionQuantizationParams} does; a per-tensor filter scale is
     * broadcast to every channel.
     */
    static QuantizedMultiplier[] channelMultipliers(OpBinding b, Tensor in, Tensor filter, Tensor out, int channels) {
        float inScale = b.scale(in, "input");
        float outScale = b.scale(out, "output");
        var fq = b.quantization(filter, "filter");
        if (fq.isPerChannel() && fq.channelCount() != channels) {
            throw b.fail("filter has " + fq.channelCount() + " channel scales for " + channels + " output channels");
        }
        QuantizedMultiplier[] m = new QuantizedMultiplier[channels];
        for (int c = 0; c < channels; c++) {
            double effective = (double) inScale * (double) fq.scale(c) / (double) outScale;
            m[c] = QuantizedMultiplier.of(effective);
        }
        return m;
    }

    static int[] multipliers(QuantizedMultiplier[] m) {
        int[] out = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].multiplier();
        }
        return out;
    }

    static int[] shifts(QuantizedMultiplier[] m) {
        int[] out = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].shift();
        }
        return out;
    }

    /** Bias values widened to long (int32 or int64 constants), or zeros when the bias is omitted. */
    static long[] bias(OpBinding b, int slot, int channels, boolean allowInt64) {
        long[] out = new long[channels];
        if (!b.hasInput(slot)) {
            return out;
        }
        TensorBuffer bias = b.constant(slot, "bias");
        if (bias.length() != channels) {
            throw b.fail("bias has " + bias.length() + " values for " + channels + " output channels");
        }
        if (bias.type() == ElementType.INT32) {
            int[] v = bias.int32();
            for (int i = 0; i < channels; i++) {
                out[i] = v[i];
            }
        } else if (bias.type() == ElementType.INT64 && allowInt64) {
            System.arraycopy(bias.int64(), 0, out, 0, channels);
        } else {
            throw b.fail("bias has element type " + bias.type().label() + "; expected "
                    + (allowInt64 ? "int32 or int64" : "int32"));
        }
        return out;
    }

    /** Whether the int16x8 accumulator is 64-bit: TFLite picks the accumulator type from the bias type. */
    static boolean wideAccumulator(OpBinding b, int slot) {
        return !b.hasInput(slot) || b.input(slot).type() != ElementType.INT32;
    }

    // ---------------------------------------------------------------------------------------------- CONV_2D

    static Step conv2d(OpBinding b) {
        b.requireInputCount(2, 3);
        OpOptions.Conv2D o = b.options(OpOptions.Conv2D.class, OpKind.CONV_2D);
        Tensor in = b.input(0);
        Tensor filter = b.input(1);
        Tensor out = b.output(0);
        ElementType t = b.requireType(in, "input", ElementType.INT8, ElementType.INT16);
        b.requireType(filter, "filter", ElementType.INT8);
        b.requireType(out, "output", t);
        Geometry g = geometry(b, in, filter, out, o.padding(), o.strideH(), o.strideW(), o.dilationH(), o.dilationW(),
                false);
        int filterDepth = filter.shape().dim(3);
        if (filterDepth == 0 || g.inC() % filterDepth != 0 || g.outC() % (g.inC() / filterDepth) != 0) {
            throw b.fail("filter depth " + filterDepth + " does not divide input depth " + g.inC() + " into groups");
        }
        return bind(b, t, in, filter, out, o.activation(), g, filterDepth, ConvKernels::conv2dInt8,
                ConvKernels::conv2dInt16);
    }

    /** An int8 kernel of this class: {@code k} is the filter depth or the depth multiplier. */
    private interface Int8Kernel {
        void run(Geometry g, int k, byte[] x, int inputOffset, byte[] w, int[] bias, int[] mult, int[] shift,
                int outZp, int actMin, int actMax, byte[] y);
    }

    /** An int16x8 kernel of this class: {@code k} is the filter depth or the depth multiplier. */
    private interface Int16Kernel {
        void run(Geometry g, int k, short[] x, byte[] w, long[] bias, boolean wide, int[] mult, int[] shift,
                int actMin, int actMax, short[] y);
    }

    /**
     * The output stage and constants shared by CONV_2D and DEPTHWISE_CONV_2D (multipliers, filter, bias, activation
     * range), bound to the int8 or int16x8 kernel by the input type {@code t}.
     */
    private static Step bind(OpBinding b, ElementType t, Tensor in, Tensor filter, Tensor out, Activation activation,
            Geometry g, int k, Int8Kernel int8, Int16Kernel int16) {
        QuantizedMultiplier[] m = channelMultipliers(b, in, filter, out, g.outC());
        byte[] w = b.constant(1, "filter").int8();
        long[] bias = bias(b, 2, g.outC(), t == ElementType.INT16);
        int outZp = b.zeroPoint(out, "output");
        ActivationRange range = ActivationRange.of(activation, t, b.scale(out, "output"), outZp, b);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        int[] mult = multipliers(m);
        int[] shift = shifts(m);
        if (t == ElementType.INT8) {
            int inputOffset = -b.zeroPoint(in, "input");
            int[] biasInt = toInt(bias);
            return tensors -> int8.run(g, k, tensors[inIdx].int8(), inputOffset, w, biasInt, mult, shift, outZp,
                    range.min(), range.max(), tensors[outIdx].int8());
        }
        b.requireSymmetricInt16(in, "input");
        b.requireSymmetricInt16(out, "output");
        boolean wide = wideAccumulator(b, 2);
        return tensors -> int16.run(g, k, tensors[inIdx].int16(), w, bias, wide, mult, shift, range.min(),
                range.max(), tensors[outIdx].int16());
    }

    static int[] toInt(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    /** Returns the first filter tap index whose input coordinate {@code origin + k * dilation} is >= 0. */
    static int firstTap(int origin, int dilation, int taps) {
        int k = 0;
        while (k < taps && origin + k * dilation < 0) {
            k++;
        }
        return k;
    }

    /** Returns one past the last filter tap index whose input coordinate is < size. */
    static int endTap(int origin, int dilation, int taps, int size) {
        int k = taps;
        while (k > 0 && origin + (k - 1) * dilation >= size) {
            k--;
        }
        return k;
    }

    /** The int8 per-channel convolution, including grouped convolution. */
    static void conv2dInt8(Geometry g, int filterDepth, byte[] x, int inputOffset, byte[] w, int[] bias,
            int[] mult, int[] shift, int outZp, int actMin, int actMax, byte[] y) {
        int kH = g.kH();
        int kW = g.kW();
        int outC = g.outC();
        int inC = g.inC();
        int groups = inC / filterDepth;
        int filtersPerGroup = outC / groups;
        int taps = kH * kW;
        // Sum of weights per output channel and tap: the input offset's contribution at the valid taps.
        int[] tapSum = new int[outC * taps];
        int[] fullSum = new int[outC];
        for (int oc = 0; oc < outC; oc++) {
            for (int t = 0; t < taps; t++) {
                int s = 0;
                int base = (oc * taps + t) * filterDepth;
                for (int ci = 0; ci < filterDepth; ci++) {
                    s += w[base + ci];
                }
                tapSum[oc * taps + t] = s;
                fullSum[oc] += s;
            }
        }
        int[] acc = new int[outC];
        for (int n = 0; n < g.batches(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int iy0 = oy * g.strideH() - g.padTop();
                int ky0 = firstTap(iy0, g.dilationH(), kH);
                int ky1 = endTap(iy0, g.dilationH(), kH, g.inH());
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padLeft();
                    int kx0 = firstTap(ix0, g.dilationW(), kW);
                    int kx1 = endTap(ix0, g.dilationW(), kW, g.inW());
                    boolean full = ky0 == 0 && ky1 == kH && kx0 == 0 && kx1 == kW;
                    for (int oc = 0; oc < outC; oc++) {
                        int group = oc / filtersPerGroup;
                        int s = 0;
                        int offsetSum = 0;
                        for (int ky = ky0; ky < ky1; ky++) {
                            int iy = iy0 + ky * g.dilationH();
                            for (int kx = kx0; kx < kx1; kx++) {
                                int ix = ix0 + kx * g.dilationW();
                                int xb = ((n * g.inH() + iy) * g.inW() + ix) * inC + group * filterDepth;
                                int wb = ((oc * kH + ky) * kW + kx) * filterDepth;
                                s += dot(x, xb, w, wb, filterDepth);
                                if (!full) {
                                    offsetSum += tapSum[oc * taps + ky * kW + kx];
                                }
                            }
                        }
                        acc[oc] = s + inputOffset * (full ? fullSum[oc] : offsetSum) + bias[oc];
                    }
                    int yb = ((n * g.outH() + oy) * g.outW() + ox) * outC;
                    for (int oc = 0; oc < outC; oc++) {
                        int v = FixedPoint.multiplyByQuantizedMultiplier(acc[oc], mult[oc], shift[oc]) + outZp;
                        y[yb + oc] = (byte) Math.min(Math.max(v, actMin), actMax);
                    }
                }
            }
        }
    }

    /** Returns the dot product of {@code len} bytes of {@code a} and {@code b} starting at the given offsets. */
    static int dot(byte[] a, int ao, byte[] b, int bo, int len) {
        int s = 0;
        for (int i = 0; i < len; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** The int16x8 per-channel convolution (input and output zero points are 0). */
    static void conv2dInt16(Geometry g, int filterDepth, short[] x, byte[] w, long[] bias, boolean wide, int[] mult,
            int[] shift, int actMin, int actMax, short[] y) {
        int kH = g.kH();
        int kW = g.kW();
        int outC = g.outC();
        int inC = g.inC();
        int groups = inC / filterDepth;
        int filtersPerGroup = outC / groups;
        for (int n = 0; n < g.batches(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int iy0 = oy * g.strideH() - g.padTop();
                int ky0 = firstTap(iy0, g.dilationH(), kH);
                int ky1 = endTap(iy0, g.dilationH(), kH, g.inH());
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padLeft();
                    int kx0 = firstTap(ix0, g.dilationW(), kW);
                    int kx1 = endTap(ix0, g.dilationW(), kW, g.inW());
                    int yb = ((n * g.outH() + oy) * g.outW() + ox) * outC;
                    for (int oc = 0; oc < outC; oc++) {
                        int group = oc / filtersPerGroup;
                        long s = 0;
                        for (int ky = ky0; ky < ky1; ky++) {
                            int iy = iy0 + ky * g.dilationH();
                            for (int kx = kx0; kx < kx1; kx++) {
                                int ix = ix0 + kx * g.dilationW();
                                int xb = ((n * g.inH() + iy) * g.inW() + ix) * inC + group * filterDepth;
                                int wb = ((oc * kH + ky) * kW + kx) * filterDepth;
                                for (int ci = 0; ci < filterDepth; ci++) {
                                    s += x[xb + ci] * w[wb + ci];
                                }
                            }
                        }
                        y[yb + oc] = (short) scale16(s + bias[oc], wide, mult[oc], shift[oc], actMin, actMax);
                    }
                }
            }
        }
    }

    /**
     * Requantizes an int16x8 accumulator: with a 64-bit accumulator (int64 or no bias) TFLite uses the int64
     * {@code MultiplyByQuantizedMultiplier}; with an int32 bias the accumulator is int32 (wrapping) and the int32
     * form applies. The result is clamped to the activation range.
     */
    static int scale16(long acc, boolean wide, int mult, int shift, int actMin, int actMax) {
        int v = wide ? FixedPoint.multiplyByQuantizedMultiplier(acc, mult, shift)
                : FixedPoint.multiplyByQuantizedMultiplier((int) acc, mult, shift);
        return Math.min(Math.max(v, actMin), actMax);
    }

    // ------------------------------------------------------------------------------------ DEPTHWISE_CONV_2D

    static Step depthwise(OpBinding b) {
        b.requireInputCount(2, 3);
        OpOptions.DepthwiseConv2D o = b.options(OpOptions.DepthwiseConv2D.class, OpKind.DEPTHWISE_CONV_2D);
        Tensor in = b.input(0);
        Tensor filter = b.input(1);
        Tensor out = b.output(0);
        ElementType t = b.requireType(in, "input", ElementType.INT8, ElementType.INT16);
        b.requireType(filter, "filter", ElementType.INT8);
        b.requireType(out, "output", t);
        Geometry g = geometry(b, in, filter, out, o.padding(), o.strideH(), o.strideW(), o.dilationH(), o.dilationW(),
                true);
        if (filter.shape().dim(0) != 1 || g.inC() == 0 || g.outC() % g.inC() != 0) {
            throw b.fail("depthwise filter " + filter.shape() + " does not fit input depth " + g.inC());
        }
        int depthMultiplier = g.outC() / g.inC();
        return bind(b, t, in, filter, out, o.activation(), g, depthMultiplier, ConvKernels::depthwiseInt8,
                ConvKernels::depthwiseInt16);
    }

    /**
     * The int8 depthwise convolution: output channel {@code c * depthMultiplier + m} reads input channel c. The
     * accumulators of one output pixel are updated tap by tap across all channels, a loop over contiguous
     * channels.
     */
    static void depthwiseInt8(Geometry g, int depthMultiplier, byte[] x, int inputOffset, byte[] w, int[] bias,
            int[] mult, int[] shift, int outZp, int actMin, int actMax, byte[] y) {
        int outC = g.outC();
        int inC = g.inC();
        int[] acc = new int[outC];
        for (int n = 0; n < g.batches(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int iy0 = oy * g.strideH() - g.padTop();
                int ky0 = firstTap(iy0, g.dilationH(), g.kH());
                int ky1 = endTap(iy0, g.dilationH(), g.kH(), g.inH());
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padLeft();
                    int kx0 = firstTap(ix0, g.dilationW(), g.kW());
                    int kx1 = endTap(ix0, g.dilationW(), g.kW(), g.inW());
                    System.arraycopy(bias, 0, acc, 0, outC);
                    for (int ky = ky0; ky < ky1; ky++) {
                        int iy = iy0 + ky * g.dilationH();
                        for (int kx = kx0; kx < kx1; kx++) {
                            int ix = ix0 + kx * g.dilationW();
                            int xb = ((n * g.inH() + iy) * g.inW() + ix) * inC;
                            int wb = (ky * g.kW() + kx) * outC;
                            if (depthMultiplier == 1) {
                                for (int c = 0; c < outC; c++) {
                                    acc[c] += w[wb + c] * (x[xb + c] + inputOffset);
                                }
                            } else {
                                for (int c = 0; c < outC; c++) {
                                    acc[c] += w[wb + c] * (x[xb + c / depthMultiplier] + inputOffset);
                                }
                            }
                        }
                    }
                    int yb = ((n * g.outH() + oy) * g.outW() + ox) * outC;
                    for (int c = 0; c < outC; c++) {
                        int v = FixedPoint.multiplyByQuantizedMultiplier(acc[c], mult[c], shift[c]) + outZp;
                        y[yb + c] = (byte) Math.min(Math.max(v, actMin), actMax);
                    }
                }
            }
        }
    }

    /** The int16x8 depthwise convolution. */
    static void depthwiseInt16(Geometry g, int depthMultiplier, short[] x, byte[] w, long[] bias, boolean wide,
            int[] mult, int[] shift, int actMin, int actMax, short[] y) {
        int outC = g.outC();
        int inC = g.inC();
        long[] acc = new long[outC];
        for (int n = 0; n < g.batches(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int iy0 = oy * g.strideH() - g.padTop();
                int ky0 = firstTap(iy0, g.dilationH(), g.kH());
                int ky1 = endTap(iy0, g.dilationH(), g.kH(), g.inH());
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padLeft();
                    int kx0 = firstTap(ix0, g.dilationW(), g.kW());
                    int kx1 = endTap(ix0, g.dilationW(), g.kW(), g.inW());
                    java.util.Arrays.fill(acc, 0L);
                    for (int ky = ky0; ky < ky1; ky++) {
                        int iy = iy0 + ky * g.dilationH();
                        for (int kx = kx0; kx < kx1; kx++) {
                            int ix = ix0 + kx * g.dilationW();
                            int xb = ((n * g.inH() + iy) * g.inW() + ix) * inC;
                            int wb = (ky * g.kW() + kx) * outC;
                            for (int c = 0; c < outC; c++) {
                                acc[c] += w[wb + c] * x[xb + c / depthMultiplier];
                            }
                        }
                    }
                    int yb = ((n * g.outH() + oy) * g.outW() + ox) * outC;
                    for (int c = 0; c < outC; c++) {
                        y[yb + c] = (short) scale16(acc[c] + bias[c], wide, mult[c], shift[c], actMin, actMax);
                    }
                }
            }
        }
    }
}
