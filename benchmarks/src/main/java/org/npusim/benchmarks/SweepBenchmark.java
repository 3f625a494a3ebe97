// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.npusim.graph.Model;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.hw.yaml.Overrides;
import org.npusim.sweep.Axis;
import org.npusim.sweep.PointEvaluator;
import org.npusim.sweep.Sweep;
import org.npusim.sweep.SweepPoint;
import org.npusim.tflite.TfliteReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A 500-point sweep of MobileNet v2 (mobilenet_v2_quantized_1x3x224x224) on Vela's U55 high-end embedded system, on
 * every core: 4 Ethos-U55 variants x 5 NPU clocks x 5 flash clock scales x 5 SRAM read latencies, each point
 * resolved from the parsed description and simulated event-driven, weight streams sized by the Ethos-U encoder.
 * The model is read and the description parsed once, in setup, as {@code npusim sweep} does; each measured sweep
 * starts with an empty weight-size cache (a new evaluator), so it pays for every encoding as a command-line sweep
 * does. The target: under 60 s on a 2-core machine. Single-shot time: one sweep is one measurement.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar SweepBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SweepBenchmark {

    private static final String MODEL = "mobilenet_v2_quantized_1x3x224x224";

    private List<SweepPoint> points;
    private List<SweepPoint> offTargetPoints;
    private Model graph;
    private HardwareDocument document;

    @Setup
    public void load() {
        graph = TfliteReader.read(ByteBuffer.wrap(SharedModels.bytes(MODEL)), MODEL + ".tflite", MODEL);
        document = HardwareLoader.parse(Path.of("hwconfigs/vela/ethos-u55-high-end-embedded.yaml"));
        points = SweepPoint.product(List.of(
                Axis.parse("npu.variant=ethos-u55-32,ethos-u55-64,ethos-u55-128,ethos-u55-256"),
                Axis.parse("npu.clock=200MHz,300MHz,400MHz,500MHz,600MHz"),
                Axis.parse("memories.flash.clock_scale=0.0625,0.125,0.25,0.5,1.0"),
                Axis.parse("memories.sram.read_latency=16 cycles,32 cycles,48 cycles,64 cycles,96 cycles")), Overrides.NONE);
        // 20 NPU targets (variant x NPU clock), each met by 25 points that change only what the plan does not read.
        offTargetPoints = SweepPoint.product(List.of(
                Axis.parse("npu.variant=ethos-u55-32,ethos-u55-64,ethos-u55-128,ethos-u55-256"),
                Axis.parse("npu.clock=200MHz,300MHz,400MHz,500MHz,600MHz"),
                Axis.parse("cpu.clock=100MHz,200MHz,300MHz,400MHz,500MHz"),
                Axis.parse("memories.flash.read_energy=1000 pJ/B,2000 pJ/B,3000 pJ/B,4300 pJ/B,6000 pJ/B")),
                Overrides.NONE);
        if (points.size() != 500 || offTargetPoints.size() != 500) {
            throw new IllegalStateException("expected 500 points, got " + points.size() + " and " + offTargetPoints.size());
        }
    }

    @Benchmark
    public Sweep.Outcome sweep500() {
        return sweep(points);
    }

    /** 500 points over 20 distinct plans: the CPU clock and flash energy do not enter the plan, which is reused. */
    @Benchmark
    public Sweep.Outcome sweep500SharedPlans() {
        return sweep(offTargetPoints);
    }

    private Sweep.Outcome sweep(List<SweepPoint> sweepPoints) {
        PointEvaluator evaluator = new PointEvaluator(graph, MODEL, document);
        Sweep.Outcome o = new Sweep(sweepPoints, evaluator::evaluate, Runtime.getRuntime().availableProcessors())
                .run((r, d, t) -> { });
        if (o.rows().size() != 500 || o.rows().stream().anyMatch(r -> !(r.outcome() instanceof org.npusim.sweep.PointResult.Metrics))) {
            throw new IllegalStateException("a point did not simulate");
        }
        return o;
    }
}
