// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.hw.yaml.Overrides;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

final class CachedWeightSizerTest {

    private static SimulationResult simulate(Model m, HardwareConfig hw, WeightSizer sizer) {
        return new Simulator(CortexMCostModel::of, sizer).simulate(m, "person_detect", hw);
    }

    @Test
    void size_severalDescriptions_sameResultsAsTheEncoderAndEachStreamEncodedOnce() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        Path file = SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml");
        CachedWeightSizer cached = new CachedWeightSizer(new EthosUWeightSizer());
        WeightSizer direct = new EthosUWeightSizer();
        HardwareConfig at500 = HardwareLoader.load(file);
        HardwareConfig at400 = HardwareLoader.load(file, Overrides.of("npu.clock=400 MHz"));
        HardwareConfig u55256 = HardwareLoader.load(file, new Overrides(List.of(), java.util.Optional.of("ethos-u55-256"),
                java.util.Optional.empty()));
        assertThat(simulate(m, at500, cached)).isEqualTo(simulate(m, at500, direct));
        int afterFirst = cached.distinctStreams();
        assertThat(afterFirst).isPositive();
        // A clock changes no block config or slice: nothing new to encode.
        assertThat(simulate(m, at400, cached)).isEqualTo(simulate(m, at400, direct));
        assertThat(cached.distinctStreams()).isEqualTo(afterFirst);
        // Another variant has other micro-blocks, so other streams.
        assertThat(simulate(m, u55256, cached)).isEqualTo(simulate(m, u55256, direct));
        assertThat(cached.distinctStreams()).isGreaterThan(afterFirst);
        assertThat(cached.compressed()).isTrue();
    }

    @Test
    void forRun_missesSizedByTheDelegatesRunSizerIntoTheSharedSizes() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"));
        int[] sharedCalls = new int[1];
        int[] runCalls = new int[1];
        WeightSizer encoder = new EthosUWeightSizer();
        WeightSizer delegate = new WeightSizer() {
            @Override
            public EncodedWeights size(org.npusim.graph.Subgraph g, org.npusim.npu.NpuOperation op,
                    org.npusim.npu.BlockConfig bc, org.npusim.hw.NpuVariant v, List<int[]> slices) {
                sharedCalls[0]++;
                return encoder.size(g, op, bc, v, slices);
            }

            @Override
            public WeightSizer forRun() {
                WeightSizer run = encoder.forRun();
                return (g, op, bc, v, slices) -> {
                    runCalls[0]++;
                    return run.size(g, op, bc, v, slices);
                };
            }
        };
        CachedWeightSizer cached = new CachedWeightSizer(delegate);

        simulate(m, hw, cached);

        // The simulator sizes through a run's cache: every miss went to the delegate's run sizer, into the shared
        // sizes, which a second run then finds.
        // (Two workers may size one stream at once before either stores it: at least one call per stream.)
        assertThat(sharedCalls[0]).isZero();
        assertThat(cached.distinctStreams()).isPositive();
        assertThat(runCalls[0]).isGreaterThanOrEqualTo(cached.distinctStreams());
        int afterFirst = runCalls[0];
        simulate(m, hw, cached);
        assertThat(runCalls[0]).isEqualTo(afterFirst);
    }
}
