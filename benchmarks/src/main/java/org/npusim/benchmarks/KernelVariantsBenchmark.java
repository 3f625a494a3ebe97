// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Int8FullyConnectedLayer;
import org.npusim.kernels.KernelVariant;
import org.npusim.kernels.LayerKernel;
import org.npusim.kernels.LayerKernels;
import org.npusim.kernels.NmPattern;
import org.npusim.kernels.Pruning;
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
 * The Java kernel variants of {@code org.npusim.kernels} (what {@code kernels compare --verify} and the tests run),
 * on layers of the shipped models with their generated weights pruned to each sparsity: the executor's dense
 * reference, the im2col dense kernel, Winograd F2 and F4, CSR, bitmask, N:M and zero-skipping. These times are
 * the JVM's, not a Cortex-M's; the cost model, not these numbers, predicts the MCU.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar KernelVariantsBenchmark</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class KernelVariantsBenchmark {

    /** A kernel variant prepared for a convolution, its input and its output buffer. */
    public abstract static class Prepared {
        LayerKernel kernel;
        byte[] input;
        byte[] output;

        /** Prepares {@code variant} for {@code conv}, with an input of which about {@code zeroFraction} are zeros. */
        void prepare(Int8ConvLayer conv, KernelVariant variant, Optional<NmPattern> pattern, double zeroFraction) {
            kernel = LayerKernels.conv(conv, variant, pattern);
            input = ShippedLayers.input(conv.inputLength(), -conv.inputOffset(), zeroFraction);
            output = new byte[conv.outputLength()];
        }

        byte[] run() {
            kernel.run(input, output);
            return output;
        }
    }

    /** A convolution of a shipped model and a dense input (seeded, no extra zeros). */
    @State(Scope.Benchmark)
    public static class Conv extends Prepared {
        @Param({"resnet8:stack1_conv_b", "resnet8:stack2_conv_b", "resnet8:stack3_conv_b", "ds_cnn_small:pw_conv_1"})
        public String layer;

        Int8ConvLayer conv;

        @Setup
        public void setUp() {
            conv = ShippedLayers.conv(layer);
            prepare(conv, KernelVariant.DENSE, Optional.empty(), 0);
        }
    }

    /** A 3x3 stride-1 convolution of ResNet-8 and a Winograd tile. */
    @State(Scope.Benchmark)
    public static class Winograd extends Prepared {
        @Param({"resnet8:stack1_conv_b", "resnet8:stack2_conv_b", "resnet8:stack3_conv_b"})
        public String layer;

        @Param({"winograd-f2", "winograd-f4"})
        public String variant;

        @Setup
        public void setUp() {
            prepare(ShippedLayers.conv(layer), KernelVariant.fromLabel(variant).orElseThrow(), Optional.empty(), 0);
        }
    }

    /** A convolution whose weights are magnitude-pruned to a sparsity, in an unstructured encoding. */
    @State(Scope.Benchmark)
    public static class SparseConv extends Prepared {
        @Param({"resnet8:stack2_conv_b", "ds_cnn_small:pw_conv_1"})
        public String layer;

        @Param({"sparse-csr", "sparse-bitmask"})
        public String encoding;

        @Param({"0", "0.5", "0.7", "0.9", "0.95"})
        public double sparsity;

        @Setup
        public void setUp() {
            Int8ConvLayer base = ShippedLayers.conv(layer);
            Int8ConvLayer conv = base.withWeights(Pruning.unstructured(base.weights(), sparsity));
            prepare(conv, KernelVariant.fromLabel(encoding).orElseThrow(), Optional.empty(), 0);
        }
    }

    /** A convolution whose weights are pruned to an N:M pattern. */
    @State(Scope.Benchmark)
    public static class NmConv extends Prepared {
        @Param({"resnet8:stack2_conv_b", "ds_cnn_small:pw_conv_1"})
        public String layer;

        @Param({"2:4", "1:4", "1:8"})
        public String pattern;

        @Setup
        public void setUp() {
            Int8ConvLayer base = ShippedLayers.conv(layer);
            NmPattern p = NmPattern.parse(pattern).orElseThrow();
            Int8ConvLayer conv = base.withWeights(
                    Pruning.structured(base.weights(), base.outC(), base.filterLength(), p));
            prepare(conv, KernelVariant.SPARSE_NM, Optional.of(p), 0);
        }
    }

    /** A convolution with zero-activation skipping, on inputs with a share of zeros. */
    @State(Scope.Benchmark)
    public static class ZeroSkipConv extends Prepared {
        @Param({"resnet8:stack2_conv_b", "ds_cnn_small:pw_conv_1"})
        public String layer;

        @Param({"0", "0.5", "0.9"})
        public double activationSparsity;

        @Setup
        public void setUp() {
            prepare(ShippedLayers.conv(layer), KernelVariant.ZERO_SKIP, Optional.empty(), activationSparsity);
        }
    }

    /** The autoencoder's first fully connected layer (640 to 128) in each encoding, at each weight sparsity. */
    @State(Scope.Benchmark)
    public static class FullyConnected {
        @Param({"dense-reference", "dense", "sparse-csr", "sparse-bitmask", "zero-skip"})
        public String variant;

        @Param({"0", "0.5", "0.7", "0.9", "0.95"})
        public double sparsity;

        Int8FullyConnectedLayer layer;
        LayerKernel kernel;
        byte[] input;
        byte[] output;

        @Setup
        public void setUp() {
            Int8FullyConnectedLayer base = ShippedLayers.fullyConnected("autoencoder_ad:dense_1");
            layer = base.withWeights(Pruning.unstructured(base.weights(), sparsity));
            kernel = variant.equals("dense-reference") ? null
                    : LayerKernels.fullyConnected(layer, KernelVariant.fromLabel(variant).orElseThrow(), Optional.empty());
            input = ShippedLayers.input(layer.batches() * layer.depth(), -layer.inputOffset(), 0);
            output = new byte[layer.batches() * layer.units()];
        }
    }

    @Benchmark
    public byte[] denseReference(Conv s) {
        s.conv.runDense(s.input, s.output);
        return s.output;
    }

    @Benchmark
    public byte[] denseIm2col(Conv s) {
        return s.run();
    }

    @Benchmark
    public byte[] winograd(Winograd s) {
        return s.run();
    }

    @Benchmark
    public byte[] sparse(SparseConv s) {
        return s.run();
    }

    @Benchmark
    public byte[] nm(NmConv s) {
        return s.run();
    }

    @Benchmark
    public byte[] zeroSkip(ZeroSkipConv s) {
        return s.run();
    }

    @Benchmark
    public byte[] fullyConnected(FullyConnected s) {
        if (s.kernel == null) {
            s.layer.runDense(s.input, s.output);
        } else {
            s.kernel.run(s.input, s.output);
        }
        return s.output;
    }
}
