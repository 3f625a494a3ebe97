// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.Arrays;

/**
 * Chooses the Golomb-Rice parameters of each slice of a section (ethos-u-facts.md §5.4; Vela 3.10
 * {@code mlw_encode.c: search_grc_params}). The search is Viterbi-like: for every value and every parameter
 * configuration it keeps the cheapest bit count of a coding of the values so far that ends in that
 * configuration, where staying costs the value's bits and switching costs the cheapest state so far plus 40 bits
 * (a new slice header) plus the value's bits. The path back from the cheapest final state gives the slices.
 *
 * <p>Weight configurations (13): divisors 0-5 untruncated, divisors 0-5 truncated, and uncompressed. A value v
 * with divisor k has quotient q = v >> k and costs q+1+k bits, or min(q+1, 2)+k when truncated; a truncated
 * quotient above 2 or any quotient above 31 cannot be coded (cost 10 000). Zero-run configurations (4): divisors
 * 0-3, never capped. A switch is free where the weight search already starts a slice (the zero-run search is
 * told those positions), because the two streams share slice headers.
 *
 * <p>Ties go to the lowest configuration, and a switch is taken only when strictly cheaper, as in Vela: the
 * choice changes the stream's size, so it must be reproduced exactly.
 *
 * <p>Representation: a state's predecessor is either itself or the step's cheapest state, so each position
 * stores a bit mask of the configurations that switched ({@link #switchBit}), not 13 predecessors, and the
 * cheapest configuration is recorded where it changes.
 */
final class GrcSearch {

    /** Cost of changing parameters: the slice header the change needs. */
    static final int SWITCH_BITS = 40;
    /** Cost of a value that a configuration cannot code. */
    static final int IMPOSSIBLE_BITS = 10_000;
    /** Uncompressed width standing for "uncompressed mode is not allowed in this section". */
    static final int UNUSABLE_UNCOMPRESSED_BITS = 100;
    /** Weight configurations: index c < 12 has divisor c % 6 and is truncated when c ≥ 6; 12 is uncompressed. */
    static final int WEIGHT_CONFIGS = 13;
    /** The uncompressed weight configuration. */
    static final int UNCOMPRESSED = 12;
    /** Zero-run configurations: divisor = index. */
    static final int ZERO_RUN_CONFIGS = 4;

    /** Bits of weight value v (0…511) under configuration c < 12, at {@code v * 16 + c}. */
    private static final int[] WEIGHT_BITS = new int[Palette.CODES * 16];

    static {
        for (int c = 0; c < 12; c++) {
            int div = divisor(c);
            boolean trunc = truncated(c);
            for (int v = 0; v < Palette.CODES; v++) {
                int q = v >> div;
                int bits = trunc ? Math.min(q + 1, 2) + div : q + 1 + div;
                if ((trunc && q > 2) || q > 31) {
                    bits = IMPOSSIBLE_BITS;
                }
                WEIGHT_BITS[v * 16 + c] = bits;
            }
        }
    }

    /**
     * Per position (1…n): bit {@link #switchBit}(c) set when configuration c switched there from the previous
     * cheapest one.
     */
    private int[] switched = new int[0];
    /**
     * The cheapest configuration before each step, run-length coded: from position {@code cheapestFrom[k]} (1…)
     * on it is {@code cheapestConfig[k]}, up to the next entry. The weight search's cheapest configuration
     * seldom changes, so it is recorded when it does, not at every position.
     */
    private int[] cheapestFrom = new int[0];
    private byte[] cheapestConfig = new byte[0];
    private int cheapestChanges;

    /** Returns the divisor of weight configuration {@code c} (the uncompressed one has none). */
    static int divisor(int c) {
        return c % 6;
    }

    /** Returns whether weight configuration {@code c} is truncated. */
    static boolean truncated(int c) {
        return c >= 6 && c < UNCOMPRESSED;
    }

    private void ensure(int n) {
        if (switched.length < n + 2) {
            int size = Math.max(n + 2, switched.length + switched.length / 2);
            switched = new int[size];
            cheapestFrom = new int[size];
            cheapestConfig = new byte[size];
        }
    }

    /** Starts the record of the cheapest configuration: configuration 0 from position 1. */
    private void resetCheapest() {
        cheapestFrom[0] = 1;
        cheapestConfig[0] = 0;
        cheapestChanges = 1;
    }

