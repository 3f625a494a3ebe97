// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.errors.InputException;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.Node.Entry;
import org.npusim.hw.yaml.Node.MapNode;
import org.npusim.hw.yaml.Node.ScalarNode;

/**
 * Loads hardware descriptions ({@code schema: npusim.hw/v1}) into {@link HardwareConfig} records.
 *
 * <p>Steps: read the file's YAML with token locations; follow {@code extends:} (a path relative to the file, at
 * most {@value #MAX_EXTENDS_DEPTH} levels, cycles rejected), deep-merging each child over its parent; apply
 * {@link Overrides}; validate every key. Every error is one line ({@code file:line:col: key.path: what}); all
 * errors of a description are reported together in one {@link HardwareConfigException}.
 */
public final class HardwareLoader {

    /** The longest chain of {@code extends:} a description may have. */
    public static final int MAX_EXTENDS_DEPTH = 8;

    private HardwareLoader() {}

    /** Loads {@code file} as written. */
    public static HardwareConfig load(Path file) {
        return parse(file).resolve(Overrides.NONE);
    }

    /** Loads {@code file} with command-line overrides. */
    public static HardwareConfig load(Path file, Overrides overrides) {
        return parse(file).resolve(overrides);
    }

    /** Loads {@code file} with {@code --set} overrides and the {@code --npu} and {@code --memory-mode} shortcuts. */
    public static HardwareConfig load(Path file, List<String> set, Optional<String> npu, Optional<String> memoryMode) {
        return parse(file).resolve(new Overrides(set, npu, memoryMode));
    }

    /**
     * Loads a description from text, for tests and generated descriptions. {@code sourceName} stands for the file
     * in messages and gives the default name; {@code extends:} paths resolve against {@code baseDir}.
     */
    public static HardwareConfig load(String yaml, String sourceName, Path baseDir, Overrides overrides) {
        return parse(yaml, sourceName, baseDir).resolve(overrides);
    }

    /** Reads and merges {@code file} and its parents, without validating; see {@link HardwareDocument#resolve}. */
    public static HardwareDocument parse(Path file) {
        Problems problems = new Problems();
        String text = read(file, Location.of(file.toString()), "", problems);
        problems.throwIfAny();
        Path real = realPath(file);
        List<Path> chain = new ArrayList<>(List.of(real));
        List<String> names = new ArrayList<>(List.of(file.toString()));
        Problems duplicates = new Problems();
        MapNode root = chain(text, file.toString(), parentDir(file), chain, names, problems, duplicates);
        problems.throwIfAny();
        return new HardwareDocument(TreeEdits.normalize(root), file.toString(), stem(file), duplicates);
    }

    /** Reads and merges a description given as text; see {@link #load(String, String, Path, Overrides)}. */
    public static HardwareDocument parse(String yaml, String sourceName, Path baseDir) {
        Problems problems = new Problems();
        Problems duplicates = new Problems();
        MapNode root = chain(yaml, sourceName, baseDir, new ArrayList<>(), new ArrayList<>(List.of(sourceName)), problems,
                duplicates);
        problems.throwIfAny();
        return new HardwareDocument(TreeEdits.normalize(root), sourceName, stem(Path.of(sourceName)), duplicates);
    }

