// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import org.npusim.analysis.Analysis;
import org.npusim.analysis.EnergySplit;
import org.npusim.analysis.LayerBottleneck;
import org.npusim.analysis.WhatIf;
import org.npusim.json.Json;

/** Writes a bottleneck analysis as a text section and as the {@code analysis} object of the result JSON. */
final class AnalysisWriter {

    /** Characters of the longest utilization bar (100%). */
    private static final int BAR_WIDTH = 40;

    private AnalysisWriter() {}

    static void table(Analysis a, Writer out) throws IOException {
        out.write("\nSlowest layers\n");
        Table t = new Table("#", "op", "name", "time", "of run", "bound by", "share", "time went to", "port shared by");
        t.alignRight(0, 3, 4, 6);
        for (LayerBottleneck l : a.topLayers()) {
            String name = l.name().length() > 40 ? "…" + l.name().substring(l.name().length() - 39) : l.name();
            t.row(String.valueOf(l.index()), l.op(), name, String.format(Locale.ROOT, "%.1f us", l.seconds() * 1e6),
                    pct1(l.shareOfRun()), l.bottleneckDescription(), Table.percent(l.bottleneckShare()),
                    Table.shares(largest(l.criticalPath(), 3)), Table.shares(l.bottleneckStreams()));
        }
        t.writeTo(out);

        out.write("\nResources busy over the run\n");
        Table u = new Table("resource", "busy", "");
        u.alignRight(1);
        for (Map.Entry<String, Double> e : a.utilization().entrySet()) {
            int n = (int) Math.round(Math.min(1.0, e.getValue()) * BAR_WIDTH);
            u.row(e.getKey(), Table.percent(e.getValue()), "#".repeat(n));
        }
        u.writeTo(out);

        EnergySplit s = a.energy();
        double total = s.totalJoules();
        StringBuilder energy = new StringBuilder();
        energy.append(String.format(Locale.ROOT, "\nEnergy       %.3f mJ: NPU MACs %s", total * 1e3, part(s.npuMacJoules(), total)));
        if (s.cpuJoules() > 0) {
            energy.append(", CPU ").append(part(s.cpuJoules(), total));
        }
        for (Map.Entry<String, Double> e : s.memoryJoules().entrySet()) {
            energy.append(", ").append(e.getKey()).append(' ').append(part(e.getValue(), total));
        }
        energy.append(", static ").append(part(s.staticJoules(), total)).append('\n');
        out.write(energy.toString());

        if (!a.whatIfsRun()) {
            out.write("\nWhat-ifs     skipped (--no-what-if)\n");
            return;
        }
        out.write("\nWhat-ifs (each one simulated)\n");
        if (a.whatIfs().isEmpty()) {
            out.write("none apply to this hardware\n");
            return;
        }
        Table w = new Table("change", "time", "Δ time", "Δ energy", "arguments");
        w.alignRight(1, 2, 3);
        for (WhatIf f : a.whatIfs()) {
            String args = commandLine(f);
            switch (f.outcome().kind()) {
                case MEASURED -> {
                    WhatIf.Measured m = (WhatIf.Measured) f.outcome();
                    w.row(f.label(), String.format(Locale.ROOT, "%.3f ms", m.seconds() * 1e3), signedPct(m.timeChange()),
                            signedPct(m.energyChange()), args);
                }
                case INFEASIBLE -> w.row(f.label(), "-", "-", "-", args);
            }
        }
        w.writeTo(out);
        for (WhatIf f : a.whatIfs()) {
            if (f.outcome() instanceof WhatIf.Infeasible i) {
                out.write("  " + f.label() + ": not possible: " + i.reason() + "\n");
            } else if (!f.detail().isEmpty()) {
                out.write("  " + f.label() + ": " + f.detail() + "\n");
            }
        }
    }

    /** Returns the what-if's arguments as a user would type them, quoting values with spaces. */
    static String commandLine(WhatIf f) {
        StringBuilder b = new StringBuilder();
        for (String a : f.arguments()) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(a.contains(" ") ? "'" + a + "'" : a);
        }
        return b.toString();
    }

    private static String part(double joules, double total) {
        return String.format(Locale.ROOT, "%.3f mJ (%.0f%%)", joules * 1e3, total == 0 ? 0 : joules / total * 100);
    }

    private static String pct1(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    private static String signedPct(double change) {
        String s = String.format(Locale.ROOT, "%+.1f%%", change * 100);
        return s.equals("-0.0%") ? "+0.0%" : s;
    }

    /**
     * The first {@code n} entries of a map ordered largest first, without those under 1% (they would print as 0%).
     */
    private static Map<String, Double> largest(Map<String, Double> shares, int n) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        shares.entrySet().stream().filter(e -> e.getValue() >= 0.01).limit(n).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    static void json(Analysis a, JsonGenerator j) throws IOException {
        j.writeObjectFieldStart("analysis");
        j.writeArrayFieldStart("top_layers");
        for (LayerBottleneck l : a.topLayers()) {
            j.writeStartObject();
            j.writeNumberField("index", l.index());
            j.writeStringField("name", l.name());
            j.writeStringField("op", l.op());
            j.writeStringField("unit", l.unit());
            j.writeNumberField("cycles", l.cycles());
            Json.number(j, "seconds", l.seconds());
            Json.number(j, "share_of_run", l.shareOfRun());
            j.writeStringField("bottleneck", l.bottleneck());
            Json.number(j, "bottleneck_share", l.bottleneckShare());
            j.writeStringField("bound_by", l.bottleneckDescription());
            if (!l.bottleneckStreams().isEmpty()) {
                Json.numbers(j, "bottleneck_streams", l.bottleneckStreams());
            }
            if (!l.criticalPath().isEmpty()) {
                Json.numbers(j, "critical_path", l.criticalPath());
            }
            j.writeEndObject();
        }
        j.writeEndArray();
        Json.numbers(j, "utilization", a.utilization());
        EnergySplit s = a.energy();
        j.writeObjectFieldStart("energy");
        Json.number(j, "npu_mac_joules", s.npuMacJoules());
        Json.number(j, "cpu_joules", s.cpuJoules());
        Json.numbers(j, "memory_joules", s.memoryJoules());
        Json.number(j, "static_joules", s.staticJoules());
        j.writeEndObject();
        j.writeBooleanField("what_ifs_run", a.whatIfsRun());
        j.writeArrayFieldStart("what_ifs");
        for (WhatIf f : a.whatIfs()) {
            j.writeStartObject();
            j.writeStringField("kind", f.kind().label());
            j.writeStringField("change", f.label());
            j.writeStringField("detail", f.detail());
            j.writeArrayFieldStart("arguments");
            for (String arg : f.arguments()) {
                j.writeString(arg);
            }
            j.writeEndArray();
            switch (f.outcome().kind()) {
                case MEASURED -> {
                    WhatIf.Measured m = (WhatIf.Measured) f.outcome();
                    j.writeStringField("status", "measured");
                    Json.number(j, "seconds", m.seconds());
                    Json.number(j, "energy_joules", m.energyJoules());
                    Json.number(j, "time_change", m.timeChange());
                    Json.number(j, "energy_change", m.energyChange());
                }
                case INFEASIBLE -> {
                    j.writeStringField("status", "infeasible");
                    j.writeStringField("reason", ((WhatIf.Infeasible) f.outcome()).reason());
                }
            }
            j.writeEndObject();
        }
        j.writeEndArray();
        j.writeEndObject();
    }
}
