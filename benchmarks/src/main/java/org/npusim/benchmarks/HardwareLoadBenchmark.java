// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.hw.yaml.Overrides;
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
 * Loading a hardware description, warm: {@code load} reads the file and its {@code extends:} parents, parses the
 * YAML, applies overrides and validates (what every {@code simulate} does once); {@code resolveParsed} only applies
 * overrides to an already parsed description and validates (what a sweep does per point). The target is under
 * 5 ms per load, so that sweeps are not dominated by parsing; sample mode reports the median (p0.50). Run from the repository root (or give
 * {@code -Dnpusim.hwconfigs=DIR}):
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar HardwareLoadBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HardwareLoadBenchmark {

    /** Shipped descriptions: one with two levels of extends, one large real system, one CPU-only board. */
    @Param({"vela/ethos-u55-high-end-embedded", "alif-e7-hp", "cpu-only/cortex-m7-280mhz"})
    public String file;

    private Path path;
    private HardwareDocument parsed;
    private Overrides overrides;

    @Setup
    public void locate() {
        Path dir = Path.of(System.getProperty("npusim.hwconfigs", "hwconfigs")).toAbsolutePath().normalize();
        path = dir.resolve(file + ".yaml");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " not found: run from the repository root or give -Dnpusim.hwconfigs");
        }
        parsed = HardwareLoader.parse(path);
        overrides = new Overrides(List.of("simulation.overlap=false"), Optional.empty(), Optional.empty());
    }

    @Benchmark
    public HardwareConfig load() {
        return HardwareLoader.load(path, overrides);
    }

    @Benchmark
    public HardwareConfig resolveParsed() {
        return parsed.resolve(overrides);
    }
}