    /**
     * Searches parameters for weight values {@code values[0, n)} (0…511) and writes the slices, in order, as a
     * configuration and an exclusive end position each; returns the number of slices.
     *
     * <p>The search is the same as the scalar form in the class comment, computed on costs relative to the
     * cheapest state, held as 13 byte lanes of two longs (SWAR). Relative costs only matter through "more than
     * 40 above the cheapest" (switch) and "the first cheapest", which allows saturation:
     * <ul>
     *   <li>a state more than 40 above the cheapest is clamped to 40 (it switches), so before a value is added
     *       every lane is at most 40, and a codable value adds at most 36 bits (quotient 31 with divisor 4);
     *   <li>the cheapest lane is then at most 40 + 21 (divisor 5 codes any value in at most 21 bits);
     *   <li>a value a configuration cannot code (or uncompressed mode where it is unusable) sets its lane to 127
     *       instead of adding 10 000: after the cheapest (≤ 61) is subtracted it is still more than 40 above it,
     *       so it switches at the next value and is never the cheapest, exactly as with the true cost. The lane
     *       gets there as a switch (to 40) plus 87; the switch it records is never read, since the path back
     *       only passes through states that can code their value.
     * </ul>
     * Every lane therefore stays below 128 and no lane operation carries into the next. Lanes 13-15 are padding
     * that is always "cannot code".
     */
    int searchWeights(int[] values, int n, int uncompressedBits, byte[] sliceConfig, int[] sliceEnd) {
        ensure(n);
        resetCheapest();
        // The uncompressed configuration is lane 12: lane 4 of the high long.
        boolean usable = uncompressedBits <= MAX_CODED_BITS;
        long uncompressedAdd = (long) (usable ? uncompressedBits : IMPOSSIBLE_ADD) << 32;
        long uncompressedOver = (long) (usable ? OVER_ADD : FORCE_OVER) << 32;
        return backtrack(n, advance(values, n, uncompressedAdd, uncompressedOver), sliceConfig, sliceEnd);
    }

    /**
     * Steps the search over {@code values[0, n)} from all lanes equal, recording each position's switches and
     * the changes of the cheapest configuration, and returns the first cheapest configuration after the last
     * value.
     *
     * <p>State: with x the lanes relative to the cheapest (as in {@link #searchWeights}) and B one in the lanes of
     * the configurations before the cheapest ({@link #BEFORE_LOW}), the loop keeps {@code s = x − B}. While the
     * cheapest stays the first cheapest, x ≥ B in every lane, so s is a clean packed value (lanes 0…127). One step
     * in terms of s, with a the value's bits and l the cheapest configuration's:
     * <ul>
     *   <li>the switch flags are those of x: (x + over) = (s + (over + B)), the same lane sums, so no carry;
     *   <li>a flagged lane of x becomes 40, that is 40 − B in s;
     *   <li>the next state is x' − B = clamped x + a − l − B = clamped s + (a − l), whole-long arithmetic: the
     *       per-lane differences a − l may be negative, but the sum of the packed numbers is the packed sum of
     *       the lanes whenever every resulting lane lies in 0…127;
     *   <li>the cheapest stays the first cheapest exactly when x' ≥ B in every lane, that is when no lane of the
     *       result is negative. A lane result lies in −87…127 (clamped s ≥ 0, a ≤ 87, l ≤ 87), so the lowest
     *       negative lane, which no borrow reaches, reads 169…255: its high bit is set, and no high bit is set
     *       when no lane is negative. One test of the high bits replaces comparing every lane with the cheapest.
     * </ul>
     * When the test fails (about once in a thousand values on MobileNet v2), adding l + B back gives the lanes
     * after the value (y = clamped x + a, all in 0…127), from which the new cheapest is found as before.
     */
    private int advance(int[] values, int n, long uncompressedAdd, long uncompressedOver) {
        int[] sw = switched;
        long lo = 0;
        long hi = 0;
        int best = 0;
        long beforeLo = BEFORE_LOW[0];
        long beforeHi = BEFORE_HIGH[0];
        // Loop invariants between changes of the cheapest, kept in variables: the compiler does not hoist them
        // out of a loop that changes them, and each saves an operation per value.
        long overBaseHi = uncompressedOver + beforeHi;
        long switchedToLo = FORTY - beforeLo;
        long switchedToHi = FORTY - beforeHi;
        long[] leastOf = leastTable(best, uncompressedAdd);
        for (int i = 0; i < n; i++) {
            int v = values[i] & (Palette.CODES - 1);
            long addLo = LANES_LOW[v];
            long addHi = LANES_HIGH[v] + uncompressedAdd;
            long overLo = (lo + (OVER_LOW[v] + beforeLo)) & HIGH_BITS;
            long overHi = (hi + (OVER_HIGH[v] + overBaseHi)) & HIGH_BITS;
            long flags = overLo | overHi >>> 1;
            sw[i + 1] = (int) (flags | flags >>> 34);
            // The cheapest lane was 0 and did not switch, unless it cannot code the value: it now holds the
            // value's bits, or 127. Reading the bits from a table of the cheapest configuration's addends (87
            // where the value cannot be coded: lane 5, divisor 5, codes every value in at most 21 bits, so its
            // result is negative and the test fails as it must) keeps this off the chain of dependent steps from
            // one value to the next, in one load.
            long least = leastOf[v];
            lo = clamped(lo, overLo, switchedToLo) + (addLo - least);
            hi = clamped(hi, overHi, switchedToHi) + (addHi - least);
            if (((lo | hi) & HIGH_BITS) != 0) {
                long afterLo = lo + least + beforeLo;
                long afterHi = hi + least + beforeHi;
                least = least(afterLo, afterHi);
                best = first(afterLo, afterHi, least);
                beforeLo = BEFORE_LOW[best];
                beforeHi = BEFORE_HIGH[best];
                overBaseHi = uncompressedOver + beforeHi;
                switchedToLo = FORTY - beforeLo;
                switchedToHi = FORTY - beforeHi;
                leastOf = leastTable(best, uncompressedAdd);
                lo = afterLo - least - beforeLo;
                hi = afterHi - least - beforeHi;
                // The new cheapest is the one switched from in the step into position i + 2.
                cheapestFrom[cheapestChanges] = i + 2;
                cheapestConfig[cheapestChanges] = (byte) best;
                cheapestChanges++;
            }
        }
        return best;
    }

