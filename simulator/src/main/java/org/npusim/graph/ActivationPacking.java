// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.List;
import java.util.Optional;

/**
 * Vela 3.10's packing of a standalone ReLU into the operation that produces its input ({@code pass_packing.py:
 * build_pass, can_pack}, {@code npu_post_ops}): the ReLU becomes the activation of its producer's pass, which then
 * writes the ReLU's output, and the ReLU costs nothing of its own. A ReLU whose input and output quantization
 * differ was already replaced by a rescaling 1x1 average pool ({@code fixup_relus_with_differing_ifm_ofm_scaling}),
 * so it is not packed. The graph-level conditions are here, for the MAC count and the lowering alike; the lowering
 * adds that the producer runs on the NPU.
 */
public final class ActivationPacking {

    private ActivationPacking() {}

    /**
     * Whether {@code op} is a standalone ReLU-family activation: RELU, RELU6, RELU_N1_TO_1, or a LEAKY_RELU or PRELU
     * that Vela retypes to a ReLU (slope 0).
     */
    public static boolean isStandaloneRelu(Operator op, List<Tensor> tensors) {
        return op.is(BuiltinOperator.RELU) || op.is(BuiltinOperator.RELU6) || op.is(BuiltinOperator.RELU_N1_TO_1)
                || LeakyReluForm.of(op, tensors).filter(f -> f == LeakyReluForm.RELU).isPresent();
    }

    /**
     * Whether standalone ReLU {@code relu} is packed into {@code producer}, the operator that writes its input:
     * the ReLU keeps the quantization (scale and zero point), its input has no other reader and is not a model
     * output, and the producer is one of Vela's main operations writing only that tensor, as its last operation:
     * convolutions, fully connected, pooling, QUANTIZE (an average pool), MEAN and SQUARED_DIFFERENCE (a MUL last),
     * a resize whose last operation writes its whole output (a pool, a depthwise convolution or an ADD), element-wise ADD, SUB, MUL, MAXIMUM, MINIMUM, ABS, and a LEAKY_RELU or
     * PRELU in an element-wise form. The count assumes the producer runs on the NPU, which only the hardware decides:
     * where it runs on the CPU, the lowering gives the ReLU a pool of its own, with its MACs.
     *
     * @param readers how many operators read the ReLU's input
     * @param modelOutput whether the ReLU's input is a model output
     */
    public static boolean packs(Operator relu, Operator producer, int readers, boolean modelOutput, List<Tensor> tensors) {
        if (!isStandaloneRelu(relu, tensors) || producer == null || readers != 1 || modelOutput || producer.outputCount() != 1
                || relu.inputCount() == 0 || relu.outputCount() == 0 || producer.output(0) != relu.input(0)) {
            return false;
        }
        Optional<Quantization> in = tensors.get(relu.input(0)).quantization();
        if (in.isEmpty() || !Quantization.sameScaling(in, tensors.get(relu.output(0)).quantization())) {
            return false;
        }
        return switch (producer.options().kind()) {
            case CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED, POOL_2D -> true;
            case RESIZE -> resizeRunsOnTheNpu(producer, tensors);
            case ARITHMETIC -> producer.is(BuiltinOperator.ADD) || producer.is(BuiltinOperator.SUB)
                    || producer.is(BuiltinOperator.MUL);
            case REDUCER -> producer.is(BuiltinOperator.MEAN);
            case LEAKY_RELU -> elementwiseLeaky(producer, tensors);
            case NONE -> producer.is(BuiltinOperator.MAXIMUM) || producer.is(BuiltinOperator.MINIMUM)
                    || producer.is(BuiltinOperator.ABS) || producer.is(BuiltinOperator.QUANTIZE)
                    || producer.is(BuiltinOperator.SQUARED_DIFFERENCE)
                    || (producer.is(BuiltinOperator.PRELU) && elementwiseLeaky(producer, tensors));
            default -> false;
        };
    }

    /** Whether a LEAKY_RELU or PRELU runs as element-wise operations: not a LUT, and not itself a ReLU. */
    private static boolean elementwiseLeaky(Operator op, List<Tensor> tensors) {
        return LeakyReluForm.of(op, tensors).filter(f -> f != LeakyReluForm.LUT && f != LeakyReluForm.RELU).isPresent();
    }

    /**
     * Whether a resize ends in one NPU operation that writes its whole output (a pool, a depthwise convolution or
     * an ADD): not one to the same size (nothing runs), and not a half-pixel bilinear one beyond 1x1, whose output
     * four depthwise convolutions write in parts.
     */
    private static boolean resizeRunsOnTheNpu(Operator resize, List<Tensor> tensors) {
        Shape in = tensors.get(resize.input(0)).shape();
        Shape out = tensors.get(resize.output(0)).shape();
        if (in.equals(out) || !(resize.options() instanceof OpOptions.Resize o) || in.rank() != 4) {
            return false;
        }
        boolean oneByOne = in.dim(1) == 1 && in.dim(2) == 1;
        return oneByOne || !(resize.is(BuiltinOperator.RESIZE_BILINEAR) && o.halfPixelCenters());
    }
}
