// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.tflite.TfliteReader;

/** Loads a model file by its extension: {@code .tflite} flatbuffers or {@code .yaml} model descriptions. */
final class ModelFiles {

    private ModelFiles() {}

    static Model load(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!Files.exists(path)) {
            throw new InputException(path.toString(), "", "no such file");
        }
        if (Files.isDirectory(path)) {
            throw new InputException(path.toString(), "", "is a directory; expected a .tflite or .yaml model file");
        }
        if (name.endsWith(".tflite")) {
            return TfliteReader.read(path);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return ModelDescriptions.load(path);
        }
        throw new InputException(path.toString(), "", "unknown model format; expected a .tflite file or a .yaml model description");
    }
}
