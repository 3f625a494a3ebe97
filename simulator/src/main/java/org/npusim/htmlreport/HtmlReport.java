// SPDX-License-Identifier: Apache-2.0
package org.npusim.htmlreport;

import static org.npusim.json.Json.number;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.npusim.analysis.Analysis;
import org.npusim.analysis.Compatibility;
import org.npusim.analysis.LayerBottleneck;
import org.npusim.analysis.Resources;
import org.npusim.analysis.WhatIf;
import org.npusim.hw.CpuAccess;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.MemoryUse;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;

/**
 * Writes the HTML report of a run: the summary (with each memory's use at its fullest), a per-layer stacked bar
 * chart of busy time by resource, memory traffic per memory and layer, a roofline plot of every layer against the
 * hardware's compute roof (MACs per cycle × NPU clock) and bandwidth roofs (each memory's peak bandwidth), the energy
 * split, the slowest layers with their bottlenecks, the what-ifs, and the operator table (where each operator runs
 * and why).
 *
 * <p>The file is self-contained: the stylesheet ({@code report.css}) and the script ({@code report.js}) are this
 * package's resources, copied inline; the data is one JSON object in a {@code <script type="application/json">}
 * element. The script draws the charts as SVG and sets {@code data-status="ok"} on the {@code <html>} element when
 * it ran without an error ({@code data-status="error"} and the message otherwise), so that a headless browser can
 * check it.
 */
public final class HtmlReport {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private HtmlReport() {}

