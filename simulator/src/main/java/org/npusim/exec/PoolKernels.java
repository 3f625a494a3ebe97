// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Tensor;

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D on int8 and int16 NHWC tensors (reference/integer_ops/pooling.h). Padding taps
 * are excluded: the average divides by the number of taps inside the image, rounding half away from zero, and the
 * maximum is over those taps only. Input and output share quantization (TFLite requires it), so no rescaling.
 */
final class PoolKernels {

    private PoolKernels() {}

    record Window(ConvKernels.Geometry g, int actMin, int actMax) {}

    private static Window window(OpBinding b) {
        b.requireInputCount(1, 1);
        OpOptions.Pool2D o = b.options(OpOptions.Pool2D.class, OpKind.POOL_2D);
        Tensor in = b.input(0);
        Tensor out = b.output(0);
        ElementType t = b.requireType(in, "input", ElementType.INT8, ElementType.INT16);
        b.requireType(out, "output", t);
        b.requireRank(in, "input", 4);
        b.requireRank(out, "output", 4);
        int inH = in.shape().dim(1);
        int inW = in.shape().dim(2);
        int outH = o.padding().outputSize(inH, o.filterH(), o.strideH(), 1);
        int outW = o.padding().outputSize(inW, o.filterW(), o.strideW(), 1);
        int c = in.shape().dim(3);
        if (out.shape().dim(0) != in.shape().dim(0) || out.shape().dim(1) != outH || out.shape().dim(2) != outW
                || out.shape().dim(3) != c) {
            throw b.fail("output shape " + out.shape() + " does not match pooling " + in.shape() + " with a "
                    + o.filterH() + "x" + o.filterW() + " window");
        }
        var g = new ConvKernels.Geometry(in.shape().dim(0), inH, inW, c, outH, outW, c, o.filterH(), o.filterW(),
                o.strideH(), o.strideW(), 1, 1, o.padding().padBefore(inH, o.filterH(), o.strideH(), 1),
                o.padding().padBefore(inW, o.filterW(), o.strideW(), 1));
        ActivationRange r = ActivationRange.of(o.activation(), t, b.scale(out, "output"), b.zeroPoint(out, "output"), b);
        return new Window(g, r.min(), r.max());
    }

    static Step averagePool(OpBinding b) {
        Window w = window(b);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> pool(w, true, tensors[inIdx], tensors[outIdx]);
    }

    static Step maxPool(OpBinding b) {
        Window w = window(b);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> pool(w, false, tensors[inIdx], tensors[outIdx]);
    }

    static void pool(Window w, boolean average, TensorBuffer in, TensorBuffer out) {
        ConvKernels.Geometry g = w.g();
        int c = g.inC();
        int[] acc = new int[c];
        boolean int8 = in.type() == ElementType.INT8;
        byte[] x8 = int8 ? in.int8() : null;
        short[] x16 = int8 ? null : in.int16();
        for (int n = 0; n < g.batches(); n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                int iy0 = oy * g.strideH() - g.padTop();
                int ky0 = Math.max(0, -iy0);
                int ky1 = Math.min(g.kH(), g.inH() - iy0);
                for (int ox = 0; ox < g.outW(); ox++) {
                    int ix0 = ox * g.strideW() - g.padLeft();
                    int kx0 = Math.max(0, -ix0);
                    int kx1 = Math.min(g.kW(), g.inW() - ix0);
                    java.util.Arrays.fill(acc, average ? 0 : Integer.MIN_VALUE);
                    int count = 0;
                    for (int ky = ky0; ky < ky1; ky++) {
                        for (int kx = kx0; kx < kx1; kx++) {
                            int xb = ((n * g.inH() + iy0 + ky) * g.inW() + ix0 + kx) * c;
                            count++;
                            for (int ch = 0; ch < c; ch++) {
                                int v = int8 ? x8[xb + ch] : x16[xb + ch];
                                acc[ch] = average ? acc[ch] + v : Math.max(acc[ch], v);
                            }
                        }
                    }
                    int yb = ((n * g.outH() + oy) * g.outW() + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        int v = acc[ch];
                        if (average) {
                            v = count == 0 ? 0 : roundedDivide(v, count);
                        }
                        out.set(yb + ch, Math.min(Math.max(v, w.actMin()), w.actMax()));
                    }
                }
            }
        }
    }

    /** Returns acc / count rounded half away from zero, as TFLite's average pool rounds. */
    static int roundedDivide(int acc, int count) {
        return acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    }
}
