// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.List;
import java.util.Optional;

/**
 * What Vela 3.10 does with a PAD ({@code replace_pad_by_hw_pad}, {@code convert_pad}): a convolution, depthwise
 * convolution or average pool with VALID padding that reads it, on the NPU, takes it as its own hardware padding
 * (and reads the PAD's input);
 * a PAD that some reader cannot take, or that is a model output, is rewritten into 1x1 average pools that copy its
 * input into the middle of its output and fill the borders with zeros. The graph-level rules are here, for the MAC
 * count and the lowering alike.
 */
public final class PadFolding {

    private PadFolding() {}

    /** The height and width padding of a PAD: {top, bottom, left, right}. */
    public record Padding2D(int top, int bottom, int left, int right) {}

    /**
     * Returns the constant height and width padding of {@code pad}, or empty when its paddings are not constant,
     * not of shape [rank, 2] with rank 3 or 4, or pad a dimension other than height and width.
     */
    public static Optional<Padding2D> heightAndWidth(Operator pad, List<Tensor> tensors) {
        if (pad.inputCount() < 2 || pad.input(1) < 0 || tensors.get(pad.input(1)).data().isEmpty()) {
            return Optional.empty();
        }
        Tensor pads = tensors.get(pad.input(1));
        ConstantData data = pads.data().get();
        long[] p;
        if (pads.type() == ElementType.INT64) {
            p = data.toLongArray();
        } else {
            int[] v = data.toIntArray();
            p = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                p[i] = v[i];
            }
        }
        int rank = pads.shape().rank() == 2 ? pads.shape().dim(0) : 0;
        if (rank < 3 || rank > 4 || p.length != rank * 2) {
            return Optional.empty();
        }
        int h = rank - 3;
        for (int d = 0; d < rank; d++) {
            boolean spatial = d == h || d == h + 1;
            if (!spatial && (p[2 * d] != 0 || p[2 * d + 1] != 0)) {
                return Optional.empty();
            }
        }
        for (long v : p) {
            if (v < 0 || v > Integer.MAX_VALUE) {
                return Optional.empty();
            }
        }
        return Optional.of(new Padding2D((int) p[2 * h], (int) p[2 * h + 1], (int) p[2 * h + 2], (int) p[2 * h + 3]));
    }

    /**
     * Whether {@code consumer} takes {@code pad} as hardware padding ({@code replace_pad_by_hw_pad}): it is a VALID
     * convolution or depthwise convolution, the PAD pads only height and width and keeps the element type, each pad
     * is at most half the dilated kernel, and each leading pad equals k/2, or k/2 is at most the stride, or the pad
     * is a multiple of the stride; or it is a VALID average pool and every pad is 0 or half the pool's size on its
     * axis (Vela then runs the pool as a depthwise convolution, {@link #poolTakesPad}). That the consumer runs on
     * the NPU is the caller's to check.
     */
    public static boolean foldsInto(Operator pad, Operator consumer, List<Tensor> tensors) {
        if (consumer.is(BuiltinOperator.AVERAGE_POOL_2D)) {
            return poolTakesPad(pad, consumer, tensors);
        }
        int sx;
        int sy;
        int dx;
        int dy;
        if (consumer.options() instanceof OpOptions.Conv2D c && c.padding() == org.npusim.graph.Padding.VALID) {
            sx = c.strideW();
            sy = c.strideH();
            dx = c.dilationW();
            dy = c.dilationH();
        } else if (consumer.options() instanceof OpOptions.DepthwiseConv2D d && d.padding() == org.npusim.graph.Padding.VALID) {
            sx = d.strideW();
            sy = d.strideH();
            dx = d.dilationW();
            dy = d.dilationH();
        } else {
            return false;
        }
        if (consumer.inputCount() < 2 || consumer.input(1) < 0 || consumer.input(0) != pad.output(0)
                || tensors.get(pad.input(0)).type() != tensors.get(pad.output(0)).type()) {
            return false;
        }
        Shape w = tensors.get(consumer.input(1)).shape();
        if (w.rank() != 4) {
            return false;
        }
        int kh = (w.dim(1) - 1) * dy + 1;
        int kw = (w.dim(2) - 1) * dx + 1;
        Optional<Padding2D> p = heightAndWidth(pad, tensors);
        if (p.isEmpty()) {
            return false;
        }
        Padding2D q = p.get();
        return q.top() <= kh / 2 && q.bottom() <= kh / 2 && q.left() <= kw / 2 && q.right() <= kw / 2
                && leadingPadOk(q.top(), sy, kh) && leadingPadOk(q.left(), sx, kw);
    }

    /**
     * Whether VALID average pool {@code pool} takes {@code pad} as its padding: every pad is 0 or half the pool's
     * size on its axis, and the types agree.
     */
    public static boolean poolTakesPad(Operator pad, Operator pool, List<Tensor> tensors) {
        if (!(pool.options() instanceof OpOptions.Pool2D o) || o.padding() != org.npusim.graph.Padding.VALID
                || pool.inputCount() < 1 || pool.input(0) != pad.output(0)
                || tensors.get(pad.input(0)).type() != tensors.get(pad.output(0)).type()) {
            return false;
        }
        Optional<Padding2D> p = heightAndWidth(pad, tensors);
        if (p.isEmpty()) {
            return false;
        }
        Padding2D q = p.get();
        int hh = o.filterH() / 2;
        int hw = o.filterW() / 2;
        return (q.top() == 0 || q.top() == hh) && (q.bottom() == 0 || q.bottom() == hh)
                && (q.left() == 0 || q.left() == hw) && (q.right() == 0 || q.right() == hw);
    }

    /**
     * Whether {@code pad} is rewritten into copies ({@code convert_pad}): some reader does not take it as hardware
     * padding, or it is a model output (or has no reader).
     */
    public static boolean convertedToCopies(Operator pad, List<Operator> readers, boolean modelOutput, List<Tensor> tensors) {
        if (modelOutput || readers.isEmpty()) {
            return true;
        }
        for (Operator r : readers) {
            if (!foldsInto(pad, r, tensors)) {
                return true;
            }
        }
        return false;
    }

    private static boolean leadingPadOk(long pad, int stride, int k) {
        return pad == k / 2 || k / 2 <= stride || pad % stride == 0;
    }
}
