// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import static org.npusim.json.Json.number;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.BitSet;
import java.util.List;
import org.npusim.kernels.KernelChoice;
import org.npusim.report.Csv;
import org.npusim.json.Json;

/**
 * Writes a sweep's rows as CSV (one line per point: the varied values, status, metrics, Pareto mark) or as JSON
 * ({@code schema: npusim.sweep/v1}). Rows are written in point order; doubles with nine significant digits, so that
 * the same sweep prints the same bytes whatever the number of threads.
 */
public final class SweepWriter {

    /** The metric columns, after the varied keys and the status. */
    static final List<String> METRICS = List.of("cycles", "seconds", "energy_joules", "sram_peak_bytes", "flash_bytes",
            "dram_bytes", "npu_macs_per_cycle", "onchip_bytes");

    private SweepWriter() {}

    /** What the output says about the sweep. */
    public record Header(String model, String hardware, List<Axis> axes, String cpuKernels) {
        public Header {
            axes = List.copyOf(axes);
        }

        /** A header of a sweep with the dense CPU kernels. */
        public Header(String model, String hardware, List<Axis> axes) {
            this(model, hardware, axes, KernelChoice.DENSE.label());
        }
    }

    /** Writes {@code outcome} in {@code format}. */
    public static void write(Header h, Sweep.Outcome outcome, SweepFormat format, Writer out) throws IOException {
        BitSet front = ParetoFront.of(outcome.rows());
        switch (format) {
            case CSV -> {
                out.write(csvHeader(h));
                for (int i = 0; i < outcome.rows().size(); i++) {
                    out.write(csvRow(outcome.rows().get(i), front.get(i)));
                }
            }
            case JSON -> json(h, outcome, front, out);
        }
    }

    /** Returns the CSV header line. */
    public static String csvHeader(Header h) {
        StringBuilder b = new StringBuilder("index");
        for (Axis a : h.axes()) {
            b.append(',').append(Csv.field(a.key()));
        }
        b.append(",status");
        for (String m : METRICS) {
            b.append(',').append(m);
        }
        return b.append(",pareto\n").toString();
    }

    /** Returns one CSV line; {@code pareto} marks a point on the front. */
    public static String csvRow(PointResult r, boolean pareto) {
        return csvRow(r, pareto ? "yes" : "no");
    }

    /** Returns one CSV line with an empty Pareto column, for rows written before the front is known. */
    public static String csvRowUnmarked(PointResult r) {
        return csvRow(r, "");
    }

    private static String csvRow(PointResult r, String pareto) {
        StringBuilder b = new StringBuilder().append(r.index());
        for (String v : r.values()) {
            b.append(',').append(Csv.field(v));
        }
        switch (r.outcome().kind()) {
            case OK -> {
                PointResult.Metrics m = (PointResult.Metrics) r.outcome();
                b.append(",ok,").append(m.cycles()).append(',').append(number(m.seconds())).append(',')
                        .append(number(m.energyJoules())).append(',').append(m.sramPeakBytes()).append(',')
                        .append(m.flashBytes()).append(',').append(m.dramBytes()).append(',').append(m.npuMacsPerCycle())
                        .append(',').append(m.onChipBytes()).append(',').append(pareto);
            }
            case FAILED -> {
                b.append(',').append(Csv.field("failed: " + ((PointResult.Failure) r.outcome()).reason()));
                b.append(",".repeat(METRICS.size())).append(',').append(pareto.isEmpty() ? "" : "no");
            }
        }
        return b.append('\n').toString();
    }

    private static void json(Header h, Sweep.Outcome outcome, BitSet front, Writer out) throws IOException {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeStringField("schema", "npusim.sweep/v1");
            j.writeStringField("model", h.model());
            j.writeStringField("hardware", h.hardware());
            j.writeStringField("cpu_kernels", h.cpuKernels());
            j.writeArrayFieldStart("axes");
            for (Axis a : h.axes()) {
                j.writeStartObject();
                j.writeStringField("key", a.key());
                j.writeArrayFieldStart("values");
                for (String v : a.values()) {
                    j.writeString(v);
                }
                j.writeEndArray();
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeNumberField("points", outcome.points());
            j.writeNumberField("completed", outcome.rows().size());
            j.writeBooleanField("interrupted", outcome.interrupted());
            j.writeArrayFieldStart("rows");
            for (int i = 0; i < outcome.rows().size(); i++) {
                PointResult r = outcome.rows().get(i);
                j.writeStartObject();
                j.writeNumberField("index", r.index());
                j.writeObjectFieldStart("values");
                for (int a = 0; a < h.axes().size(); a++) {
                    j.writeStringField(h.axes().get(a).key(), r.values().get(a));
                }
                j.writeEndObject();
                switch (r.outcome().kind()) {
                    case OK -> {
                        PointResult.Metrics m = (PointResult.Metrics) r.outcome();
                        j.writeStringField("status", "ok");
                        j.writeNumberField("cycles", m.cycles());
                        j.writeFieldName("seconds");
                        j.writeNumber(number(m.seconds()));
                        j.writeFieldName("energy_joules");
                        j.writeNumber(number(m.energyJoules()));
                        j.writeNumberField("sram_peak_bytes", m.sramPeakBytes());
                        j.writeNumberField("flash_bytes", m.flashBytes());
                        j.writeNumberField("dram_bytes", m.dramBytes());
                        j.writeNumberField("npu_macs_per_cycle", m.npuMacsPerCycle());
                        j.writeNumberField("onchip_bytes", m.onChipBytes());
                    }
                    case FAILED -> {
                        j.writeStringField("status", "failed");
                        j.writeStringField("reason", ((PointResult.Failure) r.outcome()).reason());
                    }
                }
                j.writeBooleanField("pareto", front.get(i));
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeEndObject();
        }
        out.write("\n");
    }
}
