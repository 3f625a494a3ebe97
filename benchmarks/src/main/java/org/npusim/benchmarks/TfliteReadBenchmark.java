// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.npusim.graph.Model;
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
 * Reading a .tflite file into the graph IR, facts included (file bytes already in memory).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TfliteReadBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TfliteReadBenchmark {

    @Param({"mobilenet_v2_quantized_1x3x224x224", "person_detect"})
    public String model;

    private byte[] bytes;

    @Setup
    public void load() {
        bytes = SharedModels.bytes(model);
    }

    @Benchmark
    public Model read() {
        return TfliteReader.read(ByteBuffer.wrap(bytes), model + ".tflite", model);
    }
}
