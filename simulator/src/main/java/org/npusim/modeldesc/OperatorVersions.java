// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import org.npusim.graph.Activation;
import org.npusim.graph.ElementType;
import org.npusim.graph.Quantization;

/**
 * The operator versions TFLite assigns to the operators a description builds, for int8 or int16 activations with
 * int8 weights ({@code tensorflow/lite/tools/versioning/op_version.cc}, {@code GetBuiltinOperatorVersion}).
 * Interpreters refuse versions they do not register, so the exported file declares what the operand types need.
 */
final class OperatorVersions {

    private OperatorVersions() {}

    /**
     * Returns the version of {@code layer}'s operator.
     *
     * @param type the activation type
     * @param quant the quantization of every activation tensor (0: model input, i + 1: layer i)
     * @param inputs the activation tensors the layer reads
     * @param self the layer's output activation tensor
     * @param inputRank the rank of the layer's first input
     */
    static int of(LayerSpec layer, ElementType type, Quantization[] quant, int[] inputs, int self, int inputRank) {
        boolean wide = type == ElementType.INT16;
        return switch (layer.op()) {
            // int8 per-channel: 3; 16x8: 4 (the int16-activation kernel).
            case CONV2D -> wide ? 4 : 3;
            // int8: 3; int16 activations: 5.
            case DEPTHWISE_CONV2D -> wide ? 5 : 3;
            // int8 fully fixed point: 4; int16: 7.
            case FULLY_CONNECTED -> wide ? 7 : 4;
            // A fused activation needs 4; a bias input (always written) needs 3.
            case TRANSPOSE_CONV -> ((LayerParams.Conv) layer.params()).activation() != Activation.NONE ? 4 : 3;
            // int16 with general (not power-of-two) scales: 3.
            case ADD -> wide ? 3 : 2;
            // int16: 4; int8 whose rescale s1·s2/s_out is at least 1: 3.
            case MUL -> {
                if (wide) {
                    yield 4;
                }
                double rescale = (double) quant[inputs[0]].scale(0) * quant[inputs[1]].scale(0) / quant[self].scale(0);
                yield rescale >= 1 ? 3 : 2;
            }
            case RESHAPE -> 1;
            case AVERAGE_POOL2D, MAX_POOL2D, CONCATENATION, SOFTMAX, MEAN, RELU6, RELU, LOGISTIC, TANH -> wide ? 3 : 2;
            case PAD -> wide ? 3 : 2;
            // TFLite's op_version.cc: 2 for int16 inputs, else 1.
            case LEAKY_RELU -> wide ? 2 : 1;
            // op_version.cc: int16 4; half_pixel_centers 3; int8 2.
            case RESIZE_BILINEAR -> wide ? 4 : ((LayerParams.Resize) layer.params()).halfPixelCenters() ? 3 : 2;
            // op_version.cc: int16 4; align_corners or half_pixel_centers 3; int8 2.
            case RESIZE_NEAREST_NEIGHBOR -> {
                LayerParams.Resize r = (LayerParams.Resize) layer.params();
                yield wide ? 4 : r.alignCorners() || r.halfPixelCenters() ? 3 : 2;
            }
            // op_version.cc: int16 4; int8 2.
            case MAXIMUM, MINIMUM -> wide ? 4 : 2;
            // op_version.cc has no case: the default, 1.
            case HARD_SWISH -> 1;
            // op_version.cc: int16 5; rank above 4 4; int8 2.
            case TRANSPOSE -> wide ? 5 : inputRank > 4 ? 4 : 2;
            // op_version.cc: rank above 4 5; int16 4; int8 2.
            case SLICE -> inputRank > 4 ? 5 : wide ? 4 : 2;
            // op_version.cc: rank above 4 4; int8 2; int16 has no case of its own: 1.
            case STRIDED_SLICE -> inputRank > 4 ? 4 : wide ? 1 : 2;
        };
    }
}
