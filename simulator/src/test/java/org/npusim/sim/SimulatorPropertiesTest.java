// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.des.ClockDomain;
import org.npusim.errors.InputException;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Shape;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.npu.CostModel;
import org.npusim.plan.Channel;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Step;
import org.npusim.report.ResultFormat;
import org.npusim.report.ResultWriter;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.TestGraph;
import org.npusim.tflite.TfliteReader;

/**
 * Properties every simulation must have: determinism, analytic lower bounds on every layer, monotonicity in the
 * hardware's resources, conservation, and clean errors for plans that cannot run.
 */
final class SimulatorPropertiesTest {

    private static final Path ROOT = SharedData.repositoryRoot();
    private static final String VELA_U55 = "hwconfigs/vela/ethos-u55-high-end-embedded.yaml";
    /** Slack for a sum of per-stream cycles each rounded on its own: half a cycle per stream, six streams. */
    private static final double STREAM_ROUNDING = 3.0;

    static HardwareConfig hw(String file, String npu, String mode, String... set) {
        return HardwareLoader.load(ROOT.resolve(file), List.of(set), Optional.ofNullable(npu), Optional.ofNullable(mode));
    }

    private static Simulator.Run run(Model m, HardwareConfig hw) {
        return Simulator.standard().run(m, m.name(), hw, false);
    }

    private static String json(SimulationResult r) throws IOException {
        StringWriter w = new StringWriter();
        ResultWriter.write(r, ResultFormat.JSON, w);
        return w.toString();
    }

    private static List<Model> models() {
        List<Model> out = new ArrayList<>();
        for (Path p : SharedData.models()) {
            if (!p.getFileName().toString().contains("vela")) {
                out.add(TfliteReader.read(p));
            }
        }
        for (String d : new String[] {"ds_cnn_small", "mobilenet_v1_025_96", "resnet8", "autoencoder_ad", "mobilenet_v2_100_224"}) {
            out.add(ModelDescriptions.load(ROOT.resolve("models/" + d + ".yaml")));
        }
        return out;
    }

    @Test
    void simulate_sameInputsTwice_giveByteIdenticalJson() throws IOException {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        for (String mode : new String[] {"shared-sram", "sram-only"}) {
            HardwareConfig h = hw(VELA_U55, "ethos-u55-128", mode);
            String a = json(run(m, h).result());
            String b = json(run(TfliteReader.read(SharedData.model("person_detect")), h).result());
            assertThat(a).isEqualTo(b);
        }
    }

    /**
     * No layer runs faster than the hardware allows, on every model and three variants, in the event-driven mode: an
     * NPU layer takes at least its MACs at the array's peak rate, and for each memory at least the bytes it read and
     * wrote there (feature maps, weights, LUTs, DMA copies) over the bandwidth of the ports that reach it, less what
     * moved under earlier layers (its {@code hidden_cycles} on those ports). Slack: a cycle of rounding per figure.
     * The Vela-compatible mode takes Vela's figures, which undercut both: Vela puts MobileNet v2's layer 9 on U55-128
     * at 103.4% utilization, and its per-memory access time is below the bytes over the bandwidth on 146 of 816
     * layers here (by up to 63%, MobileNet v2's SRAM on U55-256).
     */
    @Test
    void simulate_everyModelAndVariant_respectsAnalyticLowerBounds() {
        int checked = 0;
        for (Model m : models()) {
            for (String variant : new String[] {"ethos-u55-64", "ethos-u55-256", "ethos-u65-512"}) {
                String file = variant.startsWith("ethos-u65") ? "hwconfigs/vela/ethos-u65-high-end.yaml" : VELA_U55;
                String mode = variant.startsWith("ethos-u65") ? "dedicated-sram" : "shared-sram";
                Simulator.Run run = run(m, hw(file, variant, mode));
                java.util.Map<String, java.util.Set<Channel>> channels = channelsByMemory(run.plan());
                for (LayerResult l : run.result().layers()) {
                    if (l.unit() != Unit.NPU) {
                        continue;
                    }
                    String at = m.name() + " " + variant + " layer " + l.index();
                    long macBound = (long) Math.ceil((double) l.macs() / run.plan().npu().variant().macsPerCycle());
                    assertThat(l.cycles() + 1).as("%s MAC bound", at).isGreaterThanOrEqualTo(macBound);
                    for (var t : l.traffic().entrySet()) {
                        double bytesPerCycle = 0;
                        long hidden = 0;
                        for (Channel c : channels.getOrDefault(t.getKey(), java.util.Set.of())) {
                            bytesPerCycle += c.timing().bytesPerCycle();
                            hidden += l.hiddenCycles().getOrDefault(c.label(), 0L);
                        }
                        assertThat(bytesPerCycle).as("%s: a port to %s", at, t.getKey()).isPositive();
                        double bound = (t.getValue().readBytes() + t.getValue().writeBytes()) / bytesPerCycle;
                        assertThat((double) l.cycles() + hidden + 2).as("%s bandwidth bound of %s", at, t.getKey())
                                .isGreaterThanOrEqualTo(bound);
                    }
                    checked++;
                }
            }
        }
        System.out.println("analytic bounds: " + checked + " NPU layers checked, every memory's bytes");
        assertThat(checked).isGreaterThan(500);
    }

    /** Returns the channels (AXI port and memory) through which the plan's NPU steps and DMA reach each memory. */
    private static java.util.Map<String, java.util.Set<Channel>> channelsByMemory(ExecutionPlan plan) {
        java.util.Map<String, java.util.Set<Channel>> out = new java.util.HashMap<>();
        java.util.function.Consumer<Channel> add = c -> out.computeIfAbsent(c.memory(), x -> new java.util.HashSet<>()).add(c);
        for (Step s : plan.steps()) {
            if (s instanceof Step.Npu n) {
                add.accept(n.ifm().channel());
                n.ifm2().ifPresent(i -> add.accept(i.channel()));
                add.accept(n.ofm().channel());
                n.weights().ifPresent(w -> {
                    add.accept(w.source());
                    add.accept(w.readFrom());
                    if (w.buffer() != null) {
                        add.accept(w.buffer());
                    }
                });
            } else if (s instanceof Step.Dma d) {
                add.accept(d.source().channel());
                add.accept(d.destination().channel());
            }
        }
        return out;
    }

