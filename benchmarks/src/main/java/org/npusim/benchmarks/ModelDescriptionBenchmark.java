// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.npusim.graph.Model;
import org.npusim.modeldesc.ModelDescriptions;
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
 * Building a model description ({@code models/*.yaml}) into the graph IR: YAML parsing, shape inference, weight
 * generation and quantization, range estimation, subgraph facts (file text already in memory). Run from the
 * repository root, or point {@code -Dnpusim.models=DIR} at the descriptions.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ModelDescriptionBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ModelDescriptionBenchmark {

    @Param({"mobilenet_v2_100_224"})
    public String model;

    private String text;

    @Setup
    public void load() throws IOException {
        Path dir = Path.of(System.getProperty("npusim.models", "models")).toAbsolutePath().normalize();
        Path file = dir.resolve(model + ".yaml");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " not found: run from the repository root or set -Dnpusim.models");
        }
        text = Files.readString(file);
    }

    @Benchmark
    public Model build() {
        return ModelDescriptions.parse(text, model + ".yaml");
    }
}
