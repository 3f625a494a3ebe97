// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.npusim.errors.InputException;

/**
 * Collects every error found in a description, so that all are reported at once. They are reported in reading
 * order: by file (in the order files first had an error), then line and column; errors in command-line overrides,
 * which have no position, come last in the order found.
 */
final class Problems {

    private record Problem(Location location, InputException error) {}

    private final List<Problem> problems = new ArrayList<>();

    /** Records that {@code path} at {@code location} is wrong: {@code FILE:LINE:COL: PATH: MESSAGE}. */
    void add(Location location, String path, String message) {
        problems.add(new Problem(location, new InputException(location.prefix(), path, message)));
    }

    /** Records every problem of {@code other}, keeping its locations. */
    void addAll(Problems other) {
        problems.addAll(other.problems);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Throws a {@link HardwareConfigException} holding every error, if there is any. */
    void throwIfAny() {
        if (problems.isEmpty()) {
            return;
        }
        Map<String, Integer> fileRank = new LinkedHashMap<>();
        for (Problem p : problems) {
            if (p.location().line() > 0) {
                fileRank.putIfAbsent(p.location().source(), fileRank.size());
            }
        }
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.<Problem>comparingInt(p -> p.location().line() > 0
                        ? fileRank.get(p.location().source()) : Integer.MAX_VALUE)
                .thenComparingInt(p -> p.location().line())
                .thenComparingInt(p -> p.location().column()));
        throw new HardwareConfigException(sorted.stream().map(Problem::error).toList());
    }
}