    /** Writes the report of {@code run} on {@code hw}, with its {@code analysis}. */
    public static void write(Simulator.Run run, HardwareConfig hw, Analysis analysis, Writer out) throws IOException {
        SimulationResult r = run.result();
        String title = "npusim: " + r.model().name() + " on " + r.hardware().name();
        out.write("<!DOCTYPE html>\n<html lang=\"en\" data-status=\"loading\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.write("<title>" + escape(title) + "</title>\n<style>\n");
        out.write(resource("report.css"));
        out.write("</style>\n</head>\n<body>\n");
        out.write("<header><h1>" + escape(r.model().name()) + " <span class=\"on\">on</span> " + escape(r.hardware().name())
                + "</h1><p class=\"sub\">" + escape(hw.description()) + "</p></header>\n");
        out.write("<noscript><p class=\"error\">This report draws its charts with JavaScript.</p></noscript>\n");
        out.write("<p id=\"status-error\" class=\"error\" hidden></p>\n");
        out.write("<main>\n");
        section(out, "summary", "Summary", "");
        section(out, "chart-layers", "Time by resource, per layer",
                "Busy time of each resource during each layer. Resources work in parallel, so a stack can be taller "
                        + "than the layer's time, which the black tick marks; the tallest segment bounded the layer.");
        section(out, "chart-traffic", "Memory traffic",
                "Bytes read and written per memory, per layer; the totals are in the legend.");
        section(out, "chart-roofline", "Roofline",
                "Every layer with MACs, at its arithmetic intensity (MACs per byte moved to and from memory) and "
                        + "achieved MAC rate, under the compute roof and each memory's bandwidth roof. Colours: what "
                        + "bound the layer.");
        section(out, "chart-energy", "Energy", "");
        section(out, "bottlenecks", "Slowest layers and what bound them", "");
        section(out, "whatifs", "What-ifs",
                "Each change was simulated; the arguments reproduce it with npusim simulate.");
        section(out, "operators", "Operators: where each runs and why", "");
        out.write("</main>\n<footer>Written by npusim. Self-contained: no network access.</footer>\n");
        out.write("<script type=\"application/json\" id=\"npusim-data\">");
        out.write(scriptSafe(data(run, hw, analysis)));
        out.write("</script>\n<script>\n");
        out.write(resource("report.js"));
        out.write("</script>\n</body>\n</html>\n");
    }

    private static void section(Writer out, String id, String heading, String caption) throws IOException {
        out.write("<section><h2>" + escape(heading) + "</h2>");
        if (!caption.isEmpty()) {
            out.write("<p class=\"caption\">" + escape(caption) + "</p>");
        }
        out.write("<div id=\"" + id + "\" class=\"" + (id.startsWith("chart-") ? "chart" : "block") + "\"></div></section>\n");
    }

    /** Returns the report's data as one JSON object. */
    static String data(Simulator.Run run, HardwareConfig hw, Analysis analysis) throws IOException {
        SimulationResult r = run.result();
        StringWriter s = new StringWriter();
        double referenceHz = hw.referenceClockHz();
        try (JsonGenerator j = FACTORY.createGenerator(s)) {
            j.writeStartObject();
            j.writeObjectFieldStart("model");
            j.writeStringField("name", r.model().name());
            j.writeStringField("path", r.model().path());
            j.writeNumberField("macs", r.model().macs());
            j.writeEndObject();
            SimulationResult.HardwareInfo h = r.hardware();
            j.writeObjectFieldStart("hardware");
            j.writeStringField("name", h.name());
            j.writeStringField("description", hw.description());
            j.writeStringField("npu", h.npu());
            j.writeNumberField("npuClockHz", h.npuClockHz());
            j.writeStringField("cpu", h.cpu());
            j.writeNumberField("cpuClockHz", h.cpuClockHz());
            j.writeStringField("memoryMode", h.memoryMode());
            j.writeStringField("simulation", h.simulationMode());
            j.writeEndObject();
            SimulationResult.Totals t = r.total();
            j.writeObjectFieldStart("total");
            j.writeNumberField("cycles", t.cycles());
            number(j, "seconds", t.seconds());
            j.writeNumberField("npuActiveCycles", t.npuActiveCycles());
            j.writeNumberField("cpuCycles", t.cpuCycles());
            number(j, "energyJoules", t.energyJoules());
            traffic(j, t.traffic());
            memory(j, t.memory());
            j.writeObjectFieldStart("utilization");
            for (Map.Entry<String, Double> e : analysis.utilization().entrySet()) {
                number(j, e.getKey(), e.getValue());
            }
            j.writeEndObject();
            j.writeNumberField("weightsOriginalBytes", t.weights().originalBytes());
            j.writeNumberField("weightsEncodedBytes", t.weights().encodedBytes());
            j.writeEndObject();
            roofs(j, hw);
            List<Compatibility> compat = Compatibility.of(run.plan());
            j.writeArrayFieldStart("layers");
            for (LayerResult l : r.layers()) {
                j.writeStartObject();
                j.writeNumberField("index", l.index());
                j.writeStringField("name", l.name());
                j.writeStringField("op", l.op());
                j.writeStringField("unit", l.unit().label());
                j.writeNumberField("macs", l.macs());
                j.writeNumberField("cycles", l.cycles());
                number(j, "seconds", l.cycles() / referenceHz);
                j.writeStringField("bottleneck", l.bottleneck());
                j.writeStringField("boundBy", Resources.describeBottleneck(l, hw));
                number(j, "bottleneckShare", l.bottleneckShare());
                number(j, "utilization", l.utilization());
                number(j, "energyJoules", l.energyJoules());
                seconds(j, "busySeconds", l.busyCycles(), referenceHz);
                seconds(j, "hiddenSeconds", l.hiddenCycles(), referenceHz);
                seconds(j, "criticalSeconds", l.criticalCycles(), referenceHz);
                traffic(j, l.traffic());
                Compatibility c = compat.get(l.index());
                j.writeStringField("where", c.where());
                j.writeStringField("reason", c.reason());
                j.writeStringField("kernel", l.kernel());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeObjectFieldStart("energy");
            number(j, "npuMacJoules", analysis.energy().npuMacJoules());
            number(j, "cpuJoules", analysis.energy().cpuJoules());
            j.writeObjectFieldStart("memoryJoules");
            for (Map.Entry<String, Double> e : analysis.energy().memoryJoules().entrySet()) {
                number(j, e.getKey(), e.getValue());
            }
            j.writeEndObject();
            number(j, "staticJoules", analysis.energy().staticJoules());
            j.writeEndObject();
            j.writeArrayFieldStart("topLayers");
            for (LayerBottleneck b : analysis.topLayers()) {
                j.writeStartObject();
                j.writeNumberField("index", b.index());
                j.writeStringField("name", b.name());
                j.writeStringField("op", b.op());
                number(j, "seconds", b.seconds());
                number(j, "shareOfRun", b.shareOfRun());
                j.writeStringField("boundBy", b.bottleneckDescription());
                number(j, "bottleneckShare", b.bottleneckShare());
                j.writeObjectFieldStart("criticalPath");
                for (Map.Entry<String, Double> e : b.criticalPath().entrySet()) {
                    number(j, e.getKey(), e.getValue());
                }
                j.writeEndObject();
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeBooleanField("whatIfsRun", analysis.whatIfsRun());
            j.writeArrayFieldStart("whatIfs");
            for (WhatIf w : analysis.whatIfs()) {
                j.writeStartObject();
                j.writeStringField("change", w.label());
                j.writeStringField("detail", w.detail());
                j.writeStringField("arguments", String.join(" ", w.arguments().stream()
                        .map(a -> a.contains(" ") ? "'" + a + "'" : a).toList()));
                if (w.outcome() instanceof WhatIf.Measured m) {
                    number(j, "seconds", m.seconds());
                    number(j, "timeChange", m.timeChange());
                    number(j, "energyChange", m.energyChange());
                } else {
                    j.writeStringField("infeasible", ((WhatIf.Infeasible) w.outcome()).reason());
                }
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeArrayFieldStart("notes");
            for (String n : r.notes()) {
                j.writeString(n);
            }
            j.writeEndArray();
            j.writeEndObject();
        }
        return s.toString();
    }

    /**
     * The roofline's roofs: the compute roof is the NPU's MACs per cycle × its clock (absent without an NPU: the CPU
     * cost model gives no peak rate); a bandwidth roof per memory the NPU reaches (the CPU's memories without an
     * NPU) at its peak bandwidth {@code data_width × clock}.
     */
    private static void roofs(JsonGenerator j, HardwareConfig hw) throws IOException {
        j.writeObjectFieldStart("roofs");
        if (hw.npu().isPresent()) {
            number(j, "computeMacsPerSecond", (double) hw.npu().get().variant().macsPerCycle() * hw.npu().get().clockHz());
        }
        Set<String> memories = new LinkedHashSet<>();
        hw.ports().axi0().ifPresent(memories::add);
        hw.ports().axi1().ifPresent(memories::add);
        if (memories.isEmpty()) {
            for (CpuAccess a : hw.ports().cpu()) {
                memories.add(a.memory());
            }
        }
        j.writeArrayFieldStart("memories");
        for (String name : memories) {
            MemoryConfig m = hw.memory(name);
            j.writeStartObject();
            j.writeStringField("name", name);
            j.writeStringField("kind", m.kind().label());
            number(j, "bytesPerSecond", (double) m.bytesPerSecond());
            j.writeEndObject();
        }
        j.writeEndArray();
        j.writeEndObject();
    }

    /** Writes {@code field} as an object of cycles per resource, converted to seconds at {@code hz}. */
    private static void seconds(JsonGenerator j, String field, Map<String, Long> cycles, double hz) throws IOException {
        j.writeObjectFieldStart(field);
        for (Map.Entry<String, Long> e : cycles.entrySet()) {
            number(j, e.getKey(), e.getValue() / hz);
        }
        j.writeEndObject();
    }

    private static void traffic(JsonGenerator j, Map<String, MemoryTraffic> traffic) throws IOException {
        j.writeObjectFieldStart("traffic");
        for (Map.Entry<String, MemoryTraffic> e : traffic.entrySet()) {
            j.writeArrayFieldStart(e.getKey());
            j.writeNumber(e.getValue().readBytes());
            j.writeNumber(e.getValue().writeBytes());
            j.writeEndArray();
        }
        j.writeEndObject();
    }

    /**
     * Per memory: [size, used, constants, arena, cache, arena peak layer, cache peak layer, inputs and outputs]
     * (bytes; layers -1 if none).
     */
    private static void memory(JsonGenerator j, Map<String, MemoryUse> memory) throws IOException {
        j.writeObjectFieldStart("memory");
        for (Map.Entry<String, MemoryUse> e : memory.entrySet()) {
            MemoryUse m = e.getValue();
            j.writeArrayFieldStart(e.getKey());
            for (long v : new long[] {m.sizeBytes(), m.usedBytes(), m.constantBytes(), m.arenaBytes(), m.cacheBytes(),
                m.arenaPeakLayer(), m.cachePeakLayer(), m.ioBytes()}) {
                j.writeNumber(v);
            }
            j.writeEndArray();
        }
        j.writeEndObject();
    }

    /**
     * Makes JSON safe inside a script element: a {@code <} can only occur inside JSON strings, where its JSON
     * escape (backslash, u003c) means the same character, so no {@code </script>} or {@code <!--} can end the
     * element early.
     */
    static String scriptSafe(String json) {
        return json.replace("<", "\\u003c");
    }

    /** Escapes text for HTML content and attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " of " + HtmlReport.class.getPackageName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
