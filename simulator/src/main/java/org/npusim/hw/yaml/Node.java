// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A node of a YAML document, with the location it came from. Immutable; maps keep their key order. */
sealed interface Node permits Node.MapNode, Node.ListNode, Node.ScalarNode {

    /** Returns where the node starts. */
    Location location();

    /** Returns a short description for "expected X, got Y" messages. */
    String describe();

    /** How YAML typed a scalar. */
    enum ScalarKind {
        STRING,
        NUMBER,
        BOOLEAN,
        NULL
    }

    /** A scalar, with its text exactly as written (so {@code 0.125} stays {@code "0.125"}). */
    record ScalarNode(String text, ScalarKind kind, Location location) implements Node {
        @Override
        public String describe() {
            return kind == ScalarKind.NULL ? "nothing" : "'" + text + "'";
        }
    }

    /** A sequence. The schema has none; lists exist so that a misplaced one gets a clear message. */
    record ListNode(List<Node> items, Location location) implements Node {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A key of a map with the location of the key itself, and its value. */
    record Entry(String key, Location keyLocation, Node value) {}

    /** A map of keys in document order. */
    record MapNode(Map<String, Entry> entries, Location location) implements Node {
        public MapNode {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a map";
        }

        /** Returns the entry of {@code key}, or null. */
        Entry entry(String key) {
            return entries.get(key);
        }

        /** Returns the value of {@code key}, or null. */
        Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }
    }
}
