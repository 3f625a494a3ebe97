// SPDX-License-Identifier: Apache-2.0
package org.npusim.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryMode;
import org.npusim.hw.NpuVariant;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.hw.yaml.Overrides;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.result.LayerResult;
import org.npusim.sim.Simulator;
import org.npusim.sim.WeightFootprint;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

final class AnalyzerTest {

    /** Weight streams sized by the Ethos-U encoder, as npusim simulate sizes them. */
    private static final EthosUWeightSizer SIZER = new EthosUWeightSizer();

    private static Path hw(String name) {
        return SharedData.repositoryRoot().resolve("hwconfigs").resolve(name);
    }

    private static SimulationResult simulate(Model m, HardwareConfig hw) {
        return new Simulator(CortexMCostModel::of, SIZER).simulate(m, m.name(), hw);
    }

    private static Analysis analyze(Model m, String hwFile, Overrides overrides) {
        HardwareDocument doc = HardwareLoader.parse(hw(hwFile));
        HardwareConfig hw = doc.resolve(overrides);
        return new Analyzer(h -> simulate(m, h)).analyze(simulate(m, hw), hw, doc, overrides);
    }

    private static Model personDetect() {
        return TfliteReader.read(SharedData.model("person_detect"));
    }

    private static WhatIf find(Analysis a, WhatIf.Kind kind) {
        return a.whatIfs().stream().filter(w -> w.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + a.whatIfs()));
    }

    @Test
    void analyze_personDetectOnCorstone300_eachWhatIfEqualsASimulationWithItsArguments() {
        Model m = personDetect();
        Analysis a = analyze(m, "corstone-300.yaml", Overrides.NONE);
        assertThat(a.whatIfs()).extracting(WhatIf::kind).containsExactly(WhatIf.Kind.MEMORY_MODE, WhatIf.Kind.LARGER_NPU,
                WhatIf.Kind.FASTER_NPU_CLOCK);
        // The same changes given as the command line gives them: the what-if's number is that simulation's.
        HardwareConfig sramOnly = HardwareLoader.load(hw("corstone-300.yaml"), List.of(), Optional.empty(), Optional.of("sram-only"));
        HardwareConfig u55256 = HardwareLoader.load(hw("corstone-300.yaml"), List.of(), Optional.of("ethos-u55-256"), Optional.empty());
        assertThat(((WhatIf.Measured) find(a, WhatIf.Kind.MEMORY_MODE).outcome()).seconds())
                .isEqualTo(simulate(m, sramOnly).total().seconds());
        assertThat(((WhatIf.Measured) find(a, WhatIf.Kind.LARGER_NPU).outcome()).seconds())
                .isEqualTo(simulate(m, u55256).total().seconds());
        assertThat(find(a, WhatIf.Kind.LARGER_NPU).arguments()).containsExactly("--npu", "ethos-u55-256");
    }

    /**
     * A clock moves no bytes by itself; where a faster NPU clock makes the run slower, it is because the planner
     * (Vela's scheduler, whose estimates count memory bytes per NPU cycle) chose other weight slices, and the what-if
     * names the layers that moved other bytes. person_detect on the Alif E7 HP core at 800 MHz, bound by its MRAM:
     * 1 GHz is 0.13% slower, with layers 15, 17, 19, 21, 23 and 25 sliced differently. A clock change that keeps the
     * plan (the CPU clock, which no NPU layer's plan reads) says nothing.
     */
    @Test
    void analyze_fasterClockReplans_whatIfNamesTheLayersPlannedDifferently() {
        Model m = personDetect();
        Overrides at800 = Overrides.of("npu.clock=800 MHz");
        Analysis a = analyze(m, "alif-e7-hp.yaml", at800);
        WhatIf faster = find(a, WhatIf.Kind.FASTER_NPU_CLOCK);
        System.out.println("person_detect alif-e7-hp 800 MHz: " + faster);
        assertThat(((WhatIf.Measured) faster.outcome()).timeChange()).isPositive();
        HardwareDocument doc = HardwareLoader.parse(hw("alif-e7-hp.yaml"));
        SimulationResult base = simulate(m, doc.resolve(at800));
        SimulationResult changed = simulate(m, doc.resolve(Overrides.of("npu.clock=1 GHz")));
        List<Integer> differ = new ArrayList<>();
        for (int i = 0; i < base.layers().size(); i++) {
            LayerResult x = base.layers().get(i);
            LayerResult y = changed.layers().get(i);
            if (!x.traffic().equals(y.traffic()) || !x.weights().equals(y.weights())) {
                differ.add(i);
            }
        }
        assertThat(differ).isNotEmpty();
        assertThat(faster.detail()).startsWith("planned differently at this clock")
                .endsWith(": layer" + (differ.size() > 1 ? "s " : " ") + Analyzer.ranges(differ));
        assertThat(Analyzer.replanned(base, base)).isEmpty();
        assertThat(Analyzer.replanned(base, simulate(m, doc.resolve(Overrides.of("npu.clock=800 MHz", "cpu.clock=500 MHz")))))
                .isEmpty();
    }

    @Test
    void analyze_sramTooSmallForAllWeights_layerWeightsWhatIfMovesTheSlowestThatFitAndIsMeasured() {
        // MobileNet v1 0.25 96: 218,928 bytes of constants, 55,296 of peak activations. With 160 KiB of SRAM only
        // some layers' weights fit beside the activations: the what-if takes the slowest DDR-bound ones that do.
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/mobilenet_v1_025_96.yaml"));
        HardwareConfig moved = layerWeightsWhatIf(m, "corstone-300.yaml", Overrides.of("memories.sram.size=160 KiB"));
        // Not all could move (218,928 + 55,296 bytes > 160 KiB); those that did fit beside the activations.
        long inSram = WeightFootprint.bytesByMemory(m.main(), moved.placement()).getOrDefault("sram", 0L);
        assertThat(moved.placement().layerWeights()).isNotEmpty();
        assertThat(inSram).isPositive().isLessThanOrEqualTo(160 * 1024 - 55_296);
    }

    @Test
    void analyze_sharedSramWithWeightsInDdr_weightsOnChipIsTheMemoryModeAndListedOnce() {
        // shared-sram -> sram-only moves the weights from DDR to SRAM and nothing else, so the custom placement
        // "weights in sram" is the same system and is not simulated twice.
        Analysis a = analyze(personDetect(), "corstone-300.yaml", Overrides.NONE);
        assertThat(a.whatIfs()).extracting(WhatIf::kind).doesNotContain(WhatIf.Kind.WEIGHTS_ON_CHIP);
        assertThat(find(a, WhatIf.Kind.MEMORY_MODE).detail()).startsWith("weights ddr → sram");
    }

    @Test
    void analyze_fasterNpuClockWhereEveryClockFollowsIt_timeIsFourFifths() {
        // Corstone-300 gives SRAM and DDR clocks as clock_scale of the NPU clock and latencies in NPU cycles, and
        // person_detect runs wholly on the NPU: at 1.25x the clock every NPU cycle count stays; only the CPU's
        // driver work (at the CPU clock, which does not follow) keeps its time, so the time falls a little less
        // than to 1/1.25.
        Analysis a = analyze(personDetect(), "corstone-300.yaml", Overrides.NONE);
        WhatIf clock = find(a, WhatIf.Kind.FASTER_NPU_CLOCK);
        assertThat(clock.label()).isEqualTo("NPU clock 625 MHz instead of 500 MHz");
        assertThat(((WhatIf.Measured) clock.outcome()).timeChange()).isBetween(1 / 1.25 - 1 - 1e-9, 1 / 1.25 - 1 + 0.02);
        assertThat(clock.detail()).contains("sram, ddr");
    }

    @Test
    void analyze_largestU55_hasNoLargerNpu() {
        Analysis a = analyze(personDetect(), "corstone-310.yaml", Overrides.NONE);
        assertThat(a.whatIfs()).extracting(WhatIf::kind).doesNotContain(WhatIf.Kind.LARGER_NPU);
    }

    @Test
    void analyze_dedicatedSramOnU65_triesSharedSramAndWeightsInSramSeparately() {
        // dedicated-sram keeps weights and arena in DRAM; the next mode moves the arena to SRAM, the custom
        // placement moves the weights: two different systems.
        Analysis a = analyze(personDetect(), "vela/ethos-u65-high-end.yaml", Overrides.NONE);
        WhatIf mode = find(a, WhatIf.Kind.MEMORY_MODE);
        WhatIf weights = find(a, WhatIf.Kind.WEIGHTS_ON_CHIP);
        assertThat(mode.label()).isEqualTo("memory mode shared-sram instead of dedicated-sram");
        assertThat(weights.label()).isEqualTo("weights in sram instead of dram");
        assertThat(weights.arguments()).contains("placement.mode=custom", "placement.weights=sram");
        assertThat(weights.outcome()).isInstanceOf(WhatIf.Measured.class);
    }

    @Test
    void analyze_mobileNetV2WeightsLargerThanSram_sramOnlyIsInfeasibleWithTheReason() {
        // MobileNet v2 has 3.5 MB of weights; Corstone-300's SRAM holds 2 MiB.
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/mobilenet_v2_100_224.yaml"));
        Analysis a = analyze(m, "corstone-300.yaml", Overrides.NONE);
        WhatIf mode = find(a, WhatIf.Kind.MEMORY_MODE);
        assertThat(mode.outcome()).isInstanceOf(WhatIf.Infeasible.class);
        assertThat(((WhatIf.Infeasible) mode.outcome()).reason()).contains("memory sram").contains("placement.weights");
    }

    @Test
    void analyze_cpuOnlyBoard_weightsOutOfFlashAndTheCpuClockApply() {
        // Without an NPU every layer runs on the CPU. At 1.25x the CPU clock the compute cycles stay, but memories
        // with clocks of their own (flash, SRAM behind a bus) cost more CPU cycles per access, so the time falls by
        // at most a fifth (1 - 1/1.25) and by more than half of that on this compute-bound model.
        Analysis a = analyze(personDetect(), "cpu-only/cortex-m7-280mhz.yaml", Overrides.NONE);
        assertThat(a.whatIfs()).extracting(WhatIf::kind).containsExactly(WhatIf.Kind.WEIGHTS_ON_CHIP,
                WhatIf.Kind.FASTER_CPU_CLOCK);
        WhatIf.Measured m = (WhatIf.Measured) find(a, WhatIf.Kind.FASTER_CPU_CLOCK).outcome();
        assertThat(m.timeChange()).isBetween(1 / 1.25 - 1 - 1e-9, (1 / 1.25 - 1) / 2);
        // The weights move from flash (6 wait states) to the arena's SRAM: no wait states, less energy per byte.
        WhatIf onChip = find(a, WhatIf.Kind.WEIGHTS_ON_CHIP);
        assertThat(onChip.label()).isEqualTo("weights in axi_sram instead of flash");
        WhatIf.Measured w = (WhatIf.Measured) onChip.outcome();
        assertThat(w.timeChange()).isNegative();
        assertThat(w.energyChange()).isNegative();
    }

    /**
     * The kernel what-if answers the brief's "when do Winograd or sparse kernels beat dense" for the model and core:
     * resnet8's five 3x3 stride-1 convolutions (layers 0, 1, 2, 5, 9) take Winograd F(4x4,3x3) on the Cortex-M4, and
     * the what-if equals a run with --cpu-kernels auto. person_detect on the M7 has none that gains (its convolutions
     * are 1x1 or stride 2, its weights dense), so the what-if is left out rather than shown as 0%.
     */
    @Test
    void analyze_cpuConvolutionsWithAFasterKernel_kernelWhatIfNamesThemAndEqualsTheAutoRun() {
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));
        HardwareDocument doc = HardwareLoader.parse(hw("cpu-only/cortex-m4-120mhz.yaml"));
        HardwareConfig hw = doc.resolve(Overrides.NONE);
        java.util.function.Function<HardwareConfig, SimulationResult> auto = h -> new Simulator(
                c -> new org.npusim.kernels.VariantCpuCostModel(CortexMCostModel.of(c), c.cpu().core(),
                        org.npusim.kernels.KernelChoice.AUTO), SIZER).simulate(m, m.name(), h);
        Analysis a = new Analyzer(h -> simulate(m, h)).withKernelChoice(auto).analyze(simulate(m, hw), hw, doc,
                Overrides.NONE);
        WhatIf kernels = find(a, WhatIf.Kind.CPU_KERNELS);
        assertThat(kernels.label()).isEqualTo("CPU kernels chosen per layer instead of dense");
        assertThat(kernels.arguments()).containsExactly("--cpu-kernels", "auto");
        assertThat(kernels.detail()).isEqualTo("winograd-f4 on layers 0-2, 5, 9");
        WhatIf.Measured measured = (WhatIf.Measured) kernels.outcome();
        assertThat(measured.seconds()).isEqualTo(auto.apply(hw).total().seconds());
        assertThat(measured.timeChange()).isNegative();

        Model pd = personDetect();
        HardwareDocument m7 = HardwareLoader.parse(hw("cpu-only/cortex-m7-280mhz.yaml"));
        HardwareConfig m7hw = m7.resolve(Overrides.NONE);
        Analysis none = new Analyzer(h -> simulate(pd, h)).withKernelChoice(h -> new Simulator(
                c -> new org.npusim.kernels.VariantCpuCostModel(CortexMCostModel.of(c), c.cpu().core(),
                        org.npusim.kernels.KernelChoice.AUTO), SIZER).simulate(pd, pd.name(), h))
                .analyze(simulate(pd, m7hw), m7hw, m7, Overrides.NONE);
        assertThat(none.whatIfs()).extracting(WhatIf::kind).doesNotContain(WhatIf.Kind.CPU_KERNELS);
    }

    /**
     * The per-layer weight what-if sizes layers as the capacity check does, with the NPU's encoded streams:
     * person_detect on Corstone-300 with 220,000 bytes of SRAM. The slowest DDR-bound layers' tensors (146,176
     * bytes) fit beside the 73,552 bytes of activations, their streams (148,992 bytes) do not; proposing them gave
     * a what-if the simulation refused. Now the proposal runs (layerWeightsWhatIf asserts it measured).
     */
    @Test
    void analyze_layerWeightsWhatIf_sizesLayersAsTheirEncodedStreams() {
        HardwareConfig moved = layerWeightsWhatIf(personDetect(), "corstone-300.yaml",
                Overrides.of("memories.sram.size=220000 B"));
        assertThat(moved.placement().layerWeights()).isNotEmpty();
    }

    @Test
    void analyze_cpuOnlyBoardWithTheGraph_layerWeightsWhatIfMovesLayersReadingFlash() {
        // ds_cnn_small on a Cortex-M33 with 28 KiB of SRAM: its 16,000 bytes of activations and some of its 24,376
        // bytes of weights fit, not all.
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/ds_cnn_small.yaml"));
        HardwareConfig moved = layerWeightsWhatIf(m, "cpu-only/cortex-m33-200mhz.yaml", Overrides.of("memories.sram.size=28 KiB"));
        assertThat(moved.placement().layerWeights()).isNotEmpty();
        long inSram = WeightFootprint.bytesByMemory(m.main(), moved.placement()).getOrDefault("sram", 0L);
        assertThat(inSram).isPositive().isLessThanOrEqualTo(28 * 1024 - 16_000);
    }

    /**
     * Analyses {@code m} on {@code hwFile} with {@code overrides} knowing the graph, checks that the per-layer weight
     * what-if moves layers to SRAM, measures the simulation of its own arguments and saves time, and returns the
     * description its arguments give.
     */
    private static HardwareConfig layerWeightsWhatIf(Model m, String hwFile, Overrides overrides) {
        HardwareDocument doc = HardwareLoader.parse(hw(hwFile));
        HardwareConfig base = doc.resolve(overrides);
        Simulator.Run run = Simulator.standard().run(m, m.name(), base, false);
        Analysis a = new Analyzer(h -> simulate(m, h), run).analyze(simulate(m, base), base, doc, overrides);
        WhatIf w = find(a, WhatIf.Kind.LAYER_WEIGHTS_ON_CHIP);
        System.out.println(m.name() + " on " + hwFile + ": " + w.label() + ": " + w.outcome());
        assertThat(w.arguments()).hasSize(2).first().isEqualTo("--set");
        String set = w.arguments().get(1);
        assertThat(set).startsWith("placement.layer_weights.sram=");
        HardwareConfig moved = doc.resolve(overrides.plus(List.of(set)));
        WhatIf.Measured measured = (WhatIf.Measured) w.outcome();
        assertThat(measured.seconds()).isEqualTo(simulate(m, moved).total().seconds());
        assertThat(measured.timeChange()).isNegative();
        return moved;
    }

    @Test
    void analyze_commandLineNpuOverride_largerVariantStillWins() {
        // A base --npu must not undo the what-if's own variant.
        Overrides base = new Overrides(List.of(), Optional.of("ethos-u55-64"), Optional.empty());
        Analysis a = analyze(personDetect(), "corstone-300.yaml", base);
        assertThat(find(a, WhatIf.Kind.LARGER_NPU).label()).isEqualTo("ethos-u55-128 instead of ethos-u55-64");
        assertThat(find(a, WhatIf.Kind.LARGER_NPU).outcome()).isInstanceOf(WhatIf.Measured.class);
        assertThat(((WhatIf.Measured) find(a, WhatIf.Kind.LARGER_NPU).outcome()).timeChange()).isNegative();
    }

    @Test
    void analyze_twice_equalAnalyses() {
        Model m = personDetect();
        assertThat(analyze(m, "corstone-300.yaml", Overrides.NONE)).isEqualTo(analyze(m, "corstone-300.yaml", Overrides.NONE));
    }

    /**
     * A layer bound by a port that several streams share says which: on Vela's U55 high-end system (weights copied
     * from flash into SRAM) person_detect's slowest SRAM-bound layers list the streams on the SRAM port, their shares
     * summing to one and in the proportions of the layer's stream cycles, with the time it queued there behind other
     * layers as {@code other layers}; a port one stream had to itself lists none.
     */
    @Test
    void analyze_portBoundLayer_listsTheStreamsSharingThePort() {
        Model m = personDetect();
        HardwareConfig hw = HardwareLoader.load(hw("vela/ethos-u55-high-end-embedded.yaml"), List.of(),
                Optional.of("ethos-u55-256"), Optional.of("shared-sram"));
        SimulationResult r = simulate(m, hw);
        Analysis a = new Analyzer(h -> simulate(m, h)).analyze(r, hw);
        int shared = 0;
        int withQueued = 0;
        for (LayerBottleneck b : a.topLayers()) {
            var streams = new java.util.TreeMap<>(r.layers().get(b.index()).streamCycles().getOrDefault(b.bottleneck(),
                    Collections.emptySortedMap()));
            long queued = r.layers().get(b.index()).queuedCycles().getOrDefault(b.bottleneck(), 0L);
            if (!streams.isEmpty() && queued > 0) {
                streams.put("other layers", queued);
                withQueued++;
            }
            if (streams.size() < 2) {
                assertThat(b.bottleneckStreams()).isEmpty();
                continue;
            }
            long total = streams.values().stream().mapToLong(Long::longValue).sum();
            assertThat(b.bottleneckStreams().keySet()).containsExactlyInAnyOrderElementsOf(streams.keySet());
            assertThat(b.bottleneckStreams().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
            streams.forEach((st, c) -> assertThat(b.bottleneckStreams().get(st)).isCloseTo((double) c / total, within(1e-9)));
            assertThat(new ArrayList<>(b.bottleneckStreams().values())).isSortedAccordingTo((x, y) -> Double.compare(y, x));
            shared++;
        }
        System.out.println("person_detect on U55-256: " + shared + " of the slowest layers bound by a shared port, "
                + withQueued + " of them queued behind other layers there");
        assertThat(shared).isPositive();
        assertThat(withQueued).isPositive();
    }

    @Test
    void analyze_topLayers_slowestFirstAtMostTenWithSharesOfTheRun() {
        Model m = personDetect();
        HardwareConfig hw = HardwareLoader.load(hw("corstone-300.yaml"));
        SimulationResult r = simulate(m, hw);
        Analysis a = new Analyzer(h -> simulate(m, h)).analyze(r, hw);
        assertThat(a.whatIfsRun()).isFalse();
        assertThat(a.whatIfs()).isEmpty();
        assertThat(a.topLayers()).hasSize(Analyzer.TOP_LAYERS);
        for (int i = 1; i < a.topLayers().size(); i++) {
            assertThat(a.topLayers().get(i).cycles()).isLessThanOrEqualTo(a.topLayers().get(i - 1).cycles());
        }
        long slowest = r.layers().stream().mapToLong(l -> l.cycles()).max().orElseThrow();
        assertThat(a.topLayers().get(0).cycles()).isEqualTo(slowest);
        assertThat(a.topLayers()).allSatisfy(l -> assertThat(l.shareOfRun()).isBetween(0.0, 1.0));
        assertThat(new ArrayList<>(a.utilization().values())).isSortedAccordingTo((x, y) -> Double.compare(y, x));
    }

    @Test
    void energySplit_withStaticPower_partsAddUpToTheResultAndStaticIsPowerTimesTime() {
        Model m = personDetect();
        HardwareConfig hw = HardwareLoader.load(hw("corstone-300.yaml"), Overrides.of("memories.sram.static_power=10 mW"));
        SimulationResult r = simulate(m, hw);
        EnergySplit s = EnergySplit.of(r, hw);
        assertThat(s.totalJoules()).isCloseTo(r.total().energyJoules(), within(r.total().energyJoules() * 1e-6));
        // 10 mW for the whole run (layer spans add up to it).
        assertThat(s.staticJoules()).isCloseTo(0.010 * r.total().seconds(), within(0.010 * r.total().seconds() * 1e-5));
        assertThat(s.memoryJoules()).containsKeys("sram", "ddr");
        // Every layer runs on the NPU, but the CPU runs the driver that invokes it: its busy cycles are charged at
        // the CPU's energy per cycle.
        double cpuBusyCycles = r.layers().stream().mapToLong(l -> l.busyCycles().getOrDefault("cpu", 0L)).sum()
                * (double) hw.cpu().clockHz() / hw.referenceClockHz();
        assertThat(cpuBusyCycles).isPositive();
        assertThat(s.cpuJoules()).isCloseTo(cpuBusyCycles * hw.energy().cpuEnergyPjPerCycle() * 1e-12,
                within(s.cpuJoules() * 1e-9));
    }

    @Test
    void largerVariant_eachFamily_nextByMacsOrNone() {
        assertThat(Analyzer.largerVariant(NpuVariant.ETHOS_U55_32)).contains(NpuVariant.ETHOS_U55_64);
        assertThat(Analyzer.largerVariant(NpuVariant.ETHOS_U55_128)).contains(NpuVariant.ETHOS_U55_256);
        assertThat(Analyzer.largerVariant(NpuVariant.ETHOS_U55_256)).isEmpty();
        assertThat(Analyzer.largerVariant(NpuVariant.ETHOS_U65_256)).contains(NpuVariant.ETHOS_U65_512);
        assertThat(Analyzer.largerVariant(NpuVariant.ETHOS_U65_512)).isEmpty();
    }

    @Test
    void nextMode_towardsOnChipMemory() {
        assertThat(Analyzer.nextMode(MemoryMode.DEDICATED_SRAM)).contains(MemoryMode.SHARED_SRAM);
        assertThat(Analyzer.nextMode(MemoryMode.SHARED_SRAM)).contains(MemoryMode.SRAM_ONLY);
        assertThat(Analyzer.nextMode(MemoryMode.SRAM_ONLY)).isEmpty();
        assertThat(Analyzer.nextMode(MemoryMode.CUSTOM)).isEmpty();
    }

    @Test
    void ranges_sortedIndices_compressedRuns() {
        assertThat(Analyzer.ranges(List.of(1, 2, 3, 5, 7, 8))).isEqualTo("1-3, 5, 7-8");
        assertThat(Analyzer.ranges(List.of(4))).isEqualTo("4");
        assertThat(Analyzer.ranges(List.of())).isEmpty();
    }

    @Test
    void describe_resourceLabels_inWords() {
        HardwareConfig hw = HardwareLoader.load(hw("corstone-300.yaml"));
        assertThat(Resources.describe("axi1:ddr", hw)).isEqualTo("AXI1 port to ddr (dram)");
        assertThat(Resources.describe("mac", hw)).isEqualTo("MAC array");
        assertThat(Resources.describe("sram", hw)).isEqualTo("CPU waiting on sram (sram)");
        assertThat(Resources.channelMemory("axi0:sram")).isEqualTo("sram");
        assertThat(Resources.channelMemory("dma")).isEmpty();
    }

    @Test
    void topLayers_npuLayerBoundByTheCpu_isTheDriversWork() {
        // hello_world's first FC is 16 MACs: the driver's invocation of the NPU (thousands of CPU cycles) is most of
        // it. The result says "cpu" (the resource); in words, and in the table, it is the driver.
        Model m = TfliteReader.read(SharedData.model("hello_world_int8"));
        HardwareConfig hw = HardwareLoader.load(hw("corstone-300.yaml"), Overrides.NONE);
        SimulationResult r = simulate(m, hw);
        LayerResult first = r.layers().get(0);
        assertThat(first.unit()).isEqualTo(Unit.NPU);
        assertThat(first.bottleneck()).isEqualTo("cpu");
        assertThat(Resources.describeBottleneck(first, hw)).isEqualTo("CPU running the NPU driver");
        assertThat(Resources.bottleneckLabel(first)).isEqualTo("cpu (driver)");
        Analysis a = new Analyzer(h -> simulate(m, h)).analyze(r, hw);
        assertThat(a.topLayers()).filteredOn(b -> b.index() == 0).extracting(LayerBottleneck::bottleneckDescription)
                .containsExactly("CPU running the NPU driver");
    }
}
