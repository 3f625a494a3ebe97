// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.npusim.json.Json;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.SimulationResult;

/**
 * Writes a what-if comparison: the same model simulated as it is and with its weights transformed (pruned,
 * clustered), side by side per layer and in total: encoded weights and compression ratio, cycles, traffic per
 * memory and energy.
 */
public final class WhatIfWriter {

    private WhatIfWriter() {}

    /** Writes the comparison of {@code baseline} and {@code transformed}; {@code transform} names what was done. */
    public static void write(SimulationResult baseline, SimulationResult transformed, String transform, ResultFormat format,
            Writer out) throws IOException {
        switch (format) {
            case TABLE -> table(baseline, transformed, transform, out);
            case CSV -> csv(baseline, transformed, out);
            case JSON -> json(baseline, transformed, transform, out);
        }
    }

    private static String pct(double before, double after) {
        return before == 0 ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * (after - before) / before);
    }

    private static String ratio(long original, long encoded) {
        return encoded == 0 ? "" : String.format(Locale.ROOT, "%.2fx", (double) original / encoded);
    }

    private static void table(SimulationResult a, SimulationResult b, String transform, Writer out) throws IOException {
        out.write("What-if: " + transform + " on " + a.model().name() + ", " + a.hardware().name() + " ("
                + a.hardware().npu() + ", " + a.hardware().memoryMode() + ")\n\n");
        Table t = new Table("#", "op", "unit", "weights B", "-> B", "ratio", "-> ratio", "cycles", "-> cycles", "change",
                "bottleneck", "-> bottleneck");
        t.alignRight(0, 3, 4, 5, 6, 7, 8, 9);
        for (int i = 0; i < a.layers().size(); i++) {
            LayerResult x = a.layers().get(i);
            LayerResult y = b.layers().get(i);
            t.row(String.valueOf(x.index()), x.op(), x.unit().label(), Table.grouped(x.weights().encodedBytes()),
                    Table.grouped(y.weights().encodedBytes()), ratio(x.weights().originalBytes(), x.weights().encodedBytes()),
                    ratio(y.weights().originalBytes(), y.weights().encodedBytes()), Table.grouped(x.cycles()),
                    Table.grouped(y.cycles()), pct(x.cycles(), y.cycles()), x.bottleneck(), y.bottleneck());
        }
        t.writeTo(out);
        SimulationResult.Totals ta = a.total();
        SimulationResult.Totals tb = b.total();
        out.write("\n");
        out.write(String.format(Locale.ROOT, "time             %.3f ms -> %.3f ms (%s)%n", ta.seconds() * 1e3, tb.seconds() * 1e3,
                pct(ta.seconds(), tb.seconds())));
        out.write(String.format(Locale.ROOT, "energy           %.4f mJ -> %.4f mJ (%s)%n", ta.energyJoules() * 1e3,
                tb.energyJoules() * 1e3, pct(ta.energyJoules(), tb.energyJoules())));
        out.write(String.format(Locale.ROOT, "encoded weights  %s B -> %s B (%s; compression %s -> %s)%n",
                Table.grouped(ta.weights().encodedBytes()), Table.grouped(tb.weights().encodedBytes()),
                pct(ta.weights().encodedBytes(), tb.weights().encodedBytes()),
                ratio(ta.weights().originalBytes(), ta.weights().encodedBytes()),
                ratio(tb.weights().originalBytes(), tb.weights().encodedBytes())));
        for (String m : new TreeSet<>(ta.traffic().keySet())) {
            MemoryTraffic x = ta.traffic().get(m);
            MemoryTraffic y = tb.traffic().getOrDefault(m, MemoryTraffic.NONE);
            out.write(String.format(Locale.ROOT, "traffic %-8s read %s B -> %s B (%s)%n", m, Table.grouped(x.readBytes()),
                    Table.grouped(y.readBytes()), pct(x.readBytes(), y.readBytes())));
        }
        out.write("note             the Ethos-U does not skip zero weights in its MAC array; pruning and clustering pay off"
                + " through the weight encoder: smaller streams, less traffic from where the weights are stored\n");
    }

    private static void csv(SimulationResult a, SimulationResult b, Writer out) throws IOException {
        out.write("index,name,op,unit,weights_encoded_bytes,whatif_weights_encoded_bytes,cycles,whatif_cycles,"
                + "energy_joules,whatif_energy_joules,bottleneck,whatif_bottleneck\n");
        for (int i = 0; i < a.layers().size(); i++) {
            LayerResult x = a.layers().get(i);
            LayerResult y = b.layers().get(i);
            // Reals as the result's CSV writes them (Json.number: 9 significant digits, no exponent).
            out.write(String.format(Locale.ROOT, "%d,%s,%s,%s,%d,%d,%d,%d,%s,%s,%s,%s%n", x.index(),
                    Csv.field(x.name()), Csv.field(x.op()), x.unit().label(),
                    x.weights().encodedBytes(), y.weights().encodedBytes(), x.cycles(), y.cycles(),
                    Json.number(x.energyJoules()), Json.number(y.energyJoules()), Csv.field(x.bottleneck()),
                    Csv.field(y.bottleneck())));
        }
    }

    private static void json(SimulationResult a, SimulationResult b, String transform, Writer out) throws IOException {
        StringWriter base = new StringWriter();
        StringWriter what = new StringWriter();
        ResultWriter.write(a, ResultFormat.JSON, base);
        ResultWriter.write(b, ResultFormat.JSON, what);
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeStringField("schema", "npusim.whatif/v1");
            j.writeStringField("transform", transform);
            j.writeFieldName("baseline");
            j.writeRawValue(base.toString().strip());
            j.writeFieldName("transformed");
            j.writeRawValue(what.toString().strip());
            j.writeEndObject();
        }
        out.write("\n");
    }

    /** Returns the traffic read from {@code memory} in a result (0 when it has none). */
    static long read(Map<String, MemoryTraffic> t, String memory) {
        return t.getOrDefault(memory, MemoryTraffic.NONE).readBytes();
    }
}
