// SPDX-License-Identifier: Apache-2.0
package org.npusim.whatif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.npusim.compression.TinyGraphs;
import org.npusim.errors.InputException;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;

/** Do pruning and clustering do exactly what they promise on small layers, and reject bad arguments? */
class WeightTransformsTest {

    /** A 4×(1×1×8) convolution with weights 1…32 except for a few signs: all distinct magnitudes. */
    private static Model conv32() {
        byte[] w = new byte[32];
        for (int k = 0; k < 32; k++) {
            w[k] = (byte) ((k + 1) * (k % 3 == 0 ? -1 : 1));
        }
        return TinyGraphs.model(TinyGraphs.conv(w, 4, 1, 1, 8, 2, 2));
    }

    private static byte[] weights(Model m) {
        return m.main().tensor(1).data().orElseThrow().toByteArray();
    }

    @Test
    void prune_quarter_zeroesExactlyTheEightSmallestMagnitudes() {
        byte[] w = weights(WeightTransforms.prune(conv32(), 0.25, Optional.empty()));
        // 0.25 · 32 = 8: magnitudes 1…8 (one scale for the whole layer) are zeroed, 9…32 kept.
        for (int k = 0; k < 32; k++) {
            assertThat(Math.abs(w[k])).as("weight %d", k).isEqualTo(k < 8 ? 0 : k + 1);
        }
    }

    @Test
    void prune_twoOfFour_keepsTheTwoLargestOfEveryFourInputChannels() {
        byte[] w = weights(WeightTransforms.prune(conv32(), 0, Optional.of(new NM(2, 4))));
        // Magnitudes grow along the input channels, so each group of 4 keeps its last two.
        for (int k = 0; k < 32; k++) {
            assertThat(w[k] == 0).as("weight %d", k).isEqualTo(k % 4 < 2);
        }
    }

    @Test
    void prune_nmThenHigherSparsity_topsUpUnstructured() {
        byte[] w = weights(WeightTransforms.prune(conv32(), 0.75, Optional.of(new NM(2, 4))));
        long zeros = 0;
        for (byte b : w) {
            zeros += b == 0 ? 1 : 0;
        }
        assertThat(zeros).isEqualTo(24);
    }

    @Test
    void cluster_four_leavesAtMostFourValuesAndIsDeterministic() {
        Model a = WeightTransforms.cluster(conv32(), 4, 42, false);
        Model b = WeightTransforms.cluster(conv32(), 4, 42, false);
        assertThat(weights(a)).containsExactly(weights(b));
        Set<Byte> values = new HashSet<>();
        for (byte v : weights(a)) {
            values.add(v);
        }
        assertThat(values.size()).isBetween(2, 4);
    }

    @Test
    void cluster_preserveSparsity_keepsEveryZeroAndEveryNonZero() {
        Model pruned = WeightTransforms.prune(conv32(), 0.5, Optional.empty());
        byte[] before = weights(pruned);
        byte[] after = weights(WeightTransforms.cluster(pruned, 3, 1, true));
        Set<Byte> nonZero = new HashSet<>();
        for (int k = 0; k < 32; k++) {
            assertThat(after[k] == 0).as("weight %d", k).isEqualTo(before[k] == 0);
            if (after[k] != 0) {
                nonZero.add(after[k]);
            }
        }
        // Three clusters, one of them the zeros: at most two non-zero values.
        assertThat(nonZero.size()).isLessThanOrEqualTo(2);
    }

    @Test
    void cluster_preserveSparsity_aClusterAroundZeroStaysOneValue() {
        // 8 zeros and ±1, ±2, ±3 four times each: with 2 clusters (the zeros and one more), the non-zero cluster's
        // mean is 0. It must become one value (+1, its mean being on neither side), not +1 and −1 by each
        // weight's sign, which would leave 3 values where 2 were asked for.
        byte[] w = new byte[32];
        int[] values = {1, -1, 2, -2, 3, -3};
        for (int k = 0; k < 24; k++) {
            w[k] = (byte) values[k % 6];
        }
        Model m = TinyGraphs.model(TinyGraphs.conv(w, 4, 1, 1, 8, 2, 2));
        Set<Byte> after = new HashSet<>();
        for (byte v : weights(WeightTransforms.cluster(m, 2, 7, true))) {
            after.add(v);
        }
        assertThat(after).containsExactlyInAnyOrder((byte) 0, (byte) 1);
    }

    @Test
    void untouched_namesTheLstmWeightsTheTransformsLeave() {
        Model lstm = org.npusim.tflite.TfliteReader.read(org.npusim.testsupport.SharedData.model("micro_speech_lstm"));
        // The LSTM's gate matrices stay: 4 gates × 80 units × (257 input features + 80 recurrent) = 107,840. The
        // fully connected layer's 3,920 × 3 = 11,760 are the ones pruned or clustered: 119,600 in all.
        assertThat(WeightTransforms.untouched(lstm))
                .contains("UNIDIRECTIONAL_SEQUENCE_LSTM weights untouched: 107,840 of 119,600 int8 weights");
        assertThat(WeightTransforms.untouched(conv32())).isEmpty();
    }

    @Test
    void cluster_moreClustersThanValues_leavesTheLayerUnchanged() {
        assertThat(weights(WeightTransforms.cluster(conv32(), 256, 0, false))).containsExactly(weights(conv32()));
    }

    @Test
    void badArguments_areOneLineInputErrors() {
        assertThatThrownBy(() -> WeightTransforms.prune(conv32(), 1.0, Optional.empty()))
                .isInstanceOf(InputException.class).hasMessage("--prune: sparsity 1.0 is outside [0, 1); give the "
                        + "fraction of weights to zero, e.g. 0.5");
        assertThatThrownBy(() -> WeightTransforms.prune(conv32(), -0.1, Optional.empty()))
                .isInstanceOf(InputException.class);
        assertThatThrownBy(() -> WeightTransforms.prune(conv32(), Double.NaN, Optional.empty()))
                .isInstanceOf(InputException.class);
        assertThatThrownBy(() -> WeightTransforms.cluster(conv32(), 0, 0, false)).isInstanceOf(InputException.class)
                .hasMessageStartingWith("--cluster: 0 clusters is outside 1..256");
        assertThatThrownBy(() -> WeightTransforms.cluster(conv32(), 257, 0, false)).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> NM.parse("4:2", "--prune-nm")).isInstanceOf(InputException.class)
                .hasMessageContaining("'4:2' is not N:M");
        assertThat(NM.parse(" 2:4 ", "--prune-nm")).isEqualTo(new NM(2, 4));
    }

    @Test
    void uint8Weights_areRejectedWithTheOperatorAndTensor() {
        byte[] w = new byte[8];
        Model m = TinyGraphs.model(TinyGraphs.conv(w, 1, 1, 1, 8, 2, 2, ElementType.UINT8));
        assertThatThrownBy(() -> WeightTransforms.prune(m, 0.5, Optional.empty()))
                .isInstanceOf(InputException.class)
                .hasMessage("tiny: subgraph 0 operator 0 (CONV_2D) weights 'weights': are uint8; pruning and "
                        + "clustering need int8 weights");
    }
}