    /**
     * Reads one file of a chain and, recursively, its parents; returns the merged tree without {@code schema} and
     * {@code extends}, or null with the error in {@code problems}. Errors in {@code problems} stop the load before
     * validation (a file that cannot be read or merged would only produce follow-on errors); duplicate keys go to
     * {@code duplicates} and are reported with the validation errors. {@code chain} holds the real paths of the files
     * below this one, {@code names} their names as written, for cycle messages.
     */
    private static MapNode chain(String text, String source, Path dir, List<Path> chain, List<String> names,
            Problems problems, Problems duplicates) {
        Node node = YamlTreeReader.read(text, source, true, problems, duplicates);
        if (node == null) {
            return null;
        }
        if (!(node instanceof MapNode)) {
            problems.add(node.location(), "", node instanceof ScalarNode && ((ScalarNode) node).text().isEmpty()
                    ? "empty description; expected keys, starting with 'schema: " + Resolver.SCHEMA + "'"
                    : "expected a map of keys at the top level, got " + node.describe());
            return null;
        }
        MapNode map = (MapNode) node;
        checkSchema(map, problems);
        Entry ext = map.entry("extends");
        MapNode own = TreeEdits.expandPlacement(TreeEdits.without(map, "schema", "extends"));
        if (ext == null) {
            return own;
        }
        if (!(ext.value() instanceof ScalarNode) || ((ScalarNode) ext.value()).text().isBlank()) {
            problems.add(ext.value().location(), "extends", "expected the path of a parent description, got "
                    + ext.value().describe());
            return own;
        }
        String parentName = ((ScalarNode) ext.value()).text().strip();
        Location at = ext.value().location();
        Path parent = dir.resolve(parentName).normalize();
        String parentSource = parent.toString();
        if (!Files.isRegularFile(parent)) {
            problems.add(at, "extends", "no such file '" + parentName + "' (looked for " + parentSource + ")");
            return own;
        }
        Path real = realPath(parent);
        if (chain.contains(real)) {
            List<String> cycle = new ArrayList<>(names.subList(chain.indexOf(real), names.size()));
            cycle.add(parentSource);
            problems.add(at, "extends", "cycle: " + String.join(" -> ", cycle));
            return own;
        }
        if (names.size() > MAX_EXTENDS_DEPTH) {
            problems.add(at, "extends", "more than " + MAX_EXTENDS_DEPTH + " levels of extends (" + String.join(" -> ",
                    names) + " -> " + parentSource + ")");
            return own;
        }
        String parentText = read(parent, at, "extends", problems);
        if (parentText == null) {
            return own;
        }
        chain.add(real);
        names.add(parentSource);
        MapNode inherited = chain(parentText, parentSource, parentDir(parent), chain, names, problems, duplicates);
        chain.remove(chain.size() - 1);
        names.remove(names.size() - 1);
        if (inherited == null) {
            return own;
        }
        // A name belongs to its file: a child that sets none is named after its own file, not its parent.
        return TreeEdits.merge(TreeEdits.without(inherited, "name"), own);
    }

    private static void checkSchema(MapNode map, Problems problems) {
        Entry schema = map.entry("schema");
        if (schema == null) {
            problems.add(map.location(), "", "missing required key 'schema' (every file starts with 'schema: "
                    + Resolver.SCHEMA + "')");
        } else if (!(schema.value() instanceof ScalarNode) || !((ScalarNode) schema.value()).text().equals(Resolver.SCHEMA)) {
            problems.add(schema.value().location(), "schema", "unsupported schema " + schema.value().describe()
                    + "; expected " + Resolver.SCHEMA);
        }
    }

    private static String read(Path file, Location at, String path, Problems problems) {
        try {
            if (Files.isDirectory(file)) {
                problems.add(at, path, "is a directory; expected a .yaml hardware description");
                return null;
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            problems.add(at, path, "not UTF-8 text; expected a .yaml hardware description");
        } catch (java.nio.file.NoSuchFileException e) {
            problems.add(at, path, "no such file");
        } catch (IOException e) {
            problems.add(at, path, "cannot read: " + e.getMessage());
        }
        return null;
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new InputException(file.toString(), "", "cannot read: " + e.getMessage(), e);
        }
    }

    /** Returns the directory {@code extends:} paths of {@code file} resolve against, as written (may be empty). */
    private static Path parentDir(Path file) {
        Path given = file.getParent();
        return given != null ? given : Path.of("");
    }

    private static String stem(Path file) {
        Path name = file.getFileName();
        String n = name == null ? file.toString() : name.toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
