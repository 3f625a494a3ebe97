// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real models in {@code ../shared/models} for benchmarks run from the repository root (override with
 * {@code -Dnpusim.shared=DIR}).
 */
final class SharedModels {

    private SharedModels() {}

    static Path shared() {
        return Path.of(System.getProperty("npusim.shared", "../shared")).toAbsolutePath().normalize();
    }

    static Path model(String name) {
        Path p = shared().resolve("models").resolve(name + ".tflite");
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " not found: run from the repository root with ../shared beside it");
        }
        return p;
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(model(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
