// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.util.Objects;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * One int8 CONV_2D prepared exactly as the executor prepares it (geometry, weights, input offset and output stage,
 * from the same helpers), so that alternative kernels ({@code org.npusim.kernels}: Winograd, sparse,
 * zero-skipping) can be checked byte for byte against {@link #runDense}, which is the executor's own dense
 * kernel. Grouped convolutions are not represented: the filter depth equals the input depth.
 *
 * <p>Weights are OHWI ({@code [outC][kH][kW][inC]}), TFLite's layout. The arrays are copied on construction and
 * must not be modified through the accessors.
 *
 * @param batches N of the NHWC input and output
 * @param inH input height
 * @param inW input width
 * @param inC input depth, which is also the filter depth
 * @param outH output height
 * @param outW output width
 * @param outC output depth
 * @param kH filter height
 * @param kW filter width
 * @param strideH vertical stride
 * @param strideW horizontal stride
 * @param dilationH vertical dilation
 * @param dilationW horizontal dilation
 * @param padTop rows of implicit padding above the input
 * @param padLeft columns of implicit padding left of the input
 * @param weights OHWI int8 weights
 * @param inputOffset minus the input zero point
 * @param output the output stage
 */
public record Int8ConvLayer(int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kH, int kW,
        int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft, byte[] weights,
        int inputOffset, Requantization output) {

    /** Validates the record: positive sizes, weights and output stage matching the shape. */
    public Int8ConvLayer {
        Objects.requireNonNull(output, "output");
        int[] positive = {batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW};
        for (int v : positive) {
            if (v <= 0) {
                throw new IllegalArgumentException("convolution sizes must be positive");
            }
        }
        if (padTop < 0 || padLeft < 0) {
            throw new IllegalArgumentException("negative padding");
        }
        if ((long) outC * kH * kW * inC != weights.length) {
            throw new IllegalArgumentException(weights.length + " weights for a " + outC + "x" + kH + "x" + kW + "x"
                    + inC + " filter");
        }
        if (output.channels() != outC) {
            throw new IllegalArgumentException(output.channels() + " output channels in the output stage, " + outC
                    + " in the filter");
        }
        weights = weights.clone();
    }

    /** Returns this layer with {@code newWeights} (same shape) in place of its weights: a pruned or clustered copy. */
    public Int8ConvLayer withWeights(byte[] newWeights) {
        return new Int8ConvLayer(batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH,
                dilationW, padTop, padLeft, newWeights, inputOffset, output);
    }

    /**
     * Prepares operator {@code op} of {@code graph}, which must be an int8 CONV_2D with constant weights; throws
     * {@link org.npusim.errors.InputException} naming the layer otherwise, with the executor's messages.
     *
     * @param source the model's name or file, for messages
     */
    public static Int8ConvLayer of(String source, Subgraph graph, Operator op) {
        OpBinding b = new OpBinding(source, graph, op, constants(graph, op));
        b.requireInputCount(2, 3);
        OpOptions.Conv2D o = b.options(OpOptions.Conv2D.class, OpKind.CONV_2D);
        Tensor in = b.input(0);
        Tensor filter = b.input(1);
        Tensor out = b.output(0);
        b.requireType(in, "input", ElementType.INT8);
        b.requireType(filter, "filter", ElementType.INT8);
        b.requireType(out, "output", ElementType.INT8);
        ConvKernels.Geometry g = ConvKernels.geometry(b, in, filter, out, o.padding(), o.strideH(), o.strideW(),
                o.dilationH(), o.dilationW(), false);
        if (filter.shape().dim(3) != g.inC()) {
            throw b.fail("grouped convolution (filter depth " + filter.shape().dim(3) + ", input depth " + g.inC()
                    + ") has no alternative kernels");
        }
        QuantizedMultiplier[] m = ConvKernels.channelMultipliers(b, in, filter, out, g.outC());
        int outZp = b.zeroPoint(out, "output");
        ActivationRange range = ActivationRange.of(o.activation(), ElementType.INT8, b.scale(out, "output"), outZp, b);
        Requantization stage = new Requantization(ConvKernels.toInt(ConvKernels.bias(b, 2, g.outC(), false)),
                ConvKernels.multipliers(m), ConvKernels.shifts(m), outZp, range.min(), range.max());
        return new Int8ConvLayer(g.batches(), g.inH(), g.inW(), g.inC(), g.outH(), g.outW(), g.outC(), g.kH(), g.kW(),
                g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), g.padTop(), g.padLeft(),
                b.constant(1, "filter").int8(), -b.zeroPoint(in, "input"), stage);
    }

    /** Decodes the constant inputs of {@code op} (filter and bias), as the interpreter does for the whole graph. */
    static TensorBuffer[] constants(Subgraph graph, Operator op) {
        TensorBuffer[] c = new TensorBuffer[graph.tensors().size()];
        for (int slot = 1; slot < op.inputCount(); slot++) {
            int i = op.input(slot);
            if (i == Operator.OMITTED) {
                continue;
            }
            Tensor t = graph.tensor(i);
            if (t.data().isPresent() && TensorBuffer.supports(t.type())) {
                try {
                    c[i] = TensorBuffer.decode(t.type(), t.shape(), t.data().get());
                } catch (IllegalArgumentException e) {
                    // Left undecoded: OpBinding.constant reports the tensor with the layer's place.
                    c[i] = null;
                }
            }
        }
        return c;
    }

    /** Returns the input's element count. */
    public int inputLength() {
        return batches * inH * inW * inC;
    }

    /** Returns the output's element count. */
    public int outputLength() {
        return batches * outH * outW * outC;
    }

    /** Returns the length of one filter (and of one im2col column): kH * kW * inC. */
    public int filterLength() {
        return kH * kW * inC;
    }

    /** Runs the executor's dense int8 convolution on NHWC {@code input}, writing NHWC {@code output}. */
    public void runDense(byte[] input, byte[] output) {
        checkLengths(input, output);
        ConvKernels.Geometry g = new ConvKernels.Geometry(batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH,
                strideW, dilationH, dilationW, padTop, padLeft);
        Requantization r = this.output;
        ConvKernels.conv2dInt8(g, inC, input, inputOffset, weights, r.bias(), r.multiplier(), r.shift(),
                r.outputZeroPoint(), r.activationMin(), r.activationMax(), output);
    }

    /** Checks the buffer lengths of a run. */
    public void checkLengths(byte[] input, byte[] output) {
        if (input.length != inputLength() || output.length != outputLength()) {
            throw new IllegalArgumentException("buffers of " + input.length + " and " + output.length
                    + " bytes for a convolution of " + inputLength() + " to " + outputLength());
        }
    }
}
