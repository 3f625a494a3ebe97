// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operand rules every reader of a graph relies on (Subgraph.of refuses graphs that break them). */
final class SubgraphOperandsTest {

    private final List<Tensor> tensors = new ArrayList<>();

    private int tensor(String name, ConstantData data) {
        int i = tensors.size();
        tensors.add(new Tensor(i, name, ElementType.INT8, Shape.of(1, 4), Optional.of(Quantization.perTensor(0.1f, 0)),
                Optional.ofNullable(data), false));
        return i;
    }

    /** Adds constant int8 weights of shape [units, inputs]. */
    private int weights(String name, int units, int inputs) {
        int i = tensors.size();
        tensors.add(new Tensor(i, name, ElementType.INT8, Shape.of(units, inputs), Optional.of(Quantization.perTensor(0.1f, 0)),
                Optional.of(ConstantData.ofInt8(new byte[units * inputs])), false));
        return i;
    }

    private Subgraph graph(BuiltinOperator op, int[] inputs, int output, int... subgraphInputs) {
        Operator o = new Operator(0, OperatorCode.of(op), inputs, new int[] {output}, new int[0], new OpOptions.NoOptions());
        return Subgraph.of("main", tensors, List.of(o), subgraphInputs, new int[] {output});
    }

    @Test
    void of_operatorWithoutItsFirstInput_isRefusedNamingTheOperatorAndSlot() {
        int in = tensor("in", null);
        int out = tensor("out", null);
        assertThatThrownBy(() -> graph(BuiltinOperator.SOFTMAX, new int[] {Operator.OMITTED}, out, in))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("operator 0 (SOFTMAX) input 0 is missing");
    }

    @Test
    void of_fullyConnectedWithoutWeights_isRefused_butWithoutBiasIsRead() {
        int in = tensor("in", null);
        int w = weights("w", 4, 4);
        int out = tensor("out", null);
        assertThatThrownBy(() -> graph(BuiltinOperator.FULLY_CONNECTED, new int[] {in, Operator.OMITTED, Operator.OMITTED}, out, in))
                .hasMessage("operator 0 (FULLY_CONNECTED) input 1 is missing");
        assertThat(graph(BuiltinOperator.FULLY_CONNECTED, new int[] {in, w, Operator.OMITTED}, out, in).operators()).hasSize(1);
    }

    @Test
    void of_fullyConnectedWhoseOutputDisagreesWithItsWeights_isRefused() {
        int in = tensor("in", null);
        // Weights of 8 units, an output of 4 channels.
        int w = weights("w", 8, 4);
        int out = tensor("out", null);
        assertThatThrownBy(() -> graph(BuiltinOperator.FULLY_CONNECTED, new int[] {in, w, Operator.OMITTED}, out, in))
                .hasMessage("operator 0 (FULLY_CONNECTED) output 'out' has 4 channels but its weights 'w' have 8 (shape 8x4)");
    }

    @Test
    void of_biasWithAValueCountOtherThanTheOutputChannels_isRefused() {
        int in = tensor("in", null);
        int w = weights("w", 4, 4);
        int bias = tensors.size();
        tensors.add(new Tensor(bias, "b", ElementType.INT32, Shape.of(16), Optional.empty(),
                Optional.of(ConstantData.ofInt32(new int[16])), false));
        int out = tensor("out", null);
        assertThatThrownBy(() -> graph(BuiltinOperator.FULLY_CONNECTED, new int[] {in, w, bias}, out, in))
                .hasMessage("operator 0 (FULLY_CONNECTED) bias 'b' has 16 values for 4 output channels");
    }

    @Test
    void of_splitWithoutItsAxis_isRefused() {
        int in = tensor("in", null);
        int out = tensor("out", null);
        assertThatThrownBy(() -> graph(BuiltinOperator.SPLIT, new int[] {Operator.OMITTED, in}, out, in))
                .hasMessage("operator 0 (SPLIT) input 0 is missing");
    }

    @Test
    void of_operatorWritingAConstant_isRefused() {
        int in = tensor("in", null);
        int bias = tensor("bias", ConstantData.ofInt8(new byte[4]));
        assertThatThrownBy(() -> graph(BuiltinOperator.SOFTMAX, new int[] {in}, bias, in))
                .hasMessage("operator 0 (SOFTMAX) writes tensor 1 ('bias'), which is a constant");
    }

    @Test
    void of_operatorWritingTheSubgraphInput_isRefused() {
        int in = tensor("in", null);
        int other = tensor("other", null);
        assertThatThrownBy(() -> graph(BuiltinOperator.RELU, new int[] {other}, in, in, other))
                .hasMessage("operator 0 (RELU) writes tensor 0 ('in'), which is a subgraph input");
    }
}
