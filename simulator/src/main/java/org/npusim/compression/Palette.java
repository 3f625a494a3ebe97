// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.Arrays;

/**
 * How one section of the weight stream maps weights to coded values (ethos-u-facts.md §5.4, "Value mapping";
 * the encoder's heuristics are Vela 3.10's {@code mlw_encode.c: find_palette, create_palette}).
 *
 * <p>A weight w is first turned into its sign-magnitude code {@code (|w| << 1) | sign}. Up to 32 of the most
 * frequent codes become palette indices 0…n−1 (more frequent, smaller index); any other code c is sent
 * "direct" as {@code c + n − directOffset}, where {@code directOffset} skips the smallest codes that the section
 * never uses. In zero-run mode zeros are not coded as values at all but as run lengths.
 *
 * <p>Rules, each one a fact of Vela's encoder that changes the stream size:
 * <ul>
 *   <li>zero-run mode iff 0 is the most frequent weight and occurs more than 4× as often as the second
 *       ({@code ZERO_RUN_THRES = 4}); ties between equally frequent weights go to the smaller weight;
 *   <li>the palette is sorted by descending frequency, ties by descending code;
 *   <li>a palette is used only if its entries cover more than half of the coded weights (integer half);
 *   <li>without a palette covering everything, the palette is cut so that no direct index exceeds 511;
 *   <li>a palette of one entry is padded to two with code 0;
 *   <li>{@code palBits} (2…9) is the width of the largest palette entry, or, without a palette, of the largest
 *       code (the width of uncompressed values).
 * </ul>
 */
final class Palette {

    /** Zeros must outnumber the next most frequent weight by more than this factor for zero-run mode. */
    static final int ZERO_RUN_THRESHOLD = 4;
    /** Largest palette. */
    static final int MAX_SIZE = 32;
    /** Number of 9-bit sign-magnitude codes. */
    static final int CODES = 512;

    final short[] entries = new short[MAX_SIZE];
    int size;
    int bits;
    boolean zeroRuns;
    /** Every coded weight is in the palette: uncompressed mode may send bare indices. */
    boolean onlyPalette;
    int directOffset;
    /** The section holds nothing but zeros. */
    boolean onlyZeros;
    /** The value coded for weight w is {@code index[w + 256]}. */
    final int[] index = new int[CODES];

    /** Occurrences of weight w at {@code w + 256}; all zero between calls. */
    private final int[] freq = new int[CODES];
    /** Occurrences at odd offsets in the section while counting (see {@link #choose}); all zero between calls. */
    private final int[] oddFreq = new int[CODES];
    /** The distinct weights of the section, as {@code w + 256}. */
    private final int[] values = new int[CODES];
    private final long[] keys = new long[CODES];

    /** Chooses the mapping for {@code weights[from, to)}. */
    void choose(short[] weights, int from, int to) {
        // Two counts, of the even and odd offsets: an increment of the weight just counted must wait for the
        // previous one to be stored, which neighbouring equal weights (zero padding, runs) would chain; split, a
        // chain only forms every other position. What follows does not depend on the order of the distinct
        // weights (the ranking below and the sorted palette), so they are listed in ascending order afterwards.
        int[] even = freq;
        int[] odd = oddFreq;
        int i = from;
        for (; i + 1 < to; i += 2) {
            even[weights[i] + 256]++;
            odd[weights[i + 1] + 256]++;
        }
        if (i < to) {
            even[weights[i] + 256]++;
        }
        choose(even, odd);
    }

