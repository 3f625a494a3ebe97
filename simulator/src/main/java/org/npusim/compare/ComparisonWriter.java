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
import org.npusim.units.Frequency;

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
        double hzA = cycleClockHz(c.a());
        double hzB = cycleClockHz(c.b());
        if (hzA > 0 && hzB > 0 && hzA != hzB) {
            // Every cycle figure of a result counts its reference clock (the NPU's, or the CPU's without an NPU):
            // cycles of two clocks do not subtract into time.
            out.write(String.format(Locale.ROOT, "note: A counts cycles of a %s clock and B of a %s clock; compare their"
                    + " times%n", megahertz(hzA), megahertz(hzB)));
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
                    percent(ch.secondsA(), ch.relative()), where(ch.layerA(), ch.layerB()), where(ch.layerB(), ch.layerA()));
        }
        l.writeTo(out);

        List<Comparison.LayerChange> moved = c.bottleneckChanges();
        long units = moved.stream().filter(Comparison.LayerChange::unitChanged).count();
        out.write("\nBottleneck or unit changes: " + (moved.isEmpty() ? "none" : layers(moved.size())
                + (units == 0 ? "" : ", " + units + " of them on another unit")) + "\n");
        for (Comparison.LayerChange ch : moved) {
            out.write(String.format(Locale.ROOT, "  %d %s: %s -> %s (%s)%n", ch.layerA().index(), ch.layerA().name(),
                    where(ch.layerA(), ch.layerB()), where(ch.layerB(), ch.layerA()), signedUs(ch.deltaSeconds())));
        }
        List<Comparison.LayerChange> kernels = c.kernelChanges();
        if (!kernels.isEmpty()) {
            out.write("\nCPU kernel changes: " + layers(kernels.size()) + "\n");
            for (Comparison.LayerChange ch : kernels) {
                out.write(String.format(Locale.ROOT, "  %d %s: %s -> %s (%s)%n", ch.layerA().index(), ch.layerA().name(),
                        ch.layerA().kernel(), ch.layerB().kernel(), signedUs(ch.deltaSeconds())));
            }
        }
        onlyIn(out, "A", c.onlyInA());
        onlyIn(out, "B", c.onlyInB());
    }

    private static void onlyIn(Writer out, String side, List<LayerResult> layers) throws IOException {
        if (layers.isEmpty()) {
            return;
        }
        out.write("\nOnly in " + side + ": " + layers(layers.size()) + "\n");
        for (LayerResult l : layers) {
            out.write("  " + l.index() + " " + l.name() + " (" + l.op() + ")\n");
        }
    }

    private static String describe(SimulationResult r) {
        SimulationResult.HardwareInfo h = r.hardware();
        return r.model().name() + " on " + h.name() + " (" + (h.npu().isEmpty() ? "no NPU" : h.npu() + " @ " + new Frequency(h.npuClockHz()))
                + ", " + h.cpu() + " @ " + new Frequency(h.cpuClockHz()) + (h.memoryMode().isEmpty() ? "" : ", " + h.memoryMode())
                + (h.simulationMode().isEmpty() ? "" : ", " + h.simulationMode()) + "): "
                + scaled(r.total().seconds(), "s") + ", " + scaled(r.total().energyJoules(), "J");
    }

    /**
     * What bound {@code l}, with the unit it ran on where that is the CPU or differs from {@code other}'s: an NPU
     * layer bound by the CPU (its driver) and a CPU layer read {@code cpu} and {@code cpu: cpu} apart, and a layer
     * that moved between the units says so ({@code npu: cpu -> cpu: cpu}).
     */
    private static String where(LayerResult l, LayerResult other) {
        return l.unit() == org.npusim.result.Unit.CPU || l.unit() != other.unit()
                ? l.unit().label() + ": " + l.bottleneck() : l.bottleneck();
    }

    private static String layers(long n) {
        return n + (n == 1 ? " layer" : " layers");
    }

    /** The clock a result's cycles count: the NPU's, or the CPU's without an NPU (its hardware section). */
    private static double cycleClockHz(SimulationResult r) {
        return r.hardware().npu().isEmpty() ? r.hardware().cpuClockHz() : r.hardware().npuClockHz();
    }

    private static String megahertz(double hz) {
        return Json.number(hz / 1e6) + " MHz";
    }

    private static String shorten(String name) {
        return name.length() > 40 ? "…" + name.substring(name.length() - 39) : name;
    }

    private static String format(Comparison.Quantity q, double v) {
        return switch (q) {
            case SECONDS -> scaled(v, "s");
            case CYCLES, BYTES -> Table.grouped(Math.round(v));
            case JOULES -> scaled(v, "J");
        };
    }

    /**
     * Returns {@code v} with 4 significant digits in the unit, or its milli, micro or nano form, that its size calls
     * for: a tiny model's 0.04089 mJ and a change of 0.26 uJ both keep their digits (a fixed "%.3f mJ" printed the
     * change as -0.000 mJ), and a run of seconds reads 7.554 s.
     */
    static String scaled(double v, String unit) {
        if (v == 0) {
            return "0 " + unit;
        }
        String[] prefixes = {"", "m", "u", "n"};
        int p = 0;
        while (p < prefixes.length - 1 && Math.abs(v) * Math.pow(1e3, p) < 1) {
            p++;
        }
        while (true) {
            double x = v * Math.pow(1e3, p);
            int decimals = Math.max(0, Math.min(3, 3 - (int) Math.floor(Math.log10(Math.abs(x)))));
            String digits = String.format(Locale.ROOT, "%." + decimals + "f", x);
            if (Math.abs(Double.parseDouble(digits)) >= 1000 && p > 0) {
                // Rounding carried into the next unit (0.00099996 J is 1.000 mJ, not 1000 uJ).
                p--;
                continue;
            }
            return digits + " " + prefixes[p] + unit;
        }
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
        if (base == 0 || !Double.isFinite(relative)) {
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
                j.writeBooleanField("unit_changed", ch.unitChanged());
                j.writeStringField("kernel_a", ch.layerA().kernel());
                j.writeStringField("kernel_b", ch.layerB().kernel());
                j.writeBooleanField("kernel_changed", ch.kernelChanged());
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
     * Writes the relative change: null where A is 0 and B is not (no ratio exists; 0 would read as "unchanged"), or
     * where the ratio overflows (an A of 1e-320 J), as the table prints "-".
     */
    private static void relative(JsonGenerator j, double base, double delta, double relative) throws IOException {
        if (base == 0 && delta != 0 || !Double.isFinite(relative)) {
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
