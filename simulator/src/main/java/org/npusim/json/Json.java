// SPDX-License-Identifier: Apache-2.0
package org.npusim.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;

/** Creates JSON generators with the project's fixed layout: two-space indent, '\n' line ends. */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private Json() {}

    /** Returns a pretty-printing generator writing to {@code out}; closing it does not close {@code out}. */
    public static JsonGenerator generator(Writer out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        DefaultIndenter indent = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(indent).withArrayIndenter(indent);
        g.setPrettyPrinter(pp);
        return g;
    }

    /** Writes a double with 9 significant digits: the same bytes on every JVM. */
    public static void number(JsonGenerator j, String field, double v) throws IOException {
        j.writeFieldName(field);
        j.writeNumber(number(v));
    }

    /** Writes {@code field} as an object of whole numbers, one per key, in the map's order. */
    public static void longs(JsonGenerator j, String field, Map<String, Long> values) throws IOException {
        j.writeObjectFieldStart(field);
        for (Map.Entry<String, Long> e : values.entrySet()) {
            j.writeNumberField(e.getKey(), e.getValue());
        }
        j.writeEndObject();
    }

    /** Writes {@code field} as an object of numbers ({@link #number(JsonGenerator, String, double)}), in the map's order. */
    public static void numbers(JsonGenerator j, String field, Map<String, Double> values) throws IOException {
        j.writeObjectFieldStart(field);
        for (Map.Entry<String, Double> e : values.entrySet()) {
            number(j, e.getKey(), e.getValue());
        }
        j.writeEndObject();
    }

    /** Returns a double with 9 significant digits, trailing zeros stripped, never in exponent form. */
    public static String number(double v) {
        return new BigDecimal(v).round(SIGNIFICANT).stripTrailingZeros().toPlainString();
    }

    /** Returns the finite double {@code v} as {@link #number} prints it: rounded to 9 significant digits. */
    public static double printed(double v) {
        return new BigDecimal(v).round(SIGNIFICANT).doubleValue();
    }

    private static final MathContext SIGNIFICANT = new MathContext(9);
}
