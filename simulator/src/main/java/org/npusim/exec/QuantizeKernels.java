// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;
import org.npusim.graph.Tensor;

/**
 * QUANTIZE and DEQUANTIZE (quantize_common.cc, reference/quantize.h, requantize.h, dequantize.h).
 *
 * <p>QUANTIZE from float32 computes {@code round(x / scale) + zp} in float and saturates. QUANTIZE between integer
 * types requantizes: {@code MultiplyByQuantizedMultiplier(x - inZp, inScale / outScale) + outZp}, saturated to the
 * output type; this covers int8, uint8, int16 and int32 in the combinations TFLite Micro accepts. DEQUANTIZE
 * computes {@code (float)(scale * (x - zp))} with the scale in double.
 */
final class QuantizeKernels {

    private QuantizeKernels() {}

    static Step quantize(OpBinding b) {
        b.requireInputCount(1, 1);
        Tensor in = b.input(0);
        Tensor out = b.output(0);
        ElementType ti = b.requireType(in, "input", ElementType.FLOAT32, ElementType.INT8, ElementType.UINT8,
                ElementType.INT16, ElementType.INT32);
        ElementType to = b.requireType(out, "output", ElementType.INT8, ElementType.UINT8, ElementType.INT16,
                ElementType.INT32);
        b.requireSameCount(in.shape(), out.shape());
        float outScale = b.scale(out, "output");
        int outZp = b.zeroPoint(out, "output");
        int lo = ActivationRange.typeMin(to);
        int hi = ActivationRange.typeMax(to);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        if (ti == ElementType.FLOAT32) {
            if (to == ElementType.INT32) {
                throw b.unsupportedTypes(in, out);
            }
            return tensors -> {
                float[] x = tensors[inIdx].float32();
                TensorBuffer y = tensors[outIdx];
                for (int i = 0; i < x.length; i++) {
                    y.set(i, affineQuantize(x[i], outScale, outZp, lo, hi));
                }
            };
        }
        if (ti == ElementType.INT32 && to == ElementType.INT32 || ti == ElementType.UINT8 && to != ElementType.INT8) {
            throw b.unsupportedTypes(in, out);
        }
        QuantizedMultiplier m = QuantizedMultiplier.of((double) b.scale(in, "input") / (double) outScale);
        int inZp = b.zeroPoint(in, "input");
        return tensors -> {
            TensorBuffer x = tensors[inIdx];
            TensorBuffer y = tensors[outIdx];
            for (int i = 0; i < x.length(); i++) {
                int v = m.apply((int) x.get(i) - inZp) + outZp;
                y.set(i, Math.max(Math.min(v, hi), lo));
            }
        };
    }

    /** Returns TFLite's {@code AffineQuantize} of one value: round(x / scale) in float, plus zp, saturated. */
    static int affineQuantize(float x, float scale, int zeroPoint, int lo, int hi) {
        float q = FixedPoint.roundHalfAwayFromZero(x / scale);
        long v = (long) q + zeroPoint;
        if (Float.isNaN(q)) {
            v = zeroPoint;
        }
        return (int) Math.max(Math.min(v, hi), lo);
    }

    static Step dequantize(OpBinding b) {
        b.requireInputCount(1, 1);
        Tensor in = b.input(0);
        Tensor out = b.output(0);
        b.requireType(in, "input", ElementType.INT8, ElementType.UINT8, ElementType.INT16);
        b.requireType(out, "output", ElementType.FLOAT32);
        b.requireSameCount(in.shape(), out.shape());
        double scale = b.scale(in, "input");
        int zp = b.zeroPoint(in, "input");
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> {
            TensorBuffer x = tensors[inIdx];
            float[] y = tensors[outIdx].float32();
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) (scale * (x.get(i) - zp));
            }
        };
    }
}
