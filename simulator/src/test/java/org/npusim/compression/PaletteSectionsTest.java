// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Does {@link PaletteSections#find} (an innermost loop for the common positions, counts that stop at a limit)
 * cut streams where the heuristic of its class comment, written plainly below, does?
 */
class PaletteSectionsTest {

    /** The section starts by the heuristic, with every window's distinct values counted in full. */
    static List<Integer> reference(short[] w, int n) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int[] lastSeen = new int[Palette.CODES];
        java.util.Arrays.fill(lastSeen, -1);
        List<Integer> nonZeroAt = new ArrayList<>();
        int lastRestart = 0;
        boolean active = false;
        int paletteSize = 0;
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            int v = w[i] + 256;
            if (active && lastSeen[v] < lastRestart) {
                int excludeZero = zeros > (i - lastRestart) / 4 ? 1 : 0;
                paletteSize++;
                int grown = paletteSize - 1 - excludeZero;
                boolean powerOfTwoOrZero = (grown & (grown - 1)) == 0;
                if (powerOfTwoOrZero
                        && (i - lastRestart - zeros > 512 || paletteSize - excludeZero > Palette.MAX_SIZE)) {
                    starts.add(i);
                    lastRestart = i;
                    active = false;
                    zeros = 0;
                }
            }
            lastSeen[v] = i;
            if (w[i] == 0) {
                zeros++;
            } else {
                nonZeroAt.add(i);
            }
            int excludeZero = zeros - (w[i] == 0 ? 1 : 0) > (i - lastRestart) / 4 ? 1 : 0;
            for (int window : new int[] {32, 64, 128, 256, 512}) {
                int span = window * (active ? 2 : 1);
                int nonZeros = i - lastRestart - zeros;
                if (nonZeros <= 0 || nonZeros % span != 0) {
                    continue;
                }
                int from = lastRestart;
                int count = nonZeroAt.size();
                if (count >= span + 2 && nonZeroAt.get(count - span - 2) > lastRestart) {
                    from = nonZeroAt.get(count - span - 2);
                }
                boolean[] present = new boolean[Palette.CODES];
                int size = 0;
                for (int k = from; k <= i; k++) {
                    if (!present[w[k] + 256]) {
                        present[w[k] + 256] = true;
                        size++;
                    }
                }
                int oldBits = active ? PaletteSections.indexBits(paletteSize - excludeZero) : 0;
                if (PaletteSections.pays(active, span, oldBits, excludeZero, size)) {
                    paletteSize = size;
                    active = true;
                    if (from != lastRestart) {
                        zeros = (i - from + 1) - (span + 2);
                        lastRestart = from;
                    }
                    if (starts.get(starts.size() - 1) != lastRestart) {
                        starts.add(lastRestart);
                    }
                }
            }
        }
        return starts;
    }

    /**
     * The palette rule by hand, independently of the reference above (which reuses {@code pays}). Without an active
     * palette, span 32: size 3 has 2 index bits, 32 * (90 - 30) / 16 - 8 * 3 - 20 = 76 > 0; size 8 (3 bits) gives
     * 90 - 64 - 20 = 6 > 0; size 9 (4 bits) 60 - 72 - 20 < 0; size 17 (5 bits) 30 - 136 - 20 < 0. With a 5-bit
     * palette active, span 64: size 4 (2 bits) saves 64 * 15 * 3 / 16 - 32 - 20 = 128 > 0; size 10 (4 bits)
     * 60 - 80 - 20 < 0. At the edge, no palette, span 64, 4 bits: size 12 gives 120 - 96 - 20 = 4 > 0 and size 13
     * 120 - 104 - 20 < 0.
     */
    @org.junit.jupiter.api.Test
    void pays_workedCases() {
        assertThat(PaletteSections.pays(false, 32, 0, 0, 3)).isTrue();
        assertThat(PaletteSections.pays(false, 32, 0, 0, 8)).isTrue();
        assertThat(PaletteSections.pays(false, 32, 0, 0, 9)).isFalse();
        assertThat(PaletteSections.pays(false, 32, 0, 0, 17)).isFalse();
        assertThat(PaletteSections.pays(true, 64, 5, 0, 4)).isTrue();
        assertThat(PaletteSections.pays(true, 64, 5, 0, 10)).isFalse();
        assertThat(PaletteSections.pays(false, 64, 0, 0, 12)).isTrue();
        assertThat(PaletteSections.pays(false, 64, 0, 0, 13)).isFalse();
        assertThat(PaletteSections.indexBits(1)).isZero();
        assertThat(PaletteSections.indexBits(3)).isEqualTo(2);
        assertThat(PaletteSections.indexBits(17)).isEqualTo(5);
    }

    @Property(tries = 300)
    void find_randomStreams_matchesThePlainHeuristic(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 6000) int n) {
        SplittableRandom random = new SplittableRandom(seed);
        short[] w = new short[n];
        // Stretches drawn from few or many values, with more or fewer zeros, so that palettes start, shrink,
        // outgrow their index bits and are dropped.
        int distinct = 4;
        int zeroPercent = 30;
        int offset = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextInt(400) == 0) {
                distinct = 1 + random.nextInt(random.nextBoolean() ? 8 : 120);
                zeroPercent = random.nextInt(80);
                offset = random.nextInt(200) - 100;
            }
            int value = random.nextInt(100) < zeroPercent ? 0 : offset + random.nextInt(distinct) - distinct / 2;
            w[i] = (short) Math.max(-255, Math.min(255, value));
        }
        assertThat(starts(w, n)).isEqualTo(reference(w, n));
    }

    /**
     * Positions where several windows are looked at share one backward scan. Long stretches of one regime, with
     * a number of distinct values at or next to a window's largest paying palette (8, 12, 16, 27, 32 entries
     * without a palette; fewer with one), make the windows of one position end on both sides of their limits,
     * and the 512- and 1024-weight windows come into play.
     */
    @Property(tries = 200)
    void find_stretchesNearTheWindowLimits_matchesThePlainHeuristic(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 12000) int n) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] nearLimits = {2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17, 26, 27, 28, 31, 32, 33, 34, 60, 200};
        short[] w = new short[n];
        int distinct = 8;
        int zeroPercent = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextInt(1500) == 0) {
                distinct = nearLimits[random.nextInt(nearLimits.length)];
                zeroPercent = random.nextBoolean() ? 0 : random.nextInt(60);
            }
            int value = random.nextInt(100) < zeroPercent ? 0 : random.nextInt(distinct) - distinct / 2;
            w[i] = (short) value;
        }
        assertThat(starts(w, n)).isEqualTo(reference(w, n));
    }

    /**
     * One instance finds the sections of stream after stream, as the encoder's does: what a stream leaves in it (the
     * positions tracked while a palette was active, the stamps of the windows counted without one) must not change
     * the next stream's sections. Streams alternate between regimes that take palettes and regimes that never do.
     */
    @Property(tries = 60)
    void find_oneInstanceOverManyStreams_matchesThePlainHeuristic(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PaletteSections sections = new PaletteSections();
        for (int stream = 0; stream < 12; stream++) {
            int n = 1 + random.nextInt(5000);
            short[] w = new short[n];
            int distinct = random.nextBoolean() ? 1 + random.nextInt(12) : 60 + random.nextInt(200);
            int zeroPercent = random.nextInt(70);
            for (int i = 0; i < n; i++) {
                if (random.nextInt(700) == 0) {
                    distinct = random.nextBoolean() ? 1 + random.nextInt(12) : 60 + random.nextInt(200);
                }
                int value = random.nextInt(100) < zeroPercent ? 0 : random.nextInt(distinct) - distinct / 2;
                w[i] = (short) Math.max(-255, Math.min(255, value));
            }
            assertThat(starts(sections, w, n)).as("stream %d", stream).isEqualTo(reference(w, n));
        }
    }

    /**
     * Streams built from blocks that end exactly at or one weight beside the positions where windows are looked at
     * (31 to 35, 63 to 67, ... 1026 non-zero weights of a few values), bursts of values new to the palette (a
     * palette that starts and is dropped at once), zero runs (several checks at one count, zero-run mode), repeated
     * short patterns and streams shorter than the first window; one instance over them all, as in the encoder.
     */
    @Property(tries = 100)
    void find_blocksAtTheCheckPositions_matchesThePlainHeuristic(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] nonZeroCounts = {1, 2, 30, 31, 32, 33, 34, 35, 63, 64, 65, 66, 67, 127, 128, 129, 130, 255, 256, 257,
            258, 511, 512, 513, 514, 515, 1024, 1026};
        int[] valueCounts = {1, 2, 3, 4, 5, 8, 9, 12, 13, 16, 17, 27, 28, 32, 33, 34, 64, 200, 511};
        PaletteSections sections = new PaletteSections();
        for (int stream = 0; stream < 20; stream++) {
            int length = random.nextInt(5) == 0 ? 1 + random.nextInt(80) : 1 + random.nextInt(8000);
            short[] w = new short[length];
            int n = 0;
            while (n < length) {
                int kind = random.nextInt(6);
                int base = random.nextInt(3) == 0 ? random.nextInt(400) - 200 : 0;
                if (kind <= 2) {
                    int nonZeros = nonZeroCounts[random.nextInt(nonZeroCounts.length)];
                    int values = valueCounts[random.nextInt(valueCounts.length)];
                    int zeroPercent = random.nextInt(3) == 0 ? 0 : random.nextInt(60);
                    for (int k = 0; k < nonZeros && n < length; ) {
                        if (random.nextInt(100) < zeroPercent) {
                            w[n++] = 0;
                            continue;
                        }
                        int v = Math.max(-255, Math.min(255, base + random.nextInt(values) - values / 2));
                        w[n++] = (short) (v == 0 ? 1 : v);
                        k++;
                    }
                } else if (kind == 3) {
                    int first = random.nextInt(511);
                    for (int k = 1 + random.nextInt(40); k > 0 && n < length; k--) {
                        w[n++] = (short) ((first + 7 * k) % 511 - 255);
                    }
                } else if (kind == 4) {
                    for (int k = 1 + random.nextInt(random.nextBoolean() ? 5 : 600); k > 0 && n < length; k--) {
                        w[n++] = 0;
                    }
                } else {
                    short[] pattern = new short[1 + random.nextInt(6)];
                    for (int k = 0; k < pattern.length; k++) {
                        pattern[k] = (short) (random.nextInt(9) - 4);
                    }
                    for (int k = 0; k < 700 && n < length; k++) {
                        w[n++] = pattern[k % pattern.length];
                    }
                }
            }
            assertThat(starts(sections, w, length)).as("stream %d", stream).isEqualTo(reference(w, length));
        }
    }

    private static List<Integer> starts(short[] w, int n) {
        return starts(new PaletteSections(), w, n);
    }

    private static List<Integer> starts(PaletteSections sections, short[] w, int n) {
        int count = sections.find(w, n);
        List<Integer> starts = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            starts.add(sections.start(s));
        }
        return starts;
    }
}
