// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

/**
 * Counts the multiply-accumulates of an operator the way Vela 3.10 does, so that totals compare with its
 * {@code nn_macs} (ethos-u-facts.md §3.2, {@code npu_performance.py: measure_cycle_cost}):
 *
 * <ul>
 *   <li>convolution, transpose convolution, fully connected: {@code kw·kh·C_in·E(OFM)}, with C_in the weights'
 *       input depth (so grouped convolutions count only their group's channels);
 *   <li>depthwise convolution and pooling: {@code kw·kh·E(OFM)};
 *   <li>MEAN, lowered by Vela to a depthwise or average-pool pass over the reduced axes: {@code E(IFM)};
 *   <li>SOFTMAX, lowered to a max-pool and a ReduceSum over each row: {@code 2·E(IFM)};
 *   <li>SVDF and UNIDIRECTIONAL_SEQUENCE_LSTM: the matrix products of their gates per time step;
 *   <li>QUANTIZE between integer types, a TRANSPOSE that swaps two axes (the form the Ethos-U runs), standalone RELU/RELU6/RELU_N1_TO_1, and int16 LOGISTIC/TANH, which Vela
 *       runs as 1×1 average pools: {@code E(OFM)}; a standalone ReLU that Vela packs into its producer's pass
 *       ({@link ActivationPacking}) counts 0 ({@link SubgraphFacts});
 *   <li>CONCATENATION and PACK, one 1×1 average pool per input writing its part of the output: {@code E(OFM)};
 *       with a fused activation that Vela splits off into a 1x1 average pool (a ReLU, an int16 TANH),
 *       {@code 2·E(OFM)};
 *   <li>LEAKY_RELU and PRELU in a form with a ReLU ({@link LeakyReluForm}: a slope of 0, or min(x, 0)·a +
 *       relu(x)): {@code E(OFM)};
 *   <li>RESIZE by f = 2, 4 or 8, which Vela runs as log2(f) average pools that each upscale by 2: one MAC per
 *       element of every intermediate output, then k·k per element of the OFM, with k = f for bilinear (and for
 *       nearest neighbour with align_corners, whose last pass is an f x f depthwise convolution), else 1;
 *       bilinear by 2 with half_pixel_centers, an average pool and four 2x2 depthwise convolutions over the IFM:
 *       {@code 17·E(IFM)}; to the same size or from 1x1 (no operation, or an element-wise ADD): 0;
 *   <li>ARG_MAX, a 1x1 depthwise convolution, C x 1 max pools and 1x1 depthwise casts: {@code 2·E(IFM) + E(OFM)}
 *       ({@code 3·E(OFM)} for the casts of an int64 output);
 *   <li>SQUARED_DIFFERENCE, whose inputs are cast to int32 by 1x1 depthwise convolutions: {@code E(IFM) + E(IFM2)};
 *   <li>PAD: 0 where its readers take it as hardware padding; else ({@link PadFolding}, counted in
 *       {@link SubgraphFacts}, which sees the readers) the copy and border pools write every element: {@code E(OFM)};
 *   <li>everything else (element-wise, data movement, lookups): 0. SPLIT, SPLIT_V, SLICE and STRIDED_SLICE count 0
 *       too: their readers mostly read the parts in place. Where Vela copies a part out with a 1x1 average pool
 *       instead (a reader that cannot take the read: a RESHAPE, a MUL, a model output), a simulation counts that
 *       pool's MACs, one per element, as Vela does; this count, which does not see the readers, leaves them out.
 * </ul>
 *
 * Kernel sizes are the undilated ones, as in Vela.
 */
public final class Macs {

    private Macs() {}

