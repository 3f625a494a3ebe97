// SPDX-License-Identifier: Apache-2.0
package org.npusim.compare;

import static org.npusim.json.Json.number;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import org.npusim.json.Json;
import org.npusim.report.Table;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;

/** Writes a comparison as text tables or as JSON ({@code schema: npusim.compare/v1}); deterministic. */
public final class ComparisonWriter {

    private ComparisonWriter() {}

    /** Output formats. */
    public enum Format {
        TABLE,
        JSON
    }

    /** Writes {@code c}; the table lists at most {@code topLayers} changed layers (JSON lists all). */
    public static void write(Comparison c, Format format, int topLayers, Writer out) throws IOException {
        switch (format) {
            case TABLE -> table(c, topLayers, out);
            case JSON -> json(c, out);
        }
    }

    private static void table(Comparison c, int topLayers, Writer out) throws IOException {
        out.write("A  " + describe(c.a()) + "\n");
        out.write("B  " + describe(c.b()) + "\n");
        if (!c.a().model().name().equals(c.b().model().name())) {
            out.write("note: A and B simulate different models; their layers are matched by name\n");
        }
        out.write("\n");
        Table t = new Table("total", "A", "B", "B - A", "change");
        t.alignRight(1, 2, 3, 4);
        for (Comparison.Change ch : c.totals()) {
            t.row(ch.name(), format(ch.quantity(), ch.a()), format(ch.quantity(), ch.b()), signed(ch.quantity(), ch.delta()),
                    percent(ch.a(), ch.relative()));
        }
        t.writeTo(out);

        List<Comparison.LayerChange> layers = c.layers();
        int shown = Math.min(topLayers, layers.size());
        out.write("\nLayers by time change, largest first" + (shown < layers.size() ? " (" + shown + " of " + layers.size() + ")" : "")
                + "\n");
        Table l = new Table("#A", "#B", "name", "op", "A", "B", "B - A", "change", "bound by A", "bound by B");
        l.alignRight(0, 1, 4, 5, 6, 7);
        for (Comparison.LayerChange ch : layers.subList(0, shown)) {
            l.row(String.valueOf(ch.layerA().index()), String.valueOf(ch.layerB().index()), shorten(ch.layerA().name()),
                    ch.layerA().op(), us(ch.secondsA()), us(ch.secondsB()), signedUs(ch.deltaSeconds()),
                    percent(ch.secondsA(), ch.relative()), where(ch.layerA()), where(ch.layerB()));
        }
        l.writeTo(out);

        List<Comparison.LayerChange> moved = c.bottleneckChanges();
        out.write("\nBottleneck changes: " + (moved.isEmpty() ? "none" : moved.size() + " layers") + "\n");
        for (Comparison.LayerChange ch : moved) {
            out.write(String.format(Locale.ROOT, "  %d %s: %s -> %s (%s)%n", ch.layerA().index(), ch.layerA().name(),
                    where(ch.layerA()), where(ch.layerB()), signedUs(ch.deltaSeconds())));
        }
        onlyIn(out, "A", c.onlyInA());
        onlyIn(out, "B", c.onlyInB());
    }

    private static void onlyIn(Writer out, String side, List<LayerResult> layers) throws IOException {
        if (layers.isEmpty()) {
            return;
        }
        out.write("\nOnly in " + side + ": " + layers.size() + " layers\n");
        for (LayerResult l : layers) {
            out.write("  " + l.index() + " " + l.name() + " (" + l.op() + ")\n");
        }
    }

    private static String describe(SimulationResult r) {
        SimulationResult.HardwareInfo h = r.hardware();
        return r.model().name() + " on " + h.name() + " (" + (h.npu().isEmpty() ? "no NPU" : h.npu() + " @ " + h.npuClockHz() / 1_000_000 + " MHz")
                + ", " + h.cpu() + (h.memoryMode().isEmpty() ? "" : ", " + h.memoryMode())
                + (h.simulationMode().isEmpty() ? "" : ", " + h.simulationMode()) + "): "
                + String.format(Locale.ROOT, "%.3f ms, %.3f mJ", r.total().seconds() * 1e3, r.total().energyJoules() * 1e3);
    }

