// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.npusim.hw.MemoryMode;
import org.npusim.hw.yaml.Node.Entry;
import org.npusim.hw.yaml.Node.MapNode;
import org.npusim.hw.yaml.Node.ScalarKind;
import org.npusim.hw.yaml.Node.ScalarNode;

/**
 * The edits between reading files and validating: the deep merge of {@code extends:}, the normal form, and
 * command-line overrides. Every edit returns new nodes; the parsed tree of a {@link HardwareDocument} is never
 * changed, so one parse serves any number of override sets.
 */
final class TreeEdits {

    private TreeEdits() {}

    /**
     * Merges {@code child} over {@code parent}: keys of both maps merge recursively, the child's value wins
     * otherwise, and a null child value ({@code ~}) removes the key. Parent keys keep their order; new child keys
     * follow in the child's order.
     */
    static MapNode merge(MapNode parent, MapNode child) {
        Map<String, Entry> out = new LinkedHashMap<>(parent.entries());
        for (Entry c : child.entries().values()) {
            Entry p = out.get(c.key());
            if (isNull(c.value())) {
                out.remove(c.key());
            } else if (p != null && p.value() instanceof MapNode && c.value() instanceof MapNode) {
                out.put(c.key(), new Entry(c.key(), c.keyLocation(), merge((MapNode) p.value(), (MapNode) c.value())));
            } else {
                out.put(c.key(), c);
            }
        }
        return new MapNode(out, child.location());
    }

    /** Returns {@code map} without {@code keys}. */
    static MapNode without(MapNode map, String... keys) {
        Map<String, Entry> out = new LinkedHashMap<>(map.entries());
        Arrays.stream(keys).forEach(out::remove);
        return new MapNode(out, map.location());
    }

    /**
     * Returns the normal form: null values removed at every level (a key set to {@code ~} is absent), and the short
     * {@code placement: shared-sram} written as {@code placement: {mode: shared-sram}}.
     */
    static MapNode normalize(MapNode root) {
        return expandPlacement(stripNulls(root));
    }

    /**
     * Writes the short {@code placement: MODE} as {@code placement: {mode: MODE}}, keeping null values, so that a
     * file's placement merges key by key with its parent's whichever form each uses.
     */
    static MapNode expandPlacement(MapNode root) {
        Entry placement = root.entry("placement");
        if (placement != null && placement.value() instanceof ScalarNode && !isNull(placement.value())) {
            ScalarNode mode = (ScalarNode) placement.value();
            Map<String, Entry> m = new LinkedHashMap<>();
            m.put("mode", new Entry("mode", placement.keyLocation(), mode));
            return replace(root, new Entry("placement", placement.keyLocation(), new MapNode(m, mode.location())));
        }
        return root;
    }

