// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.List;
import java.util.Optional;
import org.npusim.graph.Activation;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Padding;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.npu.Lowering;
import org.npusim.npu.NpuOperation;

/** Single-operator graphs with chosen weights, for tests of the weight path. */
public final class TinyGraphs {

    private TinyGraphs() {}

    /** A VALID, stride-1 CONV_2D with OHWI weights {@code w} of {@code o×kh×kw×i} on an {@code h×w'} IFM. */
    public static Subgraph conv(byte[] w, int o, int kh, int kw, int i, int ifmH, int ifmW) {
        return conv(w, o, kh, kw, i, ifmH, ifmW, ElementType.INT8);
    }

    /** As {@link #conv(byte[], int, int, int, int, int, int)} with weights of type {@code weightType}. */
    public static Subgraph conv(byte[] w, int o, int kh, int kw, int i, int ifmH, int ifmW, ElementType weightType) {
        Tensor ifm = tensor(0, "ifm", ElementType.INT8, Shape.of(1, ifmH, ifmW, i), 0.5f, null);
        Tensor weights = tensor(1, "weights", weightType, Shape.of(o, kh, kw, i), 0.25f, ConstantData.ofInt8(w));
        Tensor bias = tensor(2, "bias", ElementType.INT32, Shape.of(o), 0.125f, ConstantData.ofInt32(new int[o]));
        Tensor ofm = tensor(3, "ofm", ElementType.INT8, Shape.of(1, ifmH - kh + 1, ifmW - kw + 1, o), 1f, null);
        OpOptions options = new OpOptions.Conv2D(Padding.VALID, 1, 1, 1, 1, Activation.NONE);
        return single(BuiltinOperator.CONV_2D, options, ifm, weights, bias, ofm);
    }

    /** A VALID, stride-1 DEPTHWISE_CONV_2D with weights {@code w} of {@code 1×kh×kw×c}. */
    public static Subgraph depthwise(byte[] w, int kh, int kw, int c, int ifmH, int ifmW) {
        Tensor ifm = tensor(0, "ifm", ElementType.INT8, Shape.of(1, ifmH, ifmW, c), 0.5f, null);
        Tensor weights = tensor(1, "weights", ElementType.INT8, Shape.of(1, kh, kw, c), 0.25f, ConstantData.ofInt8(w));
        Tensor bias = tensor(2, "bias", ElementType.INT32, Shape.of(c), 0.125f, ConstantData.ofInt32(new int[c]));
        Tensor ofm = tensor(3, "ofm", ElementType.INT8, Shape.of(1, ifmH - kh + 1, ifmW - kw + 1, c), 1f, null);
        OpOptions options = new OpOptions.DepthwiseConv2D(Padding.VALID, 1, 1, 1, 1, 1, Activation.NONE);
        return single(BuiltinOperator.DEPTHWISE_CONV_2D, options, ifm, weights, bias, ofm);
    }

    /** A FULLY_CONNECTED layer with weights {@code w} of {@code o×i} and biases {@code bias}. */
    public static Subgraph fullyConnected(byte[] w, int o, int i, int[] bias) {
        Tensor ifm = tensor(0, "ifm", ElementType.INT8, Shape.of(1, i), 0.5f, null);
        Tensor weights = tensor(1, "weights", ElementType.INT8, Shape.of(o, i), 0.25f, ConstantData.ofInt8(w));
        Tensor b = tensor(2, "bias", ElementType.INT32, Shape.of(o), 0.125f, ConstantData.ofInt32(bias));
        Tensor ofm = tensor(3, "ofm", ElementType.INT8, Shape.of(1, o), 1f, null);
        OpOptions options = new OpOptions.FullyConnected(Activation.NONE, 0, false, false);
        return single(BuiltinOperator.FULLY_CONNECTED, options, ifm, weights, b, ofm);
    }

    /** Wraps {@code g} as a model. */
    public static Model model(Subgraph g) {
        return new Model("tiny", "", 3, List.of(g));
    }

    /** Lowers the only operator of {@code g} to its weighted NPU operation. */
    public static NpuOperation lower(Subgraph g) {
        Lowering.Result r = new Lowering(g).lower(g.operators().get(0));
        return ((Lowering.Result.Npu) r).operations().get(0);
    }

    private static Subgraph single(BuiltinOperator op, OpOptions options, Tensor... t) {
        Operator o = new Operator(0, OperatorCode.of(op), new int[] {0, 1, 2}, new int[] {3}, new int[0], options);
        return Subgraph.of("main", List.of(t), List.of(o), new int[] {0}, new int[] {3});
    }

    private static Tensor tensor(int index, String name, ElementType type, Shape shape, float scale, ConstantData data) {
        return new Tensor(index, name, type, shape, Optional.of(Quantization.perTensor(scale, 0)),
                Optional.ofNullable(data), false);
    }
}
