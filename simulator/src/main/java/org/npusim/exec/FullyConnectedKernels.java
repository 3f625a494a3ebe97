// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Quantization;
import org.npusim.graph.Tensor;

/**
 * FULLY_CONNECTED with TFLite's integer reference semantics (reference/integer_ops/fully_connected.h): for each
 * batch row and output unit, {@code sum((w + filterOffset) * (x + inputOffset)) + bias}, requantized and clamped.
 * The weights are [units, depth] row-major; the input is any shape whose element count is a multiple of depth.
 *
 * <p>The per-tensor multiplier is {@code (double)(inputScale * filterScale) / outputScale} with the product taken
 * in float, as TFLite's {@code GetQuantizedConvolutionMultipler} does; per-channel weights use the convolution's
 * double products.
 */
final class FullyConnectedKernels {

    private FullyConnectedKernels() {}

    static Step fullyConnected(OpBinding b) {
        OpOptions.FullyConnected o = options(b);
        Tensor in = b.input(0);
        Tensor filter = b.input(1);
        Tensor out = b.output(0);
        ElementType t = b.requireType(in, "input", ElementType.INT8, ElementType.INT16);
        b.requireType(filter, "weights", ElementType.INT8);
        b.requireType(out, "output", t);
        int batches = batches(b, in, filter, out);
        int units = filter.shape().dim(0);
        int depth = filter.shape().dim(1);
        int[] mult = new int[units];
        int[] shift = new int[units];
        multipliers(b, in, filter, out, units, mult, shift);
        byte[] w = b.constant(1, "weights").int8();
        long[] bias = ConvKernels.bias(b, 2, units, t == ElementType.INT16);
        int filterOffset = -b.zeroPoint(filter, "weights");
        int outZp = b.zeroPoint(out, "output");
        ActivationRange range = ActivationRange.of(o.activation(), t, b.scale(out, "output"), outZp, b);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        if (t == ElementType.INT8) {
            int inputOffset = -b.zeroPoint(in, "input");
            int[] biasInt = ConvKernels.toInt(bias);
            return tensors -> int8(batches, units, depth, tensors[inIdx].int8(), inputOffset, w, filterOffset, biasInt,
                    mult, shift, outZp, range.min(), range.max(), tensors[outIdx].int8());
        }
        b.requireSymmetricInt16(in, "input");
        boolean wide = ConvKernels.wideAccumulator(b, 2);
        return tensors -> int16(batches, units, depth, tensors[inIdx].int16(), w, filterOffset, bias, wide, mult,
                shift, outZp, range.min(), range.max(), tensors[outIdx].int16());
    }

    /** Checks the input count and that the weights are not shuffled; returns the options. */
    static OpOptions.FullyConnected options(OpBinding b) {
        b.requireInputCount(2, 3);
        OpOptions.FullyConnected o = b.options(OpOptions.FullyConnected.class, OpKind.FULLY_CONNECTED);
        if (o.weightsFormat() != 0) {
            throw b.fail("shuffled weights format " + o.weightsFormat() + " is not supported");
        }
        return o;
    }

    /**
     * Checks that the weights are [units, depth], that the input is whole rows of depth and that the output holds
     * units values per row; returns the number of rows.
     */
    static int batches(OpBinding b, Tensor in, Tensor filter, Tensor out) {
        b.requireRank(filter, "weights", 2);
        int units = filter.shape().dim(0);
        int depth = filter.shape().dim(1);
        if (depth == 0 || in.elementCount() % depth != 0) {
            throw b.fail("input " + in.shape() + " is not a whole number of rows of depth " + depth);
        }
        int batches = (int) (in.elementCount() / depth);
        if (out.elementCount() != (long) batches * units) {
            throw b.fail("output " + out.shape() + " should hold " + batches + " x " + units + " values");
        }
        return batches;
    }

    static void multipliers(OpBinding b, Tensor in, Tensor filter, Tensor out, int units, int[] mult,
            int[] shift) {
        Quantization fq = b.quantization(filter, "weights");
        if (fq.isPerChannel()) {
            QuantizedMultiplier[] m = ConvKernels.channelMultipliers(b, in, filter, out, units);
            for (int i = 0; i < units; i++) {
                mult[i] = m[i].multiplier();
                shift[i] = m[i].shift();
            }
            return;
        }
        float product = b.scale(in, "input") * fq.scale(0);
        QuantizedMultiplier m = QuantizedMultiplier.of((double) product / (double) b.scale(out, "output"));
        java.util.Arrays.fill(mult, m.multiplier());
        java.util.Arrays.fill(shift, m.shift());
    }

    static void int8(int batches, int units, int depth, byte[] x, int inputOffset, byte[] w, int filterOffset,
            int[] bias, int[] mult, int[] shift, int outZp, int actMin, int actMax, byte[] y) {
        // sum((w + fo) * (x + io)) = sum(w * x) + io * sum(w) + fo * sum(x) + depth * fo * io.
        int[] wSum = new int[units];
        for (int u = 0; u < units; u++) {
            int s = 0;
            for (int d = 0; d < depth; d++) {
                s += w[u * depth + d];
            }
            wSum[u] = s;
        }
        for (int n = 0; n < batches; n++) {
            int xb = n * depth;
            int xSum = 0;
            if (filterOffset != 0) {
                for (int d = 0; d < depth; d++) {
                    xSum += x[xb + d];
                }
            }
            for (int u = 0; u < units; u++) {
                int acc = ConvKernels.dot(x, xb, w, u * depth, depth) + inputOffset * wSum[u] + filterOffset * xSum
                        + depth * filterOffset * inputOffset + bias[u];
                int v = FixedPoint.multiplyByQuantizedMultiplier(acc, mult[u], shift[u]) + outZp;
                y[n * units + u] = (byte) Math.min(Math.max(v, actMin), actMax);
            }
        }
    }

    static void int16(int batches, int units, int depth, short[] x, byte[] w, int filterOffset, long[] bias,
            boolean wide, int[] mult, int[] shift, int outZp, int actMin, int actMax, short[] y) {
        for (int n = 0; n < batches; n++) {
            int xb = n * depth;
            for (int u = 0; u < units; u++) {
                long acc = 0;
                int wb = u * depth;
                for (int d = 0; d < depth; d++) {
                    acc += (w[wb + d] + filterOffset) * x[xb + d];
                }
                acc += bias[u];
                int v = (wide ? FixedPoint.multiplyByQuantizedMultiplier(acc, mult[u], shift[u])
                        : FixedPoint.multiplyByQuantizedMultiplier((int) acc, mult[u], shift[u])) + outZp;
                y[n * units + u] = (short) Math.min(Math.max(v, actMin), actMax);
            }
        }
    }
}
