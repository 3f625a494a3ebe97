// SPDX-License-Identifier: Apache-2.0
package org.npusim.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates {@code ../shared} (real models, Vela reference numbers, conformance vectors) beside the repository.
 * Tests that need it call {@link #require()}, which skips the test with a visible message when it is absent.
 */
public final class SharedData {

    private SharedData() {}

    /** Returns the repository root (the surefire property {@code npusim.root}, or the working directory's parent). */
    public static Path repositoryRoot() {
        String root = System.getProperty("npusim.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    /** Returns the shared directory, whether or not it exists. */
    public static Path shared() {
        return repositoryRoot().resolve("../shared").normalize();
    }

    /** Returns the shared directory, skipping the calling test with a message when it is absent. */
    public static Path require() {
        Path s = shared();
        boolean present = Files.isDirectory(s.resolve("models"));
        if (!present) {
            System.err.println("SKIPPED: " + s + " is absent; tests on real models and reference numbers do not run");
        }
        assumeTrue(present, "../shared is absent: " + s);
        return s;
    }

    /** Returns the .tflite files in ../shared/models, sorted by name. */
    public static List<Path> models() {
        Path dir = require().resolve("models");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".tflite")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Returns the model file {@code name}.tflite in ../shared/models. */
    public static Path model(String name) {
        return require().resolve("models").resolve(name + ".tflite");
    }

    /** Returns the Vela reference file of model {@code name}. */
    public static Path velaReference(String name) {
        return require().resolve("reference/vela").resolve(name + ".json");
    }
}
