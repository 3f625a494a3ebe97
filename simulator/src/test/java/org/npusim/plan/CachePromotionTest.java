// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vela's choice of the feature maps that stay in a dedicated-sram cache, on cases worked by hand. */
final class CachePromotionTest {

    private static CachePromotion.Candidate range(long bytes, int start, int end, long accesses) {
        return new CachePromotion.Candidate(bytes, start, end, accesses);
    }

    /** 40 + 50 bytes at once beside 10 of buffers: 100, within a cache of 100. Nothing moves. */
    @Test
    void everythingFits_nothingEvicted() {
        long[] base = {10, 10, 10, 10};
        boolean[] out = CachePromotion.evicted(base, List.of(range(40, 0, 2, 1), range(50, 1, 3, 1)), 100);
        assertThat(out).containsExactly(false, false);
    }

    /**
     * A cache of 100 with 30 bytes of buffers at steps 2-3. The first range (80 bytes over 1-2) cannot fit even
     * alone there (30 + 80 = 110): evicted. The second (20 over 0-1) fits beside all that remains (the third, 60
     * over 1-3, and the buffers: 20 + 60 = 80 at step 1) and is kept; so is the third (60 + 30 = 90 at its worst).
     */
    @Test
    void neverFits_evicted_alwaysFits_kept() {
        long[] base = {0, 0, 30, 30};
        boolean[] out = CachePromotion.evicted(base,
                List.of(range(80, 1, 2, 1), range(20, 0, 1, 1), range(60, 1, 3, 1)), 100);
        assertThat(out).containsExactly(true, false, false);
    }

    /**
     * Two ranges over the same steps, 60 and 50 bytes, in a cache of 100: only one fits. The one whose feature
     * maps are accessed more stays: the first with 30 accesses against 10, the second with 10 against 30. With
     * equal accesses the first set found wins: the search takes the ranges by (start, end, size), the smaller
     * first, and tries keeping before evicting, so the 50-byte one stays; of two equal ranges, the first listed.
     */
    @Test
    void competing_mostAccessesStay_tieKeepsTheFirstSearched() {
        long[] base = new long[4];
        assertThat(CachePromotion.evicted(base, List.of(range(60, 0, 3, 30), range(50, 0, 3, 10)), 100))
                .containsExactly(false, true);
        assertThat(CachePromotion.evicted(base, List.of(range(60, 0, 3, 10), range(50, 0, 3, 30)), 100))
                .containsExactly(true, false);
        assertThat(CachePromotion.evicted(base, List.of(range(60, 0, 3, 10), range(50, 0, 3, 10)), 100))
                .containsExactly(true, false);
        assertThat(CachePromotion.evicted(base, List.of(range(60, 0, 3, 10), range(60, 0, 3, 10)), 100))
                .containsExactly(false, true);
    }

    /**
     * Three ranges that overlap in pairs (0-2 and 2-4 share step 2, 2-4 and 4-6 step 4), 60 bytes each in a cache
     * of 100: a set fits when no two neighbours are both kept. Keeping the outer two (10 + 10 accesses) beats the
     * middle one alone (15).
     */
    @Test
    void competing_searchesTheWholeComponent() {
        long[] base = new long[7];
        boolean[] out = CachePromotion.evicted(base,
                List.of(range(60, 0, 2, 10), range(60, 2, 4, 15), range(60, 4, 6, 10)), 100);
        assertThat(out).containsExactly(false, true, false);
    }

    /**
     * 21 competing ranges, each over-full with its neighbour, and a 22nd that lives 40 steps longer than the one
     * 20 places after it: more than 20 compete, so that one leaves before the search (Vela: too long to search).
     * The 21 short ranges (60 bytes, steps k to k+1, cache 100) keep every other one.
     */
    @Test
    void competing_overlongRangeDropped_restSearchedInComponents() {
        List<CachePromotion.Candidate> ranges = new ArrayList<>();
        ranges.add(range(30, 0, 62, 1000));
        for (int k = 0; k < 21; k++) {
            ranges.add(range(60, k, k + 1, 1));
        }
        boolean[] out = CachePromotion.evicted(new long[63], ranges, 100);
        assertThat(out[0]).isTrue();
        for (int k = 0; k < 21; k++) {
            // Neighbours overlap, so at most every other one: the first of each pair found first.
            assertThat(out[k + 1]).as("range %d", k).isEqualTo(k % 2 == 1);
        }
    }
}
