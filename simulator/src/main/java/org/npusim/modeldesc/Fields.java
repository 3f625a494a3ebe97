// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.npusim.errors.InputException;

/**
 * The keys of one YAML mapping, read strictly: the constructor rejects any key outside the valid set (naming the
 * valid keys, sorted), required keys must be present, and each typed getter rejects a value of the wrong type at
 * the value's own line and column. Every message names the place: the key path, or the layer.
 */
final class Fields {

    private final Source source;
    private final String place;
    private final YamlNode.Mapping mapping;

    private Fields(Source source, String place, YamlNode.Mapping mapping) {
        this.source = source;
        this.place = place;
        this.mapping = mapping;
    }

    /**
     * Returns the fields of {@code node}, which must be a mapping whose keys are all in {@code validKeys}.
     *
     * @param place what messages call the mapping ({@code input}, {@code layers[3] (conv2d 'c')}); empty for the
     *     top level
     */
    static Fields of(Source source, String place, YamlNode node, Collection<String> validKeys) {
        if (!(node instanceof YamlNode.Mapping m)) {
            throw source.error(node.position(), place, "expected a mapping of keys to values, found " + node.describe());
        }
        for (YamlNode.Entry e : m.entries()) {
            if (!validKeys.contains(e.key())) {
                throw source.error(e.keyPosition(), place,
                        "unknown key '" + e.key() + "' (valid: " + String.join(", ", new TreeSet<>(validKeys)) + ")");
            }
        }
        return new Fields(source, place, m);
    }

    /** Returns where the mapping starts. */
    Position position() {
        return mapping.position();
    }

    /** Returns the place messages name. */
    String place() {
        return place;
    }

    /** Returns whether {@code key} is present. */
    boolean has(String key) {
        return find(key).isPresent();
    }

    /** Returns the value of {@code key}, if present. */
    Optional<YamlNode> optional(String key) {
        return find(key).map(YamlNode.Entry::value);
    }

    /** Returns the value of a required {@code key}. */
    YamlNode require(String key) {
        return optional(key).orElseThrow(() -> missing(key));
    }

    private InputException missing(String key) {
        return source.error(mapping.position(), place, "missing key '" + key + "'");
    }

    /** Returns an error at the value of {@code key} (which must be present). */
    InputException errorAt(String key, String problem) {
        return source.error(require(key).position(), keyPlace(key), problem);
    }

    /** Returns an error about the whole mapping. */
    InputException error(String problem) {
        return source.error(mapping.position(), place, problem);
    }

