// SPDX-License-Identifier: Apache-2.0
package org.npusim.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.npusim.compression.EncodedRange;
import org.npusim.compression.EncodedWeights;
import org.npusim.compression.LayerWeights;
import org.npusim.compression.ModelWeights;
import org.npusim.graph.Model;
import org.npusim.hw.NpuVariant;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Do pruning and clustering pay off through the codec on real layers? More sparsity or fewer clusters must never
 * grow a stream by more than its 16-byte alignment, and MobileNet v2 pruned to 50% and clustered to 16 values
 * must compress measurably better than the original.
 */
class CompressionEffectTest {

    private static final NpuVariant VARIANT = NpuVariant.ETHOS_U55_128;
    /** A stream may grow by its padding: the heuristics are not monotone below one 16-byte unit. */
    private static final int ALIGNMENT_BYTES = 16;

    private static long[] streamBytes(Model m) {
        List<Long> bytes = new ArrayList<>();
        for (LayerWeights l : ModelWeights.of(m, VARIANT)) {
            for (EncodedWeights e : l.encoded()) {
                for (EncodedRange r : e.ranges()) {
                    bytes.add((long) r.weightBytes());
                }
            }
        }
        return bytes.stream().mapToLong(Long::longValue).toArray();
    }

    private static long total(long[] b) {
        long t = 0;
        for (long v : b) {
            t += v;
        }
        return t;
    }

    private static void assertNoStreamGrows(long[] before, long[] after, String what) {
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.length; i++) {
            assertThat(after[i]).as("%s, stream %d", what, i).isLessThanOrEqualTo(before[i] + ALIGNMENT_BYTES);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"person_detect", "mobilenet_v2_quantized_1x3x224x224"})
    void moreSparsity_neverGrowsAStreamBeyondItsAlignment(String name) {
        Model original = TfliteReader.read(SharedData.model(name));
        long[] previous = streamBytes(original);
        StringBuilder out = new StringBuilder(name + " weight streams by sparsity: 0→" + total(previous) + " B");
        for (double s : new double[] {0.25, 0.5, 0.75, 0.9}) {
            long[] now = streamBytes(WeightTransforms.prune(original, s, Optional.empty()));
            assertNoStreamGrows(previous, now, "sparsity " + s);
            out.append(String.format(Locale.ROOT, " %.2f→%d B", s, total(now)));
            previous = now;
        }
        System.out.println(out);
    }

    @Test
    void fewerClusters_neverGrowAStreamBeyondItsAlignment() {
        Model original = TfliteReader.read(SharedData.model("person_detect"));
        long[] previous = null;
        StringBuilder out = new StringBuilder("person_detect weight streams by clusters:");
        for (int k : new int[] {64, 32, 16, 8, 4, 2}) {
            long[] now = streamBytes(WeightTransforms.cluster(original, k, 1, false));
            if (previous != null) {
                assertNoStreamGrows(previous, now, k + " clusters");
            }
            out.append(String.format(Locale.ROOT, " %d→%d B", k, total(now)));
            previous = now;
        }
        System.out.println(out);
    }

    @Test
    void mobileNetV2_prunedHalfAndSixteenClusters_compressesMeasurablyBetter() {
        Model original = TfliteReader.read(SharedData.model("mobilenet_v2_quantized_1x3x224x224"));
        Model optimised = WeightTransforms.cluster(WeightTransforms.prune(original, 0.5, Optional.empty()), 16, 1, true);
        long before = 0;
        long after = 0;
        long weights = 0;
        for (LayerWeights l : ModelWeights.of(original, VARIANT)) {
            before += l.encodedBytes();
            weights += l.isEncoded() ? l.weights() : 0;
        }
        for (LayerWeights l : ModelWeights.of(optimised, VARIANT)) {
            after += l.encodedBytes();
        }
        System.out.printf(Locale.ROOT, "mobilenet_v2 on %s: %d weights, encoded %d B (%.2f bits/weight) -> pruned 50%% "
                + "+ 16 clusters %d B (%.2f bits/weight), ratio %.2fx%n", VARIANT.label(), weights, before,
                before * 8.0 / weights, after, after * 8.0 / weights, (double) before / after);
        // 50% zeros in zero-run mode and 15 non-zero values in a palette: well under the original ~7.7 bits.
        assertThat((double) before / after).isGreaterThan(1.5);
    }
}
