// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.npusim.yamlsyntax.YamlSyntax;

/**
 * Reads YAML text into {@link YamlNode}s with the line and column of every key and value, using Jackson's
 * streaming YAML parser (its tree model drops positions). Duplicate keys, documents nested deeper than
 * {@link #MAX_DEPTH} and trailing documents are rejected.
 */
final class YamlTree {

    /** Model descriptions are at most four levels deep; anything beyond this bound is a malformed file. */
    static final int MAX_DEPTH = 32;

    private final Source source;
    private final JsonParser parser;

    private YamlTree(Source source, JsonParser parser) {
        this.source = source;
        this.parser = parser;
    }

    /** Parses {@code text}; errors name {@code source}'s file. */
    static YamlNode parse(String text, Source source) {
        try (JsonParser p = YamlSyntax.parser(text)) {
            YamlTree tree = new YamlTree(source, p);
            JsonToken first = p.nextToken();
            if (first == null) {
                throw source.error(Position.START, "", "the file is empty; expected a model description (schema: "
                        + DescriptionReader.SCHEMA + ")");
            }
            YamlNode root = tree.node(first, 0);
            if (p.nextToken() != null) {
                throw source.error(tree.position(), "", "expected one YAML document, found more");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            Position at = loc == null || loc.getLineNr() < 1 ? Position.START
                    : new Position(loc.getLineNr(), Math.max(1, loc.getColumnNr()));
            throw source.error(at, "", "invalid YAML: " + YamlSyntax.message(e));
        } catch (IOException e) {
            throw source.error(Position.START, "", "cannot read: " + e.getMessage());
        }
    }

    private Position position() {
        JsonLocation loc = parser.currentTokenLocation();
        return new Position(Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr()));
    }

    private YamlNode node(JsonToken token, int depth) throws IOException {
        Position at = position();
        if (depth > MAX_DEPTH) {
            throw source.error(at, "", "the document is nested deeper than " + MAX_DEPTH + " levels");
        }
        java.util.Optional<String> refused = YamlSyntax.unsupported(parser);
        if (refused.isPresent()) {
            throw source.error(at, "", refused.get());
        }
        return switch (token) {
            case START_OBJECT -> mapping(at, depth);
            case START_ARRAY -> sequence(at, depth);
            case VALUE_STRING -> new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.STRING);
            case VALUE_NUMBER_INT -> new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.INTEGER);
            case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.FLOAT);
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.BOOLEAN);
            case VALUE_NULL -> new YamlNode.Scalar(at, "", YamlNode.ScalarType.NULL);
            default -> throw source.error(at, "", "unexpected YAML content (" + token + ")");
        };
    }

    private YamlNode.Mapping mapping(Position at, int depth) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_OBJECT) {
            if (t != JsonToken.FIELD_NAME) {
                throw source.error(position(), "", "expected a key, found " + t);
            }
            String key = parser.currentName();
            Position keyAt = position();
            java.util.Optional<String> refusedKey = YamlSyntax.unsupported(parser);
            if (refusedKey.isPresent()) {
                throw source.error(keyAt, "", refusedKey.get());
            }
            if (!seen.add(key)) {
                throw source.error(keyAt, "", "duplicate key '" + key + "'");
            }
            entries.add(new YamlNode.Entry(key, keyAt, node(parser.nextToken(), depth + 1)));
        }
        return new YamlNode.Mapping(at, entries);
    }

    private YamlNode.Sequence sequence(Position at, int depth) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(node(t, depth + 1));
        }
        return new YamlNode.Sequence(at, items);
    }
}
