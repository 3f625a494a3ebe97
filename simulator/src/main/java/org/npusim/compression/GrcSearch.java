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
 * stores a bit mask of the configurations that switched and the cheapest configuration, not 13 predecessors.
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

    /** Per position (1…n): bit c set when configuration c switched there from the previous cheapest one. */
    private short[] switched = new short[0];
    /** Per position (1…n): the cheapest configuration before the step into that position. */
    private byte[] cheapest = new byte[0];

    /** Returns the divisor of weight configuration {@code c} (the uncompressed one has none). */
    static int divisor(int c) {
        return c % 6;
    }

    /** Returns whether weight configuration {@code c} is truncated. */
    static boolean truncated(int c) {
        return c >= 6 && c < UNCOMPRESSED;
    }

    private void ensure(int n) {
        if (switched.length < n + 1) {
            int size = Math.max(n + 1, switched.length + switched.length / 2);
            switched = new short[size];
            cheapest = new byte[size];
        }
    }

    /**
     * Searches parameters for weight values {@code values[0, n)} (0…511) and writes the slices, in order, as a
     * configuration and an exclusive end position each; returns the number of slices.
     */
    int searchWeights(int[] values, int n, int uncompressedBits, byte[] sliceConfig, int[] sliceEnd) {
        ensure(n);
        short[] sw = switched;
        byte[] ch = cheapest;
        int[] table = WEIGHT_BITS;
        // The 13 states live in locals: the loop is the encoder's hottest, and an array would be reloaded and
        // stored for every value. Each update is branch-free (the comparisons are data-dependent and mispredict):
        // all costs stay far below 2^30, so differences cannot overflow and ">> 31" of a negative one is −1.
        int c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0;
        int c7 = 0, c8 = 0, c9 = 0, c10 = 0, c11 = 0, c12 = 0;
        int best = 0;
        int bestConfig = 0;
        for (int i = 0; i < n; i++) {
            int base = values[i] << 4;
            int viaSwitch = best + SWITCH_BITS;
            int mask = 0;
            int t;
            t = (viaSwitch - c0) >> 31;
            c0 += ((viaSwitch - c0) & t) + table[base + 0];
            mask |= (t & 1) << 0;
            t = (viaSwitch - c1) >> 31;
            c1 += ((viaSwitch - c1) & t) + table[base + 1];
            mask |= (t & 1) << 1;
            t = (viaSwitch - c2) >> 31;
            c2 += ((viaSwitch - c2) & t) + table[base + 2];
            mask |= (t & 1) << 2;
            t = (viaSwitch - c3) >> 31;
            c3 += ((viaSwitch - c3) & t) + table[base + 3];
            mask |= (t & 1) << 3;
            t = (viaSwitch - c4) >> 31;
            c4 += ((viaSwitch - c4) & t) + table[base + 4];
            mask |= (t & 1) << 4;
            t = (viaSwitch - c5) >> 31;
            c5 += ((viaSwitch - c5) & t) + table[base + 5];
            mask |= (t & 1) << 5;
            t = (viaSwitch - c6) >> 31;
            c6 += ((viaSwitch - c6) & t) + table[base + 6];
            mask |= (t & 1) << 6;
            t = (viaSwitch - c7) >> 31;
            c7 += ((viaSwitch - c7) & t) + table[base + 7];
            mask |= (t & 1) << 7;
            t = (viaSwitch - c8) >> 31;
            c8 += ((viaSwitch - c8) & t) + table[base + 8];
            mask |= (t & 1) << 8;
            t = (viaSwitch - c9) >> 31;
            c9 += ((viaSwitch - c9) & t) + table[base + 9];
            mask |= (t & 1) << 9;
            t = (viaSwitch - c10) >> 31;
            c10 += ((viaSwitch - c10) & t) + table[base + 10];
            mask |= (t & 1) << 10;
            t = (viaSwitch - c11) >> 31;
            c11 += ((viaSwitch - c11) & t) + table[base + 11];
            mask |= (t & 1) << 11;
            t = (viaSwitch - c12) >> 31;
            c12 += ((viaSwitch - c12) & t) + uncompressedBits;
            mask |= (t & 1) << 12;
            sw[i + 1] = (short) mask;
            ch[i + 1] = (byte) bestConfig;
            // The cheapest state, the first on a tie.
            best = c0;
            bestConfig = 0;
            t = (c1 - best) >> 31;
            best += (c1 - best) & t;
            bestConfig ^= (bestConfig ^ 1) & t;
            t = (c2 - best) >> 31;
            best += (c2 - best) & t;
            bestConfig ^= (bestConfig ^ 2) & t;
            t = (c3 - best) >> 31;
            best += (c3 - best) & t;
            bestConfig ^= (bestConfig ^ 3) & t;
            t = (c4 - best) >> 31;
            best += (c4 - best) & t;
            bestConfig ^= (bestConfig ^ 4) & t;
            t = (c5 - best) >> 31;
            best += (c5 - best) & t;
            bestConfig ^= (bestConfig ^ 5) & t;
            t = (c6 - best) >> 31;
            best += (c6 - best) & t;
            bestConfig ^= (bestConfig ^ 6) & t;
            t = (c7 - best) >> 31;
            best += (c7 - best) & t;
            bestConfig ^= (bestConfig ^ 7) & t;
            t = (c8 - best) >> 31;
            best += (c8 - best) & t;
            bestConfig ^= (bestConfig ^ 8) & t;
            t = (c9 - best) >> 31;
            best += (c9 - best) & t;
            bestConfig ^= (bestConfig ^ 9) & t;
            t = (c10 - best) >> 31;
            best += (c10 - best) & t;
            bestConfig ^= (bestConfig ^ 10) & t;
            t = (c11 - best) >> 31;
            best += (c11 - best) & t;
            bestConfig ^= (bestConfig ^ 11) & t;
            t = (c12 - best) >> 31;
            best += (c12 - best) & t;
            bestConfig ^= (bestConfig ^ 12) & t;
        }
        return backtrack(n, bestConfig, sliceConfig, sliceEnd);
    }

    /**
     * Searches parameters for zero-run lengths {@code values[0, n)}, switching for free at the end positions in
     * {@code freeSwitches[0, freeCount)} (ascending), and writes the slices as {@link #searchWeights} does.
     */
    int searchRuns(int[] values, int n, int[] freeSwitches, int freeCount, byte[] sliceConfig, int[] sliceEnd) {
        ensure(n);
        int c0 = 0;
        int c1 = 0;
        int c2 = 0;
        int c3 = 0;
        int best = 0;
        int bestConfig = 0;
        int free = 0;
        short[] sw = switched;
        byte[] ch = cheapest;
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
                mask |= 1;
            }
            if (viaSwitch < c1) {
                c1 = viaSwitch;
                mask |= 2;
            }
            if (viaSwitch < c2) {
                c2 = viaSwitch;
                mask |= 4;
            }
            if (viaSwitch < c3) {
                c3 = viaSwitch;
                mask |= 8;
            }
            c0 += v + 1;
            c1 += (v >> 1) + 2;
            c2 += (v >> 2) + 3;
            c3 += (v >> 3) + 4;
            sw[i + 1] = (short) mask;
            ch[i + 1] = (byte) bestConfig;
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
        }
        return backtrack(n, bestConfig, sliceConfig, sliceEnd);
    }

    /** Walks back from the cheapest final state; a switch at position i starts a slice at value i − 1. */
    private int backtrack(int n, int finalConfig, byte[] sliceConfig, int[] sliceEnd) {
        int slices = 0;
        int config = finalConfig;
        int end = n;
        for (int i = n; i >= 0; i--) {
            int p = i > 0 && ((switched[i] >> config) & 1) != 0 ? cheapest[i] : config;
            if (p != config || i == 0) {
                sliceConfig[slices] = (byte) config;
                sliceEnd[slices] = end;
                slices++;
                config = p;
                end = i - 1;
            }
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
