// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.npusim.errors.InputException;
import org.npusim.graph.ElementType;
import org.npusim.graph.Operator;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * An operator being prepared: its tensors, options and constants, and the checks every kernel family needs. Every
 * failed check is an {@link InputException} whose place names the layer (operator index, operator name and output
 * tensor), so that the user can find it in {@code npusim inspect}.
 */
final class OpBinding {

    private final String source;
    private final Subgraph graph;
    private final Operator op;
    private final TensorBuffer[] constants;

    OpBinding(String source, Subgraph graph, Operator op, TensorBuffer[] constants) {
        this.source = source;
        this.graph = graph;
        this.op = op;
        this.constants = constants;
    }

    /** Returns the operator. */
    Operator op() {
        return op;
    }

    /** Returns the subgraph. */
    Subgraph graph() {
        return graph;
    }

    /** Returns the operator's options. */
    OpOptions options() {
        return op.options();
    }

    /** Returns the options as {@code type}, failing when the model carries another options table. */
    <T extends OpOptions> T options(Class<T> type, OpKind kind) {
        OpOptions o = op.options();
        if (o.kind() != kind) {
            throw fail("expected " + kind + " options, found " + o.kind());
        }
        return type.cast(o);
    }

    /** Returns the place string used in errors: operator index, name and output tensor. */
    String place() {
        String out = op.outputCount() > 0 ? graph.tensor(op.output(0)).name() : "";
        return "operator " + op.index() + " (" + op.opName() + (out.isEmpty() ? "" : ", output '" + out + "'") + ")";
    }

    /** Returns an exception about this operator. */
    InputException fail(String what) {
        return new InputException(source, place(), what);
    }

    /** Checks the number of inputs (omitted optional inputs count) lies in [min, max]. */
    void requireInputCount(int min, int max) {
        int n = op.inputCount();
        if (n < min || n > max) {
            throw fail(min == max ? "expected " + min + " inputs, found " + n
                    : "expected " + min + " to " + max + " inputs, found " + n);
        }
        if (op.outputCount() < 1) {
            throw fail("has no output");
        }
    }

    /** Returns whether input slot {@code slot} is present (not omitted, not beyond the list). */
    boolean hasInput(int slot) {
        return op.input(slot) != Operator.OMITTED;
    }

    /** Returns the tensor index of input {@code slot}, which must be present. */
    int inputIndex(int slot) {
        int t = op.input(slot);
        if (t == Operator.OMITTED) {
            throw fail("input " + slot + " is missing");
        }
        return t;
    }

    /** Returns the tensor of input {@code slot}. */
    Tensor input(int slot) {
        return graph.tensor(inputIndex(slot));
    }

    /** Returns the tensor index of output {@code slot}. */
    int outputIndex(int slot) {
        if (slot >= op.outputCount()) {
            throw fail("output " + slot + " is missing");
        }
        return op.output(slot);
    }

    /** Returns the tensor of output {@code slot}. */
    Tensor output(int slot) {
        return graph.tensor(outputIndex(slot));
    }

    /** Checks that {@code t} has one of the given element types. */
    ElementType requireType(Tensor t, String role, ElementType... allowed) {
        for (ElementType a : allowed) {
            if (t.type() == a) {
                return a;
            }
        }
        throw fail(role + " '" + t.name() + "' has element type " + t.type().label() + "; supported: "
                + Arrays.stream(allowed).map(ElementType::label).collect(Collectors.joining(", ")));
    }

    /** Returns the unsupported-combination error for the given tensors' types. */
    InputException unsupportedTypes(Tensor... tensors) {
        return fail("element types " + Arrays.stream(tensors).map(t -> t.type().label())
                .collect(Collectors.joining(" x ")) + " are not supported by this operator");
    }

