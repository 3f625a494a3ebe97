// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.npusim.hw.yaml.Node.Entry;
import org.npusim.hw.yaml.Node.MapNode;
import org.npusim.hw.yaml.Node.ScalarNode;

/**
 * One map of a description being read: reports keys it does not know (with the sorted list of valid keys) as soon
 * as it is opened, and reads values with their key path so that every error names {@code file:line:col: path}.
 * A conversion that throws {@link IllegalArgumentException} becomes an error at the value's location; reading
 * goes on, so that all errors of a file are found in one pass.
 */
final class Section {

    private final MapNode node;
    private final String path;
    private final Problems problems;

    private Section(MapNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** Opens {@code node} at {@code path}, reporting every key not in {@code validKeys}. */
    static Section of(MapNode node, String path, List<String> validKeys, Problems problems) {
        for (Entry e : node.entries().values()) {
            if (!validKeys.contains(e.key())) {
                problems.add(e.keyLocation(), path,
                        "unknown key '" + e.key() + "' (valid: " + String.join(", ", new TreeSet<>(validKeys)) + ")");
            }
        }
        return new Section(node, path, problems);
    }

    MapNode node() {
        return node;
    }

    String path() {
        return path;
    }

    /** Returns the path of {@code key} inside this map: {@code memories.sram.size}. */
    String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return node.entry(key) != null;
    }

    /** Returns the location of the value of {@code key}, or of this map when the key is absent. */
    Location locationOf(String key) {
        Entry e = node.entry(key);
        return e == null ? node.location() : e.value().location();
    }

    /** Reports that {@code key} is missing, at this map's location. */
    void missing(String key, String message) {
        problems.add(node.location(), path, message);
    }

    /** Reports a problem with the value of {@code key}. */
    void error(String key, String message) {
        problems.add(locationOf(key), childPath(key), message);
    }

    /** Returns the scalar value of {@code key}; reports a missing required key and a value that is not a scalar. */
    Optional<ScalarNode> scalar(String key, boolean required) {
        return child(key, required, ScalarNode.class, "expected a value");
    }

    /** Returns the map value of {@code key}; reports a missing required key and a value that is not a map. */
    Optional<MapNode> map(String key, boolean required) {
        return child(key, required, MapNode.class, "expected a map of keys");
    }

    /** Returns the value of {@code key} if it is a {@code type}; else reports "{@code expected}, got ...". */
    private <N extends Node> Optional<N> child(String key, boolean required, Class<N> type, String expected) {
        Entry e = node.entry(key);
        if (e == null) {
            if (required) {
                missing(key, "missing required key '" + key + "'");
            }
            return Optional.empty();
        }
        if (!type.isInstance(e.value())) {
            error(key, expected + ", got " + e.value().describe());
            return Optional.empty();
        }
        return Optional.of(type.cast(e.value()));
    }

    /** Converts the scalar of {@code key}; a conversion error is reported at the value and yields empty. */
    <T> Optional<T> value(String key, boolean required, Function<ScalarNode, T> convert) {
        return valueIfKnown(key, required, v -> Optional.of(convert.apply(v)));
    }

    /**
     * Like {@link #value}, for conversions that depend on something that may itself be broken (a clock): they
     * return empty without an error, because the broken part has already been reported.
     */
    <T> Optional<T> valueIfKnown(String key, boolean required, Function<ScalarNode, Optional<T>> convert) {
        Optional<ScalarNode> s = scalar(key, required);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return convert.apply(s.get());
        } catch (IllegalArgumentException e) {
            problems.add(s.get().location(), childPath(key), e.getMessage());
            return Optional.empty();
        }
    }
}
