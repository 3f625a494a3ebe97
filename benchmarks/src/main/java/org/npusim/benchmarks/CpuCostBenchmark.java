// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.NpuVariant;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.npu.Partitioning;
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
 * The CPU side of a simulation, warm: {@code costEveryOperator} costs every operator of a model on a CPU-only board
 * (what a CPU-only {@code simulate} asks of the cost model), {@code partition} splits the model between an
 * Ethos-U55-128 and the CPU by the support rules, as {@code npusim check} does. Sample mode reports the median
 * (p0.50). Run from the repository root (or give {@code -Dnpusim.root=DIR}):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CpuCostBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CpuCostBenchmark {

    /** Model descriptions in models/: the largest, and a small MLPerf Tiny one. */
    @Param({"mobilenet_v2_100_224", "resnet8"})
    public String model;

    /** CPU-only boards in hwconfigs/cpu-only/: a DSP core without cache, a Helium core with cache. */
    @Param({"cortex-m33-200mhz", "cortex-m85-480mhz"})
    public String board;

    private Subgraph graph;
    private CortexMCostModel cpu;

    @Setup
    public void load() {
        Path root = Path.of(System.getProperty("npusim.root", ".")).toAbsolutePath().normalize();
        Path m = root.resolve("models").resolve(model + ".yaml");
        Path b = root.resolve("hwconfigs/cpu-only").resolve(board + ".yaml");
        if (!Files.isRegularFile(m) || !Files.isRegularFile(b)) {
            throw new IllegalStateException(m + " or " + b + " not found: run from the repository root or give"
                    + " -Dnpusim.root");
        }
        graph = ModelDescriptions.load(m).main();
        HardwareConfig hw = HardwareLoader.load(b);
        cpu = CortexMCostModel.of(hw);
    }

    @Benchmark
    public long costEveryOperator() {
        long total = 0;
        for (Operator op : graph.operators()) {
            total += cpu.cost(graph, op).cycles();
        }
        return total;
    }

    @Benchmark
    public Partitioning partition() {
        return Partitioning.of(graph, Optional.of(NpuVariant.ETHOS_U55_128));
    }
}
