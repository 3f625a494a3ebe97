// SPDX-License-Identifier: Apache-2.0
package org.npusim.yamlsyntax;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the two YAML readers (hardware descriptions in {@code hw.yaml}, model descriptions in {@code modeldesc})
 * share: one streaming parser factory, the YAML features they refuse (aliases, tags), and syntax errors as one
 * line of words.
 */
public final class YamlSyntax {

    private YamlSyntax() {}

    /** Thread-safe and costly to create: one for the process. */
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    /** The parser's events, as Jackson prints them into its messages ({@code <org.yaml.snakeyaml.events.…Event(…)>}). */
    private static final Pattern EVENT = Pattern.compile("<org\\.yaml\\.snakeyaml\\.events\\.(\\w+?)Event\\([^>]*\\)>");

    /** Returns a streaming parser of {@code text}. */
    public static JsonParser parser(String text) throws IOException {
        return FACTORY.createParser(text);
    }

    /**
     * Returns why the parser's current token uses a YAML feature the readers refuse: an alias ({@code *name}) or an
     * explicit tag ({@code !!binary}); empty otherwise. Jackson's streaming parser does not resolve aliases (it hands
     * over the alias's name as a plain string) and drops tags, so a file using them would be read as something else
     * without a word. An anchor ({@code &name}) alone changes nothing and is let through: only its aliases would.
     */
    public static Optional<String> unsupported(JsonParser p) throws IOException {
        if (!(p instanceof YAMLParser y)) {
            return Optional.empty();
        }
        if (y.isCurrentAlias()) {
            return Optional.of("YAML aliases (*" + y.getText() + ") are not supported; write the value out");
        }
        Object tag = y.getTypeId();
        if (tag != null) {
            // The parser gives the core schema's tags resolved and a local tag without its '!': say them as written.
            String t = tag.toString();
            String written = t.startsWith("tag:yaml.org,2002:") ? "!!" + t.substring("tag:yaml.org,2002:".length())
                    : t.startsWith("!") ? t : "!" + t;
            return Optional.of("YAML tags (" + written + ") are not supported; write the plain value");
        }
        return Optional.empty();
    }

    /**
     * Returns a syntax error as one line: the explanation lines of SnakeYAML's message joined by "; ", its source
     * excerpts and markers (indented lines, which the position already gives) dropped, and the parser events that
     * Jackson prints by their Java class named in words.
     */
    public static String message(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        StringBuilder b = new StringBuilder();
        for (String line : original.split("\n")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                b.append(b.length() == 0 ? "" : "; ").append(line.strip());
            }
        }
        String text = b.length() == 0 ? original.replace('\n', ' ').strip() : b.toString();
        text = text.replace("Expected a field name (Scalar value in YAML), got this instead: ", "expected a key, found ");
        Matcher m = EVENT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(eventInWords(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String eventInWords(String event) {
        return switch (event) {
            case "MappingStart" -> "the start of a mapping";
            case "MappingEnd" -> "the end of a mapping";
            case "SequenceStart" -> "the start of a list";
            case "SequenceEnd" -> "the end of a list";
            case "Scalar" -> "a value";
            case "Alias" -> "an alias";
            case "DocumentStart" -> "the start of a document";
            case "DocumentEnd" -> "the end of a document";
            case "StreamEnd" -> "the end of the text";
            default -> "'" + event + "'";
        };
    }
}
