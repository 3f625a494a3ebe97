// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Activation;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Padding;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.tflite.TfliteReader;
import org.npusim.tflite.TfliteWriter;

/** A description using every op, with branches, in int8 and in int16: shapes, options, versions, round trip. */
final class EveryOpTest {

    private static final String EVERY_OP = """
            schema: npusim.model/v1
            name: every_op
            input: {shape: [1, 16, 16, 4], type: %s, scale: 0.02, zero_point: %d}
            weights: {seed: 9, distribution: uniform}
            layers:
              - {op: conv2d, name: conv, filters: 8, kernel: [3, 5], stride: [2, 1], padding: valid, activation: relu6}
              - {op: depthwise_conv2d, name: dw, kernel: 3, depth_multiplier: 2, dilation: 2, padding: same, activation: relu}
              - {op: max_pool2d, name: maxp, pool_size: 2, stride: 1, padding: same}
              - {op: pad, name: padded, paddings: [[0, 0], [1, 0], [0, 0], [0, 0]]}
              - {op: average_pool2d, name: avgp, pool_size: 2, padding: valid}
              - {op: transpose_conv, name: up, filters: 8, kernel: 3, stride: 2, padding: same, activation: relu}
              - {op: logistic, name: gate}
              - {op: mul, name: gated, inputs: [up, gate]}
              - {op: tanh, name: squash, inputs: [up]}
              - {op: add, name: sum, inputs: [gated, squash], activation: relu}
              - {op: concatenation, name: cat, inputs: [sum, up], axis: 3}
              - {op: relu6, name: clipped}
              - {op: relu, name: rect}
              - {op: mean, name: pooled, axis: [1, 2], keep_dims: true}
              - {op: reshape, name: flat, new_shape: [-1, 16]}
              - {op: fully_connected, name: fc, units: 5, weights: {sparsity: 0.5, clusters: 4}}
              - {op: softmax, name: probs, beta: 0.5}
              - {op: leaky_relu, name: leaky, alpha: 0.1}
            """;

    private static Model build(ElementType type) {
        String yaml = EVERY_OP.formatted(type.label(), type == ElementType.INT16 ? 0 : 3);
        return ModelDescriptions.parse(yaml, "every_op.yaml");
    }

    private static Tensor output(Subgraph g, int op) {
        return g.tensor(g.operators().get(op).output(0));
    }

