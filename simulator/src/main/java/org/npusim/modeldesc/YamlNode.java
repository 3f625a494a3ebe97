// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.List;
import java.util.Objects;

/**
 * A node of a YAML document together with the position where it starts, so that every later error can point at
 * the file. A closed family: mappings (keys in document order), sequences and scalars.
 */
sealed interface YamlNode {

    /** The kinds of node, for dispatch with a switch expression. */
    enum Kind {
        MAPPING,
        SEQUENCE,
        SCALAR
    }

    /** Returns where the node starts. */
    Position position();

    /** Returns the constant naming this record type. */
    Kind kind();

    /** Returns what the node is, for messages ("a mapping", "'abc'"). */
    String describe();

    /** A key of a mapping with its position, and its value. */
    record Entry(String key, Position keyPosition, YamlNode value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(keyPosition, "keyPosition");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A mapping; keys are unique (the reader rejects duplicates). */
    record Mapping(Position position, List<Entry> entries) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        @Override
        public Kind kind() {
            return Kind.MAPPING;
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A sequence. */
    record Sequence(Position position, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public Kind kind() {
            return Kind.SEQUENCE;
        }

        @Override
        public String describe() {
            return items.isEmpty() ? "an empty list" : "a list of " + items.size() + (items.size() == 1 ? " item" : " items");
        }
    }

    /** How YAML typed a scalar (plain {@code 3} is an integer, {@code "3"} a string, {@code ~} null). */
    enum ScalarType {
        STRING,
        INTEGER,
        FLOAT,
        BOOLEAN,
        NULL
    }

    /** A scalar: its text as written and the type YAML's core schema gives it. */
    record Scalar(Position position, String text, ScalarType type) implements YamlNode {
        public Scalar {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(type, "type");
        }

        @Override
        public Kind kind() {
            return Kind.SCALAR;
        }

        @Override
        public String describe() {
            return type == ScalarType.NULL ? "nothing" : "'" + text + "'";
        }
    }
}
