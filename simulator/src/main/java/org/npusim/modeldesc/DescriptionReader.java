// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.npusim.graph.Activation;
import org.npusim.graph.ElementType;
import org.npusim.graph.Padding;
import org.npusim.graph.Shape;

/**
 * Reads a parsed YAML document into a {@link ModelDescription}: every key checked against the valid ones, every
 * value against its type and range, defaults applied (the defaults are listed once, in {@code models/README.md},
 * and here). Shapes and layer references are checked later, by {@link GraphBuilder}.
 */
final class DescriptionReader {

    /** The schema key's only accepted value. */
    static final String SCHEMA = "npusim.model/v1";

    private static final List<String> TOP_KEYS = List.of("schema", "name", "description", "input", "weights", "layers");
    private static final List<String> INPUT_KEYS = List.of("name", "shape", "type", "scale", "zero_point");
    private static final List<String> WEIGHT_KEYS = List.of("distribution", "seed", "sparsity", "clusters");

    private static final Map<String, ElementType> TYPES = Map.of("int8", ElementType.INT8, "int16", ElementType.INT16);
    private static final Map<String, Padding> PADDINGS = Map.of("same", Padding.SAME, "valid", Padding.VALID);
    private static final Map<String, Activation> ACTIVATIONS =
            Map.of("none", Activation.NONE, "relu", Activation.RELU, "relu6", Activation.RELU6);
    private static final Map<String, Distribution> DISTRIBUTIONS = distributions();

    private static final int[] ONE_BY_ONE = {1, 1};

    private final Source source;

    private DescriptionReader(Source source) {
        this.source = source;
    }

    /** Reads the description in {@code root}. */
    static ModelDescription read(YamlNode root, Source source) {
        return new DescriptionReader(source).model(root);
    }

    private static Map<String, Distribution> distributions() {
        Map<String, Distribution> m = new LinkedHashMap<>();
        for (Distribution d : Distribution.values()) {
            m.put(d.yamlName(), d);
        }
        return m;
    }