    private static String where(LayerResult l) {
        return l.unit() == org.npusim.result.Unit.CPU ? "cpu: " + l.bottleneck() : l.bottleneck();
    }

    private static String shorten(String name) {
        return name.length() > 40 ? "…" + name.substring(name.length() - 39) : name;
    }

    private static String format(Comparison.Quantity q, double v) {
        return switch (q) {
            case SECONDS -> String.format(Locale.ROOT, "%.3f ms", v * 1e3);
            case CYCLES, BYTES -> Table.grouped(Math.round(v));
            case JOULES -> String.format(Locale.ROOT, "%.3f mJ", v * 1e3);
        };
    }

    private static String signed(Comparison.Quantity q, double v) {
        String s = format(q, v);
        return v > 0 ? "+" + s : s;
    }

    private static String us(double seconds) {
        return String.format(Locale.ROOT, "%.1f us", seconds * 1e6);
    }

    private static String signedUs(double seconds) {
        String s = String.format(Locale.ROOT, "%+.1f us", seconds * 1e6);
        return s.equals("-0.0 us") ? "+0.0 us" : s;
    }

    private static String percent(double base, double relative) {
        if (base == 0) {
            return "-";
        }
        String s = String.format(Locale.ROOT, "%+.1f%%", relative * 100);
        return s.equals("-0.0%") ? "+0.0%" : s;
    }

    private static void json(Comparison c, Writer out) throws IOException {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeStringField("schema", "npusim.compare/v1");
            side(j, "a", c.a());
            side(j, "b", c.b());
            j.writeArrayFieldStart("totals");
            for (Comparison.Change ch : c.totals()) {
                j.writeStartObject();
                j.writeStringField("name", ch.name());
                number(j, "a", ch.a());
                number(j, "b", ch.b());
                number(j, "delta", ch.delta());
                relative(j, ch.a(), ch.delta(), ch.relative());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeArrayFieldStart("layers");
            for (Comparison.LayerChange ch : c.layers()) {
                j.writeStartObject();
                j.writeStringField("name", ch.layerA().name());
                j.writeStringField("op", ch.layerA().op());
                j.writeNumberField("index_a", ch.layerA().index());
                j.writeNumberField("index_b", ch.layerB().index());
                number(j, "seconds_a", ch.secondsA());
                number(j, "seconds_b", ch.secondsB());
                number(j, "delta_seconds", ch.deltaSeconds());
                relative(j, ch.secondsA(), ch.deltaSeconds(), ch.relative());
                j.writeStringField("unit_a", ch.layerA().unit().label());
                j.writeStringField("unit_b", ch.layerB().unit().label());
                j.writeStringField("bottleneck_a", ch.layerA().bottleneck());
                j.writeStringField("bottleneck_b", ch.layerB().bottleneck());
                j.writeBooleanField("bottleneck_changed", ch.bottleneckChanged());
                j.writeEndObject();
            }
            j.writeEndArray();
            names(j, "only_in_a", c.onlyInA());
            names(j, "only_in_b", c.onlyInB());
            j.writeEndObject();
        }
        out.write("\n");
    }

    /**
     * Writes the relative change: null where A is 0 and B is not (no ratio exists; 0 would read as "unchanged"), as
     * the table prints "-".
     */
    private static void relative(JsonGenerator j, double base, double delta, double relative) throws IOException {
        if (base == 0 && delta != 0) {
            j.writeNullField("relative");
        } else {
            number(j, "relative", relative);
        }
    }

    private static void side(JsonGenerator j, String field, SimulationResult r) throws IOException {
        j.writeObjectFieldStart(field);
        j.writeStringField("model", r.model().name());
        j.writeStringField("hardware", r.hardware().name());
        j.writeStringField("npu", r.hardware().npu());
        j.writeNumberField("npu_clock_hz", r.hardware().npuClockHz());
        j.writeStringField("memory_mode", r.hardware().memoryMode());
        j.writeStringField("simulation", r.hardware().simulationMode());
        j.writeEndObject();
    }

    private static void names(JsonGenerator j, String field, List<LayerResult> layers) throws IOException {
        j.writeArrayFieldStart(field);
        for (LayerResult l : layers) {
            j.writeString(l.name());
        }
        j.writeEndArray();
    }
}
