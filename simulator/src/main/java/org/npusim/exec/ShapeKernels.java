// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.util.Arrays;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.SliceIndex;
import org.npusim.graph.Tensor;

/**
 * Operators that move values without arithmetic: RESHAPE, SQUEEZE, CONCATENATION, PAD/PADV2, SLICE, STRIDED_SLICE
 * and TRANSPOSE. They work on any element type by copying array ranges ({@link System#arraycopy}) or by a gather
 * through an index map computed once when the operator is prepared.
 *
 * <p>TFLite Micro's kernels for these operators do not requantize, so inputs and outputs must share quantization;
 * a model that relies on a requantizing CONCATENATION is rejected rather than silently miscomputed.
 */
final class ShapeKernels {

    private ShapeKernels() {}

    /** Copies {@code map.length} elements: {@code dst[i] = src[map[i]]}. */
    static void gather(TensorBuffer src, int[] map, TensorBuffer dst) {
        Object s = src.array();
        Object d = dst.array();
        if (s instanceof byte[]) {
            byte[] a = (byte[]) s;
            byte[] y = (byte[]) d;
            for (int i = 0; i < map.length; i++) {
                y[i] = a[map[i]];
            }
        } else if (s instanceof short[]) {
            short[] a = (short[]) s;
            short[] y = (short[]) d;
            for (int i = 0; i < map.length; i++) {
                y[i] = a[map[i]];
            }
        } else if (s instanceof int[]) {
            int[] a = (int[]) s;
            int[] y = (int[]) d;
            for (int i = 0; i < map.length; i++) {
                y[i] = a[map[i]];
            }
        } else if (s instanceof long[]) {
            long[] a = (long[]) s;
            long[] y = (long[]) d;
            for (int i = 0; i < map.length; i++) {
                y[i] = a[map[i]];
            }
        } else {
            float[] a = (float[]) s;
            float[] y = (float[]) d;
            for (int i = 0; i < map.length; i++) {
                y[i] = a[map[i]];
            }
        }
    }

    /**
     * Checks the operands of an operator that moves values: {@code min}..{@code max} inputs, and an output of the
     * input's type and quantization; returns the input.
     */
    private static Tensor movedInput(OpBinding b, int min, int max) {
        b.requireInputCount(min, max);
        Tensor in = b.input(0);
        Tensor out = b.output(0);
        b.requireType(out, "output", in.type());
        requireSameQuantization(b, in, out);
        return in;
    }

    private static void requireSameQuantization(OpBinding b, Tensor in, Tensor out) {
        Quantization qi = in.quantization().orElse(null);
        Quantization qo = out.quantization().orElse(null);
        if (qi == null || qo == null || qi.channelCount() == 0 || qo.channelCount() == 0) {
            return;
        }
        if (qi.scale(0) != qo.scale(0) || qi.zeroPoint(0) != qo.zeroPoint(0)) {
            throw b.fail("input '" + in.name() + "' (" + qi + ") and output '" + out.name() + "' (" + qo
                    + ") are quantized differently; this operator does not requantize");
        }
    }

    // ------------------------------------------------------------------------------------- RESHAPE, SQUEEZE

    /** RESHAPE and SQUEEZE: the values in order, under the output tensor's shape. */
    static Step reshape(OpBinding b) {
        b.requireInputCount(1, 2);
        Tensor in = b.input(0);
        Tensor out = b.output(0);
        b.requireType(out, "output", in.type());
        b.requireSameCount(in.shape(), out.shape());
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> System.arraycopy(tensors[inIdx].array(), 0, tensors[outIdx].array(), 0,
                tensors[outIdx].length());
    }

    // ------------------------------------------------------------------------------------------ CONCATENATION

