// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.npusim.graph.Model;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

final class WeightGeneratorTest {

    private static final WeightGenerator.Layout CONV = new WeightGenerator.Layout(0, true, 3 * 3 * 16);

    private static QuantizedWeights conv(WeightSpec spec) {
        return WeightGenerator.generate(spec, 2, Shape.of(32, 3, 3, 16), CONV);
    }

    private static Set<Byte> distinct(byte[] values) {
        Set<Byte> s = new HashSet<>();
        for (byte v : values) {
            s.add(v);
        }
        return s;
    }

    @ParameterizedTest(name = "sparsity {0}, clusters {1}")
    @CsvSource({"0.0, 0", "0.5, 0", "0.9, 0", "0.0, 16", "0.5, 16", "0.75, 4", "0.3, 127", "0.0, 2"})
    void generate_sparsityAndClusters_achievedExactlyInInt8(double sparsity, int clusters) {
        QuantizedWeights w = conv(new WeightSpec(Distribution.NORMAL, 7, sparsity, clusters));
        int n = 32 * 3 * 3 * 16;
        // round(sparsity·N): 0.5·4608 = 2304, 0.9·4608 = 4147.2 -> 4147, 0.75·4608 = 3456, 0.3·4608 = 1382.4 -> 1382.
        assertThat(w.zeroCount()).isEqualTo(Math.round(sparsity * n));
        if (clusters > 0) {
            assertThat(distinct(w.values())).hasSize(clusters);
            assertThat(w.scales()).containsOnly(w.scale(0));
        }
    }

    @Test
    void generate_withoutClusters_usesTheFullInt8RangeInEveryChannel() {
        QuantizedWeights w = conv(new WeightSpec(Distribution.LAPLACE, 3, 0.25, 0));
        byte[] v = w.values();
        int perChannel = 3 * 3 * 16;
        for (int c = 0; c < 32; c++) {
            int max = 0;
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) {
                max = Math.max(max, Math.abs(v[i]));
            }
            // Symmetric per-channel quantization maps each channel's largest magnitude to 127.
            assertThat(max).as("channel %d", c).isEqualTo(127);
        }
        assertThat(w.quantizedDimension()).isZero();
        assertThat(w.scales()).hasSize(32);
    }

    @ParameterizedTest
    @CsvSource({"NORMAL", "UNIFORM", "LAPLACE"})
    void draw_eachDistribution_hasMeanZeroAndTheHeStandardDeviation(Distribution d) {
        int n = 200_000;
        double sigma = Math.sqrt(2.0 / 288);
        double[] w = WeightGenerator.draw(d, 11, n, sigma);
        double sum = 0;
        double sumSq = 0;
        for (double x : w) {
            sum += x;
            sumSq += x * x;
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumSq / n - mean * mean);
        // The sample mean's standard error is sigma/sqrt(n) = sigma/447; 5 standard errors is 0.011·sigma. The sample
        // standard deviation is within 3 % of sigma for every one of these distributions at this n.
        assertThat(mean).isCloseTo(0, within(0.011 * sigma));
        assertThat(sd).isCloseTo(sigma, within(0.03 * sigma));
    }

    @Test
    void streamSeed_differentLayers_giveUnrelatedStreams() {
        assertThat(WeightGenerator.streamSeed(1, 0)).isNotEqualTo(WeightGenerator.streamSeed(1, 1));
        assertThat(WeightGenerator.streamSeed(1, 0)).isNotEqualTo(WeightGenerator.streamSeed(2, 0));
    }

    private static final String TWO_LAYERS = """
            schema: npusim.model/v1
            name: two
            input: {shape: [1, 8, 8, 4], scale: 0.05, zero_point: 0}
            weights: {seed: 5}
            layers:
              - {op: conv2d, name: a, filters: 8, kernel: 3, padding: same, activation: relu}
              - {op: conv2d, name: b, filters: 8, kernel: 3, padding: same%s}
            """;

    private static Tensor weightsOf(Model m, String name) {
        Subgraph g = m.main();
        return g.tensors().stream().filter(t -> t.name().equals(name + "/weights")).findFirst().orElseThrow();
    }

    @Test
    void parse_editingOneLayer_leavesTheOtherLayersWeightsUnchanged() {
        Model before = ModelDescriptions.parse(TWO_LAYERS.formatted(""), "two.yaml");
        Model after = ModelDescriptions.parse(TWO_LAYERS.formatted(", weights: {distribution: uniform, sparsity: 0.5}"),
                "two.yaml");
        assertThat(weightsOf(after, "a")).isEqualTo(weightsOf(before, "a"));
        assertThat(weightsOf(after, "b").data()).isNotEqualTo(weightsOf(before, "b").data());
    }

    @Test
    void parse_layerOverride_appliesOnlyToThatLayer() {
        Model m = ModelDescriptions.parse(TWO_LAYERS.formatted(", weights: {sparsity: 0.5, clusters: 8}"), "two.yaml");
        byte[] a = weightsOf(m, "a").data().orElseThrow().toByteArray();
        byte[] b = weightsOf(m, "b").data().orElseThrow().toByteArray();
        // Layer b: 8·3·3·8 = 576 weights, half of them zero, 8 distinct values counting zero.
        assertThat(countZeros(b)).isEqualTo(288);
        assertThat(distinct(b)).hasSize(8);
        // Layer a keeps the file's defaults: no pruning, so no zero at all (non-pruned weights never round to 0).
        assertThat(countZeros(a)).isZero();
        assertThat(distinct(a).size()).isGreaterThan(100);
    }

    private static int countZeros(byte[] values) {
        int z = 0;
        for (byte v : values) {
            if (v == 0) {
                z++;
            }
        }
        return z;
    }

    @Test
    void roundHalfAway_halves_roundAwayFromZero() {
        assertThat(WeightGenerator.roundHalfAway(2.5)).isEqualTo(3);
        assertThat(WeightGenerator.roundHalfAway(-2.5)).isEqualTo(-3);
        assertThat(WeightGenerator.roundHalfAway(-2.4)).isEqualTo(-2);
    }
}