    /** Returns the MACs of {@code op} in {@code subgraph}'s tensors. */
    public static long of(Operator op, java.util.List<Tensor> tensors) {
        return switch (op.options().kind()) {
            case CONV_2D -> convLike(op, tensors);
            case TRANSPOSE_CONV -> transposeConv(op, tensors);
            case DEPTHWISE_CONV_2D -> StridedConvRewrite.isConvLike(op, tensors) ? convLike(op, tensors) : depthwise(op, tensors);
            case FULLY_CONNECTED -> fullyConnected(op, tensors);
            case POOL_2D -> pool(op, tensors);
            case SOFTMAX -> 2 * elements(tensors, op.input(0));
            case REDUCER -> (op.is(BuiltinOperator.MEAN) || op.is(BuiltinOperator.SUM)) && reducesSomething(op, tensors)
                    ? elements(tensors, op.input(0)) : 0;
            case SVDF -> svdf(op, tensors);
            case SEQUENCE_LSTM -> lstm(op, tensors);
            case NONE -> poolLike(op, tensors);
            // A fused activation is split off into a 1x1 average pool over the output (a ReLU, an int16 TANH), or an
            // element-wise LUT (an int8 TANH).
            case CONCATENATION -> elements(tensors, op.output(0)) * (pooledActivation(op, tensors) ? 2 : 1);
            // PACK is a concatenation (one average pool per input); UNPACK a split.
            case PACK -> op.is(BuiltinOperator.PACK) ? elements(tensors, op.output(0)) : 0;
            case LEAKY_RELU -> leaky(op, tensors);
            case RESIZE -> resize(op, tensors);
            case ARITHMETIC, RESHAPE, STRIDED_SLICE, SPLIT, SQUEEZE, CUSTOM, OPAQUE -> 0;
        };
    }

    private static boolean pooledActivation(Operator op, java.util.List<Tensor> tensors) {
        Activation a = ((OpOptions.Concatenation) op.options()).activation();
        return a == Activation.RELU || a == Activation.RELU6 || a == Activation.RELU_N1_TO_1
                || (a == Activation.TANH && tensors.get(op.output(0)).type() == ElementType.INT16);
    }

    private static long resize(Operator op, java.util.List<Tensor> tensors) {
        Shape in = shape(tensors, op.input(0));
        Shape out = op.outputCount() == 0 ? Shape.SCALAR : shape(tensors, op.output(0));
        if (in.rank() != 4 || out.rank() != 4 || !(op.options() instanceof OpOptions.Resize o)) {
            return 0;
        }
        int h = in.dim(1);
        int w = in.dim(2);
        long c = in.dim(3);
        if ((h == 1 && w == 1) || in.equals(out)) {
            return 0;
        }
        boolean bilinear = op.is(BuiltinOperator.RESIZE_BILINEAR);
        if (bilinear && o.halfPixelCenters()) {
            return 17L * h * w * c;
        }
        int factor = o.alignCorners() ? (out.dim(1) - 1) / Math.max(1, h - 1) : out.dim(1) / h;
        int passes = Integer.numberOfTrailingZeros(Math.max(1, factor));
        long macs = 0;
        for (int k = 1; k < passes; k++) {
            macs += ((long) h << k) * ((long) w << k) * c;
        }
        long kernel = bilinear || o.alignCorners() ? factor : 1;
        return macs + kernel * kernel * out.dim(1) * out.dim(2) * out.dim(3);
    }

    /**
     * LEAKY_RELU and PRELU: the forms with a ReLU, which Vela runs as a 1x1 average pool (a slope of 0; the
     * MIN, MUL, RELU and ADD form), count one MAC per output element; the LUT, native and MUL + MAX forms none.
     */
    private static long leaky(Operator op, java.util.List<Tensor> tensors) {
        return LeakyReluForm.of(op, tensors)
                .map(f -> f == LeakyReluForm.RELU || f == LeakyReluForm.MIN_MUL_RELU_ADD ? elements(tensors, op.output(0)) : 0L)
                .orElse(0L);
    }

