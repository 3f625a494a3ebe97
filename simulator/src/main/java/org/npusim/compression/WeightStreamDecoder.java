// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.Arrays;

/**
 * Decodes an Ethos-U weight bitstream back to the signed weights it carries (ethos-u-facts.md §5.4), the inverse
 * of {@link WeightStreamEncoder}: what the NPU's weight decoder does. It is used to prove that the encoder is
 * lossless and that its layout follows the format, not for timing.
 *
 * <p>Slices are read until an end marker (ZDIV = 7) is followed only by padding. In each slice the chunks are
 * consumed in the order the encoder writes them; a Golomb-Rice quotient is the run of set WUNARY0 positions
 * (each worth 1, or 2 when its WUNARY1 bit is set) closed by a clear position or, in truncated mode, by any
 * position; zero-run quotients are runs of set bits closed by a clear one. Which chunk carries weights and which
 * zero runs follows the same flow control as the encoder (weights may run at most 8 values ahead).
 */
final class WeightStreamDecoder {

    private WeightStreamDecoder() {}

    /** Returns the weights in {@code stream}; throws IllegalArgumentException for a malformed stream. */
    static short[] decode(byte[] stream) {
        BitReader in = new BitReader(stream);
        short[] out = new short[Math.max(16, stream.length * 2)];
        int outCount = 0;
        boolean first = true;
        boolean zeroRunsBefore = false;
        int paletteSize = 0;
        int directOffset = 0;
        int paletteBits = 0;
        int[] palette = new int[Palette.MAX_SIZE];
        while (true) {
            int zDivField = in.get(3);
            boolean ended = false;
            while (zDivField == WeightStreamEncoder.ZDIV_END) {
                in.alignToByte();
                first = true;
                if (in.atEnd()) {
                    ended = true;
                    break;
                }
                zDivField = in.get(3);
            }
            if (ended || in.atEnd()) {
                break;
            }
            if (zDivField > 3 && zDivField != WeightStreamEncoder.ZDIV_DISABLED) {
                throw new IllegalArgumentException("bad ZDIV " + zDivField + " at bit " + (in.bitPosition() - 3));
            }
            boolean zeroRuns = zDivField != WeightStreamEncoder.ZDIV_DISABLED;
            int zDiv = zeroRuns ? zDivField : 0;
            int n = in.get(15) + 1;
            int wDivField = in.get(3);
            boolean trunc = in.get(1) == 1;
            boolean newPalette = in.get(1) == 1;
            if (first && !newPalette) {
                throw new IllegalArgumentException("the first slice of a section defines no palette");
            }
            if (!newPalette && zeroRuns != zeroRunsBefore) {
                throw new IllegalArgumentException("zero-run mode changes without a new palette");
            }
            first = false;
            zeroRunsBefore = zeroRuns;
            if (newPalette) {
                directOffset = in.get(5);
                paletteSize = in.get(5);
                if (paletteSize > 0) {
                    paletteSize++;
                }
                paletteBits = in.get(3) + 2;
                for (int k = 0; k < paletteSize; k++) {
                    palette[k] = in.get(paletteBits);
                }
            }
            boolean uncompressed = wDivField == WeightStreamEncoder.WDIV_UNCOMPRESSED;
            int wDiv;
            if (uncompressed) {
                // Bare palette indices when there is a palette, else values of PALBITS bits.
                int bits = 0;
                if (paletteSize > 0) {
                    while ((1 << bits) < paletteSize) {
                        bits++;
                    }
                } else {
                    bits = paletteBits;
                }
                wDiv = bits;
            } else if (wDivField > 5) {
                throw new IllegalArgumentException("bad WDIV " + wDivField);
            } else {
                wDiv = wDivField;
            }

            int zN = n + (newPalette ? 1 : 0);
            int[] wValue = new int[n];
            int[] zValue = new int[zN];
            readSlice(in, n, zN, zeroRuns, uncompressed, trunc, wDiv, zDiv, wValue, zValue);

            long zeros = 0;
            for (int k = 0; k < zN && zeroRuns; k++) {
                zeros += zValue[k];
            }
            long needed = outCount + n + zeros;
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("weight stream decodes to more than 2^31 weights");
            }
            if (needed > out.length) {
                out = Arrays.copyOf(out, (int) Math.max(needed, out.length * 2L));
            }
            if (newPalette && zeroRuns) {
                for (int k = 0; k < zValue[0]; k++) {
                    out[outCount++] = 0;
                }
            }
            for (int k = 0; k < n; k++) {
                int v = wValue[k];
                if (v >= Palette.CODES) {
                    throw new IllegalArgumentException("weight index " + v + " exceeds 9 bits");
                }
                int code = v < paletteSize ? palette[v] : v - paletteSize + directOffset;
                out[outCount++] = (short) Palette.weight(code);
                if (zeroRuns) {
                    int run = zValue[k + (newPalette ? 1 : 0)];
                    for (int r = 0; r < run; r++) {
                        out[outCount++] = 0;
                    }
                }
            }
        }
        return Arrays.copyOf(out, outCount);
    }

    private static void readSlice(BitReader in, int n, int zN, boolean zeroRuns, boolean uncompressed, boolean trunc,
            int wDiv, int zDiv, int[] wValue, int[] zValue) {
        int zUnaryLen = zDiv < 3 ? 12 : 8;
        int wMaxSymbols = uncompressed && wDiv > 5 ? 8 : 12;
        int wPos = 0;
        int zPos = 0;
        int wDone = 0;
        int zDone = 0;
        int wCarry = 0;
        int zCarry = 0;
        int[] wQ = new int[12];
        int[] wPrevQ = new int[12];
        int[] zQ = new int[12];
        int[] zPrevQ = new int[12];
        int wPrevCount = 0;
        int zPrevCount = 0;
        boolean wPrevEnable = false;
        boolean zPrevEnable = false;
        do {
            int balance = zeroRuns ? wPos - zPos : 0;
            boolean wEnable = balance < 8 && wPos < n;
            boolean zEnable = balance >= 0 && zeroRuns && zPos < zN;
            int unary0 = 0;
            if (wEnable && !uncompressed) {
                unary0 = in.get(12);
            }
            int zCount = 0;
            if (zEnable) {
                int unary = in.get(zUnaryLen);
                int run = zCarry;
                for (int k = 0; k < zUnaryLen; k++) {
                    if ((unary & (1 << k)) != 0) {
                        run++;
                    } else {
                        zQ[zCount++] = run;
                        run = 0;
                    }
                }
                zCarry = run;
                zPos += zCount;
            }
            int wCount = 0;
            if (wEnable) {
                int unary1 = in.get(Integer.bitCount(unary0 & ((1 << wMaxSymbols) - 1)));
                int run = wCarry;
                for (int k = 0; k < wMaxSymbols; k++) {
                    int step = 0;
                    if ((unary0 & (1 << k)) != 0) {
                        step = 1 + (unary1 & 1);
                        unary1 >>>= 1;
                    }
                    run += step;
                    if (step < 2 || trunc) {
                        wQ[wCount++] = run;
                        run = 0;
                    }
                }
                wCarry = run;
                wPos += wCount;
            }
            if (wPrevEnable) {
                for (int k = 0; k < wPrevCount && wDone < n; k++) {
                    wValue[wDone++] = (wPrevQ[k] << wDiv) + in.get(wDiv);
                }
            }
            if (zPrevEnable) {
                for (int k = 0; k < zPrevCount && zDone < zN; k++) {
                    zValue[zDone++] = (zPrevQ[k] << zDiv) + in.get(zDiv);
                }
            }
            wPrevEnable = wEnable;
            zPrevEnable = zEnable;
            int[] t = wPrevQ;
            wPrevQ = wQ;
            wQ = t;
            t = zPrevQ;
            zPrevQ = zQ;
            zQ = t;
            wPrevCount = wCount;
            zPrevCount = zCount;
        } while (wPrevEnable || zPrevEnable);
        if (wDone != n || zeroRuns && zDone != zN) {
            throw new IllegalArgumentException("slice ends after " + wDone + " of " + n + " weights");
        }
    }
}