    /**
     * More MACs per cycle, more bandwidth, or a faster clock never make a single-operator model slower (time in
     * seconds, event-driven and Vela-compatible).
     */
    @Test
    void simulate_moreResources_neverSlower() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        String[] variants = {"ethos-u55-32", "ethos-u55-64", "ethos-u55-128", "ethos-u55-256"};
        for (String[] mode : new String[][] {{}, {"simulation.overlap=false", "simulation.contention=false"}}) {
            double previous = Double.MAX_VALUE;
            for (String v : variants) {
                double t = run(m, hw(VELA_U55, v, "shared-sram", mode)).result().total().seconds();
                assertThat(t).as("%s slower than the smaller variant", v).isLessThanOrEqualTo(previous * 1.0001);
                previous = t;
            }
            double slowFlash = run(m, hw(VELA_U55, "ethos-u55-128", "shared-sram", concat(mode, "memories.flash.clock_scale=0.125")))
                    .result().total().seconds();
            double fastFlash = run(m, hw(VELA_U55, "ethos-u55-128", "shared-sram", concat(mode, "memories.flash.clock_scale=0.5")))
                    .result().total().seconds();
            assertThat(fastFlash).isLessThanOrEqualTo(slowFlash);
            double slowClock = run(m, hw(VELA_U55, "ethos-u55-128", "shared-sram", concat(mode, "npu.clock=250 MHz")))
                    .result().total().seconds();
            double fastClock = run(m, hw(VELA_U55, "ethos-u55-128", "shared-sram", concat(mode, "npu.clock=500 MHz")))
                    .result().total().seconds();
            assertThat(fastClock).isLessThanOrEqualTo(slowClock);
        }
    }

    /**
     * More bandwidth or a faster clock never makes a run with the same plan slower, and a layer slower only by work
     * shifted between layers: with the plan unchanged, a layer that takes longer (in seconds) had less of its work
     * hidden under earlier layers (a faster NPU shortens the layer its weights prefetch under: person_detect's layer
     * 14 on the Alif E7 HP at 500 MHz instead of 400), or queued longer behind other layers' transfers (a faster
     * MRAM feeds the next layer's prefetch into the SRAM port sooner: ds_cnn's layers 0-4), by at least as much as it
     * slowed. A layer whose weights encode differently has another plan (Vela's, chosen from the hardware's figures)
     * and is left out, and counted; so is a run with such a layer, which may take up to 1.5% longer (two runs: resnet8
     * on the Alif E7 HE with twice the MRAM clock, where Vela slices layer 9's weights differently, +1.1%;
     * mobilenet_v1_025_96 on the E7 HP at 500 MHz, +0.1%). Two layers slow by more than they queued, by at most 2% of
     * the layer: mobilenet_v1_025_96's layer 14 on the E7 HP at 500 MHz (0.0%; SRAM-bound: the NPU clock rises, the
     * SRAM's does not) and its layer 7 on the E7 HE with twice the MRAM clock (1.0%): their own transfers' trains take
     * turns on the port in another order. (While block transfers were served whole, resnet8's layers 6 and 3 lost up
     * to 31% of their slowdown, 0.53 us of 1.68, to that order.)
     * Slack: two cycles of either clock and 0.05%.
     */
    @Test
    void simulate_moreBandwidthOrClock_layerSlowerOnlyByWorkShiftedBetweenLayers() {
        String[][] cases = {
            {"hwconfigs/alif-e7-hp.yaml", "memories.mram.clock=48.4 MHz", "memories.mram.clock=96.8 MHz"},
            {"hwconfigs/alif-e7-hp.yaml", "memories.ospi.clock=100 MHz", "memories.ospi.clock=200 MHz"},
            {"hwconfigs/alif-e7-hp.yaml", "npu.clock=400 MHz", "npu.clock=500 MHz"},
            {"hwconfigs/alif-e7-he.yaml", "memories.mram.clock=48.48 MHz", "memories.mram.clock=96.96 MHz"},
            {"hwconfigs/alif-e7-he.yaml", "memories.sram6.clock=160 MHz", "memories.sram6.clock=320 MHz"},
            {"hwconfigs/alif-e7-hp-dtcm.yaml", "memories.mram.clock=47.2 MHz", "memories.mram.clock=94.4 MHz"},
            {"hwconfigs/corstone-300.yaml", "memories.ddr.clock_scale=0.125", "memories.ddr.clock_scale=0.25"},
            {"hwconfigs/himax-we2.yaml", "memories.flash.clock=6.25 MHz", "memories.flash.clock=12.5 MHz"}};
        int layers = 0;
        int slower = 0;
        int otherPlan = 0;
        List<String> slowerRuns = new ArrayList<>();
        List<String> unexplainedLayers = new ArrayList<>();
        for (String d : new String[] {"ds_cnn_small", "mobilenet_v1_025_96", "resnet8", "autoencoder_ad"}) {
            Model m = ModelDescriptions.load(ROOT.resolve("models/" + d + ".yaml"));
            for (String[] c : cases) {
                SimulationResult before = run(m, hw(c[0], null, null, c[1])).result();
                SimulationResult after = run(m, hw(c[0], null, null, c[2])).result();
                String at = d + " on " + c[0] + " with " + c[2];
                boolean samePlan = true;
                for (int i = 0; i < before.layers().size(); i++) {
                    samePlan &= before.layers().get(i).weights().equals(after.layers().get(i).weights());
                }
                if (samePlan) {
                    assertThat(after.total().seconds()).as("%s: run", at)
                            .isLessThanOrEqualTo(before.total().seconds() * 1.0001);
                } else if (after.total().seconds() > before.total().seconds() * 1.0001) {
                    assertThat(after.total().seconds()).as("%s: run with another plan", at)
                            .isLessThanOrEqualTo(before.total().seconds() * 1.015);
                    slowerRuns.add(String.format("%s %+.2f%%", at,
                            100 * (after.total().seconds() / before.total().seconds() - 1)));
                }
                double sBefore = 1.0 / before.hardware().npuClockHz();
                double sAfter = 1.0 / after.hardware().npuClockHz();
                for (int i = 0; i < before.layers().size(); i++) {
                    LayerResult a = before.layers().get(i);
                    LayerResult b = after.layers().get(i);
                    layers++;
                    double slowerBy = b.cycles() * sAfter - a.cycles() * sBefore;
                    double slack = 2 * Math.max(sBefore, sAfter) + 0.0005 * a.cycles() * sBefore;
                    if (slowerBy <= slack) {
                        continue;
                    }
                    slower++;
                    if (!a.weights().equals(b.weights())) {
                        otherPlan++;
                        continue;
                    }
                    double moreQueued = total(b.queuedCycles()) * sAfter - total(a.queuedCycles()) * sBefore;
                    double lessHidden = 0;
                    for (String r : a.hiddenCycles().keySet()) {
                        lessHidden = Math.max(lessHidden,
                                a.hiddenCycles().get(r) * sBefore - b.hiddenCycles().getOrDefault(r, 0L) * sAfter);
                    }
                    double unexplained = slowerBy - slack - (moreQueued + lessHidden);
                    if (unexplained > 0) {
                        String what = String.format("%s: layer %d slower by %.0f ns, %.0f ns of it (%.1f%% of the"
                                + " layer) not queued behind other layers (queued %s -> %s, hidden %s -> %s)", at, i,
                                slowerBy * 1e9, unexplained * 1e9, 100 * unexplained / (a.cycles() * sBefore), a.queuedCycles(), b.queuedCycles(), a.hiddenCycles(),
                                b.hiddenCycles());
                        unexplainedLayers.add(what);
                        // When the faster clock reorders a layer's own IFM and OFM trains on a saturated port, a
                        // little of its time can go to that order. Bounded at 2% of the layer.
                        assertThat(unexplained).as(what).isLessThanOrEqualTo(0.02 * a.cycles() * sBefore);
                    }
                }
            }
        }
        System.out.printf("more bandwidth or clock: %d layers compared, %d slower (work shifted between layers), %d of"
                + " them with another plan; runs slower with another plan: %s; layers slower by more than they queued:"
                + " %s%n", layers, slower, otherPlan, slowerRuns, unexplainedLayers);
        assertThat(layers).isGreaterThan(400);
        assertThat(unexplainedLayers).hasSizeLessThanOrEqualTo(2);
        // Vela's plan for the faster hardware is its own choice; where it loses time, it loses little.
        assertThat(slowerRuns).hasSizeLessThanOrEqualTo(2);
        assertThat(slower).isPositive();
    }

    private static long total(java.util.Map<String, Long> cycles) {
        return cycles.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * A faster CPU clock never makes a CPU-only run slower, also where the core's clock passes a multiple of its
     * memories' (the Cortex-M4 board's flash and SRAM stay at 120 MHz): resnet8 took 5.8% longer at 132 MHz than at
     * 120 and 13.6% longer at 241 than at 240 while a memory transfer was rounded up to whole CPU cycles.
     */
    @Test
    void simulate_fasterCpuClock_neverSlower_pastTheMemoryClock() {
        Model m = ModelDescriptions.load(ROOT.resolve("models/resnet8.yaml"));
        double previous = Double.MAX_VALUE;
        for (String clock : new String[] {"120 MHz", "132 MHz", "240 MHz", "241 MHz", "360 MHz"}) {
            double t = run(m, hw("hwconfigs/cpu-only/cortex-m4-120mhz.yaml", null, null, "cpu.clock=" + clock)).result()
                    .total().seconds();
            assertThat(t).as("resnet8 on the Cortex-M4 at %s", clock).isLessThanOrEqualTo(previous);
            previous = t;
        }
    }

    /**
     * A faster DRAM slows MobileNet v2 on U65 high-end, shared SRAM, by at most 1%, and only where the layers queue
     * behind other layers: the weight prefetch, read faster, takes its share of the SRAM port sooner (its write
     * trains and the running layer's are served in turn), so the running layer waits there while the prefetched
     * weights are not needed yet. At the default DRAM speed (0.9375 of the SRAM's) against half of it, the run takes
     * 0.7% longer; the layers that slowed queued at least as much longer. Before the DMA had back-pressure, its
     * writes queued far ahead on the SRAM port and held off the layer's own fetches (+0.4% then, with block
     * transfers served whole).
     */
    @Test
    void simulate_fasterDram_slowerOnlyByQueueingBehindThePrefetch() {
        Model m = TfliteReader.read(SharedData.model("mobilenet_v2_quantized_1x3x224x224"));
        String u65 = "hwconfigs/vela/ethos-u65-high-end.yaml";
        SimulationResult previous = null;
        for (String scale : new String[] {"0.234375", "0.46875", "0.9375"}) {
            SimulationResult r = run(m, hw(u65, "ethos-u65-256", "shared-sram", "memories.dram.clock_scale=" + scale))
                    .result();
            if (previous != null) {
                double ratio = r.total().seconds() / previous.total().seconds();
                long slowedBy = 0;
                long queuedMore = 0;
                for (int i = 0; i < r.layers().size(); i++) {
                    LayerResult a = previous.layers().get(i);
                    LayerResult b = r.layers().get(i);
                    if (b.cycles() > a.cycles() && a.weights().equals(b.weights())) {
                        slowedBy += b.cycles() - a.cycles();
                        queuedMore += total(b.queuedCycles()) - total(a.queuedCycles());
                    }
                }
                System.out.printf("MobileNet v2 on U65-256 shared SRAM, DRAM clock scale %s: %+.2f%% time; layers with"
                        + " the same plan that slowed: %d cycles, their queued time %+d cycles%n", scale,
                        100 * (ratio - 1), slowedBy, queuedMore);
                assertThat(ratio).as("DRAM clock scale %s", scale).isLessThanOrEqualTo(1.01);
                assertThat(queuedMore).as("DRAM clock scale %s", scale).isGreaterThanOrEqualTo(slowedBy);
            }
            previous = r;
        }
    }

    /**
     * placement.inputs and placement.outputs move the model's input and output for the NPU as for the CPU: the first
     * layer reads its input from DDR, the last writes its output there. They were ignored on NPU systems.
     */
    @Test
    void simulate_modelInputsAndOutputsPlaced_npuReadsAndWritesThere() {
        Model m = ModelDescriptions.load(ROOT.resolve("models/ds_cnn_small.yaml"));
        long inputBytes = m.main().tensor(m.main().inputs()[0]).sizeBytes();
        SimulationResult base = run(m, hw("hwconfigs/corstone-300.yaml", null, null)).result();
        SimulationResult placed = run(m, hw("hwconfigs/corstone-300.yaml", null, null, "placement.inputs=ddr",
                "placement.outputs=ddr")).result();
        LayerResult first = placed.layers().get(0);
        LayerResult last = placed.layers().get(placed.layers().size() - 1);
        assertThat(first.traffic().get("ddr").readBytes() - base.layers().get(0).traffic().get("ddr").readBytes())
                .isGreaterThanOrEqualTo(inputBytes);
        assertThat(last.traffic().get("ddr").writeBytes()).isPositive();
        assertThat(base.layers().get(base.layers().size() - 1).traffic().getOrDefault("ddr",
                new org.npusim.result.MemoryTraffic(0, 0)).writeBytes()).isZero();
        assertThatThrownBy(() -> run(m, hw("hwconfigs/corstone-300.yaml", null, null, "placement.outputs=itcm")))
                .isInstanceOf(InputException.class).hasMessageContaining("placement.outputs: memory itcm is not behind an NPU AXI port");
    }

    /**
     * In the Vela-compatible mode a layer bound by its weight DMA shows the DMA, and the port it reads through, busy:
     * both were missing from its busy cycles (and the run's), although the report named the DMA its bottleneck.
     */
    @Test
    void simulate_velaMode_dmaBoundLayers_showTheDmaBusy() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        SimulationResult r = run(m, hw("hwconfigs/corstone-300.yaml", null, null, "simulation.overlap=false",
                "simulation.contention=false")).result();
        List<LayerResult> dmaBound = r.layers().stream().filter(l -> l.bottleneck().equals("dma")).toList();
        assertThat(dmaBound).isNotEmpty();
        for (LayerResult l : dmaBound) {
            assertThat(l.busyCycles().get("dma") - l.hiddenCycles().getOrDefault("dma", 0L)).as("layer %d", l.index())
                    .isPositive().isLessThanOrEqualTo(l.cycles());
            assertThat(l.busyCycles().get("axi1:ddr")).as("layer %d", l.index()).isPositive();
        }
        assertThat(r.total().utilization().get("dma")).isGreaterThan(0.1);
    }

    /**
     * In the Vela-compatible mode no unit is reported busy for longer than its layer, less what it did under the
     * previous layer's slack (a weight transfer Vela hides there, reported hidden): Vela's MAC and output stage
     * cycles (stage cycles times blocks) are not its total, and resnet8's ADDs showed the output stage busy for 193%
     * of the layer.
     */
    @Test
    void simulate_velaMode_noUnitBusyLongerThanItsLayer() {
        Model m = ModelDescriptions.load(ROOT.resolve("models/resnet8.yaml"));
        SimulationResult r = run(m, hw("hwconfigs/corstone-300.yaml", null, null, "simulation.overlap=false",
                "simulation.contention=false")).result();
        for (LayerResult l : r.layers()) {
            for (var e : l.busyCycles().entrySet()) {
                assertThat(e.getValue() - l.hiddenCycles().getOrDefault(e.getKey(), 0L)).as("layer %d %s", l.index(), e.getKey())
                        .isLessThanOrEqualTo(l.cycles() + 1);
            }
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    /**
     * A layer's bottleneck is the resource with most time on its critical path, which adds up to the layer's cycles,
     * and its share is that time over the layer's. The other figures stay within the layer: busy time less the part
     * hidden under earlier layers (a prefetch, never more than the busy time), plus the time queued behind other
     * layers' transactions, is no longer than the layer (with contention on, the default, each resource is one queue
     * serving one transaction at a time). Cycles are rounded per resource, hence the slack.
     */
    @Test
    void simulate_everyLayer_bottleneckIsMostOnTheCriticalPath() {
        int checked = 0;
        int withHidden = 0;
        int withQueued = 0;
        for (Model m : models()) {
            for (String[] cfg : new String[][] {{VELA_U55, "ethos-u55-128", "shared-sram"},
                {"hwconfigs/vela/ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram"}}) {
                SimulationResult r = run(m, hw(cfg[0], cfg[1], cfg[2])).result();
                for (LayerResult l : r.layers()) {
                    if (l.unit() != Unit.NPU || l.cycles() == 0) {
                        continue;
                    }
                    String at = m.name() + " " + cfg[1] + " layer " + l.index();
                    // A port's streams add up to its busy time (each rounded to cycles on its own).
                    for (var port : l.streamCycles().entrySet()) {
                        long streams = port.getValue().values().stream().mapToLong(Long::longValue).sum();
                        assertThat((double) streams).as("%s %s streams", at, port.getKey())
                                .isCloseTo(l.busyCycles().get(port.getKey()), within(STREAM_ROUNDING));
                    }
                    assertThat(l.busyCycles().keySet()).as("%s queued resources", at).containsAll(l.queuedCycles().keySet());
                    for (var e : l.busyCycles().entrySet()) {
                        long hidden = l.hiddenCycles().getOrDefault(e.getKey(), 0L);
                        long queued = l.queuedCycles().getOrDefault(e.getKey(), 0L);
                        assertThat(hidden).as("%s %s hidden", at, e.getKey()).isBetween(0L, e.getValue());
                        assertThat(queued).as("%s %s queued", at, e.getKey()).isNotNegative();
                        long spent = e.getValue() - hidden + queued;
                        assertThat(spent).as("%s %s within the layer", at, e.getKey()).isLessThanOrEqualTo(l.cycles() + 3);
                    }
                    // The critical path adds up to the layer's cycles exactly (its entries are differences of
                    // rounded running sums), its largest entry is the bottleneck, and the share is that entry's.
                    long critical = l.criticalCycles().values().stream().mapToLong(Long::longValue).sum();
                    assertThat(critical).as("%s critical path %s", at, l.criticalCycles()).isEqualTo(l.cycles());
                    long most = l.criticalCycles().entrySet().stream().filter(e -> !e.getKey().equals("idle"))
                            .mapToLong(java.util.Map.Entry::getValue).max().orElseThrow();
                    assertThat(l.criticalCycles().get(l.bottleneck())).as("%s bottleneck %s", at, l.bottleneck()).isEqualTo(most);
                    assertThat(l.bottleneckShare() * l.cycles()).as("%s share", at).isCloseTo(most, within(1e-6 * most));
                    withHidden += l.hiddenCycles().isEmpty() ? 0 : 1;
                    withQueued += l.queuedCycles().isEmpty() ? 0 : 1;
                    checked++;
                }
            }
        }
        System.out.printf("bottlenecks: %d NPU layers checked, %d with work hidden under earlier layers, %d queued behind"
                + " other layers%n", checked, withHidden, withQueued);
        assertThat(checked).isGreaterThan(100);
        assertThat(withHidden).isGreaterThan(10);
        assertThat(withQueued).isGreaterThan(10);
    }

    /**
     * The MAC array's busy time is its compute, whatever it waited for: a convolution's or fully connected layer's
     * MAC busy cycles in the event-driven mode equal those of the Vela-compatible mode (Vela's MAC-stage cycles per
     * block times the blocks, where that is within Vela's total for the layer), although the event-driven array is held while its operands stream in. A layer starved
     * of data is then reported bound by the stream it waited on (hello_world's first layer: the flash port).
     */
    @Test
    void simulate_macBusyIsComputeOnly_sameInBothModes() {
        int checked = 0;
        for (Model m : models()) {
            String[] vela = {"simulation.overlap=false", "simulation.contention=false"};
            SimulationResult event = run(m, hw(VELA_U55, "ethos-u55-128", "shared-sram")).result();
            SimulationResult compatible = run(m, hw(VELA_U55, "ethos-u55-128", "shared-sram", vela)).result();
            for (int i = 0; i < event.layers().size(); i++) {
                LayerResult e = event.layers().get(i);
                if (e.unit() != Unit.NPU || !List.of("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED").contains(e.op())) {
                    continue;
                }
                LayerResult v = compatible.layers().get(i);
                long velaMac = v.busyCycles().getOrDefault("mac", 0L);
                long eventMac = e.busyCycles().getOrDefault("mac", 0L);
                if (velaMac >= v.cycles()) {
                    // Vela's total is below its own MAC-stage cycles; the report caps a unit's busy time at its
                    // layer, so here the event-driven figure is at least that.
                    assertThat(eventMac).as("%s layer %d", m.name(), i).isGreaterThanOrEqualTo(velaMac - 2);
                } else {
                    assertThat((double) eventMac).as("%s layer %d", m.name(), i)
                            .isCloseTo(velaMac, within(Math.max(2, velaMac * 0.001)));
                }
                checked++;
            }
        }
        System.out.println("MAC busy equals compute: " + checked + " layers");
        assertThat(checked).isGreaterThan(100);
        SimulationResult hello = run(TfliteReader.read(SharedData.model("hello_world_int8")),
                hw(VELA_U55, "ethos-u55-64", "shared-sram")).result();
        assertThat(hello.layers().get(0).bottleneck()).isEqualTo("axi1:flash");
        assertThat(hello.layers().get(0).busyCycles().get("mac")).isLessThan(hello.layers().get(0).busyCycles().get("axi1:flash"));
    }

    /**
     * An LSTM lowered to hundreds of NPU steps is bound by what its critical path spends most on over all of them:
     * on U65-256 the scale fetch, 43% of the layer, with the MAC array and the output stage over a quarter each; its
     * gate products keep the scale fetch and the output stage each busy more than half the layer, the MAC array more
     * than a third. (Before, the layer took the busiest resource of its busiest step and reported it with a share of
     * 0%.)
     */
    @Test
    void simulate_lstmLoweredToManySteps_bottleneckShareCoversTheWholeLayer() {
        Model m = TfliteReader.read(SharedData.model("trained_lstm_int8"));
        SimulationResult r = run(m, hw("hwconfigs/vela/ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram")).result();
        LayerResult lstm = r.layers().get(0);
        System.out.printf("trained_lstm on U65-256: LSTM %,d cycles, bound by %s %.0f%%, busy %s%n", lstm.cycles(),
                lstm.bottleneck(), lstm.bottleneckShare() * 100, lstm.busyCycles());
        assertThat(lstm.op()).isEqualTo("UNIDIRECTIONAL_SEQUENCE_LSTM");
        // Vela adds the gate products up one after the other (the Vela-compatible mode, which equals Vela's layer:
        // 169,958 cycles); here they run beside one another for more than the layer is under Vela.
        long vela = run(m, hw("hwconfigs/vela/ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram",
                "simulation.overlap=false", "simulation.contention=false")).result().layers().get(0).cycles();
        System.out.printf("trained_lstm on U65-256: steps overlapped %,d cycles; Vela's layer %,d%n", lstm.stepOverlapCycles(), vela);
        assertThat(lstm.stepOverlapCycles()).isGreaterThan(vela - lstm.cycles());
        assertThat(lstm.bottleneck()).isEqualTo("scale-fetch");
        assertThat(lstm.bottleneckShare()).isGreaterThan(0.4);
        assertThat(lstm.criticalCycles().get("mac")).isGreaterThan(lstm.cycles() / 4);
        assertThat(lstm.criticalCycles().get("output")).isGreaterThan(lstm.cycles() / 4);
        assertThat(lstm.busyCycles().get("scale-fetch")).isGreaterThan(lstm.cycles() / 2);
        assertThat(lstm.busyCycles().get("output")).isGreaterThan(lstm.cycles() / 2);
        assertThat(lstm.busyCycles().get("mac")).isGreaterThan(lstm.cycles() / 3);
    }

    /**
     * Weights prefetched under the previous layer are reported as hidden: on Corstone-300 (weights in DDR, copied
     * to SRAM by the DMA), the shipped MobileNet v1's layers after the first have their whole weight transfer done
     * before they start; with overlap off, the DMA moves a step's weights only once the step has started, so nothing
     * is hidden.
     */
    @Test
    void simulate_prefetchedWeights_reportedHiddenUnderEarlierLayers() {
        Model m = ModelDescriptions.load(ROOT.resolve("models/mobilenet_v1_025_96.yaml"));
        SimulationResult event = run(m, hw("hwconfigs/corstone-300.yaml", null, null)).result();
        long fullyHidden = event.layers().stream().filter(l -> l.hiddenCycles().getOrDefault("dma", 0L) > 0
                && l.hiddenCycles().get("dma").equals(l.busyCycles().get("dma"))).count();
        System.out.printf("mobilenet_v1_025_96 on corstone-300: %d of %d layers with their weight DMA fully hidden%n", fullyHidden,
                event.layers().size());
        assertThat(event.layers().get(0).hiddenCycles()).isEmpty();
        assertThat(fullyHidden).isGreaterThan(5);
        // Without overlap (the event-driven engine still runs: contention stays on), a step's transfers wait for it.
        SimulationResult serial = run(m, hw("hwconfigs/corstone-300.yaml", null, null, "simulation.overlap=false")).result();
        assertThat(serial.layers()).allMatch(l -> l.hiddenCycles().isEmpty());
        assertThat(serial.layers().stream().mapToLong(l -> l.busyCycles().getOrDefault("dma", 0L)).sum()).isPositive();
    }

    /**
     * Layers overlap (a layer starts while the one before drains its output stage), so their cycles add up to more
     * than the run; less their {@code overlap_cycles} they add up to it exactly, on every model and both systems, CPU
     * layers included. person_detect on U55-32, high-end embedded, shared SRAM: its layers add up to 790,976 cycles,
     * 53,845 of them overlapped, against a run of 737,131, which is why it is 7.1% under Vela's sum of layers.
     */
    @Test
    void simulate_layersLessTheirOverlap_addUpToTheRun() {
        int runs = 0;
        for (Model m : models()) {
            for (String[] cfg : new String[][] {{VELA_U55, "ethos-u55-32", "shared-sram"},
                {"hwconfigs/vela/ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram"}}) {
                SimulationResult r = run(m, hw(cfg[0], cfg[1], cfg[2])).result();
                long exclusive = r.layers().stream().mapToLong(l -> l.cycles() - l.overlapCycles()).sum();
                assertThat(r.layers()).allMatch(l -> l.overlapCycles() >= 0 && l.overlapCycles() <= l.cycles());
                assertThat(exclusive).as("%s %s", m.name(), cfg[1]).isEqualTo(r.total().cycles());
                if (m.name().equals("person_detect") && cfg[1].equals("ethos-u55-32")) {
                    assertThat(r.layers().stream().mapToLong(LayerResult::overlapCycles).sum()).isPositive();
                }
                runs++;
            }
        }
        assertThat(runs).isGreaterThan(10);
    }

    /**
     * The critical path holds in every setting of the event-driven engine, not only the default: with contention off
     * (each stream its own resource) and with overlap off, on the shipped models and three real systems, it adds up
     * to each NPU layer's cycles and the bottleneck is its largest entry.
     */
    @Test
    void simulate_criticalPath_addsUpWithContentionOrOverlapOff() {
        int layers = 0;
        for (String d : new String[] {"ds_cnn_small", "mobilenet_v1_025_96", "resnet8", "autoencoder_ad"}) {
            Model m = ModelDescriptions.load(ROOT.resolve("models/" + d + ".yaml"));
            for (String file : new String[] {"hwconfigs/corstone-300.yaml", "hwconfigs/alif-e7-hp.yaml", "hwconfigs/himax-we2.yaml"}) {
                for (String setting : new String[] {"simulation.contention=false", "simulation.overlap=false"}) {
                    for (LayerResult l : run(m, hw(file, null, null, setting)).result().layers()) {
                        if (l.unit() != Unit.NPU || l.cycles() == 0) {
                            continue;
                        }
                        String at = d + " " + file + " " + setting + " layer " + l.index();
                        long sum = l.criticalCycles().values().stream().mapToLong(Long::longValue).sum();
                        assertThat(sum).as(at).isEqualTo(l.cycles());
                        long most = l.criticalCycles().entrySet().stream().filter(e -> !e.getKey().equals("idle"))
                                .mapToLong(java.util.Map.Entry::getValue).max().orElseThrow();
                        assertThat(l.criticalCycles().get(l.bottleneck())).as(at).isEqualTo(most);
                        layers++;
                    }
                }
            }
        }
        assertThat(layers).isGreaterThan(300);
    }

    /**
     * A simulator for totals only (a sweep's points) times the run exactly as the full one: the same totals and the
     * same cycles per layer, only without the per-layer queue and critical-path records.
     */
    @Test
    void simulate_totalsOnly_sameTimesWithoutLayerRecords() {
        for (String d : new String[] {"ds_cnn_small", "mobilenet_v1_025_96", "resnet8"}) {
            Model m = ModelDescriptions.load(ROOT.resolve("models/" + d + ".yaml"));
            for (String file : new String[] {"hwconfigs/corstone-300.yaml", "hwconfigs/alif-e7-hp.yaml"}) {
                HardwareConfig h = hw(file, null, null);
                SimulationResult full = Simulator.standard().simulate(m, d, h);
                SimulationResult totals = Simulator.standard().totalsOnly().simulate(m, d, h);
                assertThat(totals.total()).as("%s on %s", d, file).isEqualTo(full.total());
                assertThat(totals.layers()).extracting(LayerResult::cycles)
                        .containsExactlyElementsOf(full.layers().stream().map(LayerResult::cycles).toList());
                assertThat(totals.layers()).allMatch(l -> l.criticalCycles().isEmpty() && l.queuedCycles().isEmpty());
                assertThat(full.layers()).anyMatch(l -> !l.criticalCycles().isEmpty());
            }
        }
    }

    /**
     * The critical path says why a layer differs from Vela where the bottleneck alone cannot. hello_world on U55-64,
     * high-end embedded, shared SRAM, is 15% over Vela: each fully connected layer is one block, whose weights stream
     * from flash for as long as Vela's whole layer, and whose output stage then drains after them where Vela's max()
     * hides it. The path gives the flash exactly the Vela-compatible layer's cycles and the output stage most of the
     * rest.
     */
    @Test
    void simulate_criticalPath_showsTheSerialOutputStageVelaHides() {
        Model m = TfliteReader.read(SharedData.model("hello_world_int8"));
        SimulationResult event = run(m, hw(VELA_U55, "ethos-u55-64", "shared-sram")).result();
        SimulationResult vela = run(m, hw(VELA_U55, "ethos-u55-64", "shared-sram", "simulation.overlap=false",
                "simulation.contention=false")).result();
        for (int i = 0; i < event.layers().size(); i++) {
            LayerResult e = event.layers().get(i);
            LayerResult v = vela.layers().get(i);
            System.out.printf("hello_world U55-64 layer %d: %d cycles against Vela's %d, critical path %s%n", i, e.cycles(),
                    v.cycles(), e.criticalCycles());
            assertThat(e.criticalCycles().get("axi1:flash")).as("layer %d", i).isCloseTo(v.cycles(), within(1L));
            assertThat(e.criticalCycles().get("output")).as("layer %d", i)
                    .isGreaterThanOrEqualTo((e.cycles() - v.cycles()) * 3 / 4);
            assertThat(v.criticalCycles()).isEmpty();
        }
    }

    /**
     * A layer that waits behind another layer's transfers on a shared port shows it: person_detect on the Alif E7 HE
     * core with a 16-byte MRAM interface, twice the default (the AXI's 8 bytes). Layer 23 (a depthwise convolution)
     * takes 2,705 cycles against 2,441, with its MAC and output busy counts unchanged and its SRAM one within 1% (its
     * own transfers reach the port in another order, some clipped at the layer's start), because the faster MRAM
     * feeds the next layer's weight prefetch into the shared SRAM port sooner and its own transfers take turns with
     * it there: it queued there for more than it grew, the port holds more than the growth on its critical path, and
     * the port is its bottleneck (the MAC array was, with 2,572 cycles, while block transfers were served whole and
     * the prefetch's trains waited between them). With overlap off, no layer's transfers run beside another's, so
     * nothing queues behind another layer.
     */
    @Test
    void simulate_layerWaitingBehindNextLayersPrefetch_portOnItsCriticalPath() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        LayerResult narrow = run(m, hw("hwconfigs/alif-e7-he.yaml", null, null)).result().layers().get(23);
        LayerResult l = run(m, hw("hwconfigs/alif-e7-he.yaml", null, null, "memories.mram.data_width=16B")).result().layers().get(23);
        long grew = l.cycles() - narrow.cycles();
        System.out.printf("person_detect alif-e7-he mram 16 B, layer 23: %d cycles (%d with the default 8 bytes), bottleneck %s"
                + " %.2f, critical path %s, queued %s%n", l.cycles(), narrow.cycles(), l.bottleneck(), l.bottleneckShare(),
                l.criticalCycles(), l.queuedCycles());
        for (String r : new String[] {"mac", "output"}) {
            assertThat(l.busyCycles().get(r)).as(r).isEqualTo(narrow.busyCycles().get(r));
        }
        assertThat(l.busyCycles().get("axi0:sram6")).isCloseTo(narrow.busyCycles().get("axi0:sram6"), withinPercentage(1));
        assertThat(l.queuedCycles().getOrDefault("axi0:sram6", 0L)).isGreaterThan(grew);
        // Within a cycle: each entry of a path is a difference of rounded running sums.
        assertThat(l.criticalCycles().get("axi0:sram6") - narrow.criticalCycles().getOrDefault("axi0:sram6", 0L))
                .isGreaterThanOrEqualTo(grew - 1);
        assertThat(l.bottleneck()).isEqualTo("axi0:sram6");
        SimulationResult serial = run(m, hw("hwconfigs/alif-e7-he.yaml", null, null, "memories.mram.data_width=16B",
                "simulation.overlap=false")).result();
        assertThat(serial.layers()).allMatch(x -> x.queuedCycles().isEmpty());
    }

    /**
     * A layer whose weights the encoder does not take falls back to uncompressed sizes; the result names it, since
     * its weight bytes and fetch time are then an estimate (the fallback was silent). Here a sizer that refuses
     * layer 3's weights stands in for such a layer.
     */
    @Test
    void simulate_weightsTheEncoderDoesNotTake_noteNamesTheLayers() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        org.npusim.plan.WeightSizer encoder = new org.npusim.plan.EthosUWeightSizer();
        org.npusim.plan.WeightSizer refusingLayer3 = new org.npusim.plan.WeightSizer() {
            @Override
            public org.npusim.plan.EncodedWeights size(org.npusim.graph.Subgraph g, org.npusim.npu.NpuOperation op,
                    org.npusim.npu.BlockConfig bc, org.npusim.hw.NpuVariant v, List<int[]> slices) {
                return (op.sourceOperator() == 3 ? UNCOMPRESSED : encoder).size(g, op, bc, v, slices);
            }

            @Override
            public boolean compressed() {
                return true;
            }
        };
        HardwareConfig h = hw(VELA_U55, "ethos-u55-128", "shared-sram");
        SimulationResult r = new Simulator(org.npusim.cpu.CortexMCostModel::of, refusingLayer3).simulate(m, m.name(), h);
        assertThat(r.notes()).contains("weights sized as uncompressed int8, the Ethos-U encoder not taking them: layer 3");
        assertThat(Simulator.standard().simulate(m, m.name(), h).notes()).noneMatch(n -> n.contains("uncompressed"));
    }

    /**
     * On Vela's U55 high-end embedded system every weight byte comes from flash at the default 4,300 pJ/B of a 20 MHz
     * serial NOR, which then makes up all the energy: the result says so and names the key to set; with the flash's
     * energy given, it does not.
     */
    @Test
    void simulate_flashAtTheDefaultSerialNorEnergyDominates_noteNamesTheKey() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        SimulationResult r = run(m, hw(VELA_U55, "ethos-u55-128", "shared-sram")).result();
        assertThat(r.notes()).anyMatch(n -> n.startsWith("flash reads are ") && n.contains("the default 4,300 pJ/B")
                && n.contains("set memories.flash.read_energy"));
        SimulationResult given = run(m, hw(VELA_U55, "ethos-u55-128", "shared-sram", "memories.flash.read_energy=50 pJ/B"))
                .result();
        assertThat(given.notes()).noneMatch(n -> n.startsWith("flash reads are "));
    }

    /** Simulated MACs equal the graph's; every layer's bytes are accounted per memory. */
    @Test
    void simulate_conservation_macsAndTraffic() {
        for (Model m : models()) {
            HardwareConfig h = hw(VELA_U55, "ethos-u55-256", "shared-sram");
            SimulationResult r = run(m, h).result();
            long macs = r.layers().stream().mapToLong(LayerResult::macs).sum();
            assertThat(macs).as(m.name()).isEqualTo(m.main().facts().totalMacs());
            long layerBytes = r.layers().stream().flatMap(l -> l.traffic().values().stream())
                    .mapToLong(t -> t.readBytes() + t.writeBytes()).sum();
            long totalBytes = r.total().traffic().values().stream().mapToLong(t -> t.readBytes() + t.writeBytes()).sum();
            assertThat(layerBytes).isEqualTo(totalBytes);
        }
    }

    @Test
    void simulate_arenaTooSmall_failsNamingLayerAndMemory() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        HardwareConfig h = hw(VELA_U55, "ethos-u55-128", "shared-sram", "memories.sram.size=16 KiB", "placement.cache_size=8 KiB");
        assertThatThrownBy(() -> run(m, h)).isInstanceOf(InputException.class)
                .hasMessageContaining("memory sram").hasMessageContaining("layer ").hasMessageContaining("live activations");
    }

    @Test
    void simulate_cpuOnlyBoard_runsEveryLayerOnTheCpu() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        HardwareConfig h = HardwareLoader.load(ROOT.resolve("hwconfigs/cpu-only/cortex-m7-280mhz.yaml"));
        SimulationResult r = run(m, h).result();
        assertThat(r.layers()).allMatch(l -> l.unit() == Unit.CPU);
        assertThat(r.total().cpuCycles()).isEqualTo(r.total().cycles());
        assertThat(r.total().seconds()).isGreaterThan(0);
    }

    /**
     * A CPU layer's critical path is the CPU model's instructions and memory stalls: it adds up to the layer's cycles
     * (in the NPU clock on an NPU system), its largest entry is the bottleneck with that share, and moving the
     * weights from the MRAM to the DTCM takes about the MRAM's stalls off the layer. Its utilization counts its MACs
     * against the core's peak rate in CPU cycles. The autoencoder's first dense layer on the M55 board waits on the
     * MRAM for about half its time (it used to say 100%), and its utilization was 0.
     */
    @Test
    void simulate_cpuLayers_criticalPathIsTheCpuModelsParts() {
        Model m = ModelDescriptions.load(ROOT.resolve("models/autoencoder_ad.yaml"));
        String board = "hwconfigs/cpu-only/cortex-m55-400mhz.yaml";
        LayerResult mram = run(m, hw(board, null, null)).result().layers().get(0);
        LayerResult dtcm = run(m, hw(board, null, null, "placement.weights=dtcm")).result().layers().get(0);
        System.out.printf("autoencoder dense_1 on the M55 board: %d cycles, path %s, bottleneck %s %.2f, utilization %.3f;"
                + " weights in the DTCM: %d cycles, path %s%n", mram.cycles(), mram.criticalCycles(), mram.bottleneck(),
                mram.bottleneckShare(), mram.utilization(), dtcm.cycles(), dtcm.criticalCycles());
        assertThat(mram.bottleneck()).isEqualTo("mram");
        assertThat(mram.bottleneckShare()).isBetween(0.4, 0.7);
        long stalls = mram.criticalCycles().get("mram");
        assertThat((double) mram.cycles() - dtcm.cycles()).isCloseTo(stalls, within(0.05 * stalls));
        // 81,920 MACs over the M55's 8 per cycle at its peak, over the layer's CPU cycles (the board has no NPU).
        assertThat(mram.utilization()).isCloseTo(81_920 / (8.0 * mram.cycles()), within(1e-9));
        for (String[] system : new String[][] {{board}, {"hwconfigs/corstone-300.yaml"}}) {
            Model keyword = TfliteReader.read(SharedData.model("keyword_scrambled"));
            Model model = system[0].equals(board) ? m : keyword;
            int cpuLayers = 0;
            for (LayerResult l : run(model, hw(system[0], null, null)).result().layers()) {
                if (l.unit() != Unit.CPU || l.cycles() == 0) {
                    continue;
                }
                assertThat(l.criticalCycles().values().stream().mapToLong(Long::longValue).sum())
                        .as("%s layer %d path %s", system[0], l.index(), l.criticalCycles()).isEqualTo(l.cycles());
                assertThat(l.criticalCycles()).containsKey(l.bottleneck());
                assertThat(l.bottleneckShare()).isEqualTo((double) l.criticalCycles().get(l.bottleneck()) / l.cycles());
                assertThat(l.utilization()).isBetween(0.0, 1.0);
                cpuLayers++;
            }
            assertThat(cpuLayers).as(system[0]).isGreaterThan(2);
        }
    }

    @Test
    void simulate_layersOffTheNpu_noteSaysWhyPerReason() {
        // Layers 1 and 3 pad the depth, which the Ethos-U does not (constraint_padding_dimensions); layers 0, 2 and
        // 4 are NPU convolutions.
        Model m = smallModel("two_pads", """
                  - {op: conv2d, name: a, filters: 4, kernel: 1, padding: same}
                  - {op: pad, name: pa, paddings: [[0, 0], [0, 0], [0, 0], [0, 4]]}
                  - {op: conv2d, name: b, filters: 4, kernel: 3, padding: same}
                  - {op: pad, name: pb, paddings: [[0, 0], [0, 0], [0, 0], [0, 4]]}
                  - {op: conv2d, name: c, filters: 4, kernel: 3, padding: same}
                """);
        SimulationResult r = run(m, hw("hwconfigs/corstone-300.yaml", null, null)).result();
        assertThat(r.layers()).extracting(LayerResult::unit).containsExactly(Unit.NPU, Unit.CPU, Unit.NPU, Unit.CPU, Unit.NPU);
        assertThat(r.notes()).contains("on the CPU: layers 1, 3: PAD of the depth or batch, or by negative amounts; the"
                + " Ethos-U pads only height and width");
        // The CPU layers' cycles count the NPU clock, as every cycle figure does: with the NPU at a fifth of the
        // CPU's clock, NPU and CPU layer cycles still add up to at most the run's.
        SimulationResult slowNpu = run(m, hw("hwconfigs/corstone-300.yaml", null, null, "npu.clock=100 MHz")).result();
        long cpuLayerCycles = slowNpu.layers().stream().filter(l -> l.unit() == Unit.CPU).mapToLong(LayerResult::cycles).sum();
        assertThat(slowNpu.total().cpuCycles()).isPositive().isLessThanOrEqualTo(cpuLayerCycles);
        assertThat(slowNpu.total().npuActiveCycles() + slowNpu.total().cpuCycles()).isLessThanOrEqualTo(slowNpu.total().cycles());
        SimulationResult cpuOnly = run(m, hw("hwconfigs/cpu-only/cortex-m7-280mhz.yaml", null, null)).result();
        assertThat(cpuOnly.notes()).noneMatch(n -> n.startsWith("on the CPU"));
    }

    @Test
    void simulate_clocksFarTooSlow_cleanErrorNamingTheClocks() {
        // MobileNet v1 0.25 takes millions of CPU cycles: at 1 Hz, weeks; the run stops at the time limit (28 hours)
        // instead of overflowing its picoseconds.
        Model m = ModelDescriptions.load(ROOT.resolve("models/mobilenet_v1_025_96.yaml"));
        HardwareConfig cpuOnly = hw("hwconfigs/cpu-only/cortex-m55-400mhz.yaml", null, null, "cpu.clock=1 Hz");
        assertThatThrownBy(() -> run(m, cpuOnly)).isInstanceOf(InputException.class)
                .hasMessageStartingWith("cortex-m55-400mhz: the run passes the simulated-time limit")
                .hasMessageEndingWith("the clocks (cpu.clock 1 Hz), the memories' latencies or their bandwidths are far"
                        + " too slow for mobilenet_v1_025_96");
        // With an NPU: MobileNet v2's 6 M NPU cycles at 8 Hz (the lowest clock whose DDR, at 1/8, still ticks).
        Model big = ModelDescriptions.load(ROOT.resolve("models/mobilenet_v2_100_224.yaml"));
        for (String mode : new String[] {"true", "false"}) {
            HardwareConfig slow = hw("hwconfigs/corstone-300.yaml", null, null, "cpu.clock=8 Hz", "npu.clock=8 Hz",
                    "simulation.overlap=" + mode, "simulation.contention=" + mode);
            assertThatThrownBy(() -> run(big, slow)).as("overlap and contention " + mode).isInstanceOf(InputException.class)
                    .hasMessageContaining("the run passes the simulated-time limit").hasMessageContaining("npu.clock 8 Hz");
        }
    }

    @Test
    void simulate_padFoldedIntoTheConvolution_noteNamesTheLayerWithoutWork() {
        // The PAD becomes the convolution's hardware padding (Vela's rewrite): layer 0 has no step of its own.
        Model m = smallModel("pad_conv", """
                  - {op: pad, name: padded, paddings: [[0, 0], [1, 1], [1, 1], [0, 0]]}
                  - {op: conv2d, name: conv, filters: 4, kernel: 3, padding: valid}
                """);
        SimulationResult r = run(m, hw("hwconfigs/corstone-300.yaml", null, null)).result();
        assertThat(r.layers().get(0).cycles()).isZero();
        assertThat(r.layers().get(0).bottleneck()).isEqualTo("none");
        assertThat(r.notes()).contains("no work of their own, fused into a neighbouring layer or removed when lowered: layer 0");
    }

    /** A model description of {@code layers} (YAML list items) on an 8x8x4 int8 input. */
    private static Model smallModel(String name, String layers) {
        return ModelDescriptions.parse("""
                schema: npusim.model/v1
                name: %s
                input: {shape: [1, 8, 8, 4], type: int8, scale: 0.02, zero_point: 0}
                weights: {seed: 3}
                layers:
                """.formatted(name) + layers, name + ".yaml");
    }
}