    /**
     * CONCATENATION along one axis: the output is the inputs' blocks interleaved, each input contributing
     * {@code dim(axis) * inner} contiguous values per outer index.
     */
    static Step concatenation(OpBinding b) {
        int n = b.op().inputCount();
        if (n < 1) {
            throw b.fail("has no inputs");
        }
        OpOptions.Concatenation o = b.options(OpOptions.Concatenation.class, OpKind.CONCATENATION);
        if (o.activation() != org.npusim.graph.Activation.NONE) {
            throw b.fail("fused activation " + o.activation() + " on CONCATENATION is not supported");
        }
        Tensor out = b.output(0);
        int rank = out.shape().rank();
        int axis = o.axis() < 0 ? o.axis() + rank : o.axis();
        if (axis < 0 || axis >= rank) {
            throw b.fail("axis " + o.axis() + " is outside the output's rank " + rank);
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= out.shape().dim(i);
        }
        int inner = 1;
        for (int i = axis + 1; i < rank; i++) {
            inner *= out.shape().dim(i);
        }
        int[] idx = new int[n];
        int[] block = new int[n];
        int total = 0;
        for (int k = 0; k < n; k++) {
            Tensor in = b.input(k);
            b.requireType(in, "input " + k, out.type());
            requireSameQuantization(b, in, out);
            if (in.shape().rank() != rank) {
                throw b.fail("input " + k + " has shape " + in.shape() + "; rank " + rank + " expected");
            }
            for (int d = 0; d < rank; d++) {
                if (d != axis && in.shape().dim(d) != out.shape().dim(d)) {
                    throw b.fail("input " + k + " shape " + in.shape() + " does not fit output " + out.shape());
                }
            }
            idx[k] = b.inputIndex(k);
            block[k] = in.shape().dim(axis) * inner;
            total += in.shape().dim(axis);
        }
        if (total != out.shape().dim(axis)) {
            throw b.fail("inputs add up to " + total + " along axis " + axis + ", output has " + out.shape().dim(axis));
        }
        int outIdx = b.outputIndex(0);
        int o0 = outer;
        return tensors -> {
            Object y = tensors[outIdx].array();
            int pos = 0;
            for (int i = 0; i < o0; i++) {
                for (int k = 0; k < idx.length; k++) {
                    System.arraycopy(tensors[idx[k]].array(), i * block[k], y, pos, block[k]);
                    pos += block[k];
                }
            }
        };
    }

    // ---------------------------------------------------------------------------------------------- PAD

