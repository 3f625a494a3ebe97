// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.npusim.errors.InputException;

/**
 * Each malformed description gives exactly one message naming the file, the line and column, the place (key path
 * or layer) and what was expected. Positions are 1-based and counted by hand from the texts below; layer
 * mappings written in flow style start at their '{', which is column 5 after the list's "  - ".
 */
final class MalformedDescriptionTest {

    private static final String HEAD = """
            schema: npusim.model/v1
            name: tiny
            input: {shape: [1, 8, 8, 2], scale: 0.05, zero_point: 0}
            weights: {seed: 1}
            layers:
            """;

    /** Layers start on line 6, each at column 3. */
    private static String withLayers(String... layers) {
        StringBuilder b = new StringBuilder(HEAD);
        for (String l : layers) {
            b.append("  - ").append(l).append('\n');
        }
        return b.toString();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("input scale that derived scales overflow",
                        HEAD.replace("scale: 0.05", "scale: 3e38") + "  - {op: conv2d, filters: 4, kernel: 3, padding: same}\n",
                        "t.yaml:6:5: layers[0] (conv2d 'conv2d_0'): its output's quantization scale comes out as Infinity:"
                                + " the range it must cover is too wide for a 32-bit float (the model input's scale is 3.0E38)"),
                // Each 3x3 convolution of 2 channels without an activation widens the estimated interval by the
                // gain of its generated weights; the layer where it passes the largest double is where the run
                // found it (the generator is seeded, so it is fixed), 1087 here (line 6 + 1087).
                Arguments.of("a stack deep enough that the range estimate overflows",
                        HEAD + "  - {op: conv2d, filters: 2, kernel: 3, padding: same}\n".repeat(1600),
                        "t.yaml:1093:5: layers[1087] (conv2d 'conv2d_1087'): the estimated range of its output values is"
                                + " not finite: the layers before it grow the values without bound, so no scale can"
                                + " represent them"),
                Arguments.of("YAML alias (Jackson would hand over its name as text)",
                        HEAD.replace("name: tiny", "name: &n tiny") + "  - {op: relu, name: *n}\n",
                        "t.yaml:6:22: YAML aliases (*n) are not supported; write the value out"),
                Arguments.of("YAML tag",
                        HEAD + "  - {op: relu, name: !!binary aGVsbG8=}\n",
                        "t.yaml:6:22: YAML tags (!!binary) are not supported; write the plain value"),
                Arguments.of("negative padding, reported at the value",
                        withLayers("{op: pad, paddings: [[0, 0], [-1, -1], [0, 0], [0, 0]]}"),
                        "t.yaml:6:35: layers[0] (pad 'pad_0').paddings: expected a non-negative integer, found '-1'"),
                Arguments.of("unknown top-level key",
                        "schema: npusim.model/v1\nnme: tiny\n",
                        "t.yaml:2:1: unknown key 'nme' (valid: description, input, layers, name, schema, weights)"),
                Arguments.of("wrong schema",
                        "schema: npusim.model/v2\nname: tiny\n",
                        "t.yaml:1:9: schema: expected npusim.model/v1, found 'npusim.model/v2'"),
                Arguments.of("empty file",
                        "# nothing here\n",
                        "t.yaml:1:1: the file is empty; expected a model description (schema: npusim.model/v1)"),
                Arguments.of("duplicate key",
                        "schema: npusim.model/v1\nname: a\nname: b\n",
                        "t.yaml:3:1: duplicate key 'name'"),
                Arguments.of("missing weights seed",
                        HEAD.replace("{seed: 1}", "{distribution: normal}") + "  - {op: relu}\n",
                        "t.yaml:4:10: weights: missing key 'seed'"),
                Arguments.of("input of rank 3",
                        HEAD.replace("[1, 8, 8, 2]", "[8, 8, 2]") + "  - {op: relu}\n",
                        "t.yaml:3:16: input.shape: expected [batch, height, width, channels] or [batch, features], "
                                + "found 3 dimensions"),
                Arguments.of("int16 input with a zero point",
                        HEAD.replace("zero_point: 0}", "zero_point: 5, type: int16}") + "  - {op: relu}\n",
                        "t.yaml:3:55: input.zero_point: expected an integer in [0, 0], found '5'"),
                Arguments.of("layers not a list",
                        HEAD + "  nothing\n",
                        "t.yaml:6:3: layers: expected a non-empty list, found 'nothing'"),
                Arguments.of("unknown op",
                        withLayers("{op: conv3d, filters: 4}"),
                        "t.yaml:6:10: layers[0].op: expected one of add, average_pool2d, concatenation, conv2d, "
                                + "depthwise_conv2d, fully_connected, hard_swish, leaky_relu, logistic, max_pool2d, maximum, mean, "
                                + "minimum, mul, pad, relu, relu6, reshape, resize_bilinear, resize_nearest_neighbor, slice, "
                                + "softmax, strided_slice, tanh, transpose, transpose_conv, found 'conv3d'"),
                Arguments.of("unknown layer key",
                        withLayers("{op: conv2d, filters: 4, kernal: 3, padding: same}"),
                        "t.yaml:6:30: layers[0] (conv2d 'conv2d_0'): unknown key 'kernal' (valid: activation, "
                                + "dilation, filters, inputs, kernel, name, op, padding, stride, weights)"),
                Arguments.of("key of another op",
                        withLayers("{op: relu, units: 4}"),
                        "t.yaml:6:16: layers[0] (relu 'relu_0'): unknown key 'units' (valid: inputs, name, op)"),
                Arguments.of("missing filters",
                        withLayers("{op: conv2d, name: c, kernel: 3, padding: same}"),
                        "t.yaml:6:5: layers[0] (conv2d 'c'): missing key 'filters'"),
                Arguments.of("missing padding",
                        withLayers("{op: conv2d, filters: 4, kernel: 3}"),
                        "t.yaml:6:5: layers[0] (conv2d 'conv2d_0'): missing key 'padding'"),
                Arguments.of("bad padding value",
                        withLayers("{op: conv2d, filters: 4, kernel: 3, padding: full}"),
                        "t.yaml:6:50: layers[0] (conv2d 'conv2d_0').padding: expected one of same, valid, found 'full'"),
                Arguments.of("filters not a number",
                        withLayers("{op: conv2d, filters: four, kernel: 3, padding: same}"),
                        "t.yaml:6:27: layers[0] (conv2d 'conv2d_0').filters: expected a positive integer, found 'four'"),
                Arguments.of("a slope beyond a 32-bit float",
                        withLayers("{op: leaky_relu, alpha: 1e39}"),
                        "t.yaml:6:29: layers[0] (leaky_relu 'leaky_relu_0').alpha: expected a number that a 32-bit float holds,"
                                + " found 1.0E39"),
                Arguments.of("transpose with a repeated dimension",
                        withLayers("{op: transpose, perm: [0, 1, 1, 3]}"),
                        "t.yaml:6:5: layers[0] (transpose 'transpose_0'): perm [0, 1, 1, 3] is not a permutation of the "
                                + "dimensions 0..3"),
                Arguments.of("transpose of another rank",
                        withLayers("{op: transpose, perm: [1, 0]}"),
                        "t.yaml:6:5: layers[0] (transpose 'transpose_0'): perm has 2 values but the input 1x8x8x2 has rank 4"),
                Arguments.of("slice past the end",
                        withLayers("{op: slice, begin: [0, 4, 0, 0], size: [1, 5, -1, -1]}"),
                        "t.yaml:6:5: layers[0] (slice 'slice_0'): dimension 1 (size 8) selects [4, 9): expected at least "
                                + "one element inside the input"),
                Arguments.of("slice from a negative index",
                        withLayers("{op: slice, begin: [0, -1, 0, 0], size: [1, 1, -1, -1]}"),
                        "t.yaml:6:28: layers[0] (slice 'slice_0').begin[1]: expected a list of integers of at least 0, "
                                + "found '-1'"),
                Arguments.of("strided slice of nothing",
                        withLayers("{op: strided_slice, begin: [0, 0, 0, 0], end: [1, 8, 8, -2], strides: [1, 2, 2, 1]}"),
                        "t.yaml:6:5: layers[0] (strided_slice 'strided_slice_0'): dimension 3 (size 2) selects [0, -2): "
                                + "expected at least one element inside the input"),
                Arguments.of("strided slice with a step of 0",
                        withLayers("{op: strided_slice, begin: [0, 0, 0, 0], end: [1, 8, 8, 2], strides: [1, 0, 1, 1]}"),
                        "t.yaml:6:78: layers[0] (strided_slice 'strided_slice_0').strides[1]: expected a list of integers "
                                + "of at least 1, found '0'"),
                Arguments.of("a list item not a number",
                        withLayers("{op: mean, axis: [1, x], keep_dims: true}"),
                        "t.yaml:6:26: layers[0] (mean 'mean_0').axis[1]: expected an integer or a list of integers, found 'x'"),
                Arguments.of("kernel of three numbers",
                        withLayers("{op: conv2d, filters: 4, kernel: [3, 3, 3], padding: same}"),
                        "t.yaml:6:38: layers[0] (conv2d 'conv2d_0').kernel: expected a positive integer or "
                                + "[height, width], found a list of 3 items"),
                Arguments.of("sparsity out of range",
                        withLayers("{op: conv2d, filters: 4, kernel: 3, padding: same, weights: {sparsity: 1.5}}"),
                        "t.yaml:6:76: layers[0] (conv2d 'conv2d_0').weights.sparsity: expected a number in [0, 1), "
                                + "found '1.5'"),
                Arguments.of("too many clusters",
                        withLayers("{op: conv2d, filters: 4, kernel: 3, padding: same, weights: {clusters: 200}}"),
                        "t.yaml:6:76: layers[0] (conv2d 'conv2d_0').weights.clusters: expected an integer in [0, 127], "
                                + "found '200'"),
                Arguments.of("kernel larger than a VALID input",
                        withLayers("{op: conv2d, filters: 4, kernel: 9, padding: valid}"),
                        "t.yaml:6:5: layers[0] (conv2d 'conv2d_0'): kernel 9x9 does not fit the 8x8 input with padding "
                                + "valid"),
                Arguments.of("dilated kernel larger than a VALID input",
                        withLayers("{op: depthwise_conv2d, kernel: 3, dilation: 4, padding: valid}"),
                        "t.yaml:6:5: layers[0] (depthwise_conv2d 'depthwise_conv2d_0'): dilated kernel 9x9 does not fit "
                                + "the 8x8 input with padding valid"),
                Arguments.of("add of different shapes",
                        withLayers("{op: conv2d, name: conv_a, filters: 4, kernel: 3, padding: same}",
                                "{op: max_pool2d, name: pool, pool_size: 2, padding: valid}",
                                "{op: add, name: sum, inputs: [conv_a, pool]}"),
                        "t.yaml:8:5: layers[2] (add 'sum'): input shapes differ: 1x8x8x4 ('conv_a') and 1x4x4x4 ('pool')"),
                Arguments.of("add of one input",
                        withLayers("{op: add}"),
                        "t.yaml:6:5: layers[0] (add 'add_0'): add takes 2 inputs, found 1; name them with inputs: [a, b]"),
                Arguments.of("input that is not an earlier layer",
                        withLayers("{op: relu, name: r}", "{op: add, inputs: [r, later]}", "{op: relu, name: later}"),
                        "t.yaml:7:5: layers[1] (add 'add_1'): input 'later' is neither the model input nor an earlier "
                                + "layer"),
                Arguments.of("duplicate layer name",
                        withLayers("{op: relu, name: x}", "{op: relu6, name: x}"),
                        "t.yaml:7:5: layers[1] (relu6 'x'): the name 'x' is already taken by layers[0] (relu 'x')"),
                Arguments.of("fully connected on a feature map",
                        withLayers("{op: fully_connected, units: 10}"),
                        "t.yaml:6:5: layers[0] (fully_connected 'fully_connected_0'): fully_connected needs a "
                                + "[batch, features] input, found 1x8x8x2 from 'input'; add a reshape before it"),
                Arguments.of("reshape that changes the element count",
                        withLayers("{op: reshape, new_shape: [1, 100]}"),
                        "t.yaml:6:5: layers[0] (reshape 'reshape_0'): cannot reshape 1x8x8x2 (128 elements) to 1x100 "
                                + "(100 elements)"),
                Arguments.of("concatenation of mismatched shapes",
                        withLayers("{op: max_pool2d, name: p, pool_size: 2, padding: valid}",
                                "{op: concatenation, inputs: [input, p]}"),
                        "t.yaml:7:5: layers[1] (concatenation 'concatenation_1'): input 1x4x4x2 ('p') does not match "
                                + "1x8x8x2 ('input') outside axis 3"),
                Arguments.of("a layer whose output nobody reads",
                        withLayers("{op: relu, name: lost}", "{op: relu6, inputs: [input]}"),
                        "t.yaml:6:5: layers[0] (relu 'lost'): its output is never read; only the last layer may be the "
                                + "model output"),
                Arguments.of("sparsity that prunes every weight",
                        withLayers("{op: reshape, new_shape: [1, 128]}",
                                "{op: fully_connected, units: 1, weights: {sparsity: 0.999}}"),
                        "t.yaml:7:5: layers[1] (fully_connected 'fully_connected_1'): sparsity 0.999 would prune all 128 "
                                + "weights"),
                Arguments.of("concatenation of two fixed quantizations",
                        withLayers("{op: reshape, name: flat, new_shape: [1, 128]}",
                                "{op: softmax, name: s, inputs: [flat]}", "{op: tanh, name: t, inputs: [flat]}",
                                "{op: concatenation, inputs: [s, t]}"),
                        "t.yaml:9:5: layers[3] (concatenation 'concatenation_3'): its inputs and output must share one "
                                + "quantization, but 's' (softmax) and 't' (tanh) have different fixed quantizations"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parse_malformedDescription_throwsOneExactMessage(String what, String yaml, String expected) {
        assertThatThrownBy(() -> ModelDescriptions.parse(yaml, "t.yaml"))
                .isInstanceOf(InputException.class)
                .hasMessage(expected);
    }

    @Test
    void parse_invalidYamlSyntax_namesTheLine() {
        assertThatThrownBy(() -> ModelDescriptions.parse("schema: npusim.model/v1\nname: [unclosed\n", "t.yaml"))
                .isInstanceOf(InputException.class)
                .hasMessage("t.yaml:2:16: invalid YAML: while parsing a flow sequence; expected ',' or ']', but got <stream end>")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void cases_coverAtLeastFifteenKindsOfMistake() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(15);
    }
}
