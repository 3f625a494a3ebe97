// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

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
    /** The distinct weights of the section, as {@code w + 256}, in the order of their codes. */
    private final int[] values = new int[CODES];
    /** Per distinct weight, then the palette's selected first: {@code count << 16 | code}. */
    private final long[] keys = new long[CODES];

    /** Chooses the mapping for {@code weights[from, to)}. */
    void choose(short[] weights, int from, int to) {
        // Two counts, of the even and odd offsets: an increment of the weight just counted must wait for the
        // previous one to be stored, which neighbouring equal weights (zero padding, runs) would chain; split, a
        // chain only forms every other position. What follows does not depend on the order in which the weights
        // were counted.
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
        // The distinct weights in the order of their codes (0, 1, −1, 2, −2, …; code 1 is −0, the weight 0 again),
        // which real weights, most frequent near zero, roughly rank by count: the palette's selection then seldom
        // takes a key in (selectLargest). Weights span −255…255 (int8 or uint8 less a zero point), so w = −256,
        // whose code would not fit 9 bits, is never counted; its entry is cleared all the same.
        int distinct = 0;
        for (int c = 0; c < CODES; c++) {
            if (c == 1) {
                continue;
            }
            int v = weight(c) + 256;
            int count = even[v] + odd[v];
            even[v] = 0;
            odd[v] = 0;
            // Last: even may be freq itself.
            freq[v] = count;
            if (count > 0) {
                values[distinct++] = v;
            }
        }
        even[0] = 0;
        odd[0] = 0;
        freq[0] = 0;
        // The most frequent weight and the second highest frequency. Which of two equally frequent weights is
        // taken as the most frequent does not matter: the second frequency is then equal, and zero-run mode needs
        // more than four times it.
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
        selectLargest(used, n);
        int paletteMaxCode = 0;
        int paletteCount = 0;
        for (int i = 0; i < n; i++) {
            long key = keys[i];
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
     * Moves the {@code n} largest of {@code keys[0, used)} to {@code keys[0, n)}, in descending order. The keys
     * are (count, code) pairs, all distinct, so descending order is Vela's palette order (more frequent first, ties
     * to the larger code). Only the palette's at most 32 entries need an order: sorting all the
     * distinct weights (about 200 in a typical layer) cost a branch mispredicted at every other comparison. Here a
     * key is compared with the smallest kept one, and the keys come in the order of their codes, which real weight
     * distributions (most frequent near zero) roughly rank by count already: after the first n, few enter.
     */
    private void selectLargest(int used, int n) {
        long[] k = keys;
        int kept = 0;
        for (int j = 0; j < used; j++) {
            long key = k[j];
            if (kept == n) {
                if (n == 0 || key < k[n - 1]) {
                    continue;
                }
                kept--;
            }
            // Insertion into the kept keys, descending: shift the smaller ones up one place. Positions below j
            // are free to write, since key j was read already.
            int at = kept;
            while (at > 0 && k[at - 1] < key) {
                k[at] = k[at - 1];
                at--;
            }
            k[at] = key;
            kept++;
        }
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
