// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/**
 * Compresses a reordered weight stream (signed 9-bit values) into the Ethos-U weight bitstream
 * (ethos-u-facts.md §5.4; Vela 3.10's encoder {@code mlw_encode.c: mlw_encode} is the source of the format's
 * facts and of the heuristics reproduced here, so that sizes match Vela's).
 *
 * <p>Layout: the stream is split into palette sections ({@link PaletteSections}); each section chooses its value
 * mapping ({@link Palette}) and is cut into slices whose Golomb-Rice parameters come from {@link GrcSearch}
 * (at most 32 767 coded values per slice). Each slice is a header (ZDIV 3, SLICELEN 15, WDIV 3, WTRUNC 1,
 * NEWPAL 1, and for a section's first slice DIROFS 5, PALSIZE 5, PALBITS 3 and the palette entries) followed by
 * chunks that interleave the weights' first unary bits (12), a zero-run unary field (12, or 8 when ZDIV = 3),
 * the weights' second unary bits, and the previous chunk's weight and zero-run remainders. The stream ends with
 * ZDIV = 7, 1-bits to the byte boundary, and 0xFF bytes to a 16-byte boundary.
 *
 * <p>Not thread-safe: an instance reuses its scratch buffers; use one per thread.
 */
final class WeightStreamEncoder {

    /** Largest number of coded values in one slice (SLICELEN is 15 bits, value − 1). */
    static final int MAX_SLICE_VALUES = 32_767;
    /** ZDIV value meaning "no zero-run coding in this slice". */
    static final int ZDIV_DISABLED = 6;
    /** ZDIV value marking the end of the stream. */
    static final int ZDIV_END = 7;
    /** WDIV value meaning "uncompressed values". */
    static final int WDIV_UNCOMPRESSED = 7;
    /** The stream is padded to this many bytes. */
    static final int ALIGNMENT_BYTES = 16;

    private final BitWriter out = new BitWriter();
    private final PaletteSections sections = new PaletteSections();
    private final Palette palette = new Palette();
    private final GrcSearch search = new GrcSearch();

    private int[] weightValues = new int[0];
    private int[] runValues = new int[0];
    private byte[] weightSliceConfig = new byte[0];
    private int[] weightSliceEnd = new int[0];
    private byte[] runSliceConfig = new byte[0];
    private int[] runSliceEnd = new int[0];
    private long zeroRunZeros;

    private final int[] wRemain = new int[12];
    private final int[] wPrevRemain = new int[12];
    private final int[] zRemain = new int[12];
    private final int[] zPrevRemain = new int[12];

    /** The compressed stream of one input and how much of it the decoder handles as zero runs. */
    record Result(byte[] bytes, long zeroRunZeros) {}

    /** The size of the compressed stream of one input, and how much of it the decoder handles as zero runs. */
    record Size(int bytes, long zeroRunZeros) {}

    /** Whether slices are written to {@link #out} or only counted into {@link #countedBits}. */
    private boolean writing;
    /** Bits of the slices counted so far when not {@link #writing}. */
    private long countedBits;

    /**
     * Compresses {@code weights[0, n)}; every value must lie in −255…255. Returns the bytes (a multiple of 16) and
     * the number of zeros coded as zero runs.
     */
    Result encode(short[] weights, int n) {
        out.reset();
        writing = true;
        compress(weights, n, false);
        out.put(ZDIV_END, 3);
        out.put(0xff, (int) ((8 - (out.bitPosition() & 7)) & 7));
        while ((out.bitPosition() & (ALIGNMENT_BYTES * 8 - 1)) != 0) {
            out.put(0xff, 8);
        }
        return new Result(out.toByteArray(), zeroRunZeros);
    }

    /**
     * Returns what {@link #encode} would: the same sections, palettes and slices, but each slice's bits counted
     * from its parameters instead of written (see {@link #sliceBits}), which the simulation's sizing needs.
     */
    Size size(short[] weights, int n) {
        return size(weights, n, false);
    }

    /**
     * Returns what {@link #size(short[], int)} does; {@code inRange} says that the caller knows every weight to lie
     * in −255…255, which skips the check.
     */
    Size size(short[] weights, int n, boolean inRange) {
        countedBits = 0;
        writing = false;
        compress(weights, n, inRange);
        // The end marker (ZDIV 7), then 1-bits to a byte and 0xFF bytes to the 16-byte boundary.
        long bytes = (countedBits + 3 + 7) / 8;
        bytes = (bytes + ALIGNMENT_BYTES - 1) / ALIGNMENT_BYTES * ALIGNMENT_BYTES;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a stream of " + n + " weights compresses to " + bytes + " bytes");
        }
        return new Size((int) bytes, zeroRunZeros);
    }

    /** Chooses sections, palettes and slices of {@code weights[0, n)}, writing or counting every slice. */
    private void compress(short[] weights, int n, boolean inRange) {
        if (!inRange) {
            checkRange(weights, n);
        }
        zeroRunZeros = 0;
        ensureCapacity(n);
        int count = sections.find(weights, n);
        if (count == 1) {
            palette.choose(sections.evenCounts(), sections.oddCounts());
            encodeSection(weights, 0, n);
            return;
        }
        for (int s = 0; s < count; s++) {
            int from = sections.start(s);
            int to = s + 1 < count ? sections.start(s + 1) : n;
            palette.choose(weights, from, to);
            encodeSection(weights, from, to);
        }
    }

    /** Throws when a weight of {@code weights[0, n)} lies outside −255…255. */
    private static void checkRange(short[] weights, int n) {
        // w + 255 or 255 − w is negative exactly when w is out of range; or-ing them over the stream keeps the
        // sign bit of any such, in a loop without an exit that the compiler can vectorise. Only a stream that
        // fails is scanned again for the position to report.
        int signs = 0;
        for (int i = 0; i < n; i++) {
            signs |= (weights[i] + 255) | (255 - weights[i]);
        }
        if (signs >= 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            if (weights[i] < -255 || weights[i] > 255) {
                throw new IllegalArgumentException("weight " + weights[i] + " at " + i + " is outside -255..255");
            }
        }
    }

    private void ensureCapacity(int n) {
        if (weightValues.length < n + 1) {
            int size = Math.max(n + 1, weightValues.length + weightValues.length / 2);
            weightValues = new int[size];
            runValues = new int[size];
            weightSliceConfig = new byte[size];
            weightSliceEnd = new int[size];
            runSliceConfig = new byte[size];
            runSliceEnd = new int[size];
        }
    }

    private void encodeSection(short[] w, int from, int to) {
        Palette p = palette;
        int uncompressedBits = p.uncompressedBits();
        int n = split(w, from, to);
        int weightSlices = search.searchWeights(weightValues, n, uncompressedBits, weightSliceConfig, weightSliceEnd);
        if (n == 0) {
            weightSlices = 0;
        }
        int runSlices = 0;
        if (p.zeroRuns) {
            runSlices = search.searchRuns(runValues, n + 1, weightSliceEnd, weightSlices, runSliceConfig, runSliceEnd);
        }
        int pos = 0;
        int wi = 0;
        int zi = 0;
        boolean newPalette = true;
        while (pos < n || newPalette) {
            int end = pos + MAX_SLICE_VALUES;
            if (wi < weightSlices && weightSliceEnd[wi] < end) {
                end = weightSliceEnd[wi];
            }
            if (zi < runSlices && runSliceEnd[zi] < end) {
                end = runSliceEnd[zi];
            }
            end = Math.min(end, n);
            // The first slice carries the zero run before its first value too; later slices only the runs after.
            int runOffset = pos + (newPalette ? 0 : 1);
            int zConfig = p.zeroRuns ? runSliceConfig[zi] : 0;
            if (writing) {
                encodeSlice(pos, runOffset, end - pos, newPalette, uncompressedBits, weightSliceConfig[wi], zConfig);
            } else {
                countedBits += sliceBits(pos, runOffset, end - pos, newPalette, uncompressedBits, weightSliceConfig[wi],
                        zConfig);
            }
            newPalette = false;
            if (wi < weightSlices && weightSliceEnd[wi] == end) {
                wi++;
            }
            if (zi < runSlices && runSliceEnd[zi] == end) {
                zi++;
            }
            pos = end;
        }
    }

    /**
     * Splits {@code w[from, to)} into the coded values ({@link #weightValues}) and, in zero-run mode, the zero runs
     * before, between and after them ({@link #runValues}); returns the number of coded values. An all-zero
     * section still codes its first zero as a value so that no slice is empty.
     */
    private int split(short[] w, int from, int to) {
        Palette p = palette;
        int[] index = p.index;
        int[] values = weightValues;
        if (!p.zeroRuns) {
            for (int i = from; i < to; i++) {
                values[i - from] = index[w[i] + 256];
            }
            return to - from;
        }
        int[] runs = runValues;
        int n = 0;
        int i = from;
        if (p.onlyZeros) {
            runs[0] = 0;
            values[0] = index[256];
            n = 1;
            i++;
        }
        // Without a branch: zeros come and go too irregularly to predict. Every position writes the run so far and
        // its value at slot n; a zero grows the run and leaves n, so the next position overwrites both; a value
        // keeps them, moves n on and clears the run.
        int run = 0;
        for (; i < to; i++) {
            int weight = w[i];
            int coded = weight != 0 ? 1 : 0;
            runs[n] = run;
            values[n] = index[weight + 256];
            n += coded;
            run = (run + 1) & (coded - 1);
        }
        runs[n] = run;
        zeroRunZeros += to - from - n;
        return n;
    }

    /** Bits of a slice header without the palette: ZDIV 3, SLICELEN 15, WDIV 3, WTRUNC 1, NEWPAL 1. */
    private static final int SLICE_HEADER_BITS = 3 + 15 + 3 + 1 + 1;
    /** Bits of a section's palette header before the entries: DIROFS 5, PALSIZE 5, PALBITS 3. */
    private static final int PALETTE_HEADER_BITS = 5 + 5 + 3;

    /**
     * Returns the bits {@link #encodeSlice} writes for the same slice, without writing them. Every field but the
     * unary ones has a fixed width. The unary fields come in chunks: each chunk of the weights carries WUNARY0 of
     * 12 positions, each of the zero runs ZUNARY of 12 positions (8 when ZDIV = 3), and a chunk is always full,
     * padded after the last value. So, whatever the interleaving of the two streams (it only orders the fields):
     * <ul>
     *   <li>weights, compressed with divisor k: a value of quotient q takes ⌊q/2⌋ + 1 WUNARY0 positions and
     *       ⌈q/2⌉ WUNARY1 bits untruncated, one position and min(q, 1) bits truncated, and k remainder bits; the
     *       positions fill ⌈P/12⌉ chunks of 12 bits;
     *   <li>weights, uncompressed: no unary fields, the width of an uncompressed value each;
     *   <li>zero runs with divisor k: a run of quotient q takes q + 1 positions and k remainder bits; the
     *       positions fill ⌈P/L⌉ chunks of L bits.
     * </ul>
     * Tested against the written stream's length (WeightStreamCodecTest).
     */
    private long sliceBits(int wOffset, int zOffset, int n, boolean newPalette, int uncompressedBits, int wConfig,
            int zConfig) {
        Palette p = palette;
        long bits = SLICE_HEADER_BITS;
        if (newPalette) {
            bits += PALETTE_HEADER_BITS + (long) p.size * p.bits;
        }
        int[] wv = weightValues;
        if (wConfig == GrcSearch.UNCOMPRESSED) {
            bits += (long) n * uncompressedBits;
        } else {
            int div = GrcSearch.divisor(wConfig);
            long positions;
            long unary1;
            // Int sums cannot overflow (a slice has at most 32 767 values, each quotient at most 511) and let the
            // compiler vectorise these loops, which long sums of int terms do not.
            if (GrcSearch.truncated(wConfig)) {
                positions = n;
                int nonZeroQuotients = 0;
                for (int k = wOffset; k < wOffset + n; k++) {
                    nonZeroQuotients += Math.min(wv[k] >> div, 1);
                }
                unary1 = nonZeroQuotients;
            } else {
                int quotients = 0;
                int halves = 0;
                for (int k = wOffset; k < wOffset + n; k++) {
                    int q = wv[k] >> div;
                    quotients += q;
                    halves += q >> 1;
                }
                positions = halves + (long) n;
                unary1 = quotients - halves;
            }
            bits += (positions + WEIGHT_UNARY_BITS - 1) / WEIGHT_UNARY_BITS * WEIGHT_UNARY_BITS + unary1
                    + (long) n * div;
        }
        if (p.zeroRuns) {
            int zN = n + (newPalette ? 1 : 0);
            int unaryLen = zeroRunUnaryBits(zConfig);
            int[] zv = runValues;
            // A slice's zero runs hold at most its section's weights (a stream is shorter than 2^31), so an int sum
            // cannot overflow.
            int quotients = 0;
            for (int k = zOffset; k < zOffset + zN; k++) {
                quotients += zv[k] >> zConfig;
            }
            long positions = (long) zN + quotients;
            bits += (positions + unaryLen - 1) / unaryLen * unaryLen + (long) zN * zConfig;
        }
        return bits;
    }

    /** Positions of a chunk's WUNARY0 field. */
    private static final int WEIGHT_UNARY_BITS = 12;

    /** Positions of a chunk's ZUNARY field: 12, or 8 when ZDIV = 3. */
    private static int zeroRunUnaryBits(int zDiv) {
        return zDiv < 3 ? 12 : 8;
    }

    private void encodeSlice(int wOffset, int zOffset, int n, boolean newPalette, int uncompressedBits, int wConfig,
            int zConfig) {
        Palette p = palette;
        BitWriter b = out;
        boolean uncompressed = wConfig == GrcSearch.UNCOMPRESSED;
        boolean trunc = GrcSearch.truncated(wConfig);
        int wDiv = uncompressed ? uncompressedBits : GrcSearch.divisor(wConfig);
        int zDiv = zConfig;

        b.put(p.zeroRuns ? zDiv : ZDIV_DISABLED, 3);
        b.put(n - 1, 15);
        b.put(uncompressed ? WDIV_UNCOMPRESSED : wDiv, 3);
        b.put(trunc ? 1 : 0, 1);
        b.put(newPalette ? 1 : 0, 1);
        if (newPalette) {
            b.put(p.directOffset, 5);
            b.put(Math.max(0, p.size - 1), 5);
            b.put(p.bits - 2, 3);
            for (int k = 0; k < p.size; k++) {
                b.put(p.entries[k], p.bits);
            }
        }

        int zN = n + (newPalette ? 1 : 0);
        int[] wv = weightValues;
        int[] zv = runValues;
        int wPos = 0;
        int zPos = 0;
        int wQ = -1;
        int wR = 0;
        int zQ = -1;
        int zR = 0;
        int[] wRem = wRemain;
        int[] wPrev = wPrevRemain;
        int[] zRem = zRemain;
        int[] zPrev = zPrevRemain;
        int wPrevCount = 0;
        int zPrevCount = 0;
        boolean wPrevEnable = false;
        boolean zPrevEnable = false;
        int zUnaryLen = zeroRunUnaryBits(zDiv);
        int wMaxSymbols = uncompressed && wDiv > 5 ? 8 : WEIGHT_UNARY_BITS;
        int wMask = (1 << wDiv) - 1;
        int zMask = (1 << zDiv) - 1;
        int wStep = trunc ? 3 : 2;
        do {
            int balance = p.zeroRuns ? wPos - zPos : 0;
            boolean wEnable = balance < 8 && wPos < n;
            boolean zEnable = balance >= 0 && p.zeroRuns && zPos < zN;
            int wCount = 0;
            int unary0 = 0;
            int unary1 = 0;
            int unary1Len = 0;
            if (wEnable) {
                int j = 0;
                while (j < wMaxSymbols) {
                    if (wQ < 0) {
                        if (wPos < n) {
                            int value = wv[wOffset + wPos];
                            wQ = value >> wDiv;
                            wR = value & wMask;
                        } else {
                            wQ = 0;
                            wR = -1;
                        }
                    }
                    // Each unary position carries "more than 0" in WUNARY0 and, if so, "more than 1" in WUNARY1;
                    // untruncated, a position takes 2 off the quotient, so q needs q/2 + 1 positions: q/2 + q%2
                    // set WUNARY0 bits, of which the first q/2 have WUNARY1 set. Truncated, one position.
                    // Fast path: the whole quotient fits in this chunk.
                    if (wQ >= 0 && wR >= 0) {
                        int half = trunc ? (wQ > 0 ? 1 : 0) : wQ >> 1;
                        int positions = trunc ? 1 : half + 1;
                        if (j + positions <= wMaxSymbols) {
                            int ones = trunc ? half : half + (wQ & 1);
                            int setTwice = trunc ? (wQ > 1 ? 1 : 0) : half;
                            unary0 |= ((1 << ones) - 1) << j;
                            unary1 |= ((1 << setTwice) - 1) << unary1Len;
                            unary1Len += ones;
                            j += positions;
                            wQ = -1;
                        }
                    }
                    while (wQ >= 0 && j < wMaxSymbols) {
                        if (wQ > 0) {
                            unary0 |= 1 << j;
                            if (wQ > 1) {
                                unary1 |= 1 << unary1Len;
                            }
                            unary1Len++;
                        }
                        j++;
                        wQ -= wStep;
                    }
                    if (wQ < 0 && wR >= 0) {
                        wRem[wCount++] = wR;
                        wPos++;
                    }
                }
            }
            int zCount = 0;
            int zUnary = 0;
            if (zEnable) {
                int j = 0;
                while (j < zUnaryLen) {
                    if (zQ < 0) {
                        if (zPos < zN) {
                            int value = zv[zOffset + zPos];
                            zQ = value >> zDiv;
                            zR = value & zMask;
                        } else {
                            zQ = 0;
                            zR = -1;
                        }
                    }
                    // A run quotient q is q set bits and a clear one; fast path when they fit in this chunk.
                    if (zQ >= 0 && zR >= 0 && j + zQ + 1 <= zUnaryLen) {
                        zUnary |= ((1 << zQ) - 1) << j;
                        j += zQ + 1;
                        zQ = -1;
                    }
                    while (zQ >= 0 && j < zUnaryLen) {
                        if (zQ > 0) {
                            zUnary |= 1 << j;
                        }
                        j++;
                        zQ--;
                    }
                    if (zQ < 0 && zR >= 0) {
                        zRem[zCount++] = zR;
                        zPos++;
                    }
                }
            }
            if (wEnable && !uncompressed) {
                b.put(unary0, WEIGHT_UNARY_BITS);
            }
            if (zEnable) {
                b.put(zUnary, zUnaryLen);
            }
            if (wEnable && !uncompressed) {
                b.put(unary1, unary1Len);
            }
            if (wPrevEnable && wDiv > 0) {
                for (int k = 0; k < wPrevCount; k++) {
                    b.put(wPrev[k], wDiv);
                }
            }
            if (zPrevEnable && zDiv > 0) {
                for (int k = 0; k < zPrevCount; k++) {
                    b.put(zPrev[k], zDiv);
                }
            }
            wPrevEnable = wEnable;
            zPrevEnable = zEnable;
            // The remainders just collected are written with the next chunk: swap the buffers.
            int[] t = wPrev;
            wPrev = wRem;
            wRem = t;
            t = zPrev;
            zPrev = zRem;
            zRem = t;
            wPrevCount = wCount;
            zPrevCount = zCount;
        } while (wPrevEnable || zPrevEnable);
    }
}