    /** Returns the quantization of {@code t}, which must be present with at least one scale. */
    Quantization quantization(Tensor t, String role) {
        Optional<Quantization> q = t.quantization();
        if (q.isEmpty() || q.get().channelCount() == 0) {
            throw fail(role + " '" + t.name() + "' has no quantization parameters");
        }
        return q.get();
    }

    /** Returns the single scale of a per-tensor quantized tensor. */
    float scale(Tensor t, String role) {
        Quantization q = quantization(t, role);
        if (q.isPerChannel()) {
            throw fail(role + " '" + t.name() + "' is quantized per channel; a single scale is required");
        }
        float s = q.scale(0);
        if (!(s > 0) || !Float.isFinite(s)) {
            throw fail(role + " '" + t.name() + "' has scale " + s + "; a positive scale is required");
        }
        return s;
    }

    /** Returns the single zero point of a per-tensor quantized tensor (0 when absent). */
    int zeroPoint(Tensor t, String role) {
        long z = quantization(t, role).zeroPoint(0);
        if (z < Integer.MIN_VALUE || z > Integer.MAX_VALUE) {
            throw fail(role + " '" + t.name() + "' has zero point " + z + " out of range");
        }
        return (int) z;
    }

    /** Returns the zero point of {@code t}, or 0 when it carries no quantization. */
    int zeroPointOrZero(Tensor t) {
        return t.quantization().map(q -> (int) q.zeroPoint(0)).orElse(0);
    }

    /** Checks that an int16 activation has zero point 0, as TFLite's int16x8 scheme requires. */
    void requireSymmetricInt16(Tensor t, String role) {
        if (t.type() == ElementType.INT16 && zeroPoint(t, role) != 0) {
            throw fail(role + " '" + t.name() + "' is int16 with zero point " + zeroPoint(t, role)
                    + "; the int16x8 scheme needs zero point 0");
        }
    }

    /** Returns the decoded constant of input {@code slot}, failing if that input is not constant. */
    TensorBuffer constant(int slot, String role) {
        int index = inputIndex(slot);
        TensorBuffer c = constants[index];
        if (c == null) {
            Tensor t = graph.tensor(index);
            throw fail(t.isConstant() ? role + " '" + t.name() + "' has element type " + t.type().label()
                    + ", which the executor does not support" : role + " '" + t.name() + "' must be a constant tensor");
        }
        return c;
    }

    /** Returns whether input {@code slot} is present and constant. */
    boolean isConstant(int slot) {
        return hasInput(slot) && constants[op.input(slot)] != null;
    }

    /** Returns the values of an int32 or int64 constant input as ints. */
    int[] constantInts(int slot, String role) {
        TensorBuffer c = constant(slot, role);
        int[] out = new int[c.length()];
        switch (c.type()) {
            case INT32:
                System.arraycopy(c.int32(), 0, out, 0, out.length);
                return out;
            case INT64:
                long[] l = c.int64();
                for (int i = 0; i < out.length; i++) {
                    if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                        throw fail(role + " value " + l[i] + " is out of range");
                    }
                    out[i] = (int) l[i];
                }
                return out;
            default:
                throw fail(role + " '" + graph.tensor(op.input(slot)).name() + "' has element type "
                        + c.type().label() + "; int32 or int64 expected");
        }
    }

    /** Checks that two shapes are equal. */
    void requireSameShape(Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw fail("shapes differ: '" + a.name() + "' is " + a.shape() + ", '" + b.name() + "' is " + b.shape());
        }
    }

    /** Checks that {@code t} has rank {@code rank}. */
    void requireRank(Tensor t, String role, int rank) {
        if (t.shape().rank() != rank) {
            throw fail(role + " '" + t.name() + "' has shape " + t.shape() + "; rank " + rank + " expected");
        }
    }

    /** Checks the element counts of two shapes agree. */
    void requireSameCount(Shape a, Shape b) {
        if (a.elementCount() != b.elementCount()) {
            throw fail("element counts differ: " + a + " vs " + b);
        }
    }
}
