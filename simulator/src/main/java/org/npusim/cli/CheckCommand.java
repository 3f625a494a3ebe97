// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.npusim.cmdstream.CompiledOperator;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.NpuConfig;
import org.npusim.npu.Partitioning;
import org.npusim.npu.Partitioning.Assignment;
import org.npusim.npu.Partitioning.NpuSubgraph;
import org.npusim.npu.Partitioning.Unit;
import org.npusim.json.Json;
import org.npusim.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code npusim check MODEL --hw HW}: the operator compatibility table (as Arm MLIA prints it): per operator NPU or
 * CPU and why, what would move a CPU operator to the NPU where a rule says, the shares of operators and MACs on the
 * NPU, and the NPU subgraphs the CPU invokes with the driver's overhead per invocation. A Vela-compiled model is
 * said to be one, with where its command streams can run ({@link CompiledCheck}).
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Operator compatibility: which operators run on the NPU or the CPU, and why.")
final class CheckCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format {
        TABLE,
        JSON
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite file or a .yaml model description.")
    Path model;

    @Mixin
    HardwareOptions hardware = new HardwareOptions();

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        OutputTarget.check(Arrays.asList(model, hardware.file()), output);
        Model m = ModelFiles.load(model);
        HardwareConfig hw = hardware.load();
        // What simulate charges: nothing without an NPU, or with the driver's work switched off (Vela's systems).
        long invocation = hw.npu().isPresent() && hw.simulation().driverOverhead()
                ? CortexMCostModel.of(hw).npuInvocationCycles() : 0;
        PrintWriter out = spec.commandLine().getOut();
        if (CompiledOperator.any(m)) {
            CompiledCheck c = new CompiledCheck(m, model.toString(), hw, invocation);
            OutputTarget.write(output, out, w -> {
                if (format == Format.JSON) {
                    c.writeJson(w);
                } else {
                    c.writeTable(w);
                }
            });
            return Main.OK;
        }
        Partitioning p = Partitioning.of(m.main(), hw.npu().map(NpuConfig::variant));
        OutputTarget.write(output, out, w -> {
            if (format == Format.JSON) {
                writeJson(m, hw, p, invocation, w);
            } else {
                writeTable(m, hw, p, invocation, w);
            }
        });
        return Main.OK;
    }

    private static String name(Subgraph g, Operator op) {
        return op.outputCount() == 0 ? "" : g.tensor(op.output(0)).name();
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static String npuLabel(HardwareConfig hw) {
        return hw.npu().map(n -> n.variant().label()).orElse("none");
    }

    static void writeTable(Model m, HardwareConfig hw, Partitioning p, long invocationCycles, Writer out)
            throws IOException {
        Subgraph g = p.graph();
        out.write("Model " + m.name() + " on " + hw.name() + ": NPU " + npuLabel(hw) + ", CPU " + hw.cpu().core().label()
                + " (" + hw.cpu().kernels().label() + ")\n");
        Table t = new Table("#", "op", "output", "unit", "MACs", "why", "what would move it to the NPU").alignRight(0, 4);
        for (Assignment a : p.assignments()) {
            Operator op = a.operator();
            t.row(String.valueOf(op.index()), op.opName(), name(g, op), a.unit().name(),
                    Table.grouped(g.operatorFacts(op.index()).macs()), a.reason(),
                    a.unit() == Unit.CPU ? a.remedy().orElse("-") : "");
        }
        t.writeTo(out);
        int n = p.assignments().size();
        out.write("\n");
        out.write(String.format(Locale.ROOT, "operators on the NPU  %d of %d (%s)%n", p.operators(Unit.NPU), n,
                percent(p.npuOperatorShare())));
        out.write(String.format(Locale.ROOT, "MACs on the NPU       %s of %s (%s)%n", Table.grouped(p.macs(Unit.NPU)),
                Table.grouped(g.facts().totalMacs()), percent(p.npuMacShare())));
        out.write(subgraphLine(hw, p.subgraphs().size(), invocationCycles));
        for (NpuSubgraph s : p.subgraphs()) {
            out.write(String.format(Locale.ROOT, "  subgraph %d: operators %d-%d (%d operator%s, %s MACs)%n", s.index(),
                    s.firstOperator(), s.lastOperator(), s.operators(), s.operators() == 1 ? "" : "s",
                    Table.grouped(s.macs())));
        }
        boolean header = false;
        for (Assignment a : p.assignments()) {
            if (a.note().isPresent()) {
                if (!header) {
                    out.write("notes\n");
                    header = true;
                }
                out.write("  #" + a.operator().index() + " " + a.operator().opName() + ": " + a.note().get() + "\n");
            }
        }
    }

    /** The summary line of the NPU subgraphs and what invoking them costs the CPU, as simulate charges it. */
    static String subgraphLine(HardwareConfig hw, long subgraphs, long invocationCycles) {
        if (hw.npu().isEmpty()) {
            return "NPU subgraphs         none: the hardware has no NPU\n";
        }
        if (!hw.simulation().driverOverhead()) {
            return String.format(Locale.ROOT, "NPU subgraphs         %d, the CPU's driver work to invoke them not"
                    + " simulated (simulation.driver_overhead: false)%n", subgraphs);
        }
        return String.format(Locale.ROOT, "NPU subgraphs         %d, each invoked by the CPU at about %s CPU cycles"
                + " of driver overhead (%s in all)%n", subgraphs, Table.grouped(invocationCycles),
                Table.grouped(invocationCycles * subgraphs));
    }

    static void writeJson(Model m, HardwareConfig hw, Partitioning p, long invocationCycles, Writer out)
            throws IOException {
        Subgraph g = p.graph();
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeStringField("schema", "npusim.check/v1");
            j.writeObjectFieldStart("model");
            j.writeStringField("name", m.name());
            j.writeNumberField("macs", g.facts().totalMacs());
            j.writeEndObject();
            j.writeObjectFieldStart("hardware");
            j.writeStringField("name", hw.name());
            j.writeStringField("npu", npuLabel(hw));
            j.writeStringField("cpu", hw.cpu().core().label());
            j.writeStringField("kernels", hw.cpu().kernels().label());
            j.writeEndObject();
            j.writeArrayFieldStart("operators");
            for (Assignment a : p.assignments()) {
                Operator op = a.operator();
                j.writeStartObject();
                j.writeNumberField("index", op.index());
                j.writeStringField("op", op.opName());
                j.writeStringField("name", name(g, op));
                j.writeStringField("unit", a.unit().name().toLowerCase(Locale.ROOT));
                j.writeNumberField("macs", g.operatorFacts(op.index()).macs());
                j.writeStringField("reason", a.reason());
                writeOptional(j, "remedy", a.remedy());
                writeOptional(j, "note", a.note());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeArrayFieldStart("npu_subgraphs");
            for (NpuSubgraph s : p.subgraphs()) {
                j.writeStartObject();
                j.writeNumberField("index", s.index());
                j.writeNumberField("first_operator", s.firstOperator());
                j.writeNumberField("last_operator", s.lastOperator());
                j.writeNumberField("operators", s.operators());
                j.writeNumberField("macs", s.macs());
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeObjectFieldStart("total");
            j.writeNumberField("operators", p.assignments().size());
            j.writeNumberField("npu_operators", p.operators(Unit.NPU));
            j.writeNumberField("cpu_operators", p.operators(Unit.CPU));
            j.writeNumberField("npu_macs", p.macs(Unit.NPU));
            j.writeNumberField("cpu_macs", p.macs(Unit.CPU));
            j.writeNumberField("npu_operator_share", p.npuOperatorShare());
            j.writeNumberField("npu_mac_share", p.npuMacShare());
            j.writeNumberField("npu_invocations", p.subgraphs().size());
            j.writeNumberField("npu_invocation_cpu_cycles", invocationCycles);
            j.writeEndObject();
            j.writeEndObject();
        }
        out.write("\n");
    }

    private static void writeOptional(JsonGenerator j, String field, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            j.writeStringField(field, value.get());
        } else {
            j.writeNullField(field);
        }
    }
}
