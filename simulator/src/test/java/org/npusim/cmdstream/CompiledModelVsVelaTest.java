// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.plan.Step;
import org.npusim.result.LayerResult;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.VelaReference;
import org.npusim.tflite.TfliteReader;

/**
 * person_detect_vela.tflite (person_detect compiled by Vela 3.11) against person_detect.tflite planned by npusim and
 * against Vela 3.10's estimate, on the configuration the stream was compiled for: its optimizer config names an
 * Ethos-U55-256, and its weight and scale streams add up to 231,904 bytes, Vela's {@code total_npu_encoded_weights}
 * for Ethos_U55_High_End_Embedded in Shared_Sram mode (Deep_Embedded gives 232,336: another slicing).
 *
 * <p>The compiled stream cuts operations into OFM-depth slices, one command each; its commands are matched to the
 * uncompiled plan's NPU operations in order, consecutive commands of one cost class until their MACs add up to the
 * operation's (an element-wise operation, without MACs, is one command).
 */
final class CompiledModelVsVelaTest {

    private static final String CONFIG = "ethos-u55-256/Ethos_U55_High_End_Embedded/Shared_Sram";

    private record Sides(Simulator.Run compiled, Simulator.Run planned) {}

    private static Sides simulate(List<String> settings) {
        Path file = SharedData.repositoryRoot().resolve("hwconfigs/vela/ethos-u55-high-end-embedded.yaml");
        HardwareConfig hw = HardwareLoader.load(file, new ArrayList<>(settings), Optional.of("ethos-u55-256"), Optional.of("shared-sram"));
        Simulator s = Simulator.standard();
        Model compiled = TfliteReader.read(SharedData.model("person_detect_vela"));
        Model planned = TfliteReader.read(SharedData.model("person_detect"));
        return new Sides(s.run(compiled, "person_detect_vela", hw, false), s.run(planned, "person_detect", hw, false));
    }

    /** The compiled layers of each planned NPU operation, in order; fails when the commands do not add up. */
    private static List<List<LayerResult>> match(Sides sides) {
        List<Step.Npu> ops = sides.planned().plan().steps().stream().filter(Step.Npu.class::isInstance).map(Step.Npu.class::cast).toList();
        List<Step> commands = sides.compiled().plan().steps();
        List<LayerResult> layers = sides.compiled().result().layers();
        List<List<LayerResult>> out = new ArrayList<>();
        int next = 0;
        for (Step.Npu op : ops) {
            List<LayerResult> group = new ArrayList<>();
            long macs = 0;
            do {
                Step.Npu c = (Step.Npu) commands.get(next);
                assertThat(c.op().type()).as("command %d for %s", next, op.op().name()).isEqualTo(op.op().type());
                macs += c.op().macs();
                group.add(layers.get(c.operator()));
                next++;
            } while (macs < op.op().macs());
            assertThat(macs).as("MACs of the commands of %s", op.op().name()).isEqualTo(op.op().macs());
            out.add(group);
        }
        assertThat(next).as("every command matched").isEqualTo(commands.size());
        return out;
    }

