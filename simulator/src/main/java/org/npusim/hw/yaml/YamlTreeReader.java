// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.npusim.hw.yaml.Node.Entry;
import org.npusim.hw.yaml.Node.ListNode;
import org.npusim.hw.yaml.Node.MapNode;
import org.npusim.hw.yaml.Node.ScalarKind;
import org.npusim.hw.yaml.Node.ScalarNode;
import org.npusim.yamlsyntax.YamlSyntax;

/**
 * Reads one YAML document into {@link Node}s with the line and column of every key and value, using the streaming
 * parser of jackson-dataformat-yaml (a tree from {@code ObjectMapper} would lose the locations). Duplicate keys,
 * which YAML forbids but the parser accepts, are reported; the first one is kept.
 */
final class YamlTreeReader {

    /** Hardware descriptions are a few levels deep; anything beyond this bound is a malformed file. */
    static final int MAX_DEPTH = 32;
    private static final Pattern MARK = Pattern.compile("line (\\d+), column (\\d+)");

    private final String source;
    private final boolean positions;
    private final Problems problems;
    private final Problems duplicates;

    private YamlTreeReader(String source, boolean positions, Problems problems, Problems duplicates) {
        this.source = source;
        this.positions = positions;
        this.problems = problems;
        this.duplicates = duplicates;
    }

    /**
     * Reads {@code text} from {@code source}. Returns null, with the error in {@code problems}, when the text is not
     * one YAML document; an empty document reads as a null scalar. Duplicate keys go to {@code duplicates}: the
     * tree is still usable, so they are reported together with the validation errors. With {@code positions} false
     * (values given on the command line), locations carry only the source.
     */
    static Node read(String text, String source, boolean positions, Problems problems, Problems duplicates) {
        return new YamlTreeReader(source, positions, problems, duplicates).document(text);
    }

    private Node document(String text) {
        try (JsonParser p = YamlSyntax.parser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new ScalarNode("", ScalarKind.NULL, Location.of(source));
            }
            Node root = node(p, first, "", 0);
            JsonToken next = p.nextToken();
            if (next != null) {
                problems.add(location(p.currentTokenLocation()), "",
                        "more than one YAML document ('---'); a description is one document");
                return null;
            }
            return root;
        } catch (JsonProcessingException e) {
            problems.add(syntaxLocation(e), "", "invalid YAML: " + YamlSyntax.message(e));
            return null;
        } catch (Refused e) {
            problems.add(e.at, "", e.getMessage());
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A YAML feature or nesting the reader refuses, where it occurs. */
    private static final class Refused extends IOException {
        final Location at;

        Refused(Location at, String problem) {
            super(problem);
            this.at = at;
        }
    }

    private Node node(JsonParser p, JsonToken t, String path, int depth) throws IOException {
        Location at = location(p.currentTokenLocation());
        if (depth > MAX_DEPTH) {
            throw new Refused(at, "the document is nested deeper than " + MAX_DEPTH + " levels");
        }
        java.util.Optional<String> refused = YamlSyntax.unsupported(p);
        if (refused.isPresent()) {
            throw new Refused(at, refused.get());
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Entry> entries = new LinkedHashMap<>();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String key = p.currentName();
                    Location keyAt = location(p.currentTokenLocation());
                    java.util.Optional<String> refusedKey = YamlSyntax.unsupported(p);
                    if (refusedKey.isPresent()) {
                        throw new Refused(keyAt, refusedKey.get());
                    }
                    Node value = node(p, p.nextToken(), path.isEmpty() ? key : path + "." + key, depth + 1);
                    if (entries.containsKey(key)) {
                        duplicates.add(keyAt, path, "duplicate key '" + key + "' (first at line "
                                + entries.get(key).keyLocation().line() + ")");
                    } else {
                        entries.put(key, new Entry(key, keyAt, value));
                    }
                }
                return new MapNode(entries, at);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                for (JsonToken i = p.nextToken(); i != JsonToken.END_ARRAY; i = p.nextToken()) {
                    items.add(node(p, i, path + "[" + items.size() + "]", depth + 1));
                }
                return new ListNode(items, at);
            }
            case VALUE_STRING:
                return new ScalarNode(p.getText(), ScalarKind.STRING, at);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new ScalarNode(p.getText(), ScalarKind.NUMBER, at);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new ScalarNode(p.getText(), ScalarKind.BOOLEAN, at);
            case VALUE_NULL:
                return new ScalarNode(p.getText(), ScalarKind.NULL, at);
            default:
                // Embedded objects and other tokens do not occur in YAML text.
                return new ScalarNode(p.getText(), ScalarKind.STRING, at);
        }
    }

    private Location location(JsonLocation l) {
        return positions && l != null ? new Location(source, l.getLineNr(), l.getColumnNr()) : Location.of(source);
    }

    /** Uses the position snakeyaml reports for the problem (the last "line L, column C"), else Jackson's. */
    private Location syntaxLocation(JsonProcessingException e) {
        if (!positions) {
            return Location.of(source);
        }
        Matcher m = MARK.matcher(e.getOriginalMessage());
        Location found = null;
        while (m.find()) {
            found = new Location(source, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        return found != null ? found : location(e.getLocation());
    }
}
