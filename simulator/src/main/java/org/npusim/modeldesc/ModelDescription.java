// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.List;
import java.util.Objects;

/**
 * A model description as read from YAML: keys and value types checked, shapes and references not yet.
 *
 * @param name what reports call the model
 * @param description free text, kept in the exported TFLite file
 * @param input the input tensor (and the model's activation type)
 * @param layers the layers in execution order
 */
record ModelDescription(String name, String description, InputSpec input, List<LayerSpec> layers) {

    ModelDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(input, "input");
        layers = List.copyOf(layers);
    }
}