    /**
     * The bit of configuration {@code c} in a position's switch mask. The weight search takes the lanes' switch
     * flags as they come, the low long's (bit 7 of each byte, configurations 0-7) or'ed with the high long's
     * shifted right by one (bit 6 of each byte, configurations 8-12 and the padding lanes), and folds the upper
     * half onto the lower with a shift by 34: bit 8k+7 of bytes 4-7 (configurations 4-7) lands on bit 8(k-4)+5 and
     * bit 8k+6 (configuration 12, padding) on bit 8(k-4)+4, where nothing else is. Four operations per value
     * instead of gathering 13 bits into a short, and an int per position: half the memory a long takes, which
     * counts on streams of a million values whose masks do not stay in cache between the search and the path back.
     */
    static int switchBit(int c) {
        if (c < 4) {
            return 1 << (8 * c + 7);
        }
        if (c < 8) {
            return 1 << (8 * (c - 4) + 5);
        }
        return c < 12 ? 1 << (8 * (c - 8) + 6) : 1 << 4;
    }

    /** Sets the flagged lanes to {@code switchedTo} (a switch from the cheapest). */
    private static long clamped(long lanes, long over, long switchedTo) {
        // Lanes hold at most 7 bits, so 0x7F in a flagged lane selects all of it.
        long full = over - (over >>> 7);
        return (lanes & ~full) | (switchedTo & full);
    }

    /** Returns lane {@code c} of the two longs in every lane. */
    private static long lane(long lo, long hi, int c) {
        long lanes = c < 8 ? lo : hi;
        return ((lanes >>> ((c & 7) << 3)) & 0x7F) * ONES;
    }


    /** Per configuration c: one in the lanes of the configurations before c, in the low and high long. */
    private static final long[] BEFORE_LOW = new long[16];
    private static final long[] BEFORE_HIGH = new long[16];

    static {
        for (int c = 0; c < 16; c++) {
            for (int before = 0; before < c; before++) {
                long one = 1L << (8 * (before % 8));
                if (before < 8) {
                    BEFORE_LOW[c] |= one;
                } else {
                    BEFORE_HIGH[c] |= one;
                }
            }
        }
    }

    /** Returns the least lane of the two longs in every lane. */
    private static long least(long lo, long hi) {
        long m = min(lo, hi);
        // Rotations keep lanes whole: after three, every lane has seen every other.
        m = min(m, Long.rotateRight(m, 32));
        m = min(m, Long.rotateRight(m, 16));
        return min(m, Long.rotateRight(m, 8));
    }

