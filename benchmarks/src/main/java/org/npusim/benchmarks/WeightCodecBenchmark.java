// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.npusim.compression.LayerWeights;
import org.npusim.compression.ModelWeights;
import org.npusim.compression.WeightEncoder;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.BlockConfigSearch;
import org.npusim.npu.Lowering;
import org.npusim.npu.NpuOperation;
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
 * Encoding every weight of a model into Ethos-U weight streams (reorder, palette sections, GRC parameter search,
 * bitstream), unsliced, as the simulation's plan does once per layer. {@code encodeModel} is the whole path from
 * the graph (lowering, block-config search, encoding, statistics); {@code encodeOperations} only the encoder,
 * on operations lowered and block configs chosen in the setup.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar WeightCodecBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WeightCodecBenchmark {

    @Param({"mobilenet_v2_quantized_1x3x224x224"})
    public String model;

    @Param({"ethos-u55-128", "ethos-u65-512"})
    public String npu;

    private Model graph;
    private NpuVariant variant;
    private WeightEncoder encoder;
    private final List<NpuOperation> operations = new ArrayList<>();
    private final List<BlockConfig> configs = new ArrayList<>();

    @Setup
    public void load() {
        graph = TfliteReader.read(ByteBuffer.wrap(SharedModels.bytes(model)), model + ".tflite", model);
        variant = NpuVariant.fromLabel(npu).orElseThrow();
        Subgraph g = graph.main();
        encoder = new WeightEncoder(g);
        Lowering lowering = new Lowering(g);
        for (Operator op : g.operators()) {
            if (lowering.lower(op) instanceof Lowering.Result.Npu n) {
                for (NpuOperation o : n.operations()) {
                    Optional<BlockConfig> c = BlockConfigSearch.find(variant, o);
                    if (o.weights().isPresent() && c.isPresent()) {
                        operations.add(o);
                        configs.add(c.get());
                    }
                }
            }
        }
    }

    @Benchmark
    public long encodeModel() {
        long bytes = 0;
        for (LayerWeights l : ModelWeights.of(graph, variant)) {
            bytes += l.encodedBytes();
        }
        return bytes;
    }

    @Benchmark
    public long encodeOperations() {
        long bytes = 0;
        for (int i = 0; i < operations.size(); i++) {
            bytes += encoder.encode(operations.get(i), configs.get(i), variant).totalBytes();
        }
        return bytes;
    }
}
