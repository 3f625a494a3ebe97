// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

final class ClusteringTest {

    @Test
    void cluster_twoSeparatedGroups_findsTheirMeans() {
        Clustering.Result r = Clustering.cluster(new double[] {10, 1, 11, 2, 12, 3}, 2);
        assertThat(r.centroids()).containsExactly(2.0, 11.0);
        assertThat(r.assignment()).containsExactly(1, 0, 1, 0, 1, 0);
    }

    @Test
    void cluster_lloydStep_movesTheBoundaryToTheMidpoint() {
        // Equal-count start: {0, 1} and {2, 9}, centroids 0.5 and 5.5; the midpoint 3 moves 2 into the first run:
        // {0, 1, 2} and {9}, centroids 1 and 9, midpoint 5: stable.
        Clustering.Result r = Clustering.cluster(new double[] {0, 1, 2, 9}, 2);
        assertThat(r.centroids()).containsExactly(1.0, 9.0);
    }

    @Test
    void cluster_asManyClustersAsDistinctValues_givesEachItsOwn() {
        Clustering.Result r = Clustering.cluster(new double[] {3, 1, 2, 1}, 3);
        assertThat(r.centroids()).containsExactly(1.0, 2.0, 3.0);
        assertThat(r.assignment()).containsExactly(2, 0, 1, 0);
    }

    @Test
    void cluster_tooFewDistinctValues_isRejected() {
        assertThatThrownBy(() -> Clustering.cluster(new double[] {1, 1, 2}, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("3 clusters need 3 distinct values, found 2");
    }

    @Test
    void int8Levels_nearbyCentroids_takeDistinctNonZeroLevels() {
        // Scale 1: -0.2 and 0.1 would round to 0 and 0.4 to 0 as well; 126.6 and 127 to 127.
        int[] levels = Clustering.int8Levels(new double[] {-127, -0.2, 0.1, 0.4, 126.6, 127}, 1.0);
        assertThat(levels).containsExactly(-127, -1, 1, 2, 126, 127);
    }

    @Test
    void int8Levels_wellSeparatedCentroids_roundToNearest() {
        int[] levels = Clustering.int8Levels(new double[] {-0.5, 0.25, 1.0}, 1.0 / 127);
        // -0.5·127 = -63.5 rounds half away from zero to -64, 0.25·127 = 31.75 to 32, 1.0·127 = 127.
        assertThat(levels[0]).isEqualTo(-64);
        assertThat(levels[1]).isEqualTo(32);
        assertThat(levels[2]).isEqualTo(127);
        assertThat(levels[1] * (1.0 / 127)).isCloseTo(0.25, within(0.5 / 127));
    }
}