    private ModelDescription model(YamlNode root) {
        Fields top = Fields.of(source, "", root, TOP_KEYS);
        String schema = top.text("schema");
        if (!schema.equals(SCHEMA)) {
            throw top.errorAt("schema", "expected " + SCHEMA + ", found '" + schema + "'");
        }
        String name = top.text("name");
        String description = top.optionalText("description").orElse("");
        InputSpec input = input(Fields.of(source, "input", top.require("input"), INPUT_KEYS));
        WeightSpec defaults = weights(Fields.of(source, "weights", top.require("weights"), WEIGHT_KEYS), Optional.empty());
        List<YamlNode> items = top.list("layers");
        List<LayerSpec> layers = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            layers.add(layer(i, items.get(i), defaults));
        }
        return new ModelDescription(name, description, input, layers);
    }

    private InputSpec input(Fields f) {
        String name = f.optionalText("name").orElse("input");
        int[] dims = f.intList("shape", 1, Integer.MAX_VALUE, false).orElseThrow(() -> f.error("missing key 'shape'"));
        if (dims.length != 2 && dims.length != 4) {
            throw f.errorAt("shape", "expected [batch, height, width, channels] or [batch, features], found "
                    + dims.length + " dimensions");
        }
        Shape shape;
        try {
            shape = Shape.of(dims);
        } catch (IllegalArgumentException e) {
            throw f.errorAt("shape", e.getMessage());
        }
        ElementType type = f.choice("type", TYPES, Optional.of(ElementType.INT8));
        double scale = f.number("scale", Fields.NumberCheck.POSITIVE, Optional.empty());
        if (!(scale >= Float.MIN_NORMAL && scale <= Float.MAX_VALUE)) {
            throw f.errorAt("scale", "expected a scale that a 32-bit float holds, found " + scale);
        }
        long zeroPoint = type == ElementType.INT8
                ? f.integer("zero_point", -128, 127, Optional.empty())
                : f.integer("zero_point", 0, 0, Optional.empty());
        return new InputSpec(name, shape, type, (float) scale, zeroPoint, f.position());
    }

    /** Reads a {@code weights:} mapping; keys it leaves out come from {@code base} (or the file defaults). */
    private WeightSpec weights(Fields f, Optional<WeightSpec> base) {
        Distribution distribution = f.choice("distribution", DISTRIBUTIONS,
                Optional.of(base.map(WeightSpec::distribution).orElse(Distribution.NORMAL)));
        long seed = f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, base.map(WeightSpec::seed));
        double sparsity = f.number("sparsity", Fields.NumberCheck.FRACTION,
                Optional.of(base.map(WeightSpec::sparsity).orElse(0.0)));
        int clusters = (int) f.integer("clusters", 0, WeightSpec.MAX_CLUSTERS,
                Optional.of((long) base.map(WeightSpec::clusters).orElse(0)));
        if (clusters == 1) {
            throw f.errorAt("clusters", "expected 0 (no clustering) or a number of clusters in [2, "
                    + WeightSpec.MAX_CLUSTERS + "], found 1");
        }
        return new WeightSpec(distribution, seed, sparsity, clusters);
    }

    private LayerSpec layer(int index, YamlNode node, WeightSpec defaults) {
        String bare = "layers[" + index + "]";
        LayerOp op = opOf(bare, node);
        String name = nameOf((YamlNode.Mapping) node).orElse(op.yamlName() + "_" + index);
        Fields f = Fields.of(source, LayerSpec.label(index, op, name), node, op.validKeys());
        f.optionalText("name"); // rejects a name that is not text (a list, a mapping, null)
        List<String> inputs = f.textList("inputs").orElse(List.of());
        WeightSpec weights = op.hasWeights()
                ? f.mapping("weights", WEIGHT_KEYS).map(w -> weights(w, Optional.of(defaults))).orElse(defaults)
                : defaults;
        return new LayerSpec(index, name, op, inputs, params(op, f), weights, f.position());
    }

    private LayerOp opOf(String place, YamlNode node) {
        if (!(node instanceof YamlNode.Mapping m)) {
            throw source.error(node.position(), place, "expected a layer (a mapping with an 'op' key), found "
                    + node.describe());
        }
        for (YamlNode.Entry e : m.entries()) {
            if (e.key().equals("op")) {
                if (e.value() instanceof YamlNode.Scalar s) {
                    Optional<LayerOp> op = LayerOp.fromYaml(s.text());
                    if (op.isPresent()) {
                        return op.get();
                    }
                }
                throw source.error(e.value().position(), place + ".op",
                        "expected one of " + LayerOp.validNames() + ", found " + e.value().describe());
            }
        }
        throw source.error(m.position(), place, "missing key 'op'");
    }

    /** Returns the layer's name when it is given as text; a malformed name is reported by {@link Fields} later. */
    private static Optional<String> nameOf(YamlNode.Mapping m) {
        for (YamlNode.Entry e : m.entries()) {
            if (e.key().equals("name") && e.value() instanceof YamlNode.Scalar s
                    && s.type() != YamlNode.ScalarType.NULL && !s.text().isEmpty()) {
                return Optional.of(s.text());
            }
        }
        return Optional.empty();
    }

    private LayerParams params(LayerOp op, Fields f) {
        return switch (op) {
            case CONV2D -> new LayerParams.Conv(positive(f, "filters"), window(f, "kernel", true), activation(f));
            case TRANSPOSE_CONV -> new LayerParams.Conv(positive(f, "filters"), window(f, "kernel", false), activation(f));
            case DEPTHWISE_CONV2D -> new LayerParams.Depthwise(
                    (int) f.integer("depth_multiplier", 1, Integer.MAX_VALUE, Optional.of(1L)),
                    window(f, "kernel", true), activation(f));
            case FULLY_CONNECTED -> new LayerParams.Dense(positive(f, "units"), activation(f));
            case AVERAGE_POOL2D, MAX_POOL2D -> new LayerParams.Pool(window(f, "pool_size", false), activation(f));
            case ADD, MUL -> new LayerParams.Elementwise(activation(f));
            case CONCATENATION -> new LayerParams.Concat(
                    (int) f.integer("axis", Integer.MIN_VALUE, Integer.MAX_VALUE, Optional.of(-1L)), activation(f));
            case RESHAPE -> new LayerParams.Reshape(
                    f.intList("new_shape", -1, Integer.MAX_VALUE, false).orElseThrow(() -> f.error("missing key 'new_shape'")));
            case SOFTMAX -> new LayerParams.Softmax(float32(f, "beta", Fields.NumberCheck.POSITIVE, 1.0));
            case PAD -> new LayerParams.Pad(paddings(f));
            case MEAN -> new LayerParams.Mean(
                    f.intList("axis", Integer.MIN_VALUE, Integer.MAX_VALUE, true).orElseThrow(() -> f.error("missing key 'axis'")),
                    f.bool("keep_dims", false));
            case LOGISTIC, TANH, RELU, RELU6, HARD_SWISH, MAXIMUM, MINIMUM -> new LayerParams.Unary();
            case LEAKY_RELU -> new LayerParams.LeakyRelu(float32(f, "alpha", Fields.NumberCheck.ANY, 0.2));
            case RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR -> resize(f);
            case TRANSPOSE -> new LayerParams.Transpose(required(f, "perm", Integer.MIN_VALUE));
            case SLICE -> new LayerParams.Slice(required(f, "begin", 0), required(f, "size", -1));
            case STRIDED_SLICE -> {
                List<Integer> begin = required(f, "begin", Integer.MIN_VALUE);
                List<Integer> end = required(f, "end", Integer.MIN_VALUE);
                // Steps of 1 by default; a step must move forward (a reversed slice is not describable).
                List<Integer> strides = f.intList("strides", 1, Integer.MAX_VALUE, false).map(DescriptionReader::boxed)
                        .orElse(Collections.nCopies(begin.size(), 1));
                yield new LayerParams.StridedSlice(begin, end, strides);
            }
        };
    }

    /** Returns the required list of integers {@code key}, each at least {@code min}. */
    private static List<Integer> required(Fields f, String key, long min) {
        return boxed(f.intList(key, min, Integer.MAX_VALUE, false).orElseThrow(() -> f.error("missing key '" + key + "'")));
    }

    private static List<Integer> boxed(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static LayerParams.Resize resize(Fields f) {
        int[] size = f.intList("size", 1, Integer.MAX_VALUE, false).orElseThrow(() -> f.error("missing key 'size'"));
        if (size.length != 2) {
            throw f.errorAt("size", "expected [height, width], found " + size.length + " values");
        }
        boolean align = f.bool("align_corners", false);
        boolean halfPixel = f.bool("half_pixel_centers", false);
        if (align && halfPixel) {
            throw f.errorAt("half_pixel_centers", "expected align_corners or half_pixel_centers, not both (TensorFlow"
                    + " refuses both)");
        }
        return new LayerParams.Resize(size[0], size[1], align, halfPixel);
    }

    /** Returns number {@code key} as a 32-bit float, which TFLite stores: a value beyond its range is an error. */
    private static float float32(Fields f, String key, Fields.NumberCheck check, double dflt) {
        double v = f.number(key, check, Optional.of(dflt));
        if (!Float.isFinite((float) v)) {
            throw f.errorAt(key, "expected a number that a 32-bit float holds, found " + v);
        }
        return (float) v;
    }

    private static int positive(Fields f, String key) {
        return (int) f.integer(key, 1, Integer.MAX_VALUE, Optional.empty());
    }

    private static Activation activation(Fields f) {
        return f.choice("activation", ACTIVATIONS, Optional.of(Activation.NONE));
    }

    /**
     * Reads a window: the kernel (or pool size) key, stride (default 1, or the pool size for pooling, as Keras
     * does), padding (required: it changes shapes) and dilation (default 1, only where {@code dilated}).
     */
    private static Window window(Fields f, String kernelKey, boolean dilated) {
        int[] kernel = f.pair(kernelKey, Optional.empty());
        boolean pool = kernelKey.equals("pool_size");
        int[] stride = f.pair("stride", Optional.of(pool ? kernel : ONE_BY_ONE));
        Padding padding = f.choice("padding", PADDINGS, Optional.empty());
        int[] dilation = dilated ? f.pair("dilation", Optional.of(ONE_BY_ONE)) : ONE_BY_ONE;
        return new Window(kernel[0], kernel[1], stride[0], stride[1], dilation[0], dilation[1], padding);
    }

    private static int[][] paddings(Fields f) {
        YamlNode.Sequence s = f.sequence("paddings", "a list of [before, after] pairs of non-negative integers");
        int[][] out = new int[s.items().size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.nonNegativePair("paddings", s.items().get(i));
        }
        return out;
    }
}
