// SPDX-License-Identifier: Apache-2.0
package org.npusim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.npusim.testsupport.SharedData;

/**
 * Keeps ARCHITECTURE.md's package table true to the code: the packages it lists are the packages there are, their
 * "Depends on" column is what their sources refer to, and the dependencies have no cycle.
 *
 * <p>A package depends on another when the code of one of its main sources (comments and string literals left out)
 * names it: an import of a class, a static import, a package import ({@code org.npusim.result.*}), or a fully
 * qualified name ({@code org.npusim.compression.OfmRange}).
 */
class ArchitectureTest {

    private static final Path ROOT = SharedData.repositoryRoot();
    private static final Path SOURCES = ROOT.resolve("simulator/src/main/java/org/npusim");
    /** A reference to a class of a project package: the package, then a capitalised class name. */
    private static final Pattern REFERENCE =
            Pattern.compile("org\\.npusim\\.([a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)*)\\.(?:[A-Z]|\\*)");
    private static final Pattern BACKTICKED = Pattern.compile("`([a-z.]+)`");

    @Test
    void packageDependenciesHaveNoCycle() throws IOException {
        SortedMap<String, SortedSet<String>> deps = dependencies();
        List<String> cycle = findCycle(deps);
        assertThat(cycle).as("a package dependency cycle").isEmpty();
        assertThat(deps).isNotEmpty();
        for (Map.Entry<String, SortedSet<String>> e : deps.entrySet()) {
            assertThat(e.getValue()).as(e.getKey() + " depends on cli").doesNotContain("cli");
        }
        assertThat(deps.get("des")).as("the event engine knows nothing of the rest").isEmpty();
        System.out.println(deps.size() + " packages, " + deps.values().stream().mapToInt(SortedSet::size).sum()
                + " dependencies, no cycle");
    }

    @Test
    void architectureTableListsEveryPackageAndItsDependencies() throws IOException {
        SortedMap<String, SortedSet<String>> deps = dependencies();
        SortedSet<String> documented = new TreeSet<>();
        int rows = 0;
        for (String line : Files.readAllLines(ROOT.resolve("ARCHITECTURE.md"))) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            // cells[0] is empty (the line starts with '|'); then package, responsibility, dependencies.
            SortedSet<String> packages = backticked(cells[1]);
            String dependsOn = cells[cells.length - 1].trim();
            documented.addAll(packages);
            rows++;
            if (dependsOn.equals("everything below")) {
                continue;
            }
            SortedSet<String> actual = new TreeSet<>();
            for (String p : packages) {
                assertThat(deps).as("ARCHITECTURE.md lists package " + p).containsKey(p);
                actual.addAll(deps.get(p));
            }
            actual.removeAll(packages);
            SortedSet<String> claimed = dependsOn.equals("—") ? new TreeSet<>() : backticked(dependsOn);
            assertThat(claimed).as("ARCHITECTURE.md: what " + packages + " depend on").isEqualTo(actual);
        }
        assertThat(documented).as("ARCHITECTURE.md's package table").isEqualTo(deps.keySet());
        System.out.println("ARCHITECTURE.md: " + rows + " rows cover the " + documented.size() + " packages");
    }

    private static SortedSet<String> backticked(String cell) {
        SortedSet<String> out = new TreeSet<>();
        Matcher m = BACKTICKED.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Returns every main package (relative to org.npusim) with the project packages its sources refer to. */
    static SortedMap<String, SortedSet<String>> dependencies() throws IOException {
        SortedMap<String, SortedSet<String>> deps = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path f : files) {
            String pkg = SOURCES.relativize(f.getParent()).toString().replace('\\', '/').replace('/', '.');
            SortedSet<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(code(Files.readString(f)));
            while (m.find()) {
                if (!m.group(1).equals(pkg)) {
                    out.add(m.group(1));
                }
            }
        }
        return deps;
    }

    /**
     * Returns {@code source} with its comments and string, text-block and character literals blanked out, so that only
     * code is matched.
     */
    static String code(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                // A string or character literal, escapes skipped.
                i++;
                while (i < n && source.charAt(i) != c) {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Returns the packages of a dependency cycle, the first repeated at the end, or an empty list. */
    static List<String> findCycle(SortedMap<String, SortedSet<String>> deps) {
        Map<String, Integer> state = new HashMap<>();
        for (String start : deps.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            // Iterative depth-first search; the path holds the packages being visited (state 1).
            Deque<String> path = new ArrayDeque<>();
            Deque<Iterator<String>> next = new ArrayDeque<>();
            path.push(start);
            next.push(deps.getOrDefault(start, new TreeSet<>()).iterator());
            state.put(start, 1);
            while (!path.isEmpty()) {
                if (!next.peek().hasNext()) {
                    state.put(path.pop(), 2);
                    next.pop();
                    continue;
                }
                String d = next.peek().next();
                Integer s = state.get(d);
                if (s == null) {
                    state.put(d, 1);
                    path.push(d);
                    next.push(deps.getOrDefault(d, new TreeSet<>()).iterator());
                } else if (s == 1) {
                    List<String> cycle = new ArrayList<>();
                    for (Iterator<String> it = path.descendingIterator(); it.hasNext(); ) {
                        cycle.add(it.next());
                    }
                    cycle = new ArrayList<>(cycle.subList(cycle.indexOf(d), cycle.size()));
                    cycle.add(d);
                    return cycle;
                }
            }
        }
        return List.of();
    }

    @Test
    void code_commentsAndLiteralsBlanked_referencesInCodeKept() {
        String src = "import org.npusim.result.*;\n// org.npusim.sim.Simulator\n/* org.npusim.plan.Step */\n"
                + "String s = \"org.npusim.cli.Main\"; char q = '\\''; org.npusim.graph.Model m;";
        Matcher m = REFERENCE.matcher(code(src));
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        assertThat(found).containsExactly("result", "graph");
    }

    @Test
    void findCycle_twoPackagesReadingEachOther_namesTheCycle_andNoneWithoutIt() {
        SortedMap<String, SortedSet<String>> cyclic = new TreeMap<>(Map.of("a", new TreeSet<>(List.of("b")),
                "b", new TreeSet<>(List.of("a")), "c", new TreeSet<>(List.of("a"))));
        assertThat(findCycle(cyclic)).containsExactly("a", "b", "a");
        SortedMap<String, SortedSet<String>> acyclic = new TreeMap<>(Map.of("a", new TreeSet<>(List.of("b")),
                "b", new TreeSet<>(), "c", new TreeSet<>(List.of("a", "b"))));
        assertThat(findCycle(acyclic)).isEmpty();
    }
}
