// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.CpuKernelOption;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.kernels.KernelChoice;
import org.npusim.kernels.VariantCpuCostModel;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.WeightSizer;
import org.npusim.result.SimulationResult;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.ShippedHardware;

/**
 * {@code --cpu-kernels auto} where the fastest kernels' weights do not all fit: resnet8 on the Cortex-M4 board, whose
 * five 3x3 stride-1 convolutions run fastest with Winograd F(4x4,3x3) tiles (436,592 bytes of constants in all,
 * against 78,752 dense), with flashes from 80 KiB (dense fits, one layer's tiles do) to 430 KiB (all fit).
 */
final class KernelsWithinMemoryTest {

    private static final Model RESNET8 = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));

    private static HardwareConfig m4(String flash) {
        return HardwareLoader.load(ShippedHardware.file("cpu-only/cortex-m4-120mhz.yaml"),
                List.of("memories.flash.size=" + flash), Optional.empty(), Optional.empty());
    }

    private static VariantCpuCostModel auto(HardwareConfig h) {
        return new VariantCpuCostModel(CortexMCostModel.of(h), h.cpu().core(), KernelChoice.AUTO);
    }

    /**
     * At every flash size the run fits, never loses to the kernels that store no more than dense, and equals the
     * best choice an exhaustive search over every layer's kernels finds. (The greedy takes upgrades by cycles saved
     * per byte, which is not optimal in every case; on resnet8 it is at these nine sizes.)
     */
    @Test
    void choice_fitsBeatsDenseSizedKernelsAndComesCloseToTheExhaustiveBest() {
        // Every combination of the layers' kernels, simulated on a flash that holds them all: cycles and bytes.
        HardwareConfig roomy = m4("1 MiB");
        Subgraph g = RESNET8.main();
        VariantCpuCostModel probe = auto(roomy);
        List<Integer> layers = new ArrayList<>();
        List<long[]> limitsByLayer = new ArrayList<>();
        // Kernels that store more and are slower than the dense-sized choice (sparse indices on dense weights)
        // are never worth their bytes; the others give each layer its choices of limit.
        var denseSizedProbe = probe.withExtraWeightLimits(Map.of());
        for (Operator op : g.operators()) {
            TreeSet<Long> limits = new TreeSet<>(List.of(0L));
            for (CpuKernelOption o : probe.kernelOptions(g, op)) {
                if (o.extraWeightBytes() > 0 && o.cycles() < denseSizedProbe.cost(g, op).cycles()) {
                    limits.add(o.extraWeightBytes());
                }
            }
            if (limits.size() > 1) {
                layers.add(op.index());
                limitsByLayer.add(limits.stream().mapToLong(Long::longValue).toArray());
            }
        }
        assertThat(layers).as("resnet8's 3x3 stride-1 convolutions").containsExactly(0, 1, 2, 5, 9);
        List<long[]> cyclesAndBytes = new ArrayList<>();
        int[] pick = new int[layers.size()];
        while (true) {
            Map<Integer, Long> limits = new TreeMap<>();
            for (int k = 0; k < pick.length; k++) {
                limits.put(layers.get(k), limitsByLayer.get(k)[pick[k]]);
            }
            SimulationResult r = new Simulator(h -> auto(h).withExtraWeightLimits(limits), WeightSizer.UNCOMPRESSED)
                    .simulate(RESNET8, "resnet8", roomy);
            cyclesAndBytes.add(new long[] {r.total().cycles(), r.total().weights().encodedBytes()});
            int k = 0;
            while (k < pick.length && ++pick[k] == limitsByLayer.get(k).length) {
                pick[k++] = 0;
            }
            if (k == pick.length) {
                break;
            }
        }
        Simulator autoSim = new Simulator(KernelsWithinMemoryTest::auto, WeightSizer.UNCOMPRESSED);
        Simulator denseSized = new Simulator(h -> auto(h).withExtraWeightLimits(Map.of()), WeightSizer.UNCOMPRESSED);
        for (int kib : new int[] {80, 90, 100, 120, 140, 180, 256, 300, 430}) {
            HardwareConfig hw = m4(kib + " KiB");
            long flashBytes = kib * 1024L;
            SimulationResult r = autoSim.simulate(RESNET8, "resnet8", hw);
            long best = cyclesAndBytes.stream().filter(c -> c[1] <= flashBytes).mapToLong(c -> c[0]).min().orElseThrow();
            System.out.printf("resnet8 on the M4 with %d KiB of flash: auto %,d cycles, %,d bytes; exhaustive best %,d"
                    + " cycles (%+.2f%%)%n", kib, r.total().cycles(), r.total().weights().encodedBytes(), best,
                    100.0 * (r.total().cycles() - best) / best);
            assertThat(r.total().weights().encodedBytes()).isLessThanOrEqualTo(flashBytes);
            assertThat(r.total().cycles()).isLessThanOrEqualTo(denseSized.simulate(RESNET8, "resnet8", hw).total().cycles())
                    .isEqualTo(best);
        }
    }

    /**
     * The note names which layers keep the tiles. At 256 KiB the four convolutions 0, 1, 2 and 5 keep their F4
     * tiles (178,544 bytes of constants) and layer 9's, 258,048 bytes more, do not fit: 24.9% fewer cycles than with
     * dense-sized kernels on every layer.
     */
    @Test
    void note_namesTheLayersThatKeepTheirTilesAndThoseLeftOut() {
        HardwareConfig hw = m4("256 KiB");
        SimulationResult r = new Simulator(KernelsWithinMemoryTest::auto, WeightSizer.UNCOMPRESSED)
                .simulate(RESNET8, "resnet8", hw);
        SimulationResult denseSized = new Simulator(h -> auto(h).withExtraWeightLimits(Map.of()), WeightSizer.UNCOMPRESSED)
                .simulate(RESNET8, "resnet8", hw);
        assertThat(r.notes()).anyMatch(n -> n.startsWith("CPU kernels that need more memory than dense"
                + " (winograd-f4) do not all fit, so the fastest runs on layers 0, 1, 2, 5 and one storing no more than"
                + " dense on layer 9, chosen by cycles saved per byte: memory flash holds 262144 bytes but the model's"
                + " weights and constants need 436592"));
        assertThat(r.layers().get(5).kernel()).endsWith("[winograd-f4]");
        assertThat(r.layers().get(9).kernel()).doesNotContain("winograd");
        assertThat(r.total().cycles()).isLessThan(denseSized.total().cycles() * 76 / 100);
    }

    /**
     * The arena holds each CPU kernel's scratch buffers beside the tensors live at it (TensorFlow Lite Micro plans
     * them for the call). resnet8 on the Cortex-M4 peaks at layer 2, stack1_conv_b: 49,152 bytes of live tensors
     * and its im2col columns, 2 columns of 3·3·16 int16 values, 576 bytes, so a 49,152-byte SRAM no longer holds the
     * dense run and 49,728 bytes do. Winograd F4's tiles there take 6,912 bytes (2 tiles of 6x6 positions, each 2
     * bytes of 16 input and 4 of 16 output channels: 2·36·(32 + 64)), so with 49,728 bytes auto keeps F4 on the
     * other four 3x3 convolutions and runs layer 2 dense, and the note gives the arena as the reason.
     */
    @Test
    void arena_holdsTheKernelsScratchBuffers() {
        Simulator dense = new Simulator(CortexMCostModel::of, WeightSizer.UNCOMPRESSED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dense.simulate(RESNET8, "resnet8", sram("49152 B")))
                .hasMessageEndingWith("memory sram: holds 49152 bytes but layer 2 (stack1_conv_b) needs 49728 bytes of"
                        + " live activations (its CPU kernel's 576 bytes of scratch buffers included) (placement.arena)");
        assertThat(dense.simulate(RESNET8, "resnet8", sram("49728 B")).total().cycles()).isPositive();
        SimulationResult auto = new Simulator(KernelsWithinMemoryTest::auto, WeightSizer.UNCOMPRESSED)
                .simulate(RESNET8, "resnet8", sram("49728 B"));
        assertThat(auto.layers().get(2).kernel()).isEqualTo("arm_convolve_s8");
        for (int layer : new int[] {0, 1, 5, 9}) {
            assertThat(auto.layers().get(layer).kernel()).endsWith("[winograd-f4]");
        }
        assertThat(auto.notes()).anyMatch(n -> n.startsWith(Simulator.KERNELS_NOT_ALL_FIT) && n.contains("layer 2"
                + " (stack1_conv_b) needs 56064 bytes of live activations (its CPU kernel's 6912 bytes of scratch"
                + " buffers included)"));
    }

    /**
     * A Helium fully connected layer keeps its kernel sums in the arena for the whole run (TensorFlow Lite Micro
     * allocates them as persistent memory in Prepare), so they add to the peak wherever it falls. resnet8 on the
     * Cortex-M55 board peaks at layer 2 as on the M4: 49,152 bytes of live tensors and 4 im2col columns of 3·3·16 =
     * 144 values (already a multiple of 16), 576 bytes; its last layer, a fully connected one of 10 outputs, keeps
     * 4·10 = 40 bytes of sums: 49,768 in all.
     */
    @Test
    void arena_holdsHeliumFullyConnectedKernelSumsForTheWholeRun() {
        Simulator dense = new Simulator(CortexMCostModel::of, WeightSizer.UNCOMPRESSED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dense.simulate(RESNET8, "resnet8", m55Sram("49767 B")))
                .hasMessageEndingWith("memory sram0: holds 49767 bytes but layer 2 (stack1_conv_b) needs 49768 bytes of"
                        + " live activations (its CPU kernel's 576 bytes of scratch buffers included) (with the CPU"
                        + " kernels' 40 bytes of persistent buffers) (placement.arena)");
        SimulationResult r = dense.simulate(RESNET8, "resnet8", m55Sram("49768 B"));
        assertThat(r.total().memory().get("sram0").arenaBytes()).isEqualTo(49_152 + 576 + 4 * 10);
    }

    private static HardwareConfig m55Sram(String size) {
        return HardwareLoader.load(ShippedHardware.file("cpu-only/cortex-m55-400mhz.yaml"),
                List.of("memories.sram0.size=" + size), Optional.empty(), Optional.empty());
    }

    /**
     * Auto never loses to dense, even where the arena is the binding memory: MobileNet v1 0.25 on the Cortex-M55
     * board with a 55,296-byte SRAM holds the dense run exactly (layer 2's peak, 55,296 bytes), while zero-skipping
     * kernels (chosen for half-zero activations) keep a few bytes of scratch where CMSIS-NN's 1x1 convolution keeps
     * none. The greedy then starts from dense kernels instead of refusing the run.
     */
    @Test
    void choice_arenaHoldsOnlyTheDenseRun_autoStillRunsAndNeverLoses() {
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/mobilenet_v1_025_96.yaml"));
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("cpu-only/cortex-m55-400mhz.yaml"),
                List.of("memories.sram0.size=55296 B"), Optional.empty(), Optional.empty());
        Map<Integer, Double> halfZero = new TreeMap<>();
        m.main().operators().forEach(op -> halfZero.put(op.index(), 0.5));
        SimulationResult dense = new Simulator(CortexMCostModel::of, WeightSizer.UNCOMPRESSED).simulate(m, "m", hw);
        SimulationResult auto = new Simulator(h -> new VariantCpuCostModel(CortexMCostModel.of(h), h.cpu().core(),
                KernelChoice.AUTO, halfZero), WeightSizer.UNCOMPRESSED).simulate(m, "m", hw);
        assertThat(auto.total().cycles()).isLessThanOrEqualTo(dense.total().cycles());
    }

    private static HardwareConfig sram(String size) {
        return HardwareLoader.load(ShippedHardware.file("cpu-only/cortex-m4-120mhz.yaml"),
                List.of("memories.sram.size=" + size), Optional.empty(), Optional.empty());
    }

    /**
     * A stub cost model over two fully connected layers (1 and 2) that share one 1,000-byte weight tensor: layer 1
     * may store it sparse (100 bytes less, 900 cycles instead of 1,000), layer 2 as Winograd-like tiles (5,000
     * bytes more, 400 cycles instead of 1,000); limits as {@link CpuCostModel#withExtraWeightLimits} gives them.
     */
    private record SharedTensorModel(Map<Integer, Long> limits) implements CpuCostModel {
        private static final Map<Integer, List<CpuKernelOption>> OPTIONS = Map.of(
                1, List.of(new CpuKernelOption("fc", 1000, 0), new CpuKernelOption("fc [sparse]", 900, -100)),
                2, List.of(new CpuKernelOption("fc", 1000, 0), new CpuKernelOption("fc [tiles]", 400, 5000)));

        @Override
        public org.npusim.cpu.CpuOpCost cost(Subgraph graph, Operator op) {
            CpuKernelOption o = chosen(op);
            return new org.npusim.cpu.CpuOpCost(o.cycles(), "cpu", o.kernel(), new TreeMap<>(), new TreeMap<>(),
                    new TreeMap<>(Map.of("cpu", o.cycles())));
        }

        @Override
        public long extraWeightBytes(Subgraph graph, Operator op) {
            return chosen(op).extraWeightBytes();
        }

        @Override
        public List<CpuKernelOption> kernelOptions(Subgraph graph, Operator op) {
            return OPTIONS.getOrDefault(op.index(), List.of());
        }

        @Override
        public CpuCostModel withExtraWeightLimits(Map<Integer, Long> limitByOperator) {
            return new SharedTensorModel(Map.copyOf(limitByOperator));
        }

        private CpuKernelOption chosen(Operator op) {
            long limit = limits == null ? Long.MAX_VALUE : limits.getOrDefault(op.index(), 0L);
            CpuKernelOption best = new CpuKernelOption("pool", 10, 0);
            for (CpuKernelOption o : OPTIONS.getOrDefault(op.index(), List.of())) {
                if (o.extraWeightBytes() <= limit && (best.kernel().equals("pool") || o.cycles() < best.cycles())) {
                    best = o;
                }
            }
            return best;
        }
    }

    /** x → pool → p; layers 1 and 2 read p and the same 1,000-byte weight tensor. */
    private static org.npusim.plan.ExecutionPlan sharedTensorPlan() {
        org.npusim.testsupport.TestGraph t = new org.npusim.testsupport.TestGraph(org.npusim.graph.Shape.of(1, 1, 1, 8));
        int w = t.tensor("w", org.npusim.graph.Shape.of(125, 8),
                org.npusim.graph.ConstantData.ofInt8(new byte[1000]));
        for (String name : List.of("a", "b")) {
            int y = t.tensor(name, org.npusim.graph.Shape.of(1, 125), null);
            t.op(org.npusim.graph.BuiltinOperator.FULLY_CONNECTED, new int[] {t.p, w}, new int[] {y},
                    new org.npusim.graph.OpOptions.FullyConnected(org.npusim.graph.Activation.NONE, 0, false, false));
            t.outputs.add(y);
        }
        return org.npusim.plan.ExecutionPlan.cpuOnly(t.model());
    }

    /**
     * A weight tensor that two layers read is stored in every encoding their kernels read: sparse (900 bytes) on
     * layer 1 beside the stored form that layer 2 reads adds all of its bytes (+900), as the tiles (6,000 bytes) do
     * beside it (+6,000); sparse and tiles together keep no stored form (900 + 6,000 − 1,000 = +5,900). Counting only
     * the first re-encoding (−100 for both kernels) let a memory hold 6,000 bytes too few.
     */
    @Test
    void extraWeights_sharedTensor_everyEncodingItsReadersUseIsCounted() {
        org.npusim.plan.ExecutionPlan plan = sharedTensorPlan();
        Subgraph g = plan.model().main();
        SharedTensorModel all = new SharedTensorModel(null);
        assertThat(KernelsWithinMemory.extraWeights(all, g, plan)).isEqualTo(Map.of(1, 5900L));
        assertThat(KernelsWithinMemory.extraWeights(all.withExtraWeightLimits(Map.of()), g, plan))
                .isEqualTo(Map.of(1, 900L));
        assertThat(KernelsWithinMemory.extraWeights(all.withExtraWeightLimits(Map.of(1, Long.MIN_VALUE)), g, plan))
                .isEqualTo(Map.of());
        assertThat(KernelsWithinMemory.extraWeights(all.withExtraWeightLimits(Map.of(1, Long.MIN_VALUE, 2, 5000L)),
                g, plan)).isEqualTo(Map.of(2, 6000L));
    }

    /**
     * The greedy on the stub: from the dense-sized choice (layer 1 sparse beside the stored form, +900 bytes), the
     * tiles on layer 2 save 600 cycles for 5,000 bytes more (+5,900 in all, as counted above) and are kept exactly
     * when the room allows them.
     */
    @Test
    void choose_sharedTensor_keepsTheTilesOnlyWhereTheirBytesFit() {
        org.npusim.plan.ExecutionPlan plan = sharedTensorPlan();
        Subgraph g = plan.model().main();
        SharedTensorModel all = new SharedTensorModel(null);
        KernelsWithinMemory.Choice roomy = KernelsWithinMemory.choose(all, g, plan,
                (model, extras) -> extras.values().stream().mapToLong(Long::longValue).sum() <= 5900);
        assertThat(roomy.fastest()).containsExactly(2);
        assertThat(roomy.leftOut()).isEmpty();
        assertThat(roomy.extraWeights()).isEqualTo(Map.of(1, 5900L));
        KernelsWithinMemory.Choice tight = KernelsWithinMemory.choose(all, g, plan,
                (model, extras) -> extras.values().stream().mapToLong(Long::longValue).sum() <= 5899);
        assertThat(tight.fastest()).isEmpty();
        assertThat(tight.leftOut()).containsExactly(2);
        assertThat(tight.extraWeights()).isEqualTo(Map.of(1, 900L));
    }
}
