// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntToLongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Does the packed (SWAR) parameter search choose exactly what the plain search of ethos-u-facts.md §5.4 chooses?
 * The reference below is that search written as literally as possible: 13 states with absolute bit counts, a
 * 40-bit switch cost, the first cheapest state on ties, a switch only when strictly cheaper.
 */
class GrcSearchTest {

    /** Returns {configs, ends} of the reference search, as "config@end" strings. */
    static String reference(int[] values, int n, int uncompressedBits) {
        return plainSearch(n, GrcSearch.WEIGHT_CONFIGS, i -> 40, (i, c) -> {
            if (c == GrcSearch.UNCOMPRESSED) {
                return uncompressedBits;
            }
            int div = c % 6;
            boolean trunc = c >= 6;
            int q = values[i] >> div;
            long bits = trunc ? Math.min(q + 1, 2) + div : q + 1 + div;
            if ((trunc && q > 2) || q > 31) {
                bits = 10_000;
            }
            return bits;
        });
    }

    /** The cost in bits of coding value {@code i} in configuration {@code c}. */
    private interface Bits {
        long of(int i, int c);
    }

    /**
     * The plain search over {@code configs} states with absolute bit counts: before value {@code i} a state
     * switches from the first cheapest state when that plus {@code switchBits(i)} is strictly cheaper. Returns the
     * cheapest path's slices.
     */
    private static String plainSearch(int n, int configs, IntToLongFunction switchBits, Bits bitsOf) {
        long[][] cost = new long[n + 1][configs];
        int[][] previous = new int[n + 1][configs];
        for (int c = 0; c < configs; c++) {
            previous[0][c] = c;
        }
        for (int i = 0; i < n; i++) {
            int bestConfig = 0;
            for (int c = 1; c < configs; c++) {
                if (cost[i][c] < cost[i][bestConfig]) {
                    bestConfig = c;
                }
            }
            long switchCost = switchBits.applyAsLong(i);
            for (int c = 0; c < configs; c++) {
                long bits = bitsOf.of(i, c);
                if (cost[i][bestConfig] + switchCost < cost[i][c]) {
                    cost[i + 1][c] = cost[i][bestConfig] + switchCost + bits;
                    previous[i + 1][c] = bestConfig;
                } else {
                    cost[i + 1][c] = cost[i][c] + bits;
                    previous[i + 1][c] = c;
                }
            }
        }
        return slices(cost, previous, n, configs);
    }

    /** Walks back from the first cheapest final configuration: "config@end" per slice, in order. */
    private static String slices(long[][] cost, int[][] previous, int n, int configs) {
        int config = 0;
        for (int c = 1; c < configs; c++) {
            if (cost[n][c] < cost[n][config]) {
                config = c;
            }
        }
        StringBuilder slices = new StringBuilder();
        int end = n;
        for (int i = n; i >= 0; i--) {
            if (previous[i][config] != config || i == 0) {
                slices.insert(0, config + "@" + end + " ");
                config = previous[i][config];
                end = i - 1;
            }
        }
        return slices.toString().trim();
    }

    private static String packed(int[] values, int n, int uncompressedBits) {
        byte[] config = new byte[n + 1];
        int[] end = new int[n + 1];
        int slices = new GrcSearch().searchWeights(values, n, uncompressedBits, config, end);
        return format(config, end, slices);
    }

    /** The packed search's slices as "config@end" strings. */
    private static String format(byte[] config, int[] end, int slices) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < slices; k++) {
            s.append(config[k]).append('@').append(end[k]).append(' ');
        }
        return s.toString().trim();
    }

    /**
     * The plain zero-run search: 4 states (divisor k codes run v in (v >> k) + 1 + k bits), switching costs 40
     * bits except at the given free positions, where it costs nothing.
     */
    static String referenceRuns(int[] values, int n, int[] freeSwitches, int freeCount) {
        return plainSearch(n, GrcSearch.ZERO_RUN_CONFIGS, i -> {
            boolean free = false;
            for (int f = 0; f < freeCount; f++) {
                free |= freeSwitches[f] == i + 1;
            }
            return free ? 0 : 40;
        }, (i, c) -> (values[i] >> c) + 1 + c);
    }

    @Property(tries = 400)
    void searchRuns_randomRuns_matchesThePlainSearch(@ForAll long seed, @ForAll @IntRange(min = 1, max = 600) int n,
            @ForAll @IntRange(min = 0, max = 20) int freeCount) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] values = new int[n];
        // Stretches of short and of long runs make different divisors cheapest in turn.
        int bound = 2;
        for (int i = 0; i < n; i++) {
            if (random.nextInt(40) == 0) {
                bound = 1 + random.nextInt(random.nextBoolean() ? 4 : 200);
            }
            values[i] = random.nextInt(bound);
        }
        int[] free = random.ints(freeCount, 1, n + 1).sorted().distinct().toArray();
        byte[] config = new byte[n + 1];
        int[] end = new int[n + 1];
        int slices = new GrcSearch().searchRuns(values, n, free, free.length, config, end);
        assertThat(format(config, end, slices)).isEqualTo(referenceRuns(values, n, free, free.length));
    }

    @Property(tries = 400)
    void searchWeights_randomValues_matchesThePlainSearch(@ForAll long seed, @ForAll @IntRange(min = 1, max = 600) int n,
            @ForAll @IntRange(min = 0, max = 3) int kind) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] values = new int[n];
        int bound = switch (kind) {
            case 0 -> 4;
            case 1 -> 40;
            case 2 -> 200;
            default -> 512;
        };
        // Runs of similar values make switches worthwhile, so the path has several slices.
        int base = random.nextInt(bound);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(50) == 0) {
                base = random.nextInt(bound);
            }
            values[i] = Math.min(511, Math.max(0, base + random.nextInt(9) - 4));
        }
        int[] uncompressed = {100, 9, 5, 2};
        int ub = uncompressed[random.nextInt(uncompressed.length)];
        assertThat(packed(values, n, ub)).isEqualTo(reference(values, n, ub));
    }

    @Test
    void searchWeights_valueNoTruncatedConfigurationCanCode_forcesTheTruncatedStatesToSwitch() {
        // Ones are cheapest truncated (1 bit, divisor 0), but 400 cannot be coded truncated (400 >> 5 = 12 > 2):
        // a truncated state that just met 400 carries 10 000 bits and must switch at the next value, even when the
        // ones after it favour truncation again.
        int[] values = new int[300];
        Arrays.fill(values, 1);
        values[100] = 400;
        values[200] = 500;
        for (int ub : new int[] {100, 9, 2}) {
            assertThat(packed(values, values.length, ub)).as("uncompressed %d bits", ub)
                    .isEqualTo(reference(values, values.length, ub));
        }
    }

    @Test
    void searchWeights_smallThenLargeValues_switchesOnce() {
        int[] values = new int[400];
        Arrays.fill(values, 200, 400, 300);
        // 200 zeros cost 1 bit each with divisor 0; 300 needs a large divisor: 300 >> 5 = 9, 15 bits with 5.
        assertThat(packed(values, 400, 100)).isEqualTo(reference(values, 400, 100)).contains(" ");
    }
}