    @Test
    void compiledStream_againstUncompiledPlan_sameOperationsMacsAndWeights() {
        Sides s = simulate(List.of("simulation.overlap=false", "simulation.contention=false"));
        List<List<LayerResult>> groups = match(s);
        long plannedNpuOps = s.planned().plan().steps().stream().filter(Step.Npu.class::isInstance).count();
        assertThat(groups).hasSize((int) plannedNpuOps).hasSize(60);
        assertThat(s.compiled().plan().steps()).hasSize(87);
        // MACs exactly: slicing an operation keeps its MACs, and both count them as Vela does.
        assertThat(s.compiled().result().model().macs()).isEqualTo(s.planned().result().model().macs()).isEqualTo(7_215_492);
        // Encoded weight and scale bytes within 1%: here equal; npusim's encoder is byte-exact with Vela 3.10's for
        // the slicing it plans, and Vela 3.11 compiled the stream, which could slice a layer otherwise (each slice
        // pads its streams to 16 bytes and carries its own scale records).
        long compiledWeights = s.compiled().result().total().weights().encodedBytes();
        long plannedWeights = s.planned().result().total().weights().encodedBytes();
        System.out.printf(Locale.ROOT, "person_detect on %s: %d NPU operations = %d kernel commands in the stream; MACs %d;"
                + " encoded weights and scales %d B compiled, %d B planned%n", CONFIG, groups.size(),
                s.compiled().plan().steps().size(), s.compiled().result().model().macs(), compiledWeights, plannedWeights);
        assertThat((double) compiledWeights).isCloseTo(plannedWeights, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void compiledStream_againstVela_bothModes() {
        VelaReference.Config ref = VelaReference.configs("person_detect").stream().filter(c -> c.tag().endsWith(CONFIG))
                .findFirst().orElseThrow();
        List<JsonNode> rows = ref.layers();
        double velaTotal = ref.summary().get("cycles_total").asDouble();
        Sides vela = simulate(List.of("simulation.overlap=false", "simulation.contention=false"));
        Sides events = simulate(List.of());
        List<List<LayerResult>> groups = match(vela);
        List<List<LayerResult>> eventGroups = match(events);
        assertThat(rows).hasSize(groups.size());
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-44s %4s %9s %9s %9s %7s%n", "Vela layer", "cmds",
                "Vela", "compiled", "events", "diff"));
        int within = 0;
        List<String> off = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            double v = rows.get(i).get("op_cycles").asDouble();
            long c = groups.get(i).stream().mapToLong(LayerResult::cycles).sum();
            long e = eventGroups.get(i).stream().mapToLong(LayerResult::cycles).sum();
            String name = rows.get(i).get("name").asText();
            // Cycles are whole numbers here and may be fractional in Vela's rows: 1 cycle is always close enough.
            boolean close = Math.abs(c - v) <= Math.max(1, 0.02 * v);
            within += close ? 1 : 0;
            if (groups.get(i).size() == 1 && !close) {
                off.add(name + ": " + c + " against " + v);
            }
            table.append(String.format(Locale.ROOT, "%-44s %4d %9.1f %9d %9d %+6.1f%%%n",
                    name.length() > 44 ? "…" + name.substring(name.length() - 43) : name, groups.get(i).size(), v, c, e,
                    pct(c, v)));
        }
        long compiledVela = vela.compiled().result().total().cycles();
        long compiledEvents = events.compiled().result().total().cycles();
        long plannedVela = vela.planned().result().total().cycles();
        long plannedEvents = events.planned().result().total().cycles();
        System.out.print(table);
        System.out.printf(Locale.ROOT, "totals (cycles) on %s: Vela %.0f; Vela-compatible: compiled %d (%+.2f%%), planned %d (%+.2f%%);"
                + " event-driven: compiled %d (%+.2f%%), planned %d (%+.2f%%); %d of %d Vela layers within 2%% (compiled,"
                + " Vela-compatible)%n", CONFIG,
                velaTotal, compiledVela, pct(compiledVela, velaTotal), plannedVela, pct(plannedVela, velaTotal), compiledEvents,
                pct(compiledEvents, velaTotal), plannedEvents, pct(plannedEvents, velaTotal), within, rows.size());
        // An operation the stream runs as one command is costed as Vela costs it; one cut into OFM-depth slices
        // is several commands, each re-reading its IFM and filling the pipeline, where Vela costs the whole.
        assertThat(off).as("single-command operations against Vela").isEmpty();
        assertThat(pct(compiledVela, velaTotal)).as("Vela-compatible total against Vela").isBetween(-2.0, 2.0);
        assertThat(pct(compiledEvents, velaTotal)).as("event-driven total against Vela").isBetween(-5.0, 5.0);
    }

    @Test
    void driverOverhead_oncePerEthosUInvocation() {
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-310.yaml"));
        assertThat(hw.simulation().driverOverhead()).isTrue();
        List<LayerResult> layers = Simulator.standard().simulate(TfliteReader.read(SharedData.model("person_detect_vela")),
                "person_detect_vela", hw).layers();
        assertThat(layers.get(0).busyCycles().getOrDefault("cpu", 0L)).as("the driver starts the one ethos-u operator").isPositive();
        assertThat(layers.subList(1, layers.size())).allMatch(l -> l.busyCycles().getOrDefault("cpu", 0L) == 0);
    }

    private static double pct(double a, double b) {
        return 100 * (a - b) / b;
    }
}
