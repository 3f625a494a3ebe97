// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.plan.CachedWeightSizer;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.tflite.TfliteReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole simulation in-process: planning (lowering, block configs, weight sizes) and the event-driven run of a
 * model already read into the IR, on Vela's U55 high-end embedded system with Ethos-U55-256, shared SRAM.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SimulateBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class SimulateBenchmark {

    @Param({"mobilenet_v2_quantized_1x3x224x224", "person_detect"})
    public String model;

    @Param({"event", "vela"})
    public String mode;

    /**
     * {@code fresh}: every simulation encodes its weight streams anew (a one-off run); {@code cached}: encodings
     * are remembered across simulations of the same model (what sweeps and what-ifs do).
     */
    @Param({"fresh", "cached"})
    public String weights;

    private Model graph;
    private HardwareConfig hw;
    private Simulator simulator;

    @Setup
    public void load() {
        graph = TfliteReader.read(ByteBuffer.wrap(SharedModels.bytes(model)), model + ".tflite", model);
        List<String> set = mode.equals("vela") ? List.of("simulation.overlap=false", "simulation.contention=false") : List.of();
        hw = HardwareLoader.load(Path.of("hwconfigs/vela/ethos-u55-high-end-embedded.yaml"), set, Optional.of("ethos-u55-256"),
                Optional.of("shared-sram"));
        simulator = weights.equals("cached")
                ? new Simulator(CortexMCostModel::of, new CachedWeightSizer(new EthosUWeightSizer()))
                : Simulator.standard();
    }

    @Benchmark
    public SimulationResult simulate() {
        return simulator.simulate(graph, model, hw);
    }
}
