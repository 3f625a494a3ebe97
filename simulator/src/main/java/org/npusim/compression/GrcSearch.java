// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

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
    private long[] switched = new long[0];
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
            switched = new long[size];
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
     *   <li>a value a configuration cannot code (or uncompressed mode where it is unusable) adds 87 to its lane
     *       instead of 10 000. Whether the lane had switched or not (0…40 before), it ends at least 87 − 36 = 51
     *       above a cheapest state that stayed, so it switches at the next value and is never the cheapest,
     *       exactly as with the true cost; where the cheapest changes at that value (up to 61 bits), the lane is
     *       set to 127 ({@link #newCheapest}), as far above as the saturation allows. Such a lane may record a
     *       switch, or none, where the true search would record the other; the path back never reads it, since it
     *       only passes through states that can code their value.
     * </ul>
     * Every lane therefore stays below 128 above the cheapest. Lanes 13-15 are padding that is always "cannot
     * code".
     */
    int searchWeights(int[] values, int n, int uncompressedBits, byte[] sliceConfig, int[] sliceEnd) {
        ensure(n);
        resetCheapest();
        // The uncompressed configuration is lane 12: lane 4 of the high long.
        boolean usable = uncompressedBits <= MAX_CODED_BITS;
        uncompressedAdd = (long) (usable ? uncompressedBits : IMPOSSIBLE_ADD) << 32;
        uncodableHigh = usable ? 0 : LANE_MASK << 32;
        return backtrack(n, advance(values, n), sliceConfig, sliceEnd);
    }

    /*
     * The state of the search under way. With x the lanes relative to the cheapest (as in searchWeights), a lane
     * holds z = x + 87, so that its bit 7 is set exactly when x ≥ 41: when the state is more than 40 above the
     * cheapest and switches. One step, with a the value's bits and l those of the cheapest configuration:
     *   - the switch flags are z & 0x80 per lane (over);
     *   - a flagged lane (128…214) becomes 40 + 87 = 127: (z | 0x7F) is 255 there and z elsewhere, less over gives
     *     127 there and z elsewhere, and 0x7F per flagged lane is over − (over >>> 7);
     *   - then x' = clamped x + a − l, that is z' = (z | full) + (a − l − over): the per-lane differences may be
     *     negative, but whole-long arithmetic gives the packed lanes whenever every resulting lane lies in
     *     0…255, and z' = x' + 87 lies in 0…214 (x' ≥ −87: a lane adds at least 0, the cheapest at most 87).
     * Four operations after the lane's own value, against seven for "min(x, 40)" computed per lane.
     *
     * The cheapest configuration stays the first cheapest exactly when x' ≥ 0 in every lane and x' ≥ 1 in the
     * lanes before it (B, one in those lanes): z' − (87 + B) ≥ 0 per lane. That difference lies in −88…127; the
     * lowest negative lane, which no borrow reaches, reads 168…255, so its high bit is set, and no high bit is
     * set when no lane is negative. One test of the high bits replaces comparing every lane with the cheapest.
     * When it fails (about once in 800 values on MobileNet v2), newCheapest finds the new cheapest from the lanes.
     */

    /** z = x + 87 in every lane: the lanes of a state with every configuration as cheap as the cheapest. */
    private static final long BIAS = 87 * 0x0101010101010101L;
    /** The low 7 bits of a lane. */
    private static final long LANE_MASK = 0x7F;
    /** The uncompressed configuration's addend in lane 12 (bits, or 87 where unusable), for the search under way. */
    private long uncompressedAdd;
    /** Lane 12 where the uncompressed configuration is unusable in the search under way: it codes no value. */
    private long uncodableHigh;
    /** The state where {@link #run} stopped: the lanes after the value at which the cheapest changed. */
    private long stateLow;
    private long stateHigh;
    /** The cheapest configuration and what {@link #run} reads for it (see {@link #setCheapest}). */
    private int cheapest;
    private long testLow;
    private long testHigh;
    private long[] diffLow;
    /** Per value, the high long's addends less the cheapest's, the uncompressed addend included. */
    private final long[] diffHigh = new long[Palette.CODES];
    /** Per value, the low long's addends less the uncompressed configuration's, when that is the cheapest. */
    private final long[] uncompressedDiffLow = new long[Palette.CODES];

    /**
     * Steps the search over {@code values[0, n)} from all lanes equal, recording each position's switches and
     * the changes of the cheapest configuration, and returns the first cheapest configuration after the last
     * value.
     */
    private int advance(int[] values, int n) {
        stateLow = BIAS;
        stateHigh = BIAS;
        setCheapest(0);
        int i = 0;
        while (true) {
            i = run(values, i, n, switched, diffLow, diffHigh, testLow, testHigh);
            if (i == n) {
                return cheapest;
            }
            newCheapest(values[i], i);
            i++;
        }
    }

    /**
     * Steps from position {@code i} while the cheapest configuration stays, and returns the position of the value
     * at which it changed, or n; {@link #stateLow} and {@link #stateHigh} then hold the lanes after that value.
     * Its own method, with what it reads as arguments, so that the compiler keeps them in registers: inside
     * {@link #advance}, with the change of the cheapest in the same loop, it spilled the position and the arrays.
     */
    private int run(int[] values, int i, int n, long[] sw, long[] diffLo, long[] diffHi, long testLo, long testHi) {
        long lo = stateLow;
        long hi = stateHigh;
        // Two values per test: the second is stepped from the first's lanes before the first is tested. If the
        // first changed the cheapest, the second's lanes and the switches it recorded are wrong, but they are
        // overwritten when the second value is stepped again after the change; the first's lanes lie in 0…214
        // whatever happens after them, so they are kept intact.
        // The pairs' end, before the loop: a loop on i < end the compiler recognises as counted (no safepoint poll,
        // the values' bounds checked once), which "i + 1 < n" is not.
        int pairsEnd = i + ((n - i) & ~1);
        for (; i < pairsEnd; i += 2) {
            long overLo = lo & HIGH_BITS;
            long overHi = hi & HIGH_BITS;
            sw[i + 1] = overLo | overHi >>> 1;
            long lo1 = stepped(lo, overLo, diffLo[values[i]]);
            long hi1 = stepped(hi, overHi, diffHi[values[i]]);
            long test1 = (lo1 - testLo) | (hi1 - testHi);
            overLo = lo1 & HIGH_BITS;
            overHi = hi1 & HIGH_BITS;
            sw[i + 2] = overLo | overHi >>> 1;
            lo = stepped(lo1, overLo, diffLo[values[i + 1]]);
            hi = stepped(hi1, overHi, diffHi[values[i + 1]]);
            long test2 = (lo - testLo) | (hi - testHi);
            if (((test1 | test2) & HIGH_BITS) != 0) {
                if ((test1 & HIGH_BITS) != 0) {
                    stateLow = lo1;
                    stateHigh = hi1;
                    return i;
                }
                stateLow = lo;
                stateHigh = hi;
                return i + 1;
            }
        }
        if (i < n) {
            long overLo = lo & HIGH_BITS;
            long overHi = hi & HIGH_BITS;
            sw[i + 1] = overLo | overHi >>> 1;
            lo = stepped(lo, overLo, diffLo[values[i]]);
            hi = stepped(hi, overHi, diffHi[values[i]]);
            if ((((lo - testLo) | (hi - testHi)) & HIGH_BITS) == 0) {
                i++;
            }
        }
        stateLow = lo;
        stateHigh = hi;
        return i;
    }

    /**
     * One long of lanes after a value (see the state's comment): the lanes flagged in {@code over} (their bit 7,
     * {@code lanes & HIGH_BITS}, which the caller also stores as the switch flags) set to 127, then the value's bits
     * less the cheapest's ({@code diff}) added.
     */
    private static long stepped(long lanes, long over, long diff) {
        return (lanes | (over - (over >>> 7))) + (diff - over);
    }

    /**
     * The cheapest configuration changed at value {@code v}, position {@code i}: finds the new one from the lanes
     * after the value ({@link #stateLow}, {@link #stateHigh}) and re-bases them on it.
     */
    private void newCheapest(int v, int i) {
        // Adding the old cheapest's bits back (87 where it cannot code the value) gives y = clamped x + a, the
        // lanes after the value above the old cheapest before it, all in 0…127.
        long least = leastOf(cheapest, v);
        long afterLo = stateLow - BIAS + least;
        long afterHi = stateHigh - BIAS + least;
        // Lanes that cannot code the value go to 127 (see searchWeights).
        afterLo |= UNCODABLE_LOW[v];
        afterHi |= UNCODABLE_HIGH[v] | uncodableHigh;
        least = least(afterLo, afterHi);
        int best = first(afterLo, afterHi, least);
        setCheapest(best);
        stateLow = afterLo - least + BIAS;
        stateHigh = afterHi - least + BIAS;
        // The new cheapest is the one switched from in the step into position i + 2.
        cheapestFrom[cheapestChanges] = i + 2;
        cheapestConfig[cheapestChanges] = (byte) best;
        cheapestChanges++;
    }

    /** Makes {@code c} the cheapest configuration: the test's thresholds and the value's addends less its own. */
    private void setCheapest(int c) {
        cheapest = c;
        testLow = BIAS + BEFORE_LOW[c];
        testHigh = BIAS + BEFORE_HIGH[c];
        long add = uncompressedAdd;
        long[] out = diffHigh;
        if (c < UNCOMPRESSED) {
            diffLow = DIFF_LOW[c];
            // The uncompressed addend is the same for every value and fixed per search: folded in here, once per
            // change of the cheapest, instead of added at every value.
            long[] high = DIFF_HIGH[c];
            for (int v = 0; v < Palette.CODES; v++) {
                out[v] = high[v] + add;
            }
            return;
        }
        // Only reached when the uncompressed configuration becomes the cheapest: its bits are the same for every
        // value.
        long least = lane(0, add, UNCOMPRESSED);
        for (int v = 0; v < Palette.CODES; v++) {
            uncompressedDiffLow[v] = LANES_LOW[v] - least;
            out[v] = LANES_HIGH[v] + add - least;
        }
        diffLow = uncompressedDiffLow;
    }

    /**
     * The bit of configuration {@code c} in a position's switch mask. The weight search stores the lanes' switch
     * flags as they come: the low long's (bit 7 of each byte, configurations 0-7) or'ed with the high long's
     * shifted right by one (bit 6 of each byte, configurations 8-12 and the padding lanes). Folded into an int, the
     * masks took half the memory, but the fold cost three operations per value, more than the extra memory traffic
     * (MobileNet v2's streams compressed in 38 ms instead of 40-43, one core).
     */
    static long switchBit(int c) {
        return c < 8 ? 1L << (8 * c + 7) : 1L << (8 * (c - 8) + 6);
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
    /** Added to a lane where the value cannot be coded (see {@link #searchWeights}). */
    private static final int IMPOSSIBLE_ADD = 87;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    /**
     * Per value: the bits of configurations 0-7 (low) and 8-11 (high), or {@link #IMPOSSIBLE_ADD} where the value
     * cannot be coded (always in padding lanes 13-15); lane 12, uncompressed, is added per search.
     */
    private static final long[] LANES_LOW = new long[Palette.CODES];
    private static final long[] LANES_HIGH = new long[Palette.CODES];
    /** Per value: {@link #LANE_MASK} in the lanes of the configurations that cannot code it, padding included. */
    private static final long[] UNCODABLE_LOW = new long[Palette.CODES];
    private static final long[] UNCODABLE_HIGH = new long[Palette.CODES];

    static {
        for (int v = 0; v < Palette.CODES; v++) {
            long[] add = new long[2];
            long[] uncodable = new long[2];
            for (int c = 0; c < 16; c++) {
                int shift = 8 * (c % 8);
                if (c == UNCOMPRESSED) {
                    continue;
                }
                int cost = c < UNCOMPRESSED ? WEIGHT_BITS[v * 16 + c] : IMPOSSIBLE_BITS;
                boolean codable = cost <= MAX_CODED_BITS;
                add[c / 8] |= (long) (codable ? cost : IMPOSSIBLE_ADD) << shift;
                uncodable[c / 8] |= (codable ? 0 : LANE_MASK) << shift;
            }
            LANES_LOW[v] = add[0];
            LANES_HIGH[v] = add[1];
            UNCODABLE_LOW[v] = uncodable[0];
            UNCODABLE_HIGH[v] = uncodable[1];
        }
    }

    /**
     * Per weight configuration c < 12 and value v: lane c of the value's addends ({@link #LANES_LOW},
     * {@link #LANES_HIGH}) in every lane. The uncompressed configuration's addend is the same for every value and
     * fixed per search.
     */
    private static final long[][] LEAST = new long[UNCOMPRESSED][Palette.CODES];
    /**
     * Per weight configuration c < 12 and value v: the value's addends less configuration c's in every lane (the
     * a − l of a step with c the cheapest), low and high long; the high one without the uncompressed addend.
     */
    private static final long[][] DIFF_LOW = new long[UNCOMPRESSED][Palette.CODES];
    private static final long[][] DIFF_HIGH = new long[UNCOMPRESSED][Palette.CODES];

    static {
        for (int c = 0; c < UNCOMPRESSED; c++) {
            for (int v = 0; v < Palette.CODES; v++) {
                LEAST[c][v] = lane(LANES_LOW[v], LANES_HIGH[v], c);
                DIFF_LOW[c][v] = LANES_LOW[v] - LEAST[c][v];
                DIFF_HIGH[c][v] = LANES_HIGH[v] - LEAST[c][v];
            }
        }
    }

    /** Returns the bits of configuration {@code c}, the cheapest, for value {@code v} in every lane. */
    private long leastOf(int c, int v) {
        return c < UNCOMPRESSED ? LEAST[c][v] : lane(0, uncompressedAdd, UNCOMPRESSED);
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
        long[] sw = switched;
        int[] from = cheapestFrom;
        byte[] config = cheapestConfig;
        long bit0 = switchBit(0);
        long bit1 = switchBit(1);
        long bit2 = switchBit(2);
        long bit3 = switchBit(3);
        int changes = 1;
        for (int i = 0; i < n; i++) {
            int v = values[i];
            int switchCost = SWITCH_BITS;
            if (free < freeCount && freeSwitches[free] == i + 1) {
                switchCost = 0;
                free++;
            }
            int viaSwitch = best + switchCost;
            long mask = 0;
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
        long[] sw = switched;
        int[] from = cheapestFrom;
        int change = cheapestChanges - 1;
        int slices = 0;
        int config = finalConfig;
        int end = n;
        int i = n;
        while (true) {
            // Back to the last position where the configuration was entered by a switch, or to the start.
            long bit = switchBit(config);
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