    private static MapNode stripNulls(MapNode map) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Entry e : map.entries().values()) {
            if (isNull(e.value())) {
                continue;
            }
            Node v = e.value() instanceof MapNode ? stripNulls((MapNode) e.value()) : e.value();
            out.put(e.key(), v == e.value() ? e : new Entry(e.key(), e.keyLocation(), v));
        }
        return new MapNode(out, map.location());
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode && ((ScalarNode) n).kind() == ScalarKind.NULL;
    }

    private static MapNode replace(MapNode map, Entry entry) {
        Map<String, Entry> out = new LinkedHashMap<>(map.entries());
        out.put(entry.key(), entry);
        return new MapNode(out, map.location());
    }

    /** The most characters of a --set argument an error message repeats. */
    static final int MAX_ECHOED = 80;

    /** Why an override of the NPU is refused on a description that has none. */
    static final String NO_NPU = "the description has no NPU (a CPU-only system); --npu and --set npu.* change the NPU"
            + " of one that has it: use such a description (hwconfigs/corstone-300.yaml), or add an npu section"
            + " (variant, clock) and ports axi0 and axi1 to the file";

    /** Applies {@code overrides} to the normal-form {@code root}; malformed overrides go to {@code problems}. */
    static MapNode apply(MapNode root, Overrides overrides, Problems problems) {
        MapNode r = root;
        // An override of the NPU on a description without one would start a partial npu section, and the errors
        // would then blame the file for the keys and ports an NPU needs ("ports: missing required key 'axi0'"):
        // the override is refused instead, in one line that says why.
        boolean hasNpu = root.get("npu") != null;
        for (String s : overrides.set()) {
            // A value too long to read in one line of error (a pasted document) is cut in the message.
            Location at = Location.of("--set " + (s.length() > MAX_ECHOED ? s.substring(0, MAX_ECHOED) + "..." : s));
            int eq = s.indexOf('=');
            String[] path = eq <= 0 ? new String[0] : s.substring(0, eq).split("\\.", -1);
            if (eq <= 0 || Arrays.stream(path).anyMatch(String::isBlank)) {
                problems.add(at, "", "expected key.path=value, such as npu.clock=400 MHz");
                continue;
            }
            if (path[0].equals("schema") || path[0].equals("extends")) {
                // Both are read from the file before overrides apply: a change here would be silently ignored.
                problems.add(at, path[0], "belongs to the file and cannot be set on the command line; edit the file"
                        + " (or another that extends it)");
                continue;
            }
            if (path[0].equals("npu") && !hasNpu) {
                problems.add(at, "npu", NO_NPU);
                continue;
            }
            String text = s.substring(eq + 1);
            Node value = text.isEmpty() ? new ScalarNode("", ScalarKind.STRING, at)
                    : YamlTreeReader.read(text, at.source(), false, problems, problems);
            if (value != null) {
                r = normalize(set(r, path, 0, value, at, problems));
            }
        }
        if (overrides.npu().isPresent()) {
            String v = overrides.npu().get();
            Location at = Location.of("--npu " + v);
            if (hasNpu) {
                r = set(r, new String[] {"npu", "variant"}, 0, new ScalarNode(v, ScalarKind.STRING, at), at, problems);
            } else {
                problems.add(at, "npu", NO_NPU);
            }
        }
        if (overrides.memoryMode().isPresent()) {
            String m = overrides.memoryMode().get();
            Location at = Location.of("--memory-mode " + m);
            if (MemoryMode.fromLabel(m).filter(MemoryMode::isPreset).isEmpty()) {
                problems.add(at, "", "unknown memory mode '" + m + "' (valid: sram-only, shared-sram, dedicated-sram;"
                        + " give a custom placement in the file or with --set placement...)");
            } else {
                Node placement = r.get("placement");
                if (placement instanceof MapNode) {
                    r = replace(r, new Entry("placement", r.entry("placement").keyLocation(),
                            without((MapNode) placement, "weights", "arena", "cache")));
                }
                r = set(r, new String[] {"placement", "mode"}, 0, new ScalarNode(m, ScalarKind.STRING, at), at, problems);
            }
        }
        return r;
    }

    private static MapNode set(MapNode map, String[] path, int i, Node value, Location at, Problems problems) {
        String key = path[i];
        Map<String, Entry> out = new LinkedHashMap<>(map.entries());
        if (i == path.length - 1) {
            if (isNull(value)) {
                out.remove(key);
            } else {
                out.put(key, new Entry(key, at, value));
            }
            return new MapNode(out, map.location());
        }
        Entry e = map.entry(key);
        Node child = e == null ? new MapNode(Map.of(), at) : e.value();
        if (!(child instanceof MapNode)) {
            problems.add(at, String.join(".", Arrays.copyOf(path, i + 1)),
                    "is " + child.describe() + ", not a map, so '" + String.join(".", path) + "' cannot be set");
            return map;
        }
        out.put(key, new Entry(key, e == null ? at : e.keyLocation(), set((MapNode) child, path, i + 1, value, at, problems)));
        return new MapNode(out, map.location());
    }
}
