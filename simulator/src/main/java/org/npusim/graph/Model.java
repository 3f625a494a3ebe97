// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.List;
import java.util.Objects;

/**
 * A model: its subgraphs (the first is the main graph), a name for reports, and the description text the file
 * carries.
 *
 * @param name what reports call the model (the file name without extension, or the description's name)
 * @param description free text from the model file
 * @param schemaVersion the TFLite schema version the file declares (3 for current files)
 * @param subgraphs the subgraphs; the first one runs
 */
public record Model(String name, String description, int schemaVersion, List<Subgraph> subgraphs) {

    public Model {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        subgraphs = List.copyOf(subgraphs);
        if (subgraphs.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one subgraph");
        }
    }

    /** Returns the main subgraph. */
    public Subgraph main() {
        return subgraphs.get(0);
    }

    /** Returns a copy of this model under another name. */
    public Model withName(String newName) {
        return new Model(newName, description, schemaVersion, subgraphs);
    }
}