    @Test
    void parse_everyOp_infersTensorFlowShapes() {
        Subgraph g = build(ElementType.INT8).main();
        // conv VALID: H ceil((16 - 3 + 1) / 2) = 7, W 16 - 5 + 1 = 12; depthwise: 8·2 channels; pad adds a row;
        // average pool 2x2 halves 8x12; transpose conv SAME doubles 4x6; concatenation adds 8 + 8 channels; mean
        // keeps 1x1; reshape infers 1.
        List<Shape> expected = List.of(Shape.of(1, 7, 12, 8), Shape.of(1, 7, 12, 16), Shape.of(1, 7, 12, 16),
                Shape.of(1, 8, 12, 16), Shape.of(1, 4, 6, 16), Shape.of(1, 8, 12, 8), Shape.of(1, 8, 12, 8),
                Shape.of(1, 8, 12, 8), Shape.of(1, 8, 12, 8), Shape.of(1, 8, 12, 8), Shape.of(1, 8, 12, 16),
                Shape.of(1, 8, 12, 16), Shape.of(1, 8, 12, 16), Shape.of(1, 1, 1, 16), Shape.of(1, 16), Shape.of(1, 5),
                Shape.of(1, 5), Shape.of(1, 5));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(output(g, i).shape()).as("layer %d", i).isEqualTo(expected.get(i));
        }
        assertThat(g.operators()).extracting(Operator::opName).containsExactly("CONV_2D", "DEPTHWISE_CONV_2D",
                "MAX_POOL_2D", "PAD", "AVERAGE_POOL_2D", "TRANSPOSE_CONV", "LOGISTIC", "MUL", "TANH", "ADD",
                "CONCATENATION", "RELU6", "RELU", "MEAN", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX",
                "LEAKY_RELU");
    }

    @Test
    void parse_everyOp_decodesOptionsAsTheReaderDoes() {
        List<Operator> ops = build(ElementType.INT8).main().operators();
        assertThat(ops.get(0).options()).isEqualTo(new OpOptions.Conv2D(Padding.VALID, 1, 2, 1, 1, Activation.RELU6));
        assertThat(ops.get(1).options())
                .isEqualTo(new OpOptions.DepthwiseConv2D(Padding.SAME, 1, 1, 2, 2, 2, Activation.RELU));
        assertThat(ops.get(4).options()).isEqualTo(new OpOptions.Pool2D(Padding.VALID, 2, 2, 2, 2, Activation.NONE));
        assertThat(ops.get(5).options()).isEqualTo(new OpOptions.TransposeConv(Padding.SAME, 2, 2, Activation.RELU));
        assertThat(ops.get(10).options()).isEqualTo(new OpOptions.Concatenation(3, Activation.NONE));
        assertThat(ops.get(13).options()).isEqualTo(new OpOptions.Reducer(true));
        assertThat(ops.get(14).options()).isEqualTo(new OpOptions.Reshape(new int[] {1, 16}));
        assertThat(ops.get(16).options()).isEqualTo(new OpOptions.Softmax(0.5f));
        assertThat(ops.get(17).options()).isEqualTo(new OpOptions.LeakyRelu(0.1f));
    }

    @Test
    void parse_int8AndInt16_giveTfliteOperatorVersions() {
        // op_version.cc: int8 CONV_2D 3, DEPTHWISE 3, pools 2, PAD 2, TRANSPOSE_CONV with fused activation 4,
        // elementwise and activations 2, RESHAPE 1, FULLY_CONNECTED 4; int16: CONV_2D 4, DEPTHWISE 5, FC 7, ADD 3,
        // MUL 4, the others 3; LEAKY_RELU 1 (int8) and 2 (int16). MUL int8 is 2 here: 1/256 (the logistic output)
        // times the up scale is below the output scale.
        assertThat(build(ElementType.INT8).main().operators()).extracting(o -> o.code().version())
                .containsExactly(3, 3, 2, 2, 2, 4, 2, 2, 2, 2, 2, 2, 2, 2, 1, 4, 2, 1);
        assertThat(build(ElementType.INT16).main().operators()).extracting(o -> o.code().version())
                .containsExactly(4, 5, 3, 3, 3, 4, 3, 4, 3, 3, 3, 3, 3, 3, 1, 7, 3, 2);
    }

    @Test
    void parse_int16_usesSymmetricActivationsAndInt64Biases() {
        Subgraph g = build(ElementType.INT16).main();
        for (Tensor t : g.tensors()) {
            if (t.name().endsWith("/bias")) {
                assertThat(t.type()).as(t.name()).isEqualTo(ElementType.INT64);
            } else if (!t.isConstant()) {
                assertThat(t.type()).as(t.name()).isEqualTo(ElementType.INT16);
                assertThat(t.quantization().orElseThrow().zeroPoint(0)).as(t.name()).isZero();
            }
        }
        assertThat(output(g, 16).quantization()).contains(Quantization.perTensor(1f / 32768, 0));
        assertThat(g.operators().get(9).options()).isEqualTo(new OpOptions.Arithmetic(Activation.RELU, false));
    }

    @Test
    void parse_int8_fixesSoftmaxLogisticAndTanhOutputsAndSharesPoolQuantization() {
        Subgraph g = build(ElementType.INT8).main();
        assertThat(output(g, 6).quantization()).contains(Quantization.perTensor(1f / 256, -128));
        assertThat(output(g, 8).quantization()).contains(Quantization.perTensor(1f / 128, 0));
        assertThat(output(g, 16).quantization()).contains(Quantization.perTensor(1f / 256, -128));
        // Max pool, pad and average pool share the depthwise output's quantization; the concatenation joins the
        // transpose conv output and the add into one group.
        Quantization dw = output(g, 1).quantization().orElseThrow();
        assertThat(output(g, 2).quantization()).contains(dw);
        assertThat(output(g, 3).quantization()).contains(dw);
        assertThat(output(g, 4).quantization()).contains(dw);
        assertThat(output(g, 5).quantization()).isEqualTo(output(g, 10).quantization());
        assertThat(output(g, 9).quantization()).isEqualTo(output(g, 10).quantization());
    }

    @Test
    void parse_transposeConv_countsConvolutionMacs() {
        Subgraph g = build(ElementType.INT8).main();
        // Weights [8, 3, 3, 16] over an 8x12x8 output: 3·3·16·768 = 110,592 (Vela counts it as a convolution).
        assertThat(g.operatorFacts(5).macs()).isEqualTo(110_592);
        assertThat(g.tensor(g.operators().get(5).input(1)).shape()).isEqualTo(Shape.of(8, 3, 3, 16));
    }

    @Test
    void writeThenRead_int8AndInt16_giveEqualSubgraphs() {
        for (ElementType type : List.of(ElementType.INT8, ElementType.INT16)) {
            Model m = build(type);
            Model back = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(m)), "x.tflite", m.name());
            assertThat(back.subgraphs()).as(type.label()).isEqualTo(m.subgraphs());
        }
    }
}
