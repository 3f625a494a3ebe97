// SPDX-License-Identifier: Apache-2.0
package org.npusim.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shipped hardware descriptions: hwconfigs/ of this repository, without the base/ parents. */
public final class ShippedHardware {

    private ShippedHardware() {}

    public static Path dir() {
        return SharedData.repositoryRoot().resolve("hwconfigs");
    }

    public static Path file(String relative) {
        return dir().resolve(relative);
    }

    /** Returns the path of {@code file} relative to hwconfigs/, with '/' separators. */
    public static String name(Path file) {
        return dir().relativize(file).toString().replace('\\', '/');
    }

    public static List<Path> all() {
        try (Stream<Path> s = Files.walk(dir())) {
            return s.filter(p -> p.toString().endsWith(".yaml")).filter(p -> !name(p).startsWith("base/")).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
