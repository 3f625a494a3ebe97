// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.npusim.testsupport.SharedData;

/** The shipped hardware descriptions: hwconfigs/ of this repository, without the base/ parents. */
final class ShippedFiles {

    private ShippedFiles() {}

    static Path dir() {
        return SharedData.repositoryRoot().resolve("hwconfigs");
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }

    /** Returns the path of {@code file} relative to hwconfigs/, with '/' separators. */
    static String name(Path file) {
        return dir().relativize(file).toString().replace('\\', '/');
    }

    static List<Path> all() {
        try (Stream<Path> s = Files.walk(dir())) {
            return s.filter(p -> p.toString().endsWith(".yaml")).filter(p -> !name(p).startsWith("base/")).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
