// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.npusim.errors.InputException;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * Runs a model's main subgraph bit-exactly with TFLite Micro's reference integer semantics.
 *
 * <p>Building an interpreter prepares every operator once: it checks types, shapes and quantization, decodes the
 * constants, and computes multipliers, so that an unsupported operator or type fails here, naming the layer, and
 * {@link #run} only computes. An interpreter is immutable and may run on several threads at once; each run
 * allocates its own tensors and starts variable tensors (LSTM and SVDF state) afresh, as TFLite Micro's
 * {@code ResetVariableTensors} does: int8 state at its zero point, every other type at zero.
 */
public final class Interpreter {

    private final Model model;
    private final Subgraph graph;
    private final TensorBuffer[] constants;
    private final Step[] steps;

    private Interpreter(Model model) {
        this.model = model;
        this.graph = model.main();
        for (Tensor t : graph.tensors()) {
            if (!TensorBuffer.holds(t.shape())) {
                throw new InputException(model.name(), "tensor " + t.index() + " '" + t.name() + "'", "shape " + t.shape()
                        + " has " + t.shape().elementCount() + " elements, more than the functional executor can hold ("
                        + TensorBuffer.MAX_ELEMENTS + ")");
            }
        }
        this.constants = decodeConstants(model.name(), graph);
        this.steps = new Step[graph.operators().size()];
        for (Operator op : graph.operators()) {
            steps[op.index()] = prepare(new OpBinding(model.name(), graph, op, constants));
        }
    }

    /** Prepares {@code model}; throws {@link InputException} naming the first operator that cannot run. */
    public static Interpreter of(Model model) {
        Objects.requireNonNull(model, "model");
        return new Interpreter(model);
    }

    /** Returns the model. */
    public Model model() {
        return model;
    }

    /** Returns the subgraph that runs. */
    public Subgraph graph() {
        return graph;
    }

    /** Returns the input tensors, in the order {@link #run} takes their values. */
    public List<Tensor> inputs() {
        List<Tensor> out = new ArrayList<>();
        for (int i : graph.inputs()) {
            out.add(graph.tensor(i));
        }
        return out;
    }

    /** Returns the output tensors. */
    public List<Tensor> outputs() {
        List<Tensor> out = new ArrayList<>();
        for (int i : graph.outputs()) {
            out.add(graph.tensor(i));
        }
        return out;
    }

    private static TensorBuffer[] decodeConstants(String source, Subgraph graph) {
        TensorBuffer[] c = new TensorBuffer[graph.tensors().size()];
        for (Tensor t : graph.tensors()) {
            if (t.data().isPresent() && !t.variable() && TensorBuffer.supports(t.type())) {
                try {
                    c[t.index()] = TensorBuffer.decode(t.type(), t.shape(), t.data().get());
                } catch (IllegalArgumentException e) {
                    throw new InputException(source, "tensor " + t.index() + " '" + t.name() + "'", e.getMessage(), e);
                }
            }
        }
        return c;
    }

    private static Step prepare(OpBinding b) {
        Optional<BuiltinOperator> builtin = b.op().code().builtin();
        if (builtin.isEmpty() || builtin.get() == BuiltinOperator.CUSTOM) {
            throw b.fail("custom operator '" + b.op().opName() + "' is not supported by the functional executor"
                    + " (a Vela-compiled model's ethos-u operator runs on the NPU; execute the model as it was before"
                    + " compilation)");
        }
        switch (builtin.get()) {
            case CONV_2D:
                return ConvKernels.conv2d(b);
            case DEPTHWISE_CONV_2D:
                return ConvKernels.depthwise(b);
            case TRANSPOSE_CONV:
                return TransposeConvKernels.transposeConv(b);
            case FULLY_CONNECTED:
                return FullyConnectedKernels.fullyConnected(b);
            case AVERAGE_POOL_2D:
                return PoolKernels.averagePool(b);
            case MAX_POOL_2D:
                return PoolKernels.maxPool(b);
            case ADD:
                return ElementwiseKernels.add(b);
            case SUB:
                return ElementwiseKernels.sub(b);
            case MUL:
                return ElementwiseKernels.mul(b);
            case RELU:
            case RELU6:
            case RELU_N1_TO_1:
                return ActivationKernels.relu(b, builtin.get());
            case LEAKY_RELU:
                return ActivationKernels.leakyRelu(b);
            case HARD_SWISH:
                return ActivationKernels.hardSwish(b);
            case LOGISTIC:
                return ActivationKernels.logistic(b);
            case TANH:
                return ActivationKernels.tanh(b);
            case SOFTMAX:
                return SoftmaxKernels.softmax(b);
            case CONCATENATION:
                return ShapeKernels.concatenation(b);
            case RESHAPE:
            case SQUEEZE:
                return ShapeKernels.reshape(b);
            case PAD:
            case PADV2:
                return ShapeKernels.pad(b);
            case STRIDED_SLICE:
                return ShapeKernels.stridedSlice(b);
            case SLICE:
                return ShapeKernels.slice(b);
            case MAXIMUM:
                return ElementwiseKernels.maximumMinimum(b, true);
            case MINIMUM:
                return ElementwiseKernels.maximumMinimum(b, false);
            case TRANSPOSE:
                return ShapeKernels.transpose(b);
            case MEAN:
                return ReduceKernels.mean(b);
            case QUANTIZE:
                return QuantizeKernels.quantize(b);
            case DEQUANTIZE:
                return QuantizeKernels.dequantize(b);
            case SVDF:
                return SvdfKernels.svdf(b);
            case UNIDIRECTIONAL_SEQUENCE_LSTM:
                return LstmKernels.unidirectionalSequenceLstm(b);
            default:
                throw b.fail("operator " + builtin.get() + " is not supported by the functional executor");
        }
    }

    /**
     * Runs the graph on {@code inputs} (one buffer per graph input, in order, with the input tensor's element type
     * and shape) and returns every tensor's values.
     */
    public ExecutionResult run(List<TensorBuffer> inputs) {
        int[] in = graph.inputs();
        if (inputs.size() != in.length) {
            throw new InputException(model.name(), "inputs", "the model has " + in.length + " input"
                    + (in.length == 1 ? "" : "s") + ", " + inputs.size() + " given");
        }
        TensorBuffer[] tensors = new TensorBuffer[graph.tensors().size()];
        for (int i = 0; i < in.length; i++) {
            Tensor t = graph.tensor(in[i]);
            TensorBuffer v = inputs.get(i);
            if (v.type() != t.type() || !v.shape().equals(t.shape())) {
                throw new InputException(model.name(), "input " + i + " '" + t.name() + "'", "expected "
                        + t.type().label() + " " + t.shape() + ", given " + v.type().label() + " " + v.shape());
            }
            tensors[in[i]] = v.copy();
        }
        for (Tensor t : graph.tensors()) {
            int i = t.index();
            if (tensors[i] != null) {
                continue;
            }
            if (constants[i] != null) {
                tensors[i] = constants[i];
            } else if (TensorBuffer.supports(t.type())) {
                // Variable state, and any other tensor nothing writes before it is read: reset as TFLite Micro
                // resets variable tensors.
                tensors[i] = TensorBuffer.allocate(t.type(), t.shape());
                if (t.type() == ElementType.INT8) {
                    java.util.Arrays.fill(tensors[i].int8(), (byte) t.quantization().map(q -> q.zeroPoint(0)).orElse(0L)
                            .longValue());
                }
            }
        }
        for (Operator op : graph.operators()) {
            for (int o : op.outputs()) {
                Tensor t = graph.tensor(o);
                tensors[o] = TensorBuffer.allocate(t.type(), t.shape());
            }
            steps[op.index()].run(tensors);
        }
        return new ExecutionResult(graph, tensors);
    }
}
