// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Does {@link Palette#choose} (keys in code order, only the palette's entries selected and ordered) map a section
 * as the rules of its class comment, written plainly below with a full sort, do?
 */
class PaletteTest {

    /** The mapping by the rules, plainly: the palette entries, palette bits, zero-run mode and direct offset. */
    record Mapping(List<Integer> entries, int bits, boolean zeroRuns, int directOffset, int uncompressedBits) {}

    static Mapping reference(short[] w, int from, int to) {
        int[] count = new int[Palette.CODES];
        for (int i = from; i < to; i++) {
            count[w[i] + 256]++;
        }
        // Most frequent weight (the smallest on a tie) and the second highest frequency.
        int most = -1;
        for (int v = 0; v < Palette.CODES; v++) {
            if (count[v] > 0 && (most < 0 || count[v] > count[most])) {
                most = v;
            }
        }
        int second = 0;
        for (int v = 0; v < Palette.CODES; v++) {
            if (v != most) {
                second = Math.max(second, count[v]);
            }
        }
        boolean zeroRuns = most == 256 && count[most] > Palette.ZERO_RUN_THRESHOLD * second;
        List<long[]> coded = new ArrayList<>();
        int allCount = 0;
        int allMaxCode = 0;
        int directOffset = 31;
        for (int v = 0; v < Palette.CODES; v++) {
            if (count[v] == 0 || (v == 256 && zeroRuns)) {
                continue;
            }
            int code = Palette.code(v - 256);
            coded.add(new long[] {count[v], code});
            allCount += count[v];
            allMaxCode = Math.max(allMaxCode, code);
            directOffset = Math.min(directOffset, code);
        }
        if (coded.isEmpty()) {
            directOffset = 0;
        }
        // Descending frequency, ties by descending code.
        coded.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]).reversed());
        boolean onlyPalette = !coded.isEmpty() && coded.size() <= Palette.MAX_SIZE;
        int maxSize = onlyPalette ? Palette.MAX_SIZE : Math.min(Palette.MAX_SIZE, 511 - allMaxCode);
        if (!onlyPalette && maxSize == 1) {
            maxSize = 0;
        }
        List<Integer> entries = new ArrayList<>();
        int paletteCount = 0;
        int paletteMaxCode = 0;
        for (int i = 0; i < Math.min(maxSize, coded.size()); i++) {
            entries.add((int) coded.get(i)[1]);
            paletteCount += (int) coded.get(i)[0];
            paletteMaxCode = Math.max(paletteMaxCode, (int) coded.get(i)[1]);
        }
        if (entries.size() == 1) {
            entries.add(0);
        }
        boolean used = paletteCount > allCount / 2;
        int widthOf = used ? paletteMaxCode : allMaxCode;
        int bits = 2;
        while ((1 << bits) <= widthOf) {
            bits++;
        }
        List<Integer> palette = used ? entries : List.of();
        int uncompressedBits;
        if (onlyPalette) {
            uncompressedBits = 0;
            while ((1 << uncompressedBits) < palette.size()) {
                uncompressedBits++;
            }
        } else {
            uncompressedBits = palette.isEmpty() ? bits : GrcSearch.UNUSABLE_UNCOMPRESSED_BITS;
        }
        return new Mapping(palette, bits, zeroRuns, directOffset, uncompressedBits);
    }

    static Mapping of(Palette p) {
        List<Integer> entries = new ArrayList<>();
        for (int i = 0; i < p.size; i++) {
            entries.add((int) p.entries[i]);
        }
        return new Mapping(entries, p.bits, p.zeroRuns, p.directOffset, p.uncompressedBits());
    }

    /**
     * Sections drawn from weight distributions of several shapes: narrow and wide bell curves around 0 (the usual
     * layer), flat ones, a few values with tied counts, mostly zeros, and skewed to one sign; then cut anywhere.
     */
    @Property(tries = 3000)
    void choosesThePaletteOfTheRules(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int shape,
            @ForAll @IntRange(min = 1, max = 3000) int length) {
        SplittableRandom random = new SplittableRandom(seed);
        short[] w = new short[length];
        int spread = 1 + random.nextInt(255);
        for (int i = 0; i < length; i++) {
            int v = switch (shape) {
                case 0 -> (int) Math.round(random.nextGaussian() * spread / 4.0);
                case 1 -> random.nextInt(2 * spread + 1) - spread;
                case 2 -> (random.nextInt(1 + random.nextInt(40)) - 20) * (1 + spread / 16);
                case 3 -> random.nextInt(10) < 8 ? 0 : random.nextInt(2 * spread + 1) - spread;
                case 4 -> random.nextInt(spread + 1);
                default -> random.nextInt(3) == 0 ? random.nextInt(511) - 255 : (i % 7) - 3;
            };
            w[i] = (short) Math.max(-255, Math.min(255, v));
        }
        int from = random.nextInt(length);
        int to = from + 1 + random.nextInt(length - from);
        Palette palette = new Palette();
        // Twice: the second call checks that the first left its counts clear.
        palette.choose(w, 0, length);
        palette.choose(w, from, to);
        assertThat(of(palette)).isEqualTo(reference(w, from, to));
        // Each palette entry's weight is coded as its index.
        for (int i = 0; i < palette.size; i++) {
            assertThat(palette.index[Palette.weight(palette.entries[i]) + 256]).isEqualTo(i);
        }
    }
}
