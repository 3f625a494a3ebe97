// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.testsupport.SharedData;

/**
 * Hostile hardware for the event-driven engine: the shipped systems with every memory's latency, clock (scale) and
 * burst length, the NPU variant and clock, Vela's memory mode, and the overlap and contention switches drawn at
 * random (seeded, so a failure repeats), on the four small shipped model descriptions. Every run must end, pass
 * the engine's own conservation check (a violation throws IllegalStateException), respect the MAC bound per
 * layer, and read no OFM before its producer drained ({@link DataDependencyTest#margin}); the only acceptable
 * failure is bad input (a mode a system rejects, a memory too small), in one line. A deadlock like the one Himax
 * WE2's 1/64 flash once caused (a step with fewer OFM blocks than weight slices never finished) fails here as an
 * exception, since the event queue then drains with steps unfinished. 1,500 draws ran clean when this was
 * written; 300 run in CI.
 */
final class SimulationStressTest {

    private static final String[] SYSTEMS = {"corstone-300.yaml", "corstone-310.yaml", "alif-e7-hp.yaml",
        "alif-e7-he.yaml", "himax-we2.yaml", "vela/ethos-u55-high-end-embedded.yaml", "vela/ethos-u65-high-end.yaml"};
    private static final String[] MODELS = {"mobilenet_v1_025_96", "ds_cnn_small", "resnet8", "autoencoder_ad"};
    private static final String[] U55 = {"ethos-u55-32", "ethos-u55-64", "ethos-u55-128", "ethos-u55-256"};
    private static final String[] U65 = {"ethos-u65-256", "ethos-u65-512"};
    private static final String[] LATENCIES = {"0 cycles", "1 cycles", "32 cycles", "250 cycles", "4000 cycles"};
    private static final String[] SCALES = {"0.015625", "0.125", "0.5", "1.0"};
    private static final String[] BURSTS = {"4 B", "32 B", "128 B", "512 B"};
    private static final String[] MODES = {"sram-only", "shared-sram", "dedicated-sram"};

    @Test
    void simulate_randomHardware_alwaysEndsConservedAndBounded() {
        Path root = SharedData.repositoryRoot();
        List<Model> models = new ArrayList<>();
        for (String name : MODELS) {
            models.add(ModelDescriptions.load(root.resolve("models/" + name + ".yaml")));
        }
        Random random = new Random(20261123);
        int ran = 0;
        int refused = 0;
        // A margin with nothing to check is 'not negative' too: the totals show the checks ran.
        long readChecks = 0;
        long constantChecks = 0;
        for (int run = 0; run < 300; run++) {
            Path system = root.resolve("hwconfigs/" + SYSTEMS[random.nextInt(SYSTEMS.length)]);
            HardwareConfig base = HardwareLoader.load(system);
            List<String> set = new ArrayList<>();
            if (base.npu().isPresent()) {
                String[] variants = base.npu().get().variant().label().startsWith("ethos-u65") ? U65 : U55;
                set.add("npu.variant=" + variants[random.nextInt(variants.length)]);
                set.add("npu.clock=" + (100 + random.nextInt(900)) + " MHz");
            }
            for (MemoryConfig m : base.memories()) {
                String key = "memories." + m.name() + ".";
                set.add(key + "read_latency=" + LATENCIES[random.nextInt(LATENCIES.length)]);
                set.add(key + "write_latency=" + LATENCIES[random.nextInt(LATENCIES.length)]);
                set.add(key + "burst_length=" + BURSTS[random.nextInt(BURSTS.length)]);
                if (random.nextBoolean()) {
                    set.add(key + "clock_scale=" + SCALES[random.nextInt(SCALES.length)]);
                }
            }
            if (system.getParent().getFileName().toString().equals("vela")) {
                set.add("placement=" + MODES[random.nextInt(MODES.length)]);
            }
            set.add("simulation.overlap=" + random.nextBoolean());
            set.add("simulation.contention=" + random.nextBoolean());
            Model model = models.get(random.nextInt(models.size()));
            HardwareConfig hw = load(system, set, random);
            if (hw == null) {
                refused++;
                continue;
            }
            // After load, which may have replaced a setting the system rejects: what was run.
            String what = model.name() + " on " + system.getFileName() + " " + set;
            SimulationResult r;
            try {
                Simulator.Run timed = Simulator.standard().run(model, model.name(), hw, true);
                DataDependencyTest.Margin reads = DataDependencyTest.margin(timed);
                DataDependencyTest.Margin constants = DataDependencyTest.scalesAfterWeights(timed);
                assertThat(reads.leastPs()).as("%s: a read before its data was written", what).isNotNegative();
                assertThat(constants.leastPs()).as("%s: scales before their DMA", what).isNotNegative();
                readChecks += reads.checked();
                constantChecks += constants.checked();
                r = timed.result();
            } catch (InputException tooSmall) {
                assertThat(tooSmall.getMessage()).as(what).doesNotContain("\n");
                refused++;
                continue;
            }
            assertThat(r.total().cycles()).as(what).isPositive();
            for (LayerResult l : r.layers()) {
                assertThat(l.cycles()).as(what).isNotNegative();
                if (l.unit() == Unit.NPU && hw.npu().isPresent()) {
                    long macBound = (long) Math.ceil((double) l.macs() / hw.npu().get().variant().macsPerCycle());
                    assertThat(l.cycles() + 1).as("%s layer %d", what, l.index()).isGreaterThanOrEqualTo(macBound);
                }
            }
            ran++;
        }
        System.out.printf("random hardware: %d runs ended conserved and bounded, %d refused as bad input%n", ran, refused);
        assertThat(ran).isGreaterThan(200);
        System.out.printf("random hardware: %,d reads of earlier outputs and %,d DMA-buffered weight reads checked%n",
                readChecks, constantChecks);
        assertThat(readChecks).isPositive();
        assertThat(constantChecks).isPositive();
    }

    /**
     * Loads {@code system} with {@code set}. A memory that states its own clock refuses a clock scale (a
     * description gives one or the other, in one line): that override then becomes a clock of its own. Returns null
     * for any other refusal, checked to be one line.
     */
    private static HardwareConfig load(Path system, List<String> set, Random random) {
        while (true) {
            try {
                return HardwareLoader.load(system, set, Optional.empty(), Optional.empty());
            } catch (InputException invalid) {
                String message = invalid.getMessage();
                assertThat(message).as("%s %s", system, set).doesNotContain("\n");
                int at = message.indexOf(".clock_scale: give either clock or clock_scale");
                if (at < 0) {
                    return null;
                }
                String key = message.substring(message.lastIndexOf(' ', at) + 1, at);
                set.removeIf(s -> s.startsWith(key + ".clock_scale="));
                set.add(key + ".clock=" + (5 + random.nextInt(500)) + " MHz");
            }
        }
    }
}
