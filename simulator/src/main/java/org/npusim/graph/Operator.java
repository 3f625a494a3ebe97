// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.Arrays;
import java.util.Objects;

/**
 * An operator of a subgraph, in execution order.
 *
 * @param index position in the subgraph's execution order
 * @param code what the operator is
 * @param inputs tensor indices; -1 marks an omitted optional input (TFLite's convention)
 * @param outputs tensor indices
 * @param intermediates tensor indices internal to the operator (LSTM gate scratch)
 * @param options decoded builtin options
 */
public record Operator(int index, OperatorCode code, int[] inputs, int[] outputs, int[] intermediates, OpOptions options) {

    /** The index TFLite uses for an omitted optional input. */
    public static final int OMITTED = -1;

    public Operator {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(options, "options");
        inputs = inputs.clone();
        outputs = outputs.clone();
        intermediates = intermediates.clone();
    }

    @Override
    public int[] inputs() {
        return inputs.clone();
    }

    @Override
    public int[] outputs() {
        return outputs.clone();
    }

    @Override
    public int[] intermediates() {
        return intermediates.clone();
    }

    /** Returns the number of input slots, omitted ones included. */
    public int inputCount() {
        return inputs.length;
    }

    /** Returns input slot {@code i}: a tensor index or {@link #OMITTED}. */
    public int input(int i) {
        return i < inputs.length ? inputs[i] : OMITTED;
    }

    /** Returns the number of outputs. */
    public int outputCount() {
        return outputs.length;
    }

    /** Returns output {@code i}. */
    public int output(int i) {
        return outputs[i];
    }

    /** Returns the operator's name as reports show it (TFLite operator name or custom code). */
    public String opName() {
        return code.name();
    }

    /** Returns whether this is builtin {@code op}. */
    public boolean is(BuiltinOperator op) {
        return code.is(op);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Operator op
                && index == op.index
                && code.equals(op.code)
                && Arrays.equals(inputs, op.inputs)
                && Arrays.equals(outputs, op.outputs)
                && Arrays.equals(intermediates, op.intermediates)
                && options.equals(op.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, code, Arrays.hashCode(inputs), Arrays.hashCode(outputs), options);
    }

    @Override
    public String toString() {
        return "#" + index + " " + opName() + " in=" + Arrays.toString(inputs) + " out=" + Arrays.toString(outputs);
    }
}
