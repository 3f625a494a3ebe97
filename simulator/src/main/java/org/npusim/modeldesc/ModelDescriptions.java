// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.nio.file.Path;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;

/** Loads model descriptions ({@code models/*.yaml}) into the graph IR. */
public final class ModelDescriptions {

    private ModelDescriptions() {}

    /** Reads and builds the description in {@code path}. */
    public static Model load(Path path) {
        throw new InputException(path.toString(), "", "model descriptions are not supported yet");
    }
}