    private Optional<YamlNode.Entry> find(String key) {
        for (YamlNode.Entry e : mapping.entries()) {
            if (e.key().equals(key)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private String keyPlace(String key) {
        return place.isEmpty() ? key : place + "." + key;
    }

    private InputException wrong(String key, YamlNode value, String expected) {
        return source.error(value.position(), keyPlace(key), "expected " + expected + ", found " + value.describe());
    }

    /** Returns the text of a required scalar {@code key} (any scalar but null). */
    String text(String key) {
        return text(key, require(key));
    }

    /** Returns the text of an optional scalar {@code key}. */
    Optional<String> optionalText(String key) {
        return optional(key).map(v -> text(key, v));
    }

    private String text(String key, YamlNode v) {
        if (v instanceof YamlNode.Scalar s && s.type() != YamlNode.ScalarType.NULL && !s.text().isEmpty()) {
            return s.text();
        }
        throw wrong(key, v, "a text value");
    }

    /** Returns {@code key} as one of {@code choices} (keys are the YAML spellings), or {@code dflt} when absent. */
    <E> E choice(String key, Map<String, E> choices, Optional<E> dflt) {
        Optional<YamlNode> v = optional(key);
        if (v.isEmpty()) {
            return dflt.orElseThrow(() -> missing(key));
        }
        YamlNode node = v.get();
        if (node instanceof YamlNode.Scalar s && choices.containsKey(s.text())) {
            return choices.get(s.text());
        }
        throw wrong(key, node, "one of " + String.join(", ", new TreeSet<>(choices.keySet())));
    }

    /** Returns the integer {@code key}, which must lie in [min, max]; {@code dflt} when absent (empty: required). */
    long integer(String key, long min, long max, Optional<Long> dflt) {
        Optional<YamlNode> v = optional(key);
        if (v.isEmpty()) {
            return dflt.orElseThrow(() -> missing(key));
        }
        return integerValue(key, v.get(), min, max);
    }

    private long integerValue(String key, YamlNode v, long min, long max) {
        String expected = rangeText("an integer", min, max);
        if (!(v instanceof YamlNode.Scalar s) || s.type() != YamlNode.ScalarType.INTEGER) {
            throw wrong(key, v, expected);
        }
        long value;
        try {
            value = Long.decode(s.text().replace("_", ""));
        } catch (NumberFormatException e) {
            throw wrong(key, v, expected);
        }
        if (value < min || value > max) {
            throw wrong(key, v, expected);
        }
        return value;
    }

    private static String rangeText(String what, long min, long max) {
        if (min == 1 && max == Integer.MAX_VALUE) {
            return "a positive integer";
        }
        if (min == 0 && max == Integer.MAX_VALUE) {
            return "a non-negative integer";
        }
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return what;
        }
        return what + " in [" + min + ", " + max + "]";
    }

    /**
     * Returns the number {@code key} (integer or decimal), which must be finite and satisfy the bounds described
     * by {@code check}; {@code dflt} when absent (empty: required).
     */
    double number(String key, NumberCheck check, Optional<Double> dflt) {
        Optional<YamlNode> v = optional(key);
        if (v.isEmpty()) {
            return dflt.orElseThrow(() -> missing(key));
        }
        YamlNode node = v.get();
        if (node instanceof YamlNode.Scalar s
                && (s.type() == YamlNode.ScalarType.INTEGER || s.type() == YamlNode.ScalarType.FLOAT)) {
            try {
                double d = Double.parseDouble(s.text().replace("_", ""));
                if (Double.isFinite(d) && check.accepts(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw wrong(key, node, check.description());
    }

    /** A bound on a number, with the words that describe it in messages. */
    enum NumberCheck {
        ANY("a number"),
        POSITIVE("a positive number"),
        FRACTION("a number in [0, 1)");

        private final String description;

        NumberCheck(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }

        boolean accepts(double d) {
            return switch (this) {
                case ANY -> true;
                case POSITIVE -> d > 0;
                case FRACTION -> d >= 0 && d < 1;
            };
        }
    }

    /** Returns the boolean {@code key}, or {@code dflt} when absent. */
    boolean bool(String key, boolean dflt) {
        Optional<YamlNode> v = optional(key);
        if (v.isEmpty()) {
            return dflt;
        }
        if (v.get() instanceof YamlNode.Scalar s && s.type() == YamlNode.ScalarType.BOOLEAN) {
            return Boolean.parseBoolean(s.text().toLowerCase(java.util.Locale.ROOT));
        }
        throw wrong(key, v.get(), "true or false");
    }

    /**
     * Returns {@code key} as [height, width] of positive integers: one integer for both, or a list of two;
     * {@code dflt} when absent (empty: required).
     */
    int[] pair(String key, Optional<int[]> dflt) {
        Optional<YamlNode> v = optional(key);
        if (v.isEmpty()) {
            return dflt.orElseThrow(() -> missing(key)).clone();
        }
        YamlNode node = v.get();
        String expected = "a positive integer or [height, width]";
        if (node instanceof YamlNode.Scalar) {
            try {
                int n = (int) integerValue(key, node, 1, Integer.MAX_VALUE);
                return new int[] {n, n};
            } catch (InputException e) {
                throw wrong(key, node, expected);
            }
        }
        return twoIntegers(key, node, 1, expected);
    }

    /**
     * Returns {@code key} as a list of integers in [min, max]: a list, or (when {@code scalarAllowed}) one integer;
     * empty when absent.
     */
    Optional<int[]> intList(String key, long min, long max, boolean scalarAllowed) {
        Optional<YamlNode> v = optional(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        YamlNode node = v.get();
        String expected = (scalarAllowed ? "an integer or a list of integers" : "a list of integers")
                + (min <= Integer.MIN_VALUE ? "" : " of at least " + min);
        if (scalarAllowed && node instanceof YamlNode.Scalar) {
            try {
                return Optional.of(new int[] {(int) integerValue(key, node, min, max)});
            } catch (InputException e) {
                throw wrong(key, node, expected);
            }
        }
        if (node instanceof YamlNode.Sequence s && !s.items().isEmpty()) {
            int[] out = new int[s.items().size()];
            for (int i = 0; i < out.length; i++) {
                try {
                    out[i] = (int) integerValue(key, s.items().get(i), min, max);
                } catch (InputException e) {
                    // Name the item that is wrong (key[i], as layers are named), at its own position.
                    throw wrong(key + "[" + i + "]", s.items().get(i), expected);
                }
            }
            return Optional.of(out);
        }
        throw wrong(key, node, expected);
    }

    /** Returns {@code key} as a list of texts: a list of scalars, or one scalar; empty when absent. */
    Optional<List<String>> textList(String key) {
        Optional<YamlNode> v = optional(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        YamlNode node = v.get();
        List<String> out = new ArrayList<>();
        if (node instanceof YamlNode.Scalar) {
            out.add(text(key, node));
        } else if (node instanceof YamlNode.Sequence s && !s.items().isEmpty()) {
            for (YamlNode item : s.items()) {
                if (!(item instanceof YamlNode.Scalar)) {
                    throw wrong(key, node, "a name or a list of names");
                }
                out.add(text(key, item));
            }
        } else {
            throw wrong(key, node, "a name or a list of names");
        }
        return Optional.of(out);
    }

    /** Returns the list {@code key} (required, non-empty). */
    List<YamlNode> list(String key) {
        YamlNode node = require(key);
        if (node instanceof YamlNode.Sequence s && !s.items().isEmpty()) {
            return s.items();
        }
        throw wrong(key, node, "a non-empty list");
    }

    /** Returns the nested mapping {@code key} with its own valid keys, if present. */
    Optional<Fields> mapping(String key, Collection<String> validKeys) {
        return optional(key).map(v -> Fields.of(source, keyPlace(key), v, validKeys));
    }

    /** Returns a list value's element {@code item} as a list of exactly two non-negative integers. */
    int[] nonNegativePair(String key, YamlNode item) {
        return twoIntegers(key, item, 0, "a list of [before, after] pairs of non-negative integers");
    }

    /** Returns {@code node} as a list of two integers of at least {@code min}; else "expected {@code expected}". */
    private int[] twoIntegers(String key, YamlNode node, int min, String expected) {
        if (node instanceof YamlNode.Sequence s && s.items().size() == 2) {
            int[] out = new int[2];
            for (int i = 0; i < 2; i++) {
                // A value out of range is reported where it is ("paddings: expected an integer in [0, ...], found
                // '-1'"), not as a wrong pair.
                out[i] = (int) integerValue(key, s.items().get(i), min, Integer.MAX_VALUE);
            }
            return out;
        }
        throw wrong(key, node, expected);
    }

    /** Returns the sequence {@code key} (required, non-empty) for callers that read its items themselves. */
    YamlNode.Sequence sequence(String key, String expected) {
        YamlNode node = require(key);
        if (node instanceof YamlNode.Sequence s && !s.items().isEmpty()) {
            return s;
        }
        throw wrong(key, node, expected);
    }
}
