// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.npusim.exec.ExecutionResult;
import org.npusim.exec.InputFiles;
import org.npusim.exec.Interpreter;
import org.npusim.exec.TensorBuffer;
import org.npusim.graph.Tensor;
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
 * One bit-exact functional run of a whole model on one thread (the interpreter prepared once, random inputs with
 * a fixed seed); {@link #prepare} measures preparing the interpreter (decoding constants, multipliers, index maps).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ExecutorBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ExecutorBenchmark {

    @Param({"mobilenet_v2_quantized_1x3x224x224", "person_detect", "micro_speech_lstm"})
    public String model;

    private org.npusim.graph.Model graph;
    private Interpreter interpreter;
    private List<TensorBuffer> inputs;

    @Setup
    public void load() {
        graph = TfliteReader.read(ByteBuffer.wrap(SharedModels.bytes(model)), model + ".tflite", model);
        interpreter = Interpreter.of(graph);
        inputs = new ArrayList<>();
        for (Tensor t : interpreter.inputs()) {
            inputs.add(InputFiles.random(t, 1));
        }
    }

    @Benchmark
    public ExecutionResult run() {
        return interpreter.run(inputs);
    }

    @Benchmark
    public Interpreter prepare() {
        return Interpreter.of(graph);
    }
}