    /** Returns the first configuration whose lane holds {@code least} (in every lane). */
    private static int first(long lo, long hi, long least) {
        // A lane x is zero exactly when (x | 0x80) − 1 keeps its high bit clear.
        long equalLo = ~(((lo ^ least) | HIGH_BITS) - ONES) & HIGH_BITS;
        long equalHi = ~(((hi ^ least) | HIGH_BITS) - ONES) & HIGH_BITS;
        // A long without such a lane has 64 trailing zeros, "lane 8": the high long then decides.
        int lowLane = Long.numberOfTrailingZeros(equalLo) >>> 3;
        return lowLane < 8 ? lowLane : 8 + (Long.numberOfTrailingZeros(equalHi) >>> 3);
    }

    /** Lane-wise minimum of two longs of 7-bit lanes. */
    private static long min(long a, long b) {
        // Per lane 128 + a − b lies in 1…255: no borrow between lanes; its high bit says a ≥ b.
        long aAtLeastB = ((a | HIGH_BITS) - b) & HIGH_BITS;
        long select = aAtLeastB - (aAtLeastB >>> 7);
        return a ^ ((a ^ b) & select);
    }

    /** Most bits a codable value costs: quotient 31 with divisor 4, 31 + 1 + 4 (divisor 0 allows 32). */
    static final int MAX_CODED_BITS = 36;
    /** Added to a lane to flag it (bit 7) when it is more than 40 above the cheapest: d + 87 ≥ 128 exactly when d ≥ 41. */
    private static final int OVER_ADD = 87;
    /** Added to a lane (at most 127) to flag it whatever it holds. */
    private static final int FORCE_OVER = 128;
    /** Added to a lane switched to 40 where the value cannot be coded: 40 + 87 = 127. */
    private static final int IMPOSSIBLE_ADD = 87;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long FORTY = 40 * ONES;
    /**
     * Per value: the bits of configurations 0-7 (low) and 8-11 (high), or {@link #IMPOSSIBLE_ADD} where the value
     * cannot be coded (always in padding lanes 13-15); lane 12, uncompressed, is added per search.
     */
    private static final long[] LANES_LOW = new long[Palette.CODES];
    private static final long[] LANES_HIGH = new long[Palette.CODES];
    /**
     * Per value: what to add to flag the lanes that switch before it is added: {@link #OVER_ADD}, or
     * {@link #FORCE_OVER} where the value cannot be coded; lane 12 is added per search.
     */
    private static final long[] OVER_LOW = new long[Palette.CODES];
    private static final long[] OVER_HIGH = new long[Palette.CODES];

    static {
        for (int v = 0; v < Palette.CODES; v++) {
            long[] add = new long[2];
            long[] over = new long[2];
            for (int c = 0; c < 16; c++) {
                int shift = 8 * (c % 8);
                if (c == UNCOMPRESSED) {
                    continue;
                }
                int cost = c < UNCOMPRESSED ? WEIGHT_BITS[v * 16 + c] : IMPOSSIBLE_BITS;
                boolean codable = cost <= MAX_CODED_BITS;
                add[c / 8] |= (long) (codable ? cost : IMPOSSIBLE_ADD) << shift;
                over[c / 8] |= (long) (codable ? OVER_ADD : FORCE_OVER) << shift;
            }
            LANES_LOW[v] = add[0];
            LANES_HIGH[v] = add[1];
            OVER_LOW[v] = over[0];
            OVER_HIGH[v] = over[1];
        }
    }

    /**
     * Per weight configuration c < 12 and value v: lane c of the value's addends ({@link #LANES_LOW},
     * {@link #LANES_HIGH}) in every lane. The uncompressed configuration's addend is the same for every value and
     * is set per search ({@link #leastTable}).
     */
    private static final long[][] LEAST = new long[UNCOMPRESSED][Palette.CODES];
    /** The uncompressed configuration's addends in every lane, for the search under way. */
    private final long[] uncompressedLeast = new long[Palette.CODES];
    /** The addend {@link #uncompressedLeast} holds (lane 12 of the high long), or −1 before the first fill. */
    private long uncompressedLeastFor = -1;

    static {
        for (int c = 0; c < UNCOMPRESSED; c++) {
            for (int v = 0; v < Palette.CODES; v++) {
                LEAST[c][v] = lane(LANES_LOW[v], LANES_HIGH[v], c);
            }
        }
    }

    /** Returns per value the addend of configuration {@code c} in every lane (see {@link #LEAST}). */
    private long[] leastTable(int c, long uncompressedAdd) {
        if (c < UNCOMPRESSED) {
            return LEAST[c];
        }
        // Only reached when the uncompressed configuration becomes the cheapest: filled then, not per search.
        if (uncompressedLeastFor != uncompressedAdd) {
            Arrays.fill(uncompressedLeast, lane(0, uncompressedAdd, UNCOMPRESSED));
            uncompressedLeastFor = uncompressedAdd;
        }
        return uncompressedLeast;
    }

