// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.npusim.cmdstream.CommandStream;
import org.npusim.cmdstream.CompiledOperator;
import org.npusim.cmdstream.CompiledPlan;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.json.Json;
import org.npusim.report.Table;

/**
 * {@code npusim check} of a Vela-compiled model: Vela has already split it, so no support rule is evaluated. Each
 * {@code ethos-u} operator runs its command stream on the NPU when the hardware has the NPU variant it was compiled
 * for, and cannot run otherwise; every other operator is one Vela left to the CPU. Each {@code ethos-u} operator is
 * one NPU invocation.
 */
final class CompiledCheck {

    /** One operator: where it runs and why. */
    private record Row(Operator op, String unit, long macs, String reason, String remedy) {}

    private final Model model;
    private final HardwareConfig hw;
    private final long invocationCycles;
    private final List<Row> rows = new ArrayList<>();

    CompiledCheck(Model model, String file, HardwareConfig hw, long invocationCycles) {
        this.model = model;
        this.hw = hw;
        this.invocationCycles = invocationCycles;
        Map<Integer, CompiledOperator> compiled = new HashMap<>();
        for (CompiledOperator c : CompiledOperator.of(model, file)) {
            compiled.put(c.operator(), c);
        }
        Subgraph g = model.main();
        for (Operator op : g.operators()) {
            CompiledOperator c = compiled.get(op.index());
            if (c == null) {
                rows.add(new Row(op, "CPU", g.operatorFacts(op.index()).macs(), CompiledPlan.LEFT_TO_CPU, "-"));
                continue;
            }
            String variant = c.compiledFor().variant().label();
            CommandStream s = c.stream();
            String commands = s.kernels().size() + " kernel commands, " + s.dmas().size() + " DMA transfers";
            if (hw.npu().isEmpty()) {
                rows.add(new Row(op, "none", s.macs(), "compiled by Vela for " + variant + " (" + commands
                        + "); a CPU-only system cannot run it", "simulate the model before Vela, or on an " + variant));
            } else if (hw.npu().get().variant() != c.compiledFor().variant()) {
                String here = hw.npu().get().variant().label();
                rows.add(new Row(op, "none", s.macs(), "compiled by Vela for " + variant + " (" + commands + "); the "
                        + here + " cannot run it", "compile the model with Vela for " + here + ", or use --npu " + variant));
            } else {
                rows.add(new Row(op, "NPU", s.macs(), "Vela-compiled: runs its command stream as compiled (" + commands + ")", ""));
            }
        }
    }

    private long macs(String unit) {
        return rows.stream().filter(r -> r.unit().equals(unit)).mapToLong(Row::macs).sum();
    }

    private long count(String unit) {
        return rows.stream().filter(r -> r.unit().equals(unit)).count();
    }

    private long totalMacs() {
        return rows.stream().mapToLong(Row::macs).sum();
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.1f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
    }

    private String name(Operator op) {
        return op.outputCount() == 0 ? "" : model.main().tensor(op.output(0)).name();
    }

    void writeTable(Writer out) throws IOException {
        out.write("Model " + model.name() + " on " + hw.name() + ": NPU " + hw.npu().map(n -> n.variant().label()).orElse("none")
                + ", CPU " + hw.cpu().core().label() + " (" + hw.cpu().kernels().label() + ")\n");
        out.write("Vela-compiled model: Vela has placed its operators; each ethos-u operator holds an Ethos-U command stream,"
                + " simulated as compiled (npusim inspect lists its commands)\n");
        Table t = new Table("#", "op", "output", "unit", "MACs", "why", "what would move it to the NPU").alignRight(0, 4);
        for (Row r : rows) {
            t.row(String.valueOf(r.op().index()), r.op().opName(), name(r.op()), r.unit(), Table.grouped(r.macs()), r.reason(),
                    r.remedy());
        }
        t.writeTo(out);
        out.write("\n");
        out.write(String.format(Locale.ROOT, "operators on the NPU  %d of %d (%s)%n", count("NPU"), rows.size(),
                percent(count("NPU"), rows.size())));
        out.write(String.format(Locale.ROOT, "MACs on the NPU       %s of %s (%s)%n", Table.grouped(macs("NPU")),
                Table.grouped(totalMacs()), percent(macs("NPU"), totalMacs())));
        out.write(CheckCommand.subgraphLine(hw, count("NPU"), invocationCycles));
    }

    void writeJson(Writer out) throws IOException {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeStringField("schema", "npusim.check/v1");
            j.writeObjectFieldStart("model");
            j.writeStringField("name", model.name());
            j.writeNumberField("macs", totalMacs());
            j.writeBooleanField("vela_compiled", true);
            j.writeEndObject();
            j.writeObjectFieldStart("hardware");
            j.writeStringField("name", hw.name());
            j.writeStringField("npu", hw.npu().map(n -> n.variant().label()).orElse("none"));
            j.writeStringField("cpu", hw.cpu().core().label());
            j.writeStringField("kernels", hw.cpu().kernels().label());
            j.writeEndObject();
            j.writeArrayFieldStart("operators");
            for (Row r : rows) {
                j.writeStartObject();
                j.writeNumberField("index", r.op().index());
                j.writeStringField("op", r.op().opName());
                j.writeStringField("name", name(r.op()));
                j.writeStringField("unit", r.unit().toLowerCase(Locale.ROOT));
                j.writeNumberField("macs", r.macs());
                j.writeStringField("reason", r.reason());
                if (r.remedy().isEmpty() || r.remedy().equals("-")) {
                    j.writeNullField("remedy");
                } else {
                    j.writeStringField("remedy", r.remedy());
                }
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeObjectFieldStart("total");
            j.writeNumberField("operators", rows.size());
            j.writeNumberField("npu_operators", count("NPU"));
            j.writeNumberField("cpu_operators", count("CPU"));
            j.writeNumberField("npu_macs", macs("NPU"));
            j.writeNumberField("cpu_macs", macs("CPU"));
            j.writeNumberField("npu_invocations", count("NPU"));
            j.writeNumberField("npu_invocation_cpu_cycles", invocationCycles);
            j.writeEndObject();
            j.writeEndObject();
        }
        out.write("\n");
    }
}
