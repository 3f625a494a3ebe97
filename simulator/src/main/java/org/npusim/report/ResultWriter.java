// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.npusim.analysis.Analysis;
import org.npusim.analysis.Resources;
import org.npusim.json.Json;
import org.npusim.result.FixedResource;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.MemoryUse;
import org.npusim.result.SimulationResult;
import org.npusim.result.WeightSizes;

/**
 * Writes a simulation result as a readable table, CSV, or the {@code npusim.result/v1} JSON of the design brief.
 * Deterministic: fixed key order, memories sorted by name, floating-point values printed with fixed precision.
 */
public final class ResultWriter {

    private ResultWriter() {}

    /** Writes {@code r} in {@code format}. */
    public static void write(SimulationResult r, ResultFormat format, Writer out) throws IOException {
        write(r, Optional.empty(), format, out);
    }

    /**
     * Writes {@code r} in {@code format} with its bottleneck analysis: a section after the table, and the top-level
     * {@code analysis} object after the {@code npusim.result/v1} fields in JSON. CSV holds the layers only.
     */
    public static void write(SimulationResult r, Optional<Analysis> analysis, ResultFormat format, Writer out) throws IOException {
        switch (format) {
            case TABLE -> {
                table(r, out);
                if (analysis.isPresent()) {
                    AnalysisWriter.table(analysis.get(), out);
                }
            }
            case CSV -> csv(r, out);
            case JSON -> json(r, analysis, out);
        }
    }

    private static String ms(double seconds) {
        return String.format(Locale.ROOT, "%.3f ms", seconds * 1e3);
    }


    private static void table(SimulationResult r, Writer out) throws IOException {
        SimulationResult.HardwareInfo h = r.hardware();
        out.write("Model     " + r.model().name() + " (" + Table.grouped(r.model().macs()) + " MACs)\n");
        out.write("Hardware  " + h.name() + ": " + (h.npu().isEmpty() ? "no NPU" : h.npu() + " @ " + mhz(h.npuClockHz()))
                + ", " + h.cpu() + " @ " + mhz(h.cpuClockHz()) + (h.memoryMode().isEmpty() ? "" : ", " + h.memoryMode())
                + ", " + h.simulationMode() + "\n\n");
        // The kernel column names the CPU kernels; runs with every layer on the NPU leave it out.
        boolean kernels = r.layers().stream().anyMatch(l -> !l.kernel().isEmpty());
        String[] header = {"#", "op", "name", "unit", "cycles", "time", "MACs", "util", "bottleneck", "share", "hidden cycles",
            "queued cycles", "kernel"};
        Table t = new Table(kernels ? header : java.util.Arrays.copyOf(header, header.length - 1));
        t.alignRight(0, 4, 5, 6, 7, 9);
        double secondsPerCycle = r.total().cycles() == 0 ? 0 : r.total().seconds() / r.total().cycles();
        for (LayerResult l : r.layers()) {
            String name = l.name().length() > 48 ? "…" + l.name().substring(l.name().length() - 47) : l.name();
            String[] cells = {String.valueOf(l.index()), l.op(), name, l.unit().label(), Table.grouped(l.cycles()),
                String.format(Locale.ROOT, "%.1f us", l.cycles() * secondsPerCycle * 1e6), Table.grouped(l.macs()),
                Table.percent(l.utilization()), Resources.bottleneckLabel(l), Table.percent(l.bottleneckShare()),
                Largest.hidden(l).cell(), Largest.queued(l).cell(), l.kernel()};
            t.row(kernels ? cells : java.util.Arrays.copyOf(cells, cells.length - 1));
        }
        t.writeTo(out);
        SimulationResult.Totals tot = r.total();
        out.write("\n");
        out.write(String.format(Locale.ROOT, "total        %s cycles, %s%n", Table.grouped(tot.cycles()), ms(tot.seconds())));
        out.write(String.format(Locale.ROOT, "NPU layers   %s cycles; CPU layers %s cycles%n", Table.grouped(tot.npuActiveCycles()),
                Table.grouped(tot.cpuCycles())));
        long overlap = r.layers().stream().mapToLong(LayerResult::overlapCycles).sum();
        if (overlap > 0) {
            // Why the layers' cycles add up to more than the run, and a layer-by-layer estimate to more than this one.
            out.write(String.format(Locale.ROOT, "overlap      %s cycles of the layers ran beside earlier layers%n",
                    Table.grouped(overlap)));
        }
        out.write(String.format(Locale.ROOT, "energy       %.3f mJ%n", tot.energyJoules() * 1e3));
        for (Map.Entry<String, MemoryTraffic> e : tot.traffic().entrySet()) {
            out.write(String.format(Locale.ROOT, "traffic      %-10s read %s B, written %s B%n", e.getKey(),
                    Table.grouped(e.getValue().readBytes()), Table.grouped(e.getValue().writeBytes())));
        }
        out.write(String.format(Locale.ROOT, "weights      %s B original, %s B encoded%n",
                Table.grouped(tot.weights().originalBytes()), Table.grouped(tot.weights().encodedBytes())));
        for (Map.Entry<String, MemoryUse> e : tot.memory().entrySet()) {
            out.write(String.format(Locale.ROOT, "memory       %-10s %s%n", e.getKey(), memoryLine(e.getValue(), r)));
        }
        out.write("busy         " + Table.shares(tot.utilization()) + "\n");
        for (String n : r.notes()) {
            out.write("note         " + n + "\n");
        }
    }