    /**
     * Searches parameters for zero-run lengths {@code values[0, n)}, switching for free at the end positions in
     * {@code freeSwitches[0, freeCount)} (ascending), and writes the slices as {@link #searchWeights} does.
     */
    int searchRuns(int[] values, int n, int[] freeSwitches, int freeCount, byte[] sliceConfig, int[] sliceEnd) {
        ensure(n);
        resetCheapest();
        int c0 = 0;
        int c1 = 0;
        int c2 = 0;
        int c3 = 0;
        int best = 0;
        int bestConfig = 0;
        int free = 0;
        int[] sw = switched;
        int[] from = cheapestFrom;
        byte[] config = cheapestConfig;
        int bit0 = switchBit(0);
        int bit1 = switchBit(1);
        int bit2 = switchBit(2);
        int bit3 = switchBit(3);
        int changes = 1;
        for (int i = 0; i < n; i++) {
            int v = values[i];
            int switchCost = SWITCH_BITS;
            if (free < freeCount && freeSwitches[free] == i + 1) {
                switchCost = 0;
                free++;
            }
            int viaSwitch = best + switchCost;
            int mask = 0;
            if (viaSwitch < c0) {
                c0 = viaSwitch;
                mask |= bit0;
            }
            if (viaSwitch < c1) {
                c1 = viaSwitch;
                mask |= bit1;
            }
            if (viaSwitch < c2) {
                c2 = viaSwitch;
                mask |= bit2;
            }
            if (viaSwitch < c3) {
                c3 = viaSwitch;
                mask |= bit3;
            }
            c0 += v + 1;
            c1 += (v >> 1) + 2;
            c2 += (v >> 2) + 3;
            c3 += (v >> 3) + 4;
            sw[i + 1] = mask;
            int previousConfig = bestConfig;
            best = c0;
            bestConfig = 0;
            if (c1 < best) {
                best = c1;
                bestConfig = 1;
            }
            if (c2 < best) {
                best = c2;
                bestConfig = 2;
            }
            if (c3 < best) {
                best = c3;
                bestConfig = 3;
            }
            // Written at every step, kept (counted) only when the cheapest changed: no branch to mispredict.
            from[changes] = i + 2;
            config[changes] = (byte) bestConfig;
            changes += bestConfig != previousConfig ? 1 : 0;
        }
        cheapestChanges = changes;
        return backtrack(n, bestConfig, sliceConfig, sliceEnd);
    }

    /** Walks back from the cheapest final state; a switch at position i starts a slice at value i − 1. */
    private int backtrack(int n, int finalConfig, byte[] sliceConfig, int[] sliceEnd) {
        int[] sw = switched;
        int[] from = cheapestFrom;
        int change = cheapestChanges - 1;
        int slices = 0;
        int config = finalConfig;
        int end = n;
        int i = n;
        while (true) {
            // Back to the last position where the configuration was entered by a switch, or to the start.
            int bit = switchBit(config);
            // Most positions do not switch into the configuration followed: eight are tested at a time, a branch
            // per eight instead of per position (the path back walks the whole stream, twice per section).
            while (i >= 8 && ((sw[i] | sw[i - 1] | sw[i - 2] | sw[i - 3] | sw[i - 4] | sw[i - 5] | sw[i - 6] | sw[i - 7])
                    & bit) == 0) {
                i -= 8;
            }
            while (i > 0 && (sw[i] & bit) == 0) {
                i--;
            }
            int p = config;
            if (i > 0) {
                // Positions only decrease: the entry in force at i is at or before the last one found.
                while (from[change] > i) {
                    change--;
                }
                p = cheapestConfig[change];
            }
            if (p != config || i == 0) {
                sliceConfig[slices] = (byte) config;
                sliceEnd[slices] = end;
                slices++;
                config = p;
                end = i - 1;
            }
            if (i == 0) {
                break;
            }
            i--;
        }
        for (int a = 0, b = slices - 1; a < b; a++, b--) {
            byte c = sliceConfig[a];
            sliceConfig[a] = sliceConfig[b];
            sliceConfig[b] = c;
            int e = sliceEnd[a];
            sliceEnd[a] = sliceEnd[b];
            sliceEnd[b] = e;
        }
        return slices;
    }
}
