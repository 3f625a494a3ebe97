// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
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
 * just before may hand over earlier, block by block, under the block dependency rule.)
 */
final class DataDependencyTest {

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
        assertThat(margin.checked()).isEqualTo(2); // j reads k, i reads s
        assertThat(margin.leastPs()).isNotNegative();
    }

    /** Every shared model on the two U65 high-end variants, where the LSTM models run long chains of small operations. */
    @Test
    void simulate_everySharedModel_readsNoOfmBeforeItsProducerDrains() {
        Path root = SharedData.repositoryRoot();
        int checked = 0;
        long leastPs = Long.MAX_VALUE;
        for (Path p : SharedData.models()) {
            Model m = TfliteReader.read(p);
            for (String npu : new String[] {"ethos-u65-256", "ethos-u65-512"}) {
                HardwareConfig hw = HardwareLoader.load(root.resolve("hwconfigs/vela/ethos-u65-high-end.yaml"), List.of(),
                        Optional.of(npu), Optional.of("dedicated-sram"));
                Simulator.Run run;
                try {
                    run = Simulator.standard().run(m, p.toString(), hw, true);
                } catch (RuntimeException refused) {
                    continue; // a model compiled for another NPU is refused with a one-line error, tested elsewhere
                }
                Margin margin = margin(run);
                assertThat(margin.leastPs()).as("%s on %s", p.getFileName(), npu).isNotNegative();
                checked += margin.checked();
                leastPs = Math.min(leastPs, margin.leastPs());
            }
        }
        System.out.printf("shared models: %,d reads of an OFM produced two or more steps earlier, least margin %,d ps%n",
                checked, leastPs);
        assertThat(checked).isPositive();
    }

    /** How many reads were checked, and the least time between a producer's drain and a consumer's first read. */
    private record Margin(int checked, long leastPs) {}

    private static Margin margin(Simulator.Run run) {
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
        Map<Integer, Integer> producer = new HashMap<>();
        int checked = 0;
        long least = Long.MAX_VALUE;
        for (int j = 0; j < steps.size(); j++) {
            if (!(steps.get(j) instanceof Step.Npu n)) {
                producer.clear();
                continue;
            }
            for (int t : new int[] {n.op().tensors().ifm(), n.op().tensors().ifm2().orElse(-1)}) {
                Integer k = producer.get(t);
                if (t >= 0 && k != null && k < j - 1 && firstRead.containsKey(j)) {
                    least = Math.min(least, firstRead.get(j) - drained.get(k));
                    checked++;
                }
            }
            producer.put(n.op().tensors().ofm(), j);
        }
        return new Margin(checked, least);
    }
}