    /**
     * The resource with the most cycles in one of a layer's per-resource figures, and those cycles; ("", 0) when
     * there are none.
     */
    private record Largest(String resource, long cycles) {

        /**
         * The layer's work done under earlier layers, by the resource that did most of it: the cycles a
         * layer-by-layer estimate would have charged to this layer and the simulation overlapped instead.
         */
        static Largest hidden(LayerResult l) {
            // A prefetch keeps the DMA and the ports it reads and writes equally busy; the DMA names it best.
            return of(l.hiddenCycles(), FixedResource.DMA.label());
        }

        /** The time the layer waited behind other layers' transactions, on the resource it waited on most. */
        static Largest queued(LayerResult l) {
            return of(l.queuedCycles(), "");
        }

        /** The largest entry, {@code preferred} on a tie, else the first in name order. */
        private static Largest of(Map<String, Long> cycles, String preferred) {
            String most = preferred;
            long best = cycles.getOrDefault(preferred, 0L);
            for (Map.Entry<String, Long> e : cycles.entrySet()) {
                if (e.getValue() > best) {
                    best = e.getValue();
                    most = e.getKey();
                }
            }
            return best == 0 ? new Largest("", 0) : new Largest(most, best);
        }

        /** The table's cell: {@code dma 2,960}, or empty. */
        String cell() {
            return cycles == 0 ? "" : resource + " " + Table.grouped(cycles);
        }
    }

    /**
     * The table's words for one memory: {@code 61,440 of 4,194,304 B used (1%): arena 61,440 B at its peak (layer 3,
     * conv_2_depthwise)}, each part that holds bytes named.
     */
    private static String memoryLine(MemoryUse m, SimulationResult r) {
        List<String> parts = new ArrayList<>();
        if (m.constantBytes() > 0) {
            parts.add("constants " + Table.grouped(m.constantBytes()) + " B");
        }
        if (m.arenaBytes() > 0) {
            parts.add("arena " + Table.grouped(m.arenaBytes()) + " B at its peak" + atLayer(m.arenaPeakLayer(), r));
        }
        if (m.cacheBytes() > 0) {
            parts.add("cache " + Table.grouped(m.cacheBytes()) + " B at its peak" + atLayer(m.cachePeakLayer(), r));
        }
        if (m.ioBytes() > 0) {
            parts.add("inputs and outputs " + Table.grouped(m.ioBytes()) + " B");
        }
        double share = m.sizeBytes() == 0 ? 0 : (double) m.usedBytes() / m.sizeBytes();
        // A memory that holds something reads "<1%", not "0%".
        // Over full (a dedicated cache past its size) reads ">100%", not a rounded "100%".
        String used = Table.grouped(m.usedBytes()) + " of " + Table.grouped(m.sizeBytes()) + " B used ("
                + (m.usedBytes() > 0 && share < 0.005 ? "<1%" : m.usedBytes() > m.sizeBytes() && share < 1.005 ? ">100%"
                        : Table.percent(share)) + ")";
        return parts.isEmpty() ? used : used + ": " + String.join(", ", parts);
    }