    /**
     * Chooses the mapping of a section whose weights were counted elsewhere, split as above: occurrences of weight
     * w at {@code even[w + 256] + odd[w + 256]}. Leaves both arrays all zero.
     */
    void choose(int[] even, int[] odd) {
        int distinct = 0;
        for (int v = 0; v < CODES; v++) {
            int count = even[v] + odd[v];
            even[v] = 0;
            odd[v] = 0;
            // Last: even may be freq itself.
            freq[v] = count;
            if (count > 0) {
                values[distinct++] = v;
            }
        }
        // The most frequent weight (the smallest on a tie: values are ascending, so a later equal one never takes
        // its place) and the second highest frequency.
        int mostFreq = 0;
        int mostVal = 0;
        int secondFreq = 0;
        for (int k = 0; k < distinct; k++) {
            int v = values[k];
            int f = freq[v];
            if (f > mostFreq) {
                secondFreq = mostFreq;
                mostFreq = f;
                mostVal = v;
            } else if (f > secondFreq) {
                secondFreq = f;
            }
        }
        zeroRuns = mostVal == 256 && mostFreq > ZERO_RUN_THRESHOLD * secondFreq;
        build(distinct);
        buildIndex();
        for (int k = 0; k < distinct; k++) {
            freq[values[k]] = 0;
        }
    }

    private void build(int distinct) {
        int used = 0;
        int allCount = 0;
        int allMaxCode = 0;
        directOffset = 31;
        for (int k = 0; k < distinct; k++) {
            int w = values[k] - 256;
            if (w == 0 && zeroRuns) {
                continue;
            }
            int count = freq[w + 256];
            int code = code(w);
            keys[used++] = ((long) count << 16) | code;
            allCount += count;
            allMaxCode = Math.max(allMaxCode, code);
            if (code < directOffset) {
                directOffset = code;
            }
        }
        // Sorting (count, code) pairs ascending and reading from the end gives Vela's descending order.
        Arrays.sort(keys, 0, used);
        onlyZeros = used == 0;
        if (onlyZeros) {
            directOffset = 0;
        }
        onlyPalette = used > 0 && used <= MAX_SIZE;
        int maxSize;
        if (onlyPalette) {
            maxSize = MAX_SIZE;
        } else {
            // Direct indices are code + size − offset and must stay ≤ 511.
            maxSize = Math.min(MAX_SIZE, 511 - allMaxCode);
            if (maxSize == 1) {
                maxSize = 0;
            }
        }
        int n = Math.min(maxSize, used);
        int paletteMaxCode = 0;
        int paletteCount = 0;
        for (int i = 0; i < n; i++) {
            long key = keys[used - 1 - i];
            entries[i] = (short) (key & 0xffff);
            paletteMaxCode = Math.max(paletteMaxCode, entries[i]);
            paletteCount += (int) (key >>> 16);
        }
        if (n == 1) {
            entries[1] = 0;
            n = 2;
        }
        int widthOf;
        if (paletteCount > allCount / 2) {
            size = n;
            widthOf = paletteMaxCode;
        } else {
            size = 0;
            widthOf = allMaxCode;
        }
        int b = 2;
        while ((1 << b) <= widthOf) {
            b++;
        }
        bits = b;
    }

    /**
     * Fills {@link #index}. Codes 0 and 1 both mean weight 0 and the later one wins, so a direct zero is sent as
     * code 1; palette entries then override their weights.
     */
    private void buildIndex() {
        for (int c = 0; c < CODES; c++) {
            index[weight(c) + 256] = c + size - directOffset;
        }
        for (int i = 0; i < size; i++) {
            index[weight(entries[i]) + 256] = i;
        }
    }

    /** Returns the bits of an uncompressed value, or a prohibitive width when uncompressed mode is unusable. */
    int uncompressedBits() {
        if (onlyPalette) {
            int b = 0;
            while ((1 << b) < size) {
                b++;
            }
            return b;
        }
        return size == 0 ? bits : GrcSearch.UNUSABLE_UNCOMPRESSED_BITS;
    }

    /** Returns the sign-magnitude code of weight {@code w}. */
    static int code(int w) {
        return w < 0 ? (-w << 1) | 1 : w << 1;
    }

    /** Returns the weight of sign-magnitude code {@code c}. */
    static int weight(int c) {
        int magnitude = c >>> 1;
        return (c & 1) != 0 ? -magnitude : magnitude;
    }
}
