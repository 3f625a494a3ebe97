// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A subgraph: its tensors, its operators in execution order, its input and output tensors, and the facts
 * derived from them (computed once, by {@link #of}).
 */
public record Subgraph(
        String name, List<Tensor> tensors, List<Operator> operators, int[] inputs, int[] outputs, SubgraphFacts facts) {

    public Subgraph {
        Objects.requireNonNull(name, "name");
        tensors = List.copyOf(tensors);
        operators = List.copyOf(operators);
        inputs = inputs.clone();
        outputs = outputs.clone();
        Objects.requireNonNull(facts, "facts");
        validate(tensors, operators, inputs, outputs);
    }

    /** Builds a subgraph and computes its facts. */
    public static Subgraph of(String name, List<Tensor> tensors, List<Operator> operators, int[] inputs, int[] outputs) {
        List<Tensor> t = List.copyOf(tensors);
        List<Operator> o = List.copyOf(operators);
        validate(t, o, inputs, outputs);
        return new Subgraph(name, t, o, inputs, outputs, SubgraphFacts.compute(t, o, inputs, outputs));
    }

    private static void validate(List<Tensor> tensors, List<Operator> operators, int[] inputs, int[] outputs) {
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i).index() != i) {
                throw new IllegalArgumentException("tensor " + i + " carries index " + tensors.get(i).index());
            }
        }
        for (int i = 0; i < operators.size(); i++) {
            Operator op = operators.get(i);
            if (op.index() != i) {
                throw new IllegalArgumentException("operator " + i + " carries index " + op.index());
            }
            String what = "operator " + i + " (" + op.opName() + ") ";
            checkRefs(what + "input", op.inputs(), tensors.size(), true);
            checkRefs(what + "output", op.outputs(), tensors.size(), false);
            checkRefs(what + "intermediate", op.intermediates(), tensors.size(), false);
            checkOperands(what, op, tensors, inputs);
        }
        checkRefs("subgraph input", inputs, tensors.size(), false);
        checkRefs("subgraph output", outputs, tensors.size(), false);
        checkDataFlow(tensors, operators, inputs);
    }

    /**
     * Checks that the operators, in execution order, form a data flow that runs: every operator writes a tensor
     * (each reader names a layer by its first output), no tensor has two writers, and every tensor an operator
     * reads is there when it runs: a constant, a variable, a subgraph input, or the output of an earlier operator
     * (a custom operator may also read a buffer nothing writes). An operator that reads its own output, or a later
     * one's, would loop in the lowering or compute from memory nothing wrote.
     */
    private static void checkDataFlow(List<Tensor> tensors, List<Operator> operators, int[] inputs) {
        int[] writer = new int[tensors.size()];
        Arrays.fill(writer, -1);
        for (int t : inputs) {
            writer[t] = INPUT;
        }
        for (Operator op : operators) {
            String what = "operator " + op.index() + " (" + op.opName() + ") ";
            if (op.outputCount() == 0) {
                throw new IllegalArgumentException(what + "writes no tensor; every operator must write one (resource"
                        + " variables are not supported)");
            }
            for (int t : op.inputs()) {
                if (t == Operator.OMITTED) {
                    continue;
                }
                Tensor in = tensors.get(t);
                // A tensor of no elements holds nothing to write (an empty shape operand: a RESHAPE to a scalar reads
                // a [0] shape whose buffer is empty).
                if (writer[t] == -1 && !in.isConstant() && !in.variable() && in.shape().elementCount() > 0) {
                    boolean later = operators.stream().anyMatch(o -> Arrays.stream(o.outputs()).anyMatch(x -> x == t));
                    // A custom operator may read a buffer of its own that nothing writes (the scratch areas of a
                    // Vela-compiled ethos-u operator).
                    if (later || !op.code().is(BuiltinOperator.CUSTOM)) {
                        throw new IllegalArgumentException(what + "reads tensor " + t + " ('" + in.name() + "'), which "
                                + (later ? "an operator at or after it writes: the operators are not in an order that"
                                        + " runs" : "is no constant, variable or subgraph input and no operator writes"));
                    }
                }
            }
            for (int t : op.outputs()) {
                if (writer[t] >= 0) {
                    throw new IllegalArgumentException(what + "writes tensor " + t + " ('" + tensors.get(t).name()
                            + "'), which operator " + writer[t] + " writes too");
                }
                writer[t] = op.index();
            }
        }
    }

    /** {@link #checkDataFlow}'s mark of a tensor the subgraph's caller writes. */
    private static final int INPUT = -2;

    /**
     * Checks what every reader of the graph relies on: the inputs an operator cannot do without are present, and
     * no operator writes a constant or a subgraph input. The inputs checked here are those that name the tensor an
     * operator works on, which TFLite requires: the first input of every operator that has inputs (no builtin
     * operator takes it as optional) and the weights of the convolutions and fully connected layers. Other
     * operands are checked by their readers, which leave an operator they cannot read to the CPU with a reason
     * (simulation) or refuse it naming the operand (the functional executor).
     */
    private static void checkOperands(String what, Operator op, List<Tensor> tensors, int[] subgraphInputs) {
        for (int slot : requiredInputs(op)) {
            if (slot >= op.inputCount() || op.input(slot) == Operator.OMITTED) {
                throw new IllegalArgumentException(what + "input " + slot + " is missing");
            }
        }
        checkOutputChannels(what, op, tensors);
        if (op.code().is(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)) {
            checkLstm(what, op, tensors);
        }
        for (int k = 0; k < op.outputCount(); k++) {
            int t = op.output(k);
            if (tensors.get(t).isConstant()) {
                throw new IllegalArgumentException(what + "writes tensor " + t + " ('" + tensors.get(t).name()
                        + "'), which is a constant");
            }
            for (int in : subgraphInputs) {
                if (in == t) {
                    throw new IllegalArgumentException(what + "writes tensor " + t + " ('" + tensors.get(t).name()
                            + "'), which is a subgraph input");
                }
            }
        }
    }

    /**
     * Checks that a convolution's or fully connected layer's output has as many channels (its last dimension) as
     * its weights have outputs: the first dimension of OHWI and [units, inputs] weights, the last of a depthwise
     * convolution's [1, H, W, C]; and that a bias has a value per output channel. Every reader sizes the layer from
     * one of these.
     */
    private static void checkOutputChannels(String what, Operator op, List<Tensor> tensors) {
        boolean depthwise = op.code().is(BuiltinOperator.DEPTHWISE_CONV_2D);
        if (!depthwise && !op.code().is(BuiltinOperator.CONV_2D) && !op.code().is(BuiltinOperator.FULLY_CONNECTED)
                && !op.code().is(BuiltinOperator.TRANSPOSE_CONV) || op.outputCount() == 0) {
            return;
        }
        Shape w = tensors.get(op.input(1)).shape();
        Shape out = tensors.get(op.output(0)).shape();
        if (w.rank() < 2 || out.rank() < 1) {
            return;
        }
        int weights = depthwise ? w.dim(w.rank() - 1) : w.dim(0);
        int channels = out.dim(out.rank() - 1);
        if (weights != channels) {
            throw new IllegalArgumentException(what + "output '" + tensors.get(op.output(0)).name() + "' has " + channels
                    + " channels but its weights '" + tensors.get(op.input(1)).name() + "' have " + weights + " (shape " + w + ")");
        }
        // The bias, when there is one, has a value per output channel (slot 3 of a transpose convolution, else 2).
        int biasSlot = op.code().is(BuiltinOperator.TRANSPOSE_CONV) ? 3 : 2;
        int bias = op.input(biasSlot);
        if (bias != Operator.OMITTED && tensors.get(bias).shape().elementCount() != channels) {
            throw new IllegalArgumentException(what + "bias '" + tensors.get(bias).name() + "' has "
                    + tensors.get(bias).shape().elementCount() + " values for " + channels + " output channels");
        }
    }

    /**
     * Checks an LSTM's operands as every reader takes them (TFLite's UNIDIRECTIONAL_SEQUENCE_LSTM of 24 inputs, or 20
     * without layer normalisation): the forget, cell and output gates' input and recurrent weights (slots 2-4, 6-8)
     * and biases (13-15) and the two states (18, 19) are present (the input gate, slots 1, 5 and 12, may be left out: CIFG); the weights are
     * constants, [cells, features] for the input weights and [cells, outputs] for the recurrent ones, a bias
     * has a value per cell, the output has as many features as the recurrent weights' outputs, and the states end
     * in the output features (output state) and the cells (cell state).
     */
    private static void checkLstm(String what, Operator op, List<Tensor> tensors) {
        // 20 inputs without the layer-normalisation coefficients (slots 20-23), 24 with them.
        if (op.inputCount() != 24 && op.inputCount() != 20) {
            throw new IllegalArgumentException(what + "has " + op.inputCount() + " inputs; an LSTM has 20 or 24");
        }
        for (int slot : new int[] {2, 3, 4, 6, 7, 8, 13, 14, 15, 18, 19}) {
            if (op.input(slot) == Operator.OMITTED) {
                throw new IllegalArgumentException(what + "input " + slot + " is missing");
            }
        }
        Shape in = tensors.get(op.input(0)).shape();
        Shape out = tensors.get(op.output(0)).shape();
        if (in.rank() < 1 || out.rank() < 1) {
            throw new IllegalArgumentException(what + "input " + in + " and output " + out + " must have features");
        }
        int cells = -1;
        for (int slot = 1; slot <= 8; slot++) {
            if (op.input(slot) == Operator.OMITTED) {
                continue;
            }
            Tensor w = tensors.get(op.input(slot));
            Shape s = w.shape();
            int expected = slot <= 4 ? in.dim(in.rank() - 1) : out.dim(out.rank() - 1);
            if (!w.isConstant() || s.rank() != 2 || (cells >= 0 && s.dim(0) != cells) || s.dim(1) != expected) {
                throw new IllegalArgumentException(what + "weights '" + w.name() + "' (input " + slot + ", shape " + s
                        + (w.isConstant() ? "" : ", not a constant") + ") must be constant [cells, "
                        + (slot <= 4 ? "input features " : "output features ") + expected + "] like the other gates'");
            }
            cells = s.dim(0);
        }
        // The output state holds the last output's features, the cell state a value per cell.
        int[] stateFeatures = {out.dim(out.rank() - 1), cells};
        for (int k = 0; k < 2; k++) {
            Tensor state = tensors.get(op.input(18 + k));
            Shape st = state.shape();
            if (st.rank() < 1 || st.dim(st.rank() - 1) != stateFeatures[k]) {
                throw new IllegalArgumentException(what + (k == 0 ? "output" : "cell") + " state '" + state.name()
                        + "' (input " + (18 + k) + ", shape " + st + ") must end in " + stateFeatures[k]
                        + (k == 0 ? " output features" : " cells"));
            }
        }
        for (int slot = 12; slot <= 15; slot++) {
            if (op.input(slot) != Operator.OMITTED && tensors.get(op.input(slot)).shape().elementCount() != cells) {
                throw new IllegalArgumentException(what + "bias '" + tensors.get(op.input(slot)).name() + "' (input " + slot
                        + ") has " + tensors.get(op.input(slot)).shape().elementCount() + " values for " + cells + " cells");
            }
        }
    }

    private static final int[] NONE = {};
    private static final int[] FIRST = {0};
    private static final int[] FIRST_TWO = {0, 1};
    private static final int[] FIRST_THREE = {0, 1, 2};

    private static int[] requiredInputs(Operator op) {
        if (op.code().is(BuiltinOperator.CUSTOM)) {
            return NONE;
        }
        // A builtin this version does not know still takes its first input as required, as every known one does.
        BuiltinOperator b = op.code().builtin().orElse(BuiltinOperator.CUSTOM);
        return switch (b) {
            case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> FIRST_TWO;
            case TRANSPOSE_CONV -> FIRST_THREE;
            default -> op.inputCount() == 0 ? NONE : FIRST;
        };
    }

    private static void checkRefs(String what, int[] refs, int count, boolean allowOmitted) {
        for (int r : refs) {
            if (r == Operator.OMITTED && allowOmitted) {
                continue;
            }
            if (r < 0 || r >= count) {
                throw new IllegalArgumentException(what + " refers to tensor " + r + " but there are " + count);
            }
        }
    }

    @Override
    public int[] inputs() {
        return inputs.clone();
    }

    @Override
    public int[] outputs() {
        return outputs.clone();
    }

    /** Returns tensor {@code index}. */
    public Tensor tensor(int index) {
        return tensors.get(index);
    }

    /** Returns the facts of operator {@code index}. */
    public OperatorFacts operatorFacts(int index) {
        return facts.operators().get(index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subgraph s
                && name.equals(s.name)
                && tensors.equals(s.tensors)
                && operators.equals(s.operators)
                && Arrays.equals(inputs, s.inputs)
                && Arrays.equals(outputs, s.outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, tensors, operators, Arrays.hashCode(inputs), Arrays.hashCode(outputs));
    }

    @Override
    public String toString() {
        return "Subgraph " + name + ": " + tensors.size() + " tensors, " + operators.size() + " operators";
    }
}