    /** " (layer 3, conv_2_depthwise)" for a layer of the result, else "". */
    private static String atLayer(int layer, SimulationResult r) {
        for (LayerResult l : r.layers()) {
            if (l.index() == layer) {
                return " (layer " + layer + ", " + l.name() + ")";
            }
        }
        return layer >= 0 ? " (layer " + layer + ")" : "";
    }

    private static String mhz(long hz) {
        return hz % 1_000_000 == 0 ? hz / 1_000_000 + " MHz" : String.format(Locale.ROOT, "%.3f MHz", hz / 1e6);
    }

    private static void csv(SimulationResult r, Writer out) throws IOException {
        out.write("index,name,op,unit,macs,start_cycle,end_cycle,cycles,seconds,bottleneck,bottleneck_share,utilization,"
                + "energy_joules,weights_original_bytes,weights_encoded_bytes,read_bytes,write_bytes,kernel,hidden_resource,"
                + "hidden_cycles,queued_resource,queued_cycles,overlap_cycles,step_overlap_cycles\n");
        double secondsPerCycle = r.total().cycles() == 0 ? 0 : r.total().seconds() / r.total().cycles();
        for (LayerResult l : r.layers()) {
            long read = 0;
            long write = 0;
            for (MemoryTraffic m : l.traffic().values()) {
                read += m.readBytes();
                write += m.writeBytes();
            }
            Largest h = Largest.hidden(l);
            Largest q = Largest.queued(l);
            // Seconds and joules as in the JSON (9 significant digits, never in exponent form): one style per column.
            out.write(String.format(Locale.ROOT, "%d,%s,%s,%s,%d,%d,%d,%d,%s,%s,%.4f,%.4f,%s,%d,%d,%d,%d,%s,%s,%d,%s,%d,%d,%d%n", l.index(),
                    Csv.field(l.name()), Csv.field(l.op()), l.unit().label(), l.macs(), l.startCycle(), l.endCycle(), l.cycles(),
                    Json.number(l.cycles() * secondsPerCycle), Csv.field(l.bottleneck()), l.bottleneckShare(), l.utilization(),
                    Json.number(l.energyJoules()), l.weights().originalBytes(), l.weights().encodedBytes(), read, write,
                    Csv.field(l.kernel()), Csv.field(h.resource()), h.cycles(), Csv.field(q.resource()), q.cycles(),
                    l.overlapCycles(), l.stepOverlapCycles()));
        }
    }

