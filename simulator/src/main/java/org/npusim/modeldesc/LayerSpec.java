// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.List;
import java.util.Objects;

/**
 * One layer of a description, as read: checked for keys and value types, not yet for shapes or references.
 *
 * @param index position in the {@code layers} list, from 0
 * @param name the name of the layer's output tensor ({@code <op>_<index>} unless given)
 * @param op the operation
 * @param inputs the names of the layers (or the model input) it reads; empty: the previous layer
 * @param params the operation's parameters
 * @param weights how its weights are generated (the file's defaults with the layer's overrides)
 * @param position where the layer starts in the file
 */
record LayerSpec(
        int index, String name, LayerOp op, List<String> inputs, LayerParams params, WeightSpec weights,
        Position position) {

    LayerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        inputs = List.copyOf(inputs);
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(position, "position");
    }

    /** Returns what messages call the layer: {@code layers[3] (conv2d 'conv_3')}. */
    String label() {
        return label(index, op, name);
    }

    /** Returns what messages call layer {@code index} of {@code op} named {@code name}. */
    static String label(int index, LayerOp op, String name) {
        return "layers[" + index + "] (" + op.yamlName() + " '" + name + "')";
    }
}
