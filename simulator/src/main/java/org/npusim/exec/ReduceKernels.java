// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Shape;
import org.npusim.graph.Tensor;

/**
 * MEAN on int8 and int16 tensors, following TFLite Micro's three cases (reduce_common.cc and reference reduce.h):
 *
 * <ol>
 *   <li>a 4-D input reduced over height and width with kept dimensions (global average pooling):
 *       {@code sum(x - inZp)} is requantized by {@code inScale / outScale}, then divided by the element count
 *       rounding half away from zero, offset by the output zero point and saturated
 *       (reference/integer_ops/mean.h);
 *   <li>any other axes with equal input and output quantization: the integer sum divided by the count, truncated
 *       toward zero;
 *   <li>otherwise: the float mean of the raw values rescaled by {@code inScale / outScale} minus the input zero
 *       point's share, rounded half away from zero, offset and saturated, in float as TFLite computes it.
 * </ol>
 */
final class ReduceKernels {

    private ReduceKernels() {}

    static Step mean(OpBinding b) {
        b.requireInputCount(2, 2);
        boolean keepDims = b.options(OpOptions.Reducer.class, OpKind.REDUCER).keepDims();
        Tensor in = b.input(0);
        Tensor out = b.output(0);
        ElementType t = b.requireType(in, "input", ElementType.INT8, ElementType.INT16);
        b.requireType(out, "output", t);
        int rank = in.shape().rank();
        boolean[] reduced = new boolean[rank];
        for (int a : b.constantInts(1, "axis")) {
            int axis = a < 0 ? a + rank : a;
            if (axis < 0 || axis >= rank) {
                throw b.fail("axis " + a + " is outside the input's rank " + rank);
            }
            reduced[axis] = true;
        }
        long kept = 1;
        int count = 1;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                count *= in.shape().dim(d);
            } else {
                kept *= in.shape().dim(d);
            }
        }
        if (out.elementCount() != kept) {
            throw b.fail("output " + out.shape() + " does not hold the " + kept + " means of " + in.shape());
        }
        // For every input element, the output element it contributes to.
        int[] target = targets(in.shape(), reduced);
        float inScale = b.scale(in, "input");
        float outScale = b.scale(out, "output");
        int inZp = b.zeroPoint(in, "input");
        int outZp = b.zeroPoint(out, "output");
        int lo = ActivationRange.typeMin(t);
        int hi = ActivationRange.typeMax(t);
        int n = count;
        int outCount = (int) kept;
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        boolean spatial = keepDims && rank == 4 && !reduced[0] && reduced[1] && reduced[2] && !reduced[3];
        if (spatial) {
            QuantizedMultiplier m = QuantizedMultiplier.of((double) inScale / (double) outScale);
            return tensors -> {
                int[] sum = sums(tensors[inIdx], target, outCount, inZp);
                TensorBuffer y = tensors[outIdx];
                for (int i = 0; i < outCount; i++) {
                    int acc = m.apply(sum[i]);
                    acc = PoolKernels.roundedDivide(acc, n);
                    y.set(i, Math.min(Math.max(acc + outZp, lo), hi));
                }
            };
        }
        if (inScale == outScale && inZp == outZp) {
            return tensors -> {
                int[] sum = sums(tensors[inIdx], target, outCount, 0);
                TensorBuffer y = tensors[outIdx];
                for (int i = 0; i < outCount; i++) {
                    y.set(i, n == 0 ? 0 : sum[i] / n);
                }
            };
        }
        float scale = inScale / outScale;
        float bias = -inZp * scale;
        return tensors -> {
            int[] sum = sums(tensors[inIdx], target, outCount, 0);
            TensorBuffer y = tensors[outIdx];
            for (int i = 0; i < outCount; i++) {
                float mean = (float) sum[i] / (float) n;
                float r = FixedPoint.roundHalfAwayFromZero(mean * scale + bias) + outZp;
                r = Math.max(Math.min(r, (float) hi), (float) lo);
                y.set(i, (long) r);
            }
        };
    }

    private static int[] sums(TensorBuffer x, int[] target, int outCount, int offset) {
        int[] sum = new int[outCount];
        for (int i = 0; i < target.length; i++) {
            sum[target[i]] += (int) x.get(i) - offset;
        }
        return sum;
    }

    /** Returns, for each input element in row-major order, the flat index of its output (kept dimensions only). */
    static int[] targets(Shape in, boolean[] reduced) {
        int rank = in.rank();
        int[] outStride = new int[rank];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            outStride[d] = reduced[d] ? 0 : stride;
            stride *= reduced[d] ? 1 : in.dim(d);
        }
        return Broadcast.stridedMap(in, outStride);
    }
}