    private static void json(SimulationResult r, Optional<Analysis> analysis, Writer out) throws IOException {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeStringField("schema", "npusim.result/v1");
            j.writeObjectFieldStart("model");
            j.writeStringField("name", r.model().name());
            j.writeStringField("path", r.model().path());
            j.writeNumberField("macs", r.model().macs());
            j.writeEndObject();
            SimulationResult.HardwareInfo h = r.hardware();
            j.writeObjectFieldStart("hardware");
            j.writeStringField("name", h.name());
            j.writeStringField("npu", h.npu());
            j.writeNumberField("npu_clock_hz", h.npuClockHz());
            j.writeStringField("cpu", h.cpu());
            j.writeNumberField("cpu_clock_hz", h.cpuClockHz());
            j.writeStringField("memory_mode", h.memoryMode());
            j.writeStringField("simulation", h.simulationMode());
            j.writeEndObject();
            SimulationResult.Totals t = r.total();
            j.writeObjectFieldStart("total");
            j.writeNumberField("cycles", t.cycles());
            Json.number(j, "seconds", t.seconds());
            j.writeNumberField("npu_active_cycles", t.npuActiveCycles());
            j.writeNumberField("cpu_cycles", t.cpuCycles());
            Json.number(j, "energy_joules", t.energyJoules());
            traffic(j, t.traffic());
            weights(j, t.weights());
            Json.numbers(j, "utilization", t.utilization());
            memory(j, t.memory());
            j.writeEndObject();
            j.writeArrayFieldStart("layers");
            for (LayerResult l : r.layers()) {
                j.writeStartObject();
                j.writeNumberField("index", l.index());
                j.writeStringField("name", l.name());
                j.writeStringField("op", l.op());
                j.writeStringField("unit", l.unit().label());
                j.writeNumberField("macs", l.macs());
                j.writeNumberField("start_cycle", l.startCycle());
                j.writeNumberField("end_cycle", l.endCycle());
                j.writeNumberField("cycles", l.cycles());
                if (l.overlapCycles() > 0) {
                    j.writeNumberField("overlap_cycles", l.overlapCycles());
                }
                if (l.stepOverlapCycles() > 0) {
                    j.writeNumberField("step_overlap_cycles", l.stepOverlapCycles());
                }
                j.writeStringField("bottleneck", l.bottleneck());
                if (!l.kernel().isEmpty()) {
                    j.writeStringField("kernel", l.kernel());
                }
                Json.number(j, "bottleneck_share", l.bottleneckShare());
                Json.number(j, "utilization", l.utilization());
                traffic(j, l.traffic());
                Json.number(j, "energy_joules", l.energyJoules());
                weights(j, l.weights());
                Json.longs(j, "busy_cycles", l.busyCycles());
                if (!l.hiddenCycles().isEmpty()) {
                    Json.longs(j, "hidden_cycles", l.hiddenCycles());
                }
                if (!l.queuedCycles().isEmpty()) {
                    Json.longs(j, "queued_cycles", l.queuedCycles());
                }
                if (!l.criticalCycles().isEmpty()) {
                    Json.longs(j, "critical_cycles", l.criticalCycles());
                }
                if (!l.streamCycles().isEmpty()) {
                    j.writeObjectFieldStart("stream_cycles");
                    for (Map.Entry<String, java.util.SortedMap<String, Long>> port : l.streamCycles().entrySet()) {
                        Json.longs(j, port.getKey(), port.getValue());
                    }
                    j.writeEndObject();
                }
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeArrayFieldStart("notes");
            for (String n : r.notes()) {
                j.writeString(n);
            }
            j.writeEndArray();
            if (analysis.isPresent()) {
                AnalysisWriter.json(analysis.get(), j);
            }
            j.writeEndObject();
        }
        out.write("\n");
    }

    private static void traffic(JsonGenerator j, Map<String, MemoryTraffic> traffic) throws IOException {
        j.writeObjectFieldStart("traffic");
        for (Map.Entry<String, MemoryTraffic> e : traffic.entrySet()) {
            j.writeObjectFieldStart(e.getKey());
            j.writeNumberField("read_bytes", e.getValue().readBytes());
            j.writeNumberField("write_bytes", e.getValue().writeBytes());
            j.writeEndObject();
        }
        j.writeEndObject();
    }

    private static void memory(JsonGenerator j, Map<String, MemoryUse> memory) throws IOException {
        j.writeObjectFieldStart("memory");
        for (Map.Entry<String, MemoryUse> e : memory.entrySet()) {
            MemoryUse m = e.getValue();
            j.writeObjectFieldStart(e.getKey());
            j.writeNumberField("size_bytes", m.sizeBytes());
            j.writeNumberField("used_bytes", m.usedBytes());
            j.writeNumberField("free_bytes", m.freeBytes());
            j.writeNumberField("constants_bytes", m.constantBytes());
            j.writeNumberField("arena_bytes", m.arenaBytes());
            j.writeNumberField("cache_bytes", m.cacheBytes());
            j.writeNumberField("io_bytes", m.ioBytes());
            if (m.arenaPeakLayer() >= 0) {
                j.writeNumberField("arena_peak_layer", m.arenaPeakLayer());
            }
            if (m.cachePeakLayer() >= 0) {
                j.writeNumberField("cache_peak_layer", m.cachePeakLayer());
            }
            j.writeEndObject();
        }
        j.writeEndObject();
    }

    private static void weights(JsonGenerator j, WeightSizes w) throws IOException {
        j.writeObjectFieldStart("weights");
        j.writeNumberField("original_bytes", w.originalBytes());
        j.writeNumberField("encoded_bytes", w.encodedBytes());
        j.writeEndObject();
    }
}
