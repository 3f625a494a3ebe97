// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.Step;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Overlapping steps never read data before it exists: when an NPU step reads the OFM of a step other than the one
 * just before it, its first IFM read starts after that producer's last block has left the output stage. (The step
 * just before may hand over earlier, block by block, under the block dependency rule.) Data is matched by storage
 * ({@link org.npusim.plan.ExecutionPlan#storage}): a removed reshape is a view of its input; in a Vela-compiled
 * command stream a kernel reads the layer of the last command that wrote the memory it reads.
 */
final class DataDependencyTest {

    private static final String[][] CONFIGS = {
        {"hwconfigs/vela/ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram"},
        {"hwconfigs/vela/ethos-u65-high-end.yaml", "ethos-u65-512", "dedicated-sram"},
        {"hwconfigs/vela/ethos-u55-high-end-embedded.yaml", "ethos-u55-256", "shared-sram"}};

    /**
     * k (a 1x1 convolution over the 32x32x64 input) drains its output stage while i, a tiny convolution that does
     * not read k, starts beside it and finishes its MAC work first; j reads k. Were j started when i's MAC array
     * is done, as a step independent of i may be, it would read k's OFM half a microsecond before k had written
     * its last block (with the check: 512 ns after it).
     */
    private static final String BRANCHES = """
            schema: npusim.model/v1
            name: branches
            input: {shape: [1, 32, 32, 64], type: int8, scale: 0.02, zero_point: 0}
            weights: {seed: 1, distribution: uniform}
            layers:
              - {op: conv2d, name: s, filters: 1, kernel: [1, 1], stride: [2, 2], padding: same, inputs: [input]}
              - {op: conv2d, name: k, filters: 64, kernel: [1, 1], padding: same, inputs: [input]}
              - {op: conv2d, name: i, filters: 1, kernel: [1, 1], padding: same, inputs: [s]}
              - {op: max_pool2d, name: j, pool_size: 2, stride: 2, padding: valid, inputs: [k]}
              - {op: concatenation, name: c, inputs: [j, i], axis: 3}
            """;

    @Test
    void simulate_stepReadingAnOfmTwoStepsBack_waitsForItsProducerToDrain() {
        Model m = ModelDescriptions.parse(BRANCHES, "branches.yaml");
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"));
        Margin margin = margin(Simulator.standard().run(m, "branches.yaml", hw, true));
        System.out.printf("branches on corstone-300: %d reads checked, least margin %,d ps%n", margin.checked(),
                margin.leastPs());
        // j reads k, i reads s, and the concatenation's write of i's part (an NPU average pool) reads i, two steps
        // after it.
        assertThat(margin.checked()).isEqualTo(3);
        assertThat(margin.leastPs()).isNotNegative();
    }

    /**
     * A concatenation written in two parts (two average pools) and read by a convolution: the reader must wait for
     * both parts, the first of which (two steps back) the block dependency does not cover.
     */
    @Test
    void simulate_readerOfAConcatenation_waitsForEveryPart() {
        Model m = ModelDescriptions.parse(BRANCHES + "  - {op: conv2d, name: r, filters: 8, kernel: [1, 1],"
                + " padding: same, inputs: [c]}\n", "concat_reader.yaml");
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"));
        Margin margin = margin(Simulator.standard().run(m, "concat_reader.yaml", hw, true));
        System.out.printf("a concatenation's reader on corstone-300: %d reads checked, least margin %,d ps%n",
                margin.checked(), margin.leastPs());
        // j reads k, i reads s, the second part's pool reads i, and r reads the first part (two steps back).
        assertThat(margin.checked()).isEqualTo(4);
        assertThat(margin.leastPs()).isNotNegative();
    }

    /** The same with j reading k's output through a reshape to its own shape (removed: j reads a view of k's OFM). */
    private static final String RESHAPED = BRANCHES.replace(
            "  - {op: max_pool2d, name: j, pool_size: 2, stride: 2, padding: valid, inputs: [k]}\n",
            "  - {op: reshape, name: r, new_shape: [1, 32, 32, 64], inputs: [k]}\n"
                    + "  - {op: max_pool2d, name: j, pool_size: 2, stride: 2, padding: valid, inputs: [r]}\n");

    @Test
    void simulate_stepReadingAReshapedOfm_waitsForItsProducerToDrain() {
        assertThat(RESHAPED).contains("inputs: [r]");
        Model m = ModelDescriptions.parse(RESHAPED, "reshaped.yaml");
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"));
        Margin margin = margin(Simulator.standard().run(m, "reshaped.yaml", hw, true));
        System.out.printf("branches with a reshape on corstone-300: %d reads checked, least margin %,d ps%n",
                margin.checked(), margin.leastPs());
        // As in BRANCHES: j reads k (through r), i reads s, and the concatenation's second-part pool reads i.
        assertThat(margin.checked()).isEqualTo(3);
        assertThat(margin.leastPs()).isNotNegative();
    }

    /**
     * A Vela-compiled command stream names memory, not tensors: each kernel must be seen to read the layer of the
     * command that last wrote the memory it reads, so that its reads of older outputs wait for them too.
     */
    @Test
    void simulate_compiledCommandStream_readsNoOutputBeforeItDrains() {
        Model m = TfliteReader.read(SharedData.model("person_detect_vela"));
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/vela/ethos-u55-high-end-embedded.yaml"),
                List.of(), Optional.of("ethos-u55-256"), Optional.of("shared-sram"));
        Simulator.Run base = Simulator.standard().run(m, "person_detect_vela", hw, true);
        Margin margin = margin(base);
        System.out.printf("person_detect_vela on U55-256: %d reads of an output two or more steps back, least margin %,d ps%n",
                margin.checked(), margin.leastPs());
        assertThat(margin.checked()).isPositive();
        assertThat(margin.leastPs()).isNotNegative();
        int scaleChecks = scalesAfterWeights(base).checked();
        assertThat(scaleChecks).isPositive();
        // The same stream on 40 seeded variations of the memories' latencies and speeds and of the memory mode.
        java.util.Random random = new java.util.Random(7);
        String[] latencies = {"0 cycles", "32 cycles", "250 cycles", "2000 cycles"};
        String[] scales = {"0.0625", "0.25", "1.0"};
        for (int draw = 0; draw < 40; draw++) {
            List<String> set = List.of(
                    "memories.sram.read_latency=" + latencies[random.nextInt(latencies.length)],
                    "memories.sram.write_latency=" + latencies[random.nextInt(latencies.length)],
                    "memories.flash.read_latency=" + latencies[random.nextInt(latencies.length)],
                    "memories.sram.clock_scale=" + scales[random.nextInt(scales.length)],
                    "memories.flash.clock_scale=" + scales[random.nextInt(scales.length)]);
            HardwareConfig varied = HardwareLoader.load(SharedData.repositoryRoot().resolve(
                    "hwconfigs/vela/ethos-u55-high-end-embedded.yaml"), set, Optional.of("ethos-u55-256"),
                    Optional.of(random.nextBoolean() ? "shared-sram" : "sram-only"));
            Simulator.Run run = Simulator.standard().run(m, "person_detect_vela", varied, true);
            // The same stream has the same reads to check whatever the timing, so none is skipped as empty.
            assertThat(margin(run).checked()).as("%s", set).isEqualTo(margin.checked());
            assertThat(margin(run).leastPs()).as("%s", set).isNotNegative();
            assertThat(scalesAfterWeights(run).checked()).as("%s", set).isEqualTo(scaleChecks);
            assertThat(scalesAfterWeights(run).leastPs()).as("%s", set).isNotNegative();
        }
    }

    /**
     * Every shared model on the two U65 high-end variants, where the LSTM models run long chains of small operations,
     * and on the U55-256 system person_detect_vela's command stream was compiled for.
     */
    @Test
    void simulate_everySharedModel_readsNoOfmBeforeItsProducerDrains() {
        Path root = SharedData.repositoryRoot();
        int checked = 0;
        int scaleChecks = 0;
        long leastPs = Long.MAX_VALUE;
        for (Path p : SharedData.models()) {
            Model m = TfliteReader.read(p);
            for (String[] config : CONFIGS) {
                String npu = config[1];
                HardwareConfig hw = HardwareLoader.load(root.resolve(config[0]), List.of(), Optional.of(npu),
                        Optional.of(config[2]));
                Simulator.Run run;
                try {
                    run = Simulator.standard().run(m, p.toString(), hw, true);
                } catch (InputException refused) {
                    continue; // a model compiled for another NPU is refused with a one-line error, tested elsewhere
                }
                Margin margin = margin(run);
                assertThat(margin.leastPs()).as("%s on %s", p.getFileName(), npu).isNotNegative();
                Margin scales = scalesAfterWeights(run);
                assertThat(scales.leastPs()).as("%s on %s: weights or scales read before their DMA", p.getFileName(), npu)
                        .isNotNegative();
                scaleChecks += scales.checked();
                checked += margin.checked();
                leastPs = Math.min(leastPs, margin.leastPs());
            }
        }
        System.out.printf("shared models: %,d reads of an OFM produced two or more steps earlier, least margin %,d ps;"
                + " %,d DMA-buffered steps read weights and scales after their first weight slice%n", checked, leastPs, scaleChecks);
        assertThat(checked).isPositive();
        assertThat(scaleChecks).isPositive();
    }

    /** How many reads were checked, and the least time between a producer's drain and a consumer's first read. */
    record Margin(int checked, long leastPs) {}

    /**
     * Measures, over the steps of {@code run} whose weights the DMA copies, how long after the DMA moved a step's
     * first weight slice the step first read that slice: its weights from the buffer, through the decoder, and its
     * scale/bias records. All are in the slice, so none may start before.
     */
    static Margin scalesAfterWeights(Simulator.Run run) {
        Map<Integer, Long> slice0Moved = new HashMap<>();
        Map<Integer, Long> firstUse = new HashMap<>();
        for (Timeline.Slice s : run.timeline().slices()) {
            boolean dma = s.track().equals("dma");
            // The slice has arrived once the engine has read it and its last train is written.
            if (s.block() == 0 && (dma && s.what().equals("weights") || s.what().equals("dma-write"))) {
                slice0Moved.merge(s.step(), s.endPs(), Math::max);
            }
            if (s.what().equals("scales") || s.what().equals("decode") || !dma && s.what().equals("weights")) {
                firstUse.merge(s.step(), s.startPs(), Math::min);
            }
        }
        int checked = 0;
        long least = Long.MAX_VALUE;
        for (Map.Entry<Integer, Long> e : slice0Moved.entrySet()) {
            Long use = firstUse.get(e.getKey());
            if (use != null) {
                least = Math.min(least, use - e.getValue());
                checked++;
            }
        }
        return new Margin(checked, least);
    }

    /** Measures {@code run} (recorded with its timeline); the least margin is {@code Long.MAX_VALUE} when none. */
    static Margin margin(Simulator.Run run) {
        Map<Integer, Long> drained = new HashMap<>();
        Map<Integer, Long> firstRead = new HashMap<>();
        for (Timeline.Slice s : run.timeline().slices()) {
            if (s.track().equals("output")) {
                drained.merge(s.step(), s.endPs(), Math::max);
            }
            if (s.what().equals("ifm") || s.what().equals("ifm2")) {
                firstRead.merge(s.step(), s.startPs(), Math::min);
            }
        }
        List<Step> steps = run.plan().steps();
        int[] storage = run.plan().storage();
        // Every step of the current NPU subgraph that wrote each storage: a tensor written in parts (a
        // concatenation's) has several, and a reader needs all of them.
        Map<Integer, List<Integer>> writers = new HashMap<>();
        int checked = 0;
        long least = Long.MAX_VALUE;
        for (int j = 0; j < steps.size(); j++) {
            if (!(steps.get(j) instanceof Step.Npu n)) {
                writers.clear();
                continue;
            }
            for (int t : new int[] {n.op().tensors().ifm(), n.op().tensors().ifm2().orElse(-1)}) {
                List<Integer> ks = t < 0 ? List.of() : writers.getOrDefault(t < storage.length ? storage[t] : t, List.of());
                for (int k : ks) {
                    if (k < j - 1 && firstRead.containsKey(j)) {
                        least = Math.min(least, firstRead.get(j) - drained.get(k));
                        checked++;
                    }
                }
            }
            int ofm = n.op().tensors().ofm();
            writers.computeIfAbsent(ofm < storage.length ? storage[ofm] : ofm, x -> new ArrayList<>()).add(j);
        }
        return new Margin(checked, least);
    }
}
