// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.CpuOpCost;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.hw.CpuCore;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.WeightSizer;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.testsupport.TestGraph;

final class VariantCpuCostModelTest {

    /** Cortex-M4 with its weights in flash at 5 wait states: no data cache, so reads are the loads' bytes. */
    static final HardwareConfig M4 = HardwareLoader.load(ShippedHardware.file("cpu-only/cortex-m4-120mhz.yaml"));
    static final CortexMCostModel BASE = CortexMCostModel.of(M4);

    static Subgraph resnet8() {
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));
        return m.main();
    }

    @Test
    void cost_dense_isTheBaseCost() {
        Subgraph g = resnet8();
        CpuCostModel dense = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.DENSE);
        for (Operator op : g.operators()) {
            assertThat(dense.cost(g, op)).isEqualTo(BASE.cost(g, op));
        }
    }

    @Test
    void cost_winograd_scalesTheKernelsComputeAndReadsTheTransformedWeightsOncePerTile() {
        Subgraph g = resnet8();
        CpuCostModel w = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.WINOGRAD);
        KernelCostModel model = new KernelCostModel(CpuCore.CORTEX_M4);
        int scaled = 0;
        for (Operator op : g.operators()) {
            CpuOpCost base = BASE.cost(g, op);
            CpuOpCost c = w.cost(g, op);
            var shape = LayerShape.of(g, op);
            if (shape.isPresent() && shape.get().isWinogradShape()) {
                scaled++;
                LayerShape s = shape.get();
                Sparsity none = Sparsity.ofWeights(0);
                VariantCost f2 = model.cost(s, KernelVariant.WINOGRAD_F2, none);
                VariantCost f4 = model.cost(s, KernelVariant.WINOGRAD_F4, none);
                assertThat(c.kernel()).startsWith(base.kernel() + " [winograd-f");
                VariantCost chosen = c.kernel().endsWith("[winograd-f2]") ? f2 : f4;
                // The flash operand is the weights (one byte per value) and the bias (4 bytes per channel). The bias
                // is read as the dense kernel reads it; the transformed int16 tiles, t·t·Cin·Cout·2 bytes, once per
                // output tile (2x2 or 4x4 outputs).
                long bias = 4L * s.outC();
                long dense = s.weightCount() + bias;
                WinogradTile tile = WinogradTile.of(chosen.variant());
                long tiles = (long) ((s.outH() + tile.outputEdge() - 1) / tile.outputEdge())
                        * ((s.outW() + tile.outputEdge() - 1) / tile.outputEdge());
                assertThat(chosen.footprint().weightBytes())
                        .isEqualTo(2L * tile.inputEdge() * tile.inputEdge() * s.inC() * s.outC());
                assertThat((double) c.readBytes().get("flash")).isCloseTo(base.readBytes().get("flash")
                        * (double) bias / dense + (double) chosen.footprint().weightBytes() * tiles, within(1.0));
                // Reads of the arena (the input) and writes (the output) are the dense kernel's.
                assertThat(c.readBytes().get("sram")).isEqualTo(base.readBytes().get("sram"));
                assertThat(c.writeBytes()).isEqualTo(base.writeBytes());
                assertThat(c.cycles()).isNotEqualTo(base.cycles());
            } else {
                assertThat(c).isEqualTo(base);
            }
        }
        // conv_0 and the second convolution of each stack, plus the first of stack 1: 3x3 stride 1.
        assertThat(scaled).isEqualTo(5);
    }

    @Test
    void cost_sparseOnDenseWeights_isForcedAndSlower_autoNeverSlower() {
        Subgraph g = resnet8();
        CpuCostModel sparse = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.SPARSE);
        CpuCostModel auto = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.AUTO);
        for (Operator op : g.operators()) {
            if (LayerShape.of(g, op).isPresent()) {
                // Generated weights are dense (no sparsity key in resnet8.yaml), so CSR pays for nothing, and its
                // indices make the weights in flash larger.
                assertThat(sparse.cost(g, op).cycles()).isGreaterThan(BASE.cost(g, op).cycles());
                assertThat(sparse.cost(g, op).kernel()).contains("[sparse-");
                assertThat(sparse.cost(g, op).readBytes().get("flash")).isGreaterThan(BASE.cost(g, op).readBytes()
                        .get("flash"));
            }
            // Auto costs every variant in full, memory waits included, and dense is one of them.
            assertThat(auto.cost(g, op).cycles()).isLessThanOrEqualTo(BASE.cost(g, op).cycles());
        }
    }

    @Test
    void npuInvocationCycles_areTheBaseModels() {
        CortexMCostModel m55 = CortexMCostModel.of(HardwareLoader.load(ShippedHardware.file("corstone-300.yaml")));
        CpuCostModel w = new VariantCpuCostModel(m55, CpuCore.CORTEX_M55, KernelChoice.WINOGRAD);
        // The driver's work per NPU invocation does not depend on the CPU's convolution kernels (it was lost, 6,788
        // NPU cycles on MobileNet v1 on corstone-300, when the wrapper took the interface's default of 0).
        assertThat(w.npuInvocationCycles()).isEqualTo(m55.npuInvocationCycles()).isPositive();
    }

    /**
     * A Winograd kernel stores transformed int16 tiles, t·t·Cin·Cout·2 bytes where the model holds Cin·Cout·9: the
     * weights memory must hold them. resnet8 on the Cortex-M4 board: 78,752 bytes of constants dense, 436,592 with
     * Winograd; a 200 KiB flash holds the first and not the second.
     */
    @Test
    void winogradWeights_countInTheWeightsAndInTheFlashCapacity() {
        Subgraph g = resnet8();
        VariantCpuCostModel w = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.WINOGRAD);
        KernelCostModel model = new KernelCostModel(CpuCore.CORTEX_M4);
        VariantCpuCostModel autoModel = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.AUTO);
        long winogradExtra = 0;
        long autoExtra = 0;
        for (Operator op : g.operators()) {
            var shape = LayerShape.of(g, op);
            long extra = w.extraWeightBytes(g, op);
            winogradExtra += extra;
            autoExtra += autoModel.extraWeightBytes(g, op);
            if (shape.isPresent() && shape.get().isWinogradShape()) {
                KernelVariant v = w.cost(g, op).kernel().endsWith("[winograd-f2]") ? KernelVariant.WINOGRAD_F2
                        : KernelVariant.WINOGRAD_F4;
                assertThat(extra).isEqualTo(model.footprint(shape.get(), v, Sparsity.ofWeights(0)).weightBytes()
                        - shape.get().weightCount());
            } else {
                assertThat(extra).isZero();
            }
        }
        org.npusim.graph.Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));
        org.npusim.sim.Simulator winograd = new org.npusim.sim.Simulator(h -> new VariantCpuCostModel(
                CortexMCostModel.of(h), h.cpu().core(), KernelChoice.WINOGRAD), WeightSizer.UNCOMPRESSED);
        org.npusim.sim.Simulator dense = new org.npusim.sim.Simulator(CortexMCostModel::of, WeightSizer.UNCOMPRESSED);
        // Dense stores the model's constants as they are (78,752 bytes); Winograd adds its tiles' extra bytes
        // (436,592 in all).
        long denseBytes = g.facts().parameterBytes();
        long winogradBytes = denseBytes + winogradExtra;
        assertThat(winogradBytes).isGreaterThan(200 * 1024).isGreaterThan(denseBytes);
        assertThat(denseBytes).isLessThan(200 * 1024);
        assertThat(winograd.simulate(m, "resnet8", M4).total().weights().encodedBytes()).isEqualTo(winogradBytes);
        assertThat(dense.simulate(m, "resnet8", M4).total().weights().encodedBytes()).isEqualTo(denseBytes);
        HardwareConfig small = HardwareLoader.load(ShippedHardware.file("cpu-only/cortex-m4-120mhz.yaml"),
                java.util.List.of("memories.flash.size=200 KiB"), java.util.Optional.empty(), java.util.Optional.empty());
        assertThat(dense.simulate(m, "resnet8", small).total().cycles()).isPositive();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> winograd.simulate(m, "resnet8", small))
                .isInstanceOf(org.npusim.errors.InputException.class)
                .hasMessageContaining("holds 204800 bytes but the model's weights and constants need " + winogradBytes
                        + " bytes, the CPU kernel variants' weight encodings included: --cpu-kernels dense stores "
                        + denseBytes + " bytes (placement.weights)");
        // auto, chosen for speed, would take the Winograd tiles too; where they do not all fit it keeps them on the
        // layers where they fit and gain most (sim.KernelsWithinMemoryTest), and says so, rather than refusing a
        // model that fits.
        org.npusim.sim.Simulator auto = new org.npusim.sim.Simulator(h -> new VariantCpuCostModel(
                CortexMCostModel.of(h), h.cpu().core(), KernelChoice.AUTO), WeightSizer.UNCOMPRESSED);
        org.npusim.result.SimulationResult r = auto.simulate(m, "resnet8", small);
        assertThat(r.total().weights().encodedBytes()).isLessThanOrEqualTo(200 * 1024).isGreaterThan(denseBytes);
        assertThat(r.total().cycles()).isLessThan(dense.simulate(m, "resnet8", small).total().cycles());
        assertThat(r.notes()).anyMatch(n -> n.startsWith("CPU kernels that need more memory than dense"
                + " (winograd-f4) do not all fit, so the fastest runs on ")
                && n.contains("memory flash holds 204800 bytes"));
        assertThat(auto.simulate(m, "resnet8", M4).total().weights().encodedBytes()).isEqualTo(denseBytes + autoExtra);
    }

    /**
     * Over the shipped model descriptions (MobileNet v2 aside: its weights do not fit these boards' flash dense) on
     * every CPU-only board: every kernel choice either simulates or refuses with a capacity error, never anything
     * else; wherever dense runs, auto runs too (falling back to kernels that store no more than dense when its
     * fastest do not fit) and is never slower.
     */
    @Test
    void everyChoiceOnEveryCpuBoard_runsOrRefusesCleanly_autoRunsWhereDenseRuns() {
        int runs = 0;
        for (String name : new String[] {"autoencoder_ad", "ds_cnn_small", "mobilenet_v1_025_96", "resnet8"}) {
            org.npusim.graph.Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/" + name + ".yaml"));
            for (String board : new String[] {"cortex-m4-120mhz", "cortex-m7-280mhz", "cortex-m33-200mhz",
                "cortex-m55-400mhz", "cortex-m85-480mhz"}) {
                HardwareConfig h = HardwareLoader.load(ShippedHardware.file("cpu-only/" + board + ".yaml"));
                long dense = -1;
                for (KernelChoice choice : KernelChoice.values()) {
                    org.npusim.sim.Simulator sim = new org.npusim.sim.Simulator(hw -> choice == KernelChoice.DENSE
                            ? CortexMCostModel.of(hw)
                            : new VariantCpuCostModel(CortexMCostModel.of(hw), hw.cpu().core(), choice),
                            WeightSizer.UNCOMPRESSED);
                    try {
                        long cycles = sim.simulate(m, name, h).total().cycles();
                        runs++;
                        if (choice == KernelChoice.DENSE) {
                            dense = cycles;
                        } else if (choice == KernelChoice.AUTO && dense >= 0) {
                            assertThat(cycles).as(name + " on " + board).isLessThanOrEqualTo(dense);
                        }
                    } catch (org.npusim.errors.InputException tooLarge) {
                        assertThat(tooLarge.getMessage()).as(name + " on " + board + ", " + choice.label())
                                .contains("holds").contains("bytes but");
                        assertThat(choice == KernelChoice.AUTO && dense >= 0).as(name + " on " + board
                                + ": auto refused where dense runs").isFalse();
                    }
                }
            }
        }
        System.out.println("kernel choices on CPU-only boards: " + runs + " runs");
        assertThat(runs).isGreaterThan(60);
    }

    private static Simulator simulator(KernelChoice choice) {
        return new Simulator(h -> new VariantCpuCostModel(CortexMCostModel.of(h), h.cpu().core(), choice),
                WeightSizer.UNCOMPRESSED);
    }

    private static List<String> changedNothing(SimulationResult r) {
        return r.notes().stream().filter(n -> n.contains(" changed nothing: ")).toList();
    }

    /**
     * A kernel choice that changes no layer says so, and why, rather than leaving a result that reads as the
     * choice's: MobileNet v1 on Corstone-300 runs every convolution on the NPU; autoencoder_ad on the Cortex-M4 is
     * fully connected layers only, which no Winograd kernel computes and on which auto finds dense the fastest
     * (its weights have no zeros to skip). resnet8's 3x3 stride-1 convolutions take Winograd: no such note.
     */
    @Test
    void choiceNote_saysWhyTheChoiceChangedNoLayer() {
        Model mobilenet = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/mobilenet_v1_025_96.yaml"));
        HardwareConfig corstone = HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"));
        assertThat(changedNothing(simulator(KernelChoice.AUTO).simulate(mobilenet, "mobilenet", corstone)))
                .containsExactly("--cpu-kernels auto changed nothing: no int8 convolution or fully connected layer runs"
                        + " on the CPU of corstone-300 (every such layer runs on the NPU)");
        Model autoencoder = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/autoencoder_ad.yaml"));
        assertThat(changedNothing(simulator(KernelChoice.WINOGRAD).simulate(autoencoder, "autoencoder", M4)))
                .containsExactly("--cpu-kernels winograd changed nothing: no winograd kernel applies to the int8"
                        + " convolution and fully connected layers on the CPU of cortex-m4-120mhz (layers 0, 1, 2, 3, 4,"
                        + " 5, 6, 7, 8, 9: Winograd F(m,3) needs a 3x3 stride-1 undilated convolution)");
        assertThat(changedNothing(simulator(KernelChoice.AUTO).simulate(autoencoder, "autoencoder", M4)))
                .containsExactly("--cpu-kernels auto changed nothing: on each int8 convolution and fully connected"
                        + " layer on the CPU of cortex-m4-120mhz (layers 0, 1, 2, 3, 4, 5, 6, 7, 8, 9) the dense kernel"
                        + " is the fastest, with activations taken as dense (--input or --random measures their zeros,"
                        + " which zero-skipping kernels use)");
        Model resnet8 = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));
        for (KernelChoice choice : KernelChoice.values()) {
            assertThat(changedNothing(simulator(choice).simulate(resnet8, "resnet8", M4))).as(choice.label()).isEmpty();
        }
        // A forced family runs wherever it applies, even where it is slower than dense: sparse kernels on resnet8's
        // dense weights, every convolution and the classifier. The note gives the cycles of those layers, which are
        // the run's CPU layers' cycles there, against dense.
        SimulationResult sparse = simulator(KernelChoice.SPARSE).simulate(resnet8, "resnet8", M4);
        SimulationResult dense = simulator(KernelChoice.DENSE).simulate(resnet8, "resnet8", M4);
        java.util.Set<Integer> slower = java.util.Set.of(0, 1, 2, 4, 5, 6, 8, 9, 10, 14);
        long sparseCycles = sparse.layers().stream().filter(l -> slower.contains(l.index())).mapToLong(l -> l.cycles()).sum();
        long denseCycles = dense.layers().stream().filter(l -> slower.contains(l.index())).mapToLong(l -> l.cycles()).sum();
        assertThat(sparse.notes()).contains(String.format(java.util.Locale.ROOT, "--cpu-kernels sparse runs layers 0,"
                + " 1, 2, 4, 5, 6, 8, 9, 10, 14 slower than dense: %,d CPU cycles against %,d (%+.1f%%); --cpu-kernels"
                + " auto keeps each layer's fastest", sparseCycles, denseCycles,
                100.0 * (sparseCycles - denseCycles) / denseCycles));
        // A model with no such layer at all, every layer on the CPU; measured activations are named with the choice.
        Subgraph pool = new TestGraph(Shape.of(1, 8, 8, 4)).model().main();
        VariantCpuCostModel measured = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.AUTO,
                Map.of(0, 0.5));
        assertThat(measured.choiceNote(pool, pool.operators(), "m4")).hasValue("--cpu-kernels auto, with the"
                + " activation sparsity measured on the inputs, changed nothing: no int8 convolution or fully connected"
                + " layer runs on the CPU of m4 (the model has none)");
    }
}
