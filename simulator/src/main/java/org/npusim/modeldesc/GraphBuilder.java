// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.npusim.errors.InputException;
import org.npusim.graph.Activation;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * Builds the graph IR of a {@link ModelDescription}, in the form TFLite's converter gives a quantized model, so
 * that exporting it with the TFLite writer and reading it back gives the same IR.
 *
 * <p>Steps: resolve each layer's inputs (by name; default the previous layer) and infer shapes
 * ({@link ShapeInference}); generate weights ({@link WeightGenerator}); estimate activation ranges
 * ({@link RangeEstimator}) and choose their quantization ({@link ActivationQuantizer}); emit tensors and operators.
 *
 * <p>The subgraph ({@code main}) holds the input as tensor 0, then for each layer its constant tensors followed by
 * its output tensor, which carries the layer's name; the last layer's output is the model output, and every other
 * layer's output must be read by a later layer. Operators take TFLite's input order: CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED (input, weights, bias); TRANSPOSE_CONV (output shape, weights, input, bias); RESHAPE (input,
 * shape); PAD (input, paddings); MEAN (input, axes); TRANSPOSE (input, perm); SLICE (input, begin, size);
 * STRIDED_SLICE (input, begin, end, strides). Biases are zero (generated networks are untrained, and a zero
 * bias keeps pre-activations centred, as the range estimate assumes), int32 with scale input_scale·weight_scale
 * per channel, int64 with int16 activations (TFLite's 16x8 convention). Operator versions are those TFLite's
 * {@code op_version.cc} assigns to these operand types.
 */
final class GraphBuilder {

    private static final int TFLITE_SCHEMA_VERSION = 3;

    private final Source source;
    private final ModelDescription description;
    private final ElementType type;
    private final List<LayerSpec> layers;

    /** Per activation tensor (0: the input, i + 1: layer i's output): name, shape, producing layer. */
    private final List<String> names = new ArrayList<>();
    private final List<Shape> shapes = new ArrayList<>();
    /** Per layer: the activation tensors it reads. */
    private final List<int[]> layerInputs = new ArrayList<>();
    private final Map<Integer, QuantizedWeights> weights = new HashMap<>();

    private GraphBuilder(ModelDescription description, Source source) {
        this.source = source;
        this.description = description;
        this.type = description.input().type();
        this.layers = description.layers();
    }

    /** Builds the model that {@code description} describes. */
    static Model build(ModelDescription description, Source source) {
        return new GraphBuilder(description, source).build();
    }

    private InputException error(LayerSpec layer, String problem) {
        return source.error(layer.position(), layer.label(), problem);
    }

    private Model build() {
        resolveShapes();
        generateWeights();
        TensorEstimate[] estimates = estimate();
        Quantization[] quant = quantize(estimates);
        return emit(quant);
    }

    private void resolveShapes() {
        InputSpec input = description.input();
        Map<String, Integer> byName = new HashMap<>();
        byName.put(input.name(), 0);
        names.add(input.name());
        shapes.add(input.shape());
        boolean[] used = new boolean[layers.size() + 1];
        ShapeInference inference = new ShapeInference(source);
        for (LayerSpec layer : layers) {
            int self = layer.index() + 1;
            if (byName.containsKey(layer.name())) {
                int other = byName.get(layer.name());
                throw error(layer, "the name '" + layer.name() + "' is already taken by "
                        + (other == 0 ? "the model input" : layers.get(other - 1).label()));
            }
            int[] in;
            if (layer.inputs().isEmpty()) {
                in = new int[] {self - 1};
            } else {
                in = new int[layer.inputs().size()];
                for (int k = 0; k < in.length; k++) {
                    String name = layer.inputs().get(k);
                    Integer act = byName.get(name);
                    if (act == null) {
                        throw error(layer, "input '" + name + "' is neither the model input nor an earlier layer");
                    }
                    in[k] = act;
                }
            }
            List<Shape> inShapes = new ArrayList<>();
            List<String> inNames = new ArrayList<>();
            for (int a : in) {
                inShapes.add(shapes.get(a));
                inNames.add(names.get(a));
                used[a] = true;
            }
            Shape out;
            try {
                out = inference.output(layer, inShapes, inNames);
            } catch (IllegalArgumentException tooLarge) {
                // A shape whose dimension or element count is out of range (Shape's bounds).
                throw error(layer, "its output " + tooLarge.getMessage());
            }
            layerInputs.add(in);
            byName.put(layer.name(), self);
            names.add(layer.name());
            shapes.add(out);
        }
        for (int a = 1; a < layers.size(); a++) {
            if (!used[a]) {
                throw error(layers.get(a - 1), "its output is never read; only the last layer may be the model output");
            }
        }
    }

    private void generateWeights() {
        for (LayerSpec layer : layers) {
            if (!layer.op().hasWeights()) {
                continue;
            }
            Shape in = shapes.get(layerInputs.get(layer.index())[0]);
            Shape out = shapes.get(layer.index() + 1);
            Shape shape;
            try {
                shape = ShapeInference.weightShape(layer, in, out);
            } catch (IllegalArgumentException tooLarge) {
                throw error(layer, "its weights' " + tooLarge.getMessage());
            }
            long count = shape.elementCount();
            if (count > WeightGenerator.MAX_WEIGHTS) {
                throw error(layer, "its weights " + shape + " hold " + count + " values; at most "
                        + WeightGenerator.MAX_WEIGHTS + " are generated per layer");
            }
            WeightSpec spec = layer.weights();
            long pruned = WeightGenerator.prunedCount(spec, count);
            if (pruned >= count) {
                throw error(layer, "sparsity " + spec.sparsity() + " would prune all " + count + " weights");
            }
            if (spec.clustered() && WeightGenerator.nonZeroClusters(spec, count) > count - pruned) {
                throw error(layer, spec.clusters() + " clusters need more than the " + (count - pruned)
                        + " weights that remain after pruning");
            }
            weights.put(layer.index(), WeightGenerator.generate(spec, layer.index(), shape, layout(layer, shape)));
        }
    }

    private static WeightGenerator.Layout layout(LayerSpec layer, Shape w) {
        return switch (layer.op()) {
            case CONV2D, TRANSPOSE_CONV -> new WeightGenerator.Layout(0, true, w.dim(1) * w.dim(2) * w.dim(3));
            case DEPTHWISE_CONV2D -> new WeightGenerator.Layout(3, true, w.dim(1) * w.dim(2));
            case FULLY_CONNECTED -> new WeightGenerator.Layout(0, false, w.dim(1));
            default -> throw new IllegalArgumentException(layer.op() + " has no weights");
        };
    }

    private TensorEstimate[] estimate() {
        TensorEstimate[] e = new TensorEstimate[layers.size() + 1];
        e[0] = RangeEstimator.input(description.input());
        for (LayerSpec layer : layers) {
            try {
                e[layer.index() + 1] = estimate(layer, e);
            } catch (IllegalArgumentException notFinite) {
                // The estimate's interval or moments overflowed: a deep stack of layers without an activation
                // multiplies the spread of its values at every layer (1,600 3x3 convolutions of 8 channels reach
                // infinity), and no int8 scale can cover that.
                throw error(layer, "the estimated range of its output values is not finite: the layers before it"
                        + " grow the values without bound, so no scale can represent them");
            }
        }
        return e;
    }

    /** Returns the range estimate of {@code layer}'s output, from the estimates {@code e} of the tensors before it. */
    private TensorEstimate estimate(LayerSpec layer, TensorEstimate[] e) {
        int[] in = layerInputs.get(layer.index());
        TensorEstimate x = e[in[0]];
        return switch (layer.op()) {
            case CONV2D, FULLY_CONNECTED, DEPTHWISE_CONV2D ->
                    RangeEstimator.activation(RangeEstimator.linear(weights.get(layer.index()), x, 1), activation(layer));
            case TRANSPOSE_CONV -> {
                Window w = ((LayerParams.Conv) layer.params()).window();
                yield RangeEstimator.activation(RangeEstimator.linear(weights.get(layer.index()), x,
                        1.0 / ((double) w.strideH() * w.strideW())), activation(layer));
            }
            case AVERAGE_POOL2D, MAX_POOL2D -> RangeEstimator.activation(x, activation(layer));
            case ADD -> RangeEstimator.activation(RangeEstimator.add(x, e[in[1]]), activation(layer));
            case MUL -> RangeEstimator.activation(RangeEstimator.mul(x, e[in[1]]), activation(layer));
            case CONCATENATION -> {
                List<TensorEstimate> parts = new ArrayList<>();
                List<Long> counts = new ArrayList<>();
                for (int a : in) {
                    parts.add(e[a]);
                    counts.add(shapes.get(a).elementCount());
                }
                yield RangeEstimator.activation(RangeEstimator.concat(parts, counts), activation(layer));
            }
            case RESHAPE, PAD, MEAN, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, TRANSPOSE, SLICE, STRIDED_SLICE -> x;
            case MAXIMUM -> RangeEstimator.maximum(x, e[in[1]]);
            case MINIMUM -> RangeEstimator.minimum(x, e[in[1]]);
            case HARD_SWISH -> RangeEstimator.hardSwish(x);
            case SOFTMAX -> RangeEstimator.softmax(shapes.get(in[0]).dim(-1));
            case LOGISTIC -> RangeEstimator.logistic(x);
            case TANH -> RangeEstimator.tanh(x);
            case RELU -> RangeEstimator.rectify(x, Double.POSITIVE_INFINITY);
            case RELU6 -> RangeEstimator.rectify(x, 6);
            case LEAKY_RELU -> RangeEstimator.leaky(x, ((LayerParams.LeakyRelu) layer.params()).alpha());
        };
    }

    private static Activation activation(LayerSpec layer) {
        LayerParams p = layer.params();
        return switch (layer.op()) {
            case CONV2D, TRANSPOSE_CONV -> ((LayerParams.Conv) p).activation();
            case DEPTHWISE_CONV2D -> ((LayerParams.Depthwise) p).activation();
            case FULLY_CONNECTED -> ((LayerParams.Dense) p).activation();
            case AVERAGE_POOL2D, MAX_POOL2D -> ((LayerParams.Pool) p).activation();
            case ADD, MUL -> ((LayerParams.Elementwise) p).activation();
            case CONCATENATION -> ((LayerParams.Concat) p).activation();
            case RESHAPE, SOFTMAX, PAD, MEAN, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, RESIZE_BILINEAR,
                    RESIZE_NEAREST_NEIGHBOR, MAXIMUM, MINIMUM, HARD_SWISH, TRANSPOSE, SLICE, STRIDED_SLICE -> Activation.NONE;
        };
    }

    private Quantization[] quantize(TensorEstimate[] estimates) {
        ActivationQuantizer q = new ActivationQuantizer(layers.size() + 1, source);
        InputSpec input = description.input();
        if (!layers.isEmpty()) {
            q.pin(0, input.quantization(), "the model input '" + input.name() + "'", layers.get(0));
        }
        for (LayerSpec layer : layers) {
            int self = layer.index() + 1;
            Optional<Quantization> fixed = ActivationQuantizer.fixedOutput(layer.op(), type);
            if (fixed.isPresent()) {
                q.pin(self, fixed.get(), "'" + layer.name() + "' (" + layer.op().yamlName() + ")", layer);
            }
            if (ActivationQuantizer.sharesInputQuantization(layer.op())) {
                for (int a : layerInputs.get(layer.index())) {
                    q.share(a, self, layer);
                }
            }
        }
        Quantization[] out = q.resolve(estimates, type);
        // A scale derived from a range near the float limit rounds to infinity (an input scale of 3e38 times the
        // 255 steps of int8): the model would be written, and every reader would refuse it.
        for (LayerSpec layer : layers) {
            float scale = out[layer.index() + 1].scale(0);
            if (!(scale > 0) || Float.isInfinite(scale)) {
                throw error(layer, "its output's quantization scale comes out as " + scale + ": the range it must"
                        + " cover is too wide for a 32-bit float (the model input's scale is " + input.scale() + ")");
            }
        }
        return out;
    }

    /** Collects tensors and operators in order. */
    private final class Emitter {
        final List<Tensor> tensors = new ArrayList<>();
        final List<Operator> operators = new ArrayList<>();
        final int[] tensorOf = new int[layers.size() + 1];

        int add(String name, ElementType t, Shape shape, Optional<Quantization> quant, Optional<ConstantData> data) {
            int index = tensors.size();
            tensors.add(new Tensor(index, name, t, shape, quant, data, false));
            return index;
        }

        int constantInt32(String name, int[] values, Shape shape) {
            return add(name, ElementType.INT32, shape, Optional.empty(), Optional.of(ConstantData.ofInt32(values)));
        }
    }

    private Model emit(Quantization[] quant) {
        Emitter out = new Emitter();
        InputSpec input = description.input();
        out.tensorOf[0] = out.add(input.name(), type, input.shape(), Optional.of(quant[0]), Optional.empty());
        for (LayerSpec layer : layers) {
            int self = layer.index() + 1;
            int[] in = layerInputs.get(layer.index());
            int[] inTensors = new int[in.length];
            for (int k = 0; k < in.length; k++) {
                inTensors[k] = out.tensorOf[in[k]];
            }
            Shape outShape = shapes.get(self);
            String name = layer.name();
            int[] opInputs = switch (layer.op()) {
                case CONV2D, DEPTHWISE_CONV2D, FULLY_CONNECTED -> {
                    int[] wb = weightsAndBias(out, layer, quant[in[0]]);
                    yield new int[] {inTensors[0], wb[0], wb[1]};
                }
                case TRANSPOSE_CONV -> {
                    int shape = out.constantInt32(name + "/output_shape", outShape.dims(), Shape.of(outShape.rank()));
                    int[] wb = weightsAndBias(out, layer, quant[in[0]]);
                    yield new int[] {shape, wb[0], inTensors[0], wb[1]};
                }
                case RESHAPE -> new int[] {inTensors[0],
                        out.constantInt32(name + "/shape", outShape.dims(), Shape.of(outShape.rank()))};
                case PAD -> {
                    int[][] p = ((LayerParams.Pad) layer.params()).paddings();
                    int[] flat = new int[p.length * 2];
                    for (int d = 0; d < p.length; d++) {
                        flat[2 * d] = p[d][0];
                        flat[2 * d + 1] = p[d][1];
                    }
                    yield new int[] {inTensors[0], out.constantInt32(name + "/paddings", flat, Shape.of(p.length, 2))};
                }
                case MEAN -> {
                    int[] axes = normalizedAxes(((LayerParams.Mean) layer.params()).axes(), shapes.get(in[0]).rank());
                    yield new int[] {inTensors[0], out.constantInt32(name + "/axis", axes, Shape.of(axes.length))};
                }
                case RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR -> {
                    LayerParams.Resize r = (LayerParams.Resize) layer.params();
                    yield new int[] {inTensors[0], out.constantInt32(name + "/size", new int[] {r.height(), r.width()},
                            Shape.of(2))};
                }
                case TRANSPOSE -> {
                    int[] perm = ((LayerParams.Transpose) layer.params()).perm().stream().mapToInt(Integer::intValue).toArray();
                    yield new int[] {inTensors[0], out.constantInt32(name + "/perm", perm, Shape.of(perm.length))};
                }
                case SLICE, STRIDED_SLICE -> sliceInputs(out, layer, inTensors[0], shapes.get(in[0]));
                case AVERAGE_POOL2D, MAX_POOL2D, ADD, MUL, CONCATENATION, SOFTMAX, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU,
                        MAXIMUM, MINIMUM, HARD_SWISH -> inTensors;
            };
            out.tensorOf[self] = out.add(name, type, outShape, Optional.of(quant[self]), Optional.empty());
            OperatorCode code = new OperatorCode(layer.op().builtin().code(), Optional.empty(),
                    OperatorVersions.of(layer, type, quant, in, self, shapes.get(in[0]).rank()));
            out.operators.add(new Operator(layer.index(), code, opInputs, new int[] {out.tensorOf[self]}, new int[0],
                    options(layer, outShape)));
        }
        int last = layers.size();
        Subgraph main = Subgraph.of("main", out.tensors, out.operators, new int[] {out.tensorOf[0]},
                new int[] {out.tensorOf[last]});
        return new Model(description.name(), description.description(), TFLITE_SCHEMA_VERSION, List.of(main));
    }

    /**
     * Returns a slice's inputs: the input and its begin and size (SLICE) or begin, end and strides (STRIDED_SLICE),
     * resolved against the input's shape (negative indices and a size of -1 written as the indices they stand for).
     */
    private int[] sliceInputs(Emitter out, LayerSpec layer, int input, Shape inShape) {
        int[][] window = new ShapeInference(source).sliceWindow(layer, inShape);
        int rank = inShape.rank();
        int begin = out.constantInt32(layer.name() + "/begin", window[0], Shape.of(rank));
        if (layer.op() == LayerOp.SLICE) {
            int[] size = new int[rank];
            for (int d = 0; d < rank; d++) {
                size[d] = window[1][d] - window[0][d];
            }
            return new int[] {input, begin, out.constantInt32(layer.name() + "/size", size, Shape.of(rank))};
        }
        return new int[] {input, begin, out.constantInt32(layer.name() + "/end", window[1], Shape.of(rank)),
                out.constantInt32(layer.name() + "/strides", window[2], Shape.of(rank))};
    }

    /** Adds the layer's weight and bias tensors; returns their indices. */
    private int[] weightsAndBias(Emitter out, LayerSpec layer, Quantization inputQuant) {
        QuantizedWeights w = weights.get(layer.index());
        int wi = out.add(layer.name() + "/weights", ElementType.INT8, w.shape(), Optional.of(w.quantization()),
                Optional.of(w.data()));
        float[] ws = w.scales();
        int channels = w.shape().dim(layer.op() == LayerOp.DEPTHWISE_CONV2D ? 3 : 0);
        float[] biasScales = new float[ws.length];
        double inScale = inputQuant.scale(0);
        for (int c = 0; c < ws.length; c++) {
            biasScales[c] = (float) (inScale * ws[c]);
        }
        boolean wide = type == ElementType.INT16;
        ElementType biasType = wide ? ElementType.INT64 : ElementType.INT32;
        ConstantData zeros = ConstantData.copyOf(ByteBuffer.allocate(channels * (wide ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN));
        int bi = out.add(layer.name() + "/bias", biasType, Shape.of(channels),
                Optional.of(new Quantization(biasScales, new long[biasScales.length], 0)), Optional.of(zeros));
        return new int[] {wi, bi};
    }

    private static int[] normalizedAxes(int[] axes, int rank) {
        int[] out = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
        }
        return out;
    }

    /** Returns the builtin options of {@code layer}, as the TFLite reader decodes them. */
    private OpOptions options(LayerSpec layer, Shape outShape) {
        LayerParams p = layer.params();
        return switch (layer.op()) {
            case CONV2D -> {
                LayerParams.Conv c = (LayerParams.Conv) p;
                Window w = c.window();
                yield new OpOptions.Conv2D(w.padding(), w.strideW(), w.strideH(), w.dilationW(), w.dilationH(), c.activation());
            }
            case DEPTHWISE_CONV2D -> {
                LayerParams.Depthwise d = (LayerParams.Depthwise) p;
                Window w = d.window();
                yield new OpOptions.DepthwiseConv2D(w.padding(), w.strideW(), w.strideH(), d.depthMultiplier(),
                        w.dilationW(), w.dilationH(), d.activation());
            }
            case TRANSPOSE_CONV -> {
                LayerParams.Conv c = (LayerParams.Conv) p;
                Window w = c.window();
                yield new OpOptions.TransposeConv(w.padding(), w.strideW(), w.strideH(), c.activation());
            }
            case FULLY_CONNECTED -> new OpOptions.FullyConnected(((LayerParams.Dense) p).activation(), 0, false, false);
            case AVERAGE_POOL2D, MAX_POOL2D -> {
                LayerParams.Pool pool = (LayerParams.Pool) p;
                Window w = pool.window();
                yield new OpOptions.Pool2D(w.padding(), w.strideW(), w.strideH(), w.kernelW(), w.kernelH(), pool.activation());
            }
            // TFLite's ADD rescales int16 inputs with general scales only when pot_scale_int16 is false; MUL has no
            // such field and the reader reports TFLite's default, true.
            case ADD -> new OpOptions.Arithmetic(((LayerParams.Elementwise) p).activation(), type != ElementType.INT16);
            case MUL -> new OpOptions.Arithmetic(((LayerParams.Elementwise) p).activation(), true);
            case CONCATENATION -> {
                LayerParams.Concat c = (LayerParams.Concat) p;
                int rank = outShape.rank();
                yield new OpOptions.Concatenation(c.axis() < 0 ? c.axis() + rank : c.axis(), c.activation());
            }
            case RESHAPE -> new OpOptions.Reshape(outShape.dims());
            case SOFTMAX -> new OpOptions.Softmax(((LayerParams.Softmax) p).beta());
            case MEAN -> new OpOptions.Reducer(((LayerParams.Mean) p).keepDims());
            case PAD, LOGISTIC, TANH, RELU, RELU6, MAXIMUM, MINIMUM, HARD_SWISH, TRANSPOSE, SLICE -> new OpOptions.NoOptions();
            case STRIDED_SLICE -> new OpOptions.StridedSlice(0, 0, 0, 0, 0, false);
            case LEAKY_RELU -> new OpOptions.LeakyRelu(((LayerParams.LeakyRelu) p).alpha());
            case RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR -> new OpOptions.Resize(((LayerParams.Resize) p).alignCorners(),
                    ((LayerParams.Resize) p).halfPixelCenters());
        };
    }
}
