// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.List;
import java.util.Optional;

/**
 * The rewrite by which Vela 3.10 reduces the horizontal stride of a convolution by folding pairs (or triples) of
 * IFM columns into the depth: IFM W×C becomes W/r × C·r, the kernel width is zero-padded to a multiple of r and
 * becomes kw/r, and the stride becomes stride/r ({@code tflite_graph_optimiser.py: fixup_strided_conv},
 * {@code calc_resize_factor}). Vela applies it to the first operator of the network when the folded depth stays
 * at most 8, and to any convolution with a stride of 4 or more. It changes the MACs Vela counts (the padded kernel
 * columns are multiplied too) and the shapes the NPU processes.
 *
 * <p>A depthwise convolution with one input channel whose depth multiplier equals its output depth is a plain
 * convolution to Vela ({@code convert_depthwise_to_conv}), so it qualifies too.
 *
 * @param resizeFactor r, the number of IFM columns folded into one
 * @param stride the horizontal stride after the rewrite
 * @param kernelW the kernel width after padding and folding
 * @param ifmW the IFM width after folding
 * @param ifmC the IFM depth after folding
 * @param kernelPadLeft zero columns added on the left of the kernel before folding (the rest of the padding to
 *     {@code kernelW·resizeFactor} is on the right); the weight encoder needs it to fold the weights as Vela does
 */
public record StridedConvRewrite(int resizeFactor, int stride, int kernelW, int ifmW, int ifmC, int kernelPadLeft) {

    /** Strides the Ethos-U supports natively besides 1 (ethos-u-facts.md §6.2: stride 1-3). */
    private static final int[] HW_STRIDES = {2, 3};

    /** Returns the rewrite Vela applies to {@code op}, or empty when it leaves the operator as it is. */
    public static Optional<StridedConvRewrite> of(Operator op, List<Tensor> tensors) {
        int strideX;
        Padding padding;
        if (op.options() instanceof OpOptions.Conv2D c) {
            strideX = c.strideW();
            padding = c.padding();
        } else if (op.options() instanceof OpOptions.DepthwiseConv2D d && isConvLike(op, tensors)) {
            strideX = d.strideW();
            padding = d.padding();
        } else {
            return Optional.empty();
        }
        if (op.index() != 0 && strideX < 4) {
            return Optional.empty();
        }
        int in = op.input(0);
        int w = op.input(1);
        if (in < 0 || w < 0 || !tensors.get(w).isConstant() || tensors.get(w).shape().rank() != 4) {
            return Optional.empty();
        }
        Shape ifm = tensors.get(in).shape();
        int ifmW = ifm.nhwc(2);
        int ifmC = ifm.nhwc(3);
        int kw = tensors.get(w).shape().dim(2);
        int resize = resizeFactor(ifmW, strideX);
        int finalStride = strideX / resize;
        int foldedDepth = ifmC * resize;
        if (strideX <= 1 || !(foldedDepth <= 8 || strideX > 3) || resize == 1) {
            return Optional.empty();
        }
        int currentPad = neededTotalPadding(ifmW, strideX, kw);
        int[] filterPad = filterPadding(padding, currentPad, finalStride, resize, kw, ifmW);
        int totalPad = filterPad[0] + filterPad[1];
        if (padding == Padding.SAME) {
            int optimisedPad = neededTotalPadding(ifmW / resize, finalStride, (kw + 1 + totalPad) / resize);
            if (optimisedPad != currentPad) {
                return Optional.empty();
            }
        }
        return Optional.of(new StridedConvRewrite(resize, finalStride, (kw + totalPad) / resize, ifmW / resize, foldedDepth,
                filterPad[0]));
    }

    /** Returns whether a depthwise convolution is a plain convolution in disguise (one IFM channel). */
    static boolean isConvLike(Operator op, List<Tensor> tensors) {
        int in = op.input(0);
        return in >= 0 && tensors.get(in).shape().nhwc(3) == 1
                && op.options() instanceof OpOptions.DepthwiseConv2D d
                && op.outputCount() > 0
                && tensors.get(op.output(0)).shape().nhwc(3) == d.depthMultiplier();
    }

    /**
     * Returns r: the stride itself when it divides the IFM width; otherwise the stride divided by a hardware
     * stride (2, then 3) that it is a multiple of, if the width is divisible by the result; otherwise 1.
     */
    static int resizeFactor(int ifmW, int strideX) {
        if (ifmW % strideX == 0) {
            return strideX;
        }
        for (int s : HW_STRIDES) {
            if (strideX % s == 0 && ifmW % (strideX / s) == 0) {
                int candidate = strideX / s;
                return candidate != strideX ? candidate : 1;
            }
        }
        return 1;
    }

    /** TensorFlow's SAME padding total along one axis: max(0, (ceil(in/stride) - 1)·stride + k - in). */
    static int neededTotalPadding(int in, int stride, int k) {
        int out = (in + stride - 1) / stride;
        return Math.max(0, (out - 1) * stride + k - in);
    }

    /**
     * Returns {left, right} zero columns added to the kernel so that the folded convolution pads the IFM as the
     * original did (SAME), and so that the kernel width is a multiple of r.
     */
    static int[] filterPadding(Padding padding, int currentPad, int finalStride, int resize, int kw, int ifmW) {
        int size = 0;
        int left = 0;
        int right = 0;
        if (padding == Padding.SAME) {
            int preStride = finalStride * resize;
            int postWidth = ifmW / resize;
            int expected = ifmW % preStride == 0 ? currentPad + finalStride : currentPad + postWidth % finalStride;
            size = expected * resize - kw;
            if (currentPad == 0) {
                left = Math.floorDiv(size, 2);
            } else {
                left = Math.floorDiv(size, currentPad) * (currentPad / 2);
            }
            right = size - left;
        }
        if (kw % resize != 0 && (size == 0 || currentPad == 0)) {
            left = 0;
            right = resize - kw % resize;
        }
        return new int[] {left, right};
    }
}