    /** Operators without options that Vela executes as a 1×1 average pool (one MAC per output element). */
    private static long poolLike(Operator op, java.util.List<Tensor> tensors) {
        if (op.outputCount() == 0 || op.inputCount() == 0 || op.input(0) < 0) {
            return 0;
        }
        if (op.is(BuiltinOperator.PRELU)) {
            return leaky(op, tensors);
        }
        if (op.is(BuiltinOperator.SQUARED_DIFFERENCE)) {
            // Each input cast to int32 by a 1x1 depthwise convolution.
            return elements(tensors, op.input(0)) + (op.inputCount() > 1 ? elements(tensors, op.input(1)) : 0);
        }
        if (op.is(BuiltinOperator.ARG_MAX)) {
            // A 1x1 depthwise shift (E(IFM)), C x 1 max pools (E(IFM)), a 1x1 cast per index (and per int16 half
            // of an int64 index, again).
            long indices = elements(tensors, op.input(0)) / Math.max(1, shape(tensors, op.input(0)).nhwc(3));
            boolean int64 = tensors.get(op.output(0)).type() == ElementType.INT64;
            return 2 * elements(tensors, op.input(0)) + indices * (int64 ? 3 : 1);
        }
        ElementType in = tensors.get(op.input(0)).type();
        ElementType out = tensors.get(op.output(0)).type();
        boolean integer = in.isQuantizedInteger() && out.isQuantizedInteger() && out != ElementType.INT32;
        boolean pooled = (op.is(BuiltinOperator.QUANTIZE) && integer)
                || op.is(BuiltinOperator.RELU) || op.is(BuiltinOperator.RELU6) || op.is(BuiltinOperator.RELU_N1_TO_1)
                || (op.is(BuiltinOperator.TRANSPOSE) && swapsTwoAxes(op, tensors))
                || (in == ElementType.INT16 && (op.is(BuiltinOperator.LOGISTIC) || op.is(BuiltinOperator.TANH)));
        return pooled ? elements(tensors, op.output(0)) : 0;
    }

    /** Whether a reduction's constant axes include a dimension larger than 1 (else Vela copies: no MACs). */
    private static boolean reducesSomething(Operator op, java.util.List<Tensor> tensors) {
        if (op.inputCount() < 2 || op.input(1) < 0 || tensors.get(op.input(1)).data().isEmpty()) {
            return true;
        }
        Shape in = shape(tensors, op.input(0));
        for (int a : tensors.get(op.input(1)).data().get().toIntArray()) {
            int d = a < 0 ? a + in.rank() : a;
            if (d >= 0 && d < in.rank() && in.dim(d) > 1) {
                return true;
            }
        }
        return false;
    }

    /** Whether a TRANSPOSE's constant permutation swaps exactly two axes and keeps the others. */
    private static boolean swapsTwoAxes(Operator op, java.util.List<Tensor> tensors) {
        if (op.inputCount() < 2 || op.input(1) < 0 || tensors.get(op.input(1)).data().isEmpty()) {
            return false;
        }
        int[] perm = tensors.get(op.input(1)).data().get().toIntArray();
        int moved = 0;
        for (int d = 0; d < perm.length; d++) {
            if (perm[d] != d) {
                if (perm[d] < 0 || perm[d] >= perm.length || perm[perm[d]] != d) {
                    return false;
                }
                moved++;
            }
        }
        return moved == 2;
    }

    private static long elements(java.util.List<Tensor> tensors, int index) {
        return index < 0 || index >= tensors.size() ? 0 : tensors.get(index).elementCount();
    }

    private static Shape shape(java.util.List<Tensor> tensors, int index) {
        return index < 0 || index >= tensors.size() ? Shape.SCALAR : tensors.get(index).shape();
    }

    /**
     * CONV_2D weights are [C_out, kh, kw, C_in per group]; a depthwise convolution of one input channel has the
     * same count ([1, kh, kw, C_out] with C_in = 1). When Vela folds the stride into the depth
     * ({@link StridedConvRewrite}) it counts the padded, folded kernel.
     */
    private static long convLike(Operator op, java.util.List<Tensor> tensors) {
        Shape w = shape(tensors, op.input(1));
        if (w.rank() != 4 || op.outputCount() == 0) {
            return 0;
        }
        long ofm = elements(tensors, op.output(0));
        int kh = w.dim(1);
        int kw = w.dim(2);
        int cin = op.is(BuiltinOperator.DEPTHWISE_CONV_2D) ? 1 : w.dim(3);
        java.util.Optional<StridedConvRewrite> rewrite = StridedConvRewrite.of(op, tensors);
        if (rewrite.isPresent()) {
            kw = rewrite.get().kernelW();
            cin *= rewrite.get().resizeFactor();
        }
        return (long) kh * kw * cin * ofm;
    }