    /**
     * PAD and PADV2: the paddings input is [rank, 2] (before, after) per dimension; the pad value is PADV2's
     * constant input, else the output zero point for int8 and 0 for other types (TFLite Micro's pad.cc). The output
     * is filled with the pad value and the input copied in rows of its innermost dimension.
     */
    static Step pad(OpBinding b) {
        Tensor in = movedInput(b, 2, 3);
        Tensor out = b.output(0);
        int rank = in.shape().rank();
        int[] paddings = b.constantInts(1, "paddings");
        if (paddings.length != 2 * rank || out.shape().rank() != rank) {
            throw b.fail("paddings hold " + paddings.length + " values for an input of rank " + rank);
        }
        for (int d = 0; d < rank; d++) {
            if (paddings[2 * d] < 0 || paddings[2 * d + 1] < 0
                    || in.shape().dim(d) + paddings[2 * d] + paddings[2 * d + 1] != out.shape().dim(d)) {
                throw b.fail("paddings " + Arrays.toString(paddings) + " do not turn " + in.shape() + " into "
                        + out.shape());
            }
        }
        long padValue;
        if (b.hasInput(2)) {
            TensorBuffer c = b.constant(2, "constant value");
            if (c.type() != in.type() || c.length() < 1) {
                throw b.fail("constant value must be one " + in.type().label() + " value");
            }
            padValue = c.get(0);
        } else {
            padValue = in.type() == ElementType.INT8 || in.type() == ElementType.UINT8 ? b.zeroPointOrZero(out) : 0;
        }
        Shape inShape = in.shape();
        Shape outShape = out.shape();
        int rows = rank == 0 ? 1 : (int) (inShape.elementCount() / Math.max(1, inShape.dim(-1)));
        int rowLength = rank == 0 ? 1 : inShape.dim(-1);
        // Destination offset of every input row.
        int[] rowStart = new int[rank == 0 || inShape.elementCount() == 0 ? 0 : rows];
        int[] index = new int[Math.max(rank - 1, 0)];
        for (int r = 0; r < rowStart.length; r++) {
            long off = 0;
            for (int d = 0; d < rank; d++) {
                int i = d < rank - 1 ? index[d] : 0;
                off = off * outShape.dim(d) + i + paddings[2 * d];
            }
            rowStart[r] = (int) off;
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < inShape.dim(d)) {
                    break;
                }
                index[d] = 0;
            }
        }
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> {
            TensorBuffer y = tensors[outIdx];
            fill(y, padValue);
            if (rank == 0) {
                System.arraycopy(tensors[inIdx].array(), 0, y.array(), 0, y.length());
                return;
            }
            Object x = tensors[inIdx].array();
            for (int r = 0; r < rowStart.length; r++) {
                System.arraycopy(x, r * rowLength, y.array(), rowStart[r], rowLength);
            }
        };
    }

    static void fill(TensorBuffer y, long value) {
        Object a = y.array();
        if (a instanceof byte[]) {
            Arrays.fill((byte[]) a, (byte) value);
        } else if (a instanceof short[]) {
            Arrays.fill((short[]) a, (short) value);
        } else if (a instanceof int[]) {
            Arrays.fill((int[]) a, (int) value);
        } else if (a instanceof long[]) {
            Arrays.fill((long[]) a, value);
        } else {
            Arrays.fill((float[]) a, (float) value);
        }
    }

    // ------------------------------------------------------------------------------------------ TRANSPOSE

    /** TRANSPOSE: output dimension i is input dimension perm[i]. */
    static Step transpose(OpBinding b) {
        Tensor in = movedInput(b, 2, 2);
        Tensor out = b.output(0);
        int rank = in.shape().rank();
        int[] perm = b.constantInts(1, "permutation");
        boolean[] used = new boolean[rank];
        if (perm.length != rank || out.shape().rank() != rank) {
            throw b.fail("permutation " + Arrays.toString(perm) + " does not fit rank " + rank);
        }
        for (int i = 0; i < rank; i++) {
            int p = perm[i] < 0 ? perm[i] + rank : perm[i];
            if (p < 0 || p >= rank || used[p] || out.shape().dim(i) != in.shape().dim(p)) {
                throw b.fail("permutation " + Arrays.toString(perm) + " does not turn " + in.shape() + " into "
                        + out.shape());
            }
            used[p] = true;
            perm[i] = p;
        }
        int[] inStride = strides(in.shape());
        int[] strides = new int[rank];
        for (int d = 0; d < rank; d++) {
            strides[d] = inStride[perm[d]];
        }
        int[] map = Broadcast.stridedMap(out.shape(), strides);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> gather(tensors[inIdx], map, tensors[outIdx]);
    }

    static int[] strides(Shape s) {
        int[] st = new int[s.rank()];
        int stride = 1;
        for (int d = s.rank() - 1; d >= 0; d--) {
            st[d] = stride;
            stride *= s.dim(d);
        }
        return st;
    }

    // -------------------------------------------------------------------------------------- STRIDED_SLICE

    /**
     * STRIDED_SLICE with TFLite's index rules (kernels/internal/strided_slice_logic.h): per axis a negative index
     * counts from the end, a masked begin or end takes the whole extent in the stride's direction, indices are
     * clamped ([0, n] for positive strides, [-1, n-1] for negative ones), and a shrunk axis keeps exactly the element
     * at its begin. Ellipsis and new-axis masks are not supported.
     */
    static Step stridedSlice(OpBinding b) {
        Tensor in = movedInput(b, 4, 4);
        Tensor out = b.output(0);
        OpOptions.StridedSlice o = b.options(OpOptions.StridedSlice.class, OpKind.STRIDED_SLICE);
        if (o.ellipsisMask() != 0 || o.newAxisMask() != 0) {
            throw b.fail("ellipsis and new-axis masks are not supported");
        }
        int rank = in.shape().rank();
        int[] begin = b.constantInts(1, "begin");
        int[] end = b.constantInts(2, "end");
        int[] stride = b.constantInts(3, "strides");
        if (begin.length != rank || end.length != rank || stride.length != rank) {
            throw b.fail("begin, end and strides must have " + rank + " values each");
        }
        int[] start = new int[rank];
        int[] stop = new int[rank];
        long count = 1;
        for (int a = 0; a < rank; a++) {
            if (stride[a] == 0) {
                throw b.fail("stride of axis " + a + " is 0");
            }
            int size = in.shape().dim(a);
            start[a] = SliceIndex.start(o.beginMask(), begin[a], stride[a], size, a);
            int e = o.offset() ? begin[a] + end[a] : end[a];
            boolean shrink = (o.shrinkAxisMask() & (1 << a)) != 0;
            stop[a] = shrink ? start[a] + 1 : SliceIndex.stop(o.endMask(), e, stride[a], size, a);
            count *= Math.max(0, extent(start[a], stop[a], stride[a]));
        }
        if (count != out.elementCount()) {
            throw b.fail("the slice selects " + count + " elements but the output " + out.shape() + " holds "
                    + out.elementCount());
        }
        int[] inStride = strides(in.shape());
        int[] map = new int[(int) count];
        fillSliceMap(map, 0, 0, 0, start, stop, stride, inStride);
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> gather(tensors[inIdx], map, tensors[outIdx]);
    }

    // ---------------------------------------------------------------------------------------------- SLICE

    /**
     * SLICE (TFLite's slice.cc): per axis {@code size} elements from {@code begin}, a size of -1 meaning to the end
     * of the axis; the window must lie inside the input.
     */
    static Step slice(OpBinding b) {
        Tensor in = movedInput(b, 3, 3);
        Tensor out = b.output(0);
        int rank = in.shape().rank();
        int[] begin = b.constantInts(1, "begin");
        int[] size = b.constantInts(2, "size");
        if (begin.length != rank || size.length != rank) {
            throw b.fail("begin and size must have " + rank + " values each");
        }
        int[] stop = new int[rank];
        long count = 1;
        for (int a = 0; a < rank; a++) {
            int n = in.shape().dim(a);
            stop[a] = size[a] == -1 ? n : begin[a] + size[a];
            if (begin[a] < 0 || size[a] < -1 || stop[a] > n || stop[a] < begin[a]) {
                throw b.fail("axis " + a + " of " + in.shape() + " cannot take " + size[a] + " elements from " + begin[a]);
            }
            count *= stop[a] - begin[a];
        }
        if (count != out.elementCount()) {
            throw b.fail("the slice selects " + count + " elements but the output " + out.shape() + " holds "
                    + out.elementCount());
        }
        int[] step = new int[rank];
        Arrays.fill(step, 1);
        int[] map = new int[(int) count];
        fillSliceMap(map, 0, 0, 0, begin, stop, step, strides(in.shape()));
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> gather(tensors[inIdx], map, tensors[outIdx]);
    }

    private static int fillSliceMap(int[] map, int pos, int axis, int base, int[] start, int[] stop, int[] stride,
            int[] inStride) {
        if (axis == start.length) {
            map[pos] = base;
            return pos + 1;
        }
        for (int i = start[axis]; stride[axis] > 0 ? i < stop[axis] : i > stop[axis]; i += stride[axis]) {
            pos = fillSliceMap(map, pos, axis + 1, base + i * inStride[axis], start, stop, stride, inStride);
        }
        return pos;
    }

    private static int extent(int start, int stop, int stride) {
        return stride > 0 ? (stop - start + stride - 1) / stride : (start - stop - stride - 1) / -stride;
    }
}
