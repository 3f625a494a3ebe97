// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Activation;
import org.npusim.graph.ConstantData;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Quantization;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

final class RangeEstimatorTest {

    @Test
    void normalCdf_knownValues_matchTables() {
        // Φ(0) = 0.5, Φ(1) = 0.841345, Φ(-1.96) = 0.024998 (standard normal tables).
        assertThat(RangeEstimator.normalCdf(0)).isCloseTo(0.5, within(1e-7));
        assertThat(RangeEstimator.normalCdf(1)).isCloseTo(0.841345, within(1e-6));
        assertThat(RangeEstimator.normalCdf(-1.96)).isCloseTo(0.024998, within(1e-6));
    }

    @Test
    void rectify_centredNormal_givesHalfNormalMoments() {
        // For y ~ N(0, σ²): E[max(0, y)] = σ/√(2π), E[max(0, y)²] = σ²/2.
        TensorEstimate r = RangeEstimator.rectify(new TensorEstimate(0, 4, -8, 8), Double.POSITIVE_INFINITY);
        assertThat(r.mean()).isCloseTo(2 / Math.sqrt(2 * Math.PI), within(1e-6));
        assertThat(r.meanSquare()).isCloseTo(2, within(1e-6));
        assertThat(r.low()).isZero();
        assertThat(r.high()).isEqualTo(8);
    }

    @Test
    void leaky_centredNormal_givesTheTwoHalvesMoments() {
        // For y ~ N(0, σ²) and slope a below 0: E = (1 − a)·σ/√(2π), E[·²] = (1 + a²)·σ²/2; the interval is the image
        // of [−8, 8]: [−8a, 8].
        TensorEstimate r = RangeEstimator.leaky(new TensorEstimate(0, 4, -8, 8), 0.1);
        assertThat(r.mean()).isCloseTo(0.9 * 2 / Math.sqrt(2 * Math.PI), within(1e-6));
        assertThat(r.meanSquare()).isCloseTo(1.01 * 2, within(1e-6));
        assertThat(r.low()).isCloseTo(-0.8, within(1e-12));
        assertThat(r.high()).isEqualTo(8);
        // A negative slope folds the negative side up: the interval spans 0 to the larger image.
        TensorEstimate folded = RangeEstimator.leaky(new TensorEstimate(0, 4, -8, 4), -1);
        assertThat(folded.low()).isZero();
        assertThat(folded.high()).isEqualTo(8);
    }

    @Test
    void describe_leakyReluAfterAConvolution_outputRangeShrinksOnTheNegativeSide() {
        // The convolution's output is symmetric about 0 (zero-mean weights): [−h, h]. leaky_relu with slope a = 0.1
        // maps it to [−a·h, h], (1 + a)/2 of the width: the scale shrinks by that factor, and 0 sits a/(1 + a) of the
        // way up the 255 steps, at −128 + 255·0.1/1.1 = −104.8.
        Subgraph g = ModelDescriptions.parse("""
                schema: npusim.model/v1
                name: lrelu
                input: {shape: [1, 8, 8, 4], type: int8, scale: 0.02, zero_point: 0}
                weights: {seed: 3}
                layers:
                  - {op: conv2d, name: c, filters: 8, kernel: 3, padding: same}
                  - {op: leaky_relu, name: l, alpha: 0.1}
                """, "lrelu.yaml").main();
        Quantization conv = g.tensor(g.operators().get(0).output(0)).quantization().orElseThrow();
        Quantization leaky = g.tensor(g.operators().get(1).output(0)).quantization().orElseThrow();
        assertThat(leaky).isNotEqualTo(conv);
        assertThat(Math.abs(conv.zeroPoint(0))).isLessThan(10);
        assertThat(leaky.zeroPoint(0)).isLessThan(-80);
        assertThat((double) leaky.scale(0)).isCloseTo(conv.scale(0) * 1.1 / 2, withinPercentage(1));
        assertThat(leaky.zeroPoint(0)).isCloseTo(-105L, within(1L));
    }

    /**
     * Runs the shipped autoencoder in floating point (dequantized weights, zero biases, ReLU) on inputs drawn
     * uniformly over the input's range, and checks each layer's chosen quantization against the real outputs:
     * fewer than 1 % of the values saturate, and the values' RMS spans at least 10 quantization steps. A ±4σ
     * interval over 255 steps puts σ at about 32 steps; 10 leaves room for the spread between channels (the interval
     * follows the largest) while an interval 4 times too wide would fail.
     */
    @Test
    void chosenScales_autoencoderRunInFloat_rarelySaturateAndKeepResolution() {
        Subgraph g = ModelDescriptions.load(ShippedDescriptionsTest.models().resolve("autoencoder_ad.yaml")).main();
        Tensor input = g.tensor(g.inputs()[0]);
        Quantization iq = input.quantization().orElseThrow();
        double lo = iq.scale(0) * (-128 - iq.zeroPoint(0));
        double hi = iq.scale(0) * (127 - iq.zeroPoint(0));
        SplittableRandom random = new SplittableRandom(42);
        int samples = 400;
        double[][] x = new double[samples][(int) input.elementCount()];
        for (double[] row : x) {
            for (int i = 0; i < row.length; i++) {
                row[i] = lo + (hi - lo) * random.nextDouble();
            }
        }
        for (Operator op : g.operators()) {
            Tensor w = g.tensor(op.input(1));
            Tensor out = g.tensor(op.output(0));
            int units = w.shape().dim(0);
            int features = w.shape().dim(1);
            ConstantData data = w.data().orElseThrow();
            double scale = w.quantization().orElseThrow().scale(0);
            boolean relu = ((OpOptions.FullyConnected) op.options()).activation() == Activation.RELU;
            Quantization q = out.quantization().orElseThrow();
            double outLo = q.scale(0) * (-128 - q.zeroPoint(0));
            double outHi = q.scale(0) * (127 - q.zeroPoint(0));
            long saturated = 0;
            double sumSquares = 0;
            double[][] y = new double[samples][units];
            for (int s = 0; s < samples; s++) {
                for (int u = 0; u < units; u++) {
                    double acc = 0;
                    for (int f = 0; f < features; f++) {
                        acc += data.byteAt(u * features + f) * scale * x[s][f];
                    }
                    y[s][u] = relu ? Math.max(0, acc) : acc;
                    if (y[s][u] < outLo || y[s][u] > outHi) {
                        saturated++;
                    }
                    sumSquares += y[s][u] * y[s][u];
                }
            }
            double fraction = (double) saturated / (samples * units);
            double rmsSteps = Math.sqrt(sumSquares / (samples * units)) / q.scale(0);
            System.out.printf("%-16s saturated %.4f %%, RMS %.1f steps%n", out.name(), 100 * fraction, rmsSteps);
            assertThat(fraction).as(out.name()).isLessThan(0.01);
            assertThat(rmsSteps).as(out.name()).isGreaterThan(10);
            x = y;
        }
    }
}
