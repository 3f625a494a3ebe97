// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.npusim.graph.BuiltinOperator;

/**
 * The operations a model description may use: each with its YAML spelling, the TFLite builtin it becomes, the
 * parameter keys it accepts besides the common ones ({@code op}, {@code name}, {@code inputs}, and
 * {@code weights} for layers that have weights), and how many inputs it takes.
 */
enum LayerOp {
    CONV2D(BuiltinOperator.CONV_2D, Arity.ONE, true,
            "filters", "kernel", "stride", "padding", "dilation", "activation"),
    DEPTHWISE_CONV2D(BuiltinOperator.DEPTHWISE_CONV_2D, Arity.ONE, true,
            "kernel", "stride", "padding", "dilation", "depth_multiplier", "activation"),
    TRANSPOSE_CONV(BuiltinOperator.TRANSPOSE_CONV, Arity.ONE, true,
            "filters", "kernel", "stride", "padding", "activation"),
    FULLY_CONNECTED(BuiltinOperator.FULLY_CONNECTED, Arity.ONE, true, "units", "activation"),
    AVERAGE_POOL2D(BuiltinOperator.AVERAGE_POOL_2D, Arity.ONE, false, "pool_size", "stride", "padding", "activation"),
    MAX_POOL2D(BuiltinOperator.MAX_POOL_2D, Arity.ONE, false, "pool_size", "stride", "padding", "activation"),
    ADD(BuiltinOperator.ADD, Arity.TWO, false, "activation"),
    MUL(BuiltinOperator.MUL, Arity.TWO, false, "activation"),
    CONCATENATION(BuiltinOperator.CONCATENATION, Arity.MANY, false, "axis", "activation"),
    RESHAPE(BuiltinOperator.RESHAPE, Arity.ONE, false, "new_shape"),
    SOFTMAX(BuiltinOperator.SOFTMAX, Arity.ONE, false, "beta"),
    PAD(BuiltinOperator.PAD, Arity.ONE, false, "paddings"),
    MEAN(BuiltinOperator.MEAN, Arity.ONE, false, "axis", "keep_dims"),
    LOGISTIC(BuiltinOperator.LOGISTIC, Arity.ONE, false),
    TANH(BuiltinOperator.TANH, Arity.ONE, false),
    RELU(BuiltinOperator.RELU, Arity.ONE, false),
    RELU6(BuiltinOperator.RELU6, Arity.ONE, false),
    LEAKY_RELU(BuiltinOperator.LEAKY_RELU, Arity.ONE, false, "alpha"),
    RESIZE_BILINEAR(BuiltinOperator.RESIZE_BILINEAR, Arity.ONE, false, "size", "align_corners", "half_pixel_centers"),
    RESIZE_NEAREST_NEIGHBOR(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, Arity.ONE, false, "size", "align_corners",
            "half_pixel_centers"),
    MAXIMUM(BuiltinOperator.MAXIMUM, Arity.TWO, false),
    MINIMUM(BuiltinOperator.MINIMUM, Arity.TWO, false),
    HARD_SWISH(BuiltinOperator.HARD_SWISH, Arity.ONE, false),
    TRANSPOSE(BuiltinOperator.TRANSPOSE, Arity.ONE, false, "perm"),
    SLICE(BuiltinOperator.SLICE, Arity.ONE, false, "begin", "size"),
    STRIDED_SLICE(BuiltinOperator.STRIDED_SLICE, Arity.ONE, false, "begin", "end", "strides");

    /** How many inputs an operation takes. */
    enum Arity {
        ONE,
        TWO,
        MANY
    }

    /** Keys every layer accepts. */
    static final List<String> COMMON_KEYS = List.of("op", "name", "inputs");

    private static final Map<String, LayerOp> BY_NAME = new TreeMap<>();

    static {
        for (LayerOp op : values()) {
            BY_NAME.put(op.yamlName(), op);
        }
    }

    private final BuiltinOperator builtin;
    private final Arity arity;
    private final boolean hasWeights;
    private final List<String> keys;

    LayerOp(BuiltinOperator builtin, Arity arity, boolean hasWeights, String... keys) {
        this.builtin = builtin;
        this.arity = arity;
        this.hasWeights = hasWeights;
        this.keys = List.of(keys);
    }

    /** Returns the spelling in model descriptions ({@code depthwise_conv2d}). */
    String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns the TFLite operator this layer becomes. */
    BuiltinOperator builtin() {
        return builtin;
    }

    /** Returns how many inputs the layer takes. */
    Arity arity() {
        return arity;
    }

    /** Returns whether the layer has generated weights (and a bias). */
    boolean hasWeights() {
        return hasWeights;
    }

    /** Returns every key a layer of this op accepts. */
    List<String> validKeys() {
        List<String> all = new ArrayList<>(COMMON_KEYS);
        all.addAll(keys);
        if (hasWeights) {
            all.add("weights");
        }
        return all;
    }

    /** Returns the op spelled {@code name}, if there is one. */
    static Optional<LayerOp> fromYaml(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Returns the spellings of all ops, sorted. */
    static String validNames() {
        return String.join(", ", BY_NAME.keySet());
    }
}
