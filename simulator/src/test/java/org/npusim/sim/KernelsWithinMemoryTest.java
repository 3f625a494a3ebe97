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
     * At every flash size the run fits, never loses to the kernels that store no more than dense, and comes within
     * 1% of the best choice an exhaustive search over every layer's kernels finds (the greedy takes upgrades by
     * cycles saved per byte, which is not optimal in every case).
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
                    .isGreaterThanOrEqualTo(best).isLessThanOrEqualTo((long) (best * 1.01));
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
        assertThat(r.notes()).anyMatch(n -> n.startsWith("CPU kernels that store more weight bytes than dense"
                + " (Winograd tiles) do not all fit, so the fastest runs on layers 0, 1, 2, 5, one storing no more than"
                + " dense on layer 9, chosen by cycles saved per byte: memory flash holds 262144 bytes but the model's"
                + " weights and constants need 436592"));
        assertThat(r.layers().get(5).kernel()).endsWith("[winograd-f4]");
        assertThat(r.layers().get(9).kernel()).doesNotContain("winograd");
        assertThat(r.total().cycles()).isLessThan(denseSized.total().cycles() * 76 / 100);
    }
}