    /** TRANSPOSE_CONV inputs are (output shape, weights [C_out, kh, kw, C_in], IFM); Vela counts it as a conv. */
    private static long transposeConv(Operator op, java.util.List<Tensor> tensors) {
        Shape w = shape(tensors, op.input(1));
        if (w.rank() != 4 || op.outputCount() == 0) {
            return 0;
        }
        return (long) w.dim(1) * w.dim(2) * w.dim(3) * elements(tensors, op.output(0));
    }

    /** DEPTHWISE_CONV_2D weights are [1, kh, kw, C_out]. */
    private static long depthwise(Operator op, java.util.List<Tensor> tensors) {
        Shape w = shape(tensors, op.input(1));
        if (w.rank() != 4 || op.outputCount() == 0) {
            return 0;
        }
        return (long) w.dim(1) * w.dim(2) * elements(tensors, op.output(0));
    }

    /** FULLY_CONNECTED weights are [C_out, C_in]. */
    private static long fullyConnected(Operator op, java.util.List<Tensor> tensors) {
        Shape w = shape(tensors, op.input(1));
        if (w.rank() < 1 || op.outputCount() == 0) {
            return 0;
        }
        return (long) w.dim(-1) * elements(tensors, op.output(0));
    }

    private static long pool(Operator op, java.util.List<Tensor> tensors) {
        OpOptions.Pool2D p = (OpOptions.Pool2D) op.options();
        return op.outputCount() == 0 ? 0 : (long) p.filterW() * p.filterH() * elements(tensors, op.output(0));
    }

    /**
     * SVDF: a feature matrix product {@code batch·units·rank × C_in} per invocation, then the time filter
     * {@code batch·units·rank × memory}. Weights: feature [units·rank, C_in], time [units·rank, memory].
     */
    private static long svdf(Operator op, java.util.List<Tensor> tensors) {
        Shape in = shape(tensors, op.input(0));
        Shape feature = shape(tensors, op.input(1));
        Shape time = shape(tensors, op.input(2));
        if (in.rank() < 1 || feature.rank() != 2 || time.rank() != 2) {
            return 0;
        }
        long batch = in.rank() > 1 ? in.dim(0) : 1;
        return batch * feature.dim(0) * ((long) feature.dim(1) + time.dim(1));
    }

    /**
     * UNIDIRECTIONAL_SEQUENCE_LSTM: four gates, each an input product [cell, C_in] and a recurrent product
     * [cell, output], per time step and batch. Inputs 1-4 are the input weights, 5-8 the recurrent weights;
     * absent gates (CIFG) are skipped. Vela's lowering ({@code lstm.py}) also copies the output and cell states
     * with an average pool each step, plus one final copy: (2·T + 1) pools of {@code batch·output} elements.
     */
    private static long lstm(Operator op, java.util.List<Tensor> tensors) {
        Shape in = shape(tensors, op.input(0));
        if (in.rank() < 2) {
            return 0;
        }
        long steps = in.elementCount() / Math.max(1, in.dim(-1));
        long batchSteps = steps;
        long macs = 0;
        for (int slot = 1; slot <= 8; slot++) {
            Shape w = shape(tensors, op.input(slot));
            if (w.rank() == 2) {
                macs += (long) w.dim(0) * w.dim(1);
            }
        }
        long outputs = op.outputCount() == 0 ? 0 : elements(tensors, op.output(0));
        long outputPerStep = batchSteps == 0 ? 0 : outputs / batchSteps;
        long timeSteps = in.rank() == 3 ? in.dim(((OpOptions.SequenceLstm) op.options()).timeMajor() ? 0 : 1) : 1;
        long batch = timeSteps == 0 ? 0 : steps / timeSteps;
        return steps * macs + (2 * timeSteps + 1) * batch * outputPerStep;
    }
}
