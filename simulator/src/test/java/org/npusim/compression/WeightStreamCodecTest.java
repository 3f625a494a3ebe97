// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Is the bitstream laid out as the format says, and does decoding give back every value? */
class WeightStreamCodecTest {

    private final WeightStreamEncoder encoder = new WeightStreamEncoder();

    /**
     * Eight zeros, derived by hand from the format (ethos-u-facts.md §5.4): zero-run mode (0 is the only value),
     * no palette, the first zero sent as the value 1 (direct code 1, "negative zero"), runs 0 and 7. The value
     * costs 2 bits under every cheapest configuration, so the first (divisor 0) wins; runs 0 and 7 cost 7 bits
     * with divisor 1 or 2, and divisor 1 comes first. Header 36 bits, chunk 12+12+1, remainders 0+1+1, end
     * marker 3, then 1-bits to 16 bytes.
     */
    @Test
    void encode_eightZeros_matchesHandDerivedStream() {
        WeightStreamEncoder.Result r = encoder.encode(new short[8], 8);
        byte[] expected = {0x01, 0x00, 0x40, 0x00, 0x10, 0x00, 0x0e, (byte) 0xc0, -1, -1, -1, -1, -1, -1, -1, -1};
        assertThat(r.bytes()).containsExactly(expected);
        assertThat(r.zeroRunZeros()).as("the first zero is a coded value, the other 7 a run").isEqualTo(7);
        assertThat(WeightStreamDecoder.decode(r.bytes())).containsExactly(new short[8]);
    }

    @Test
    void encode_longStream_crossesTheSliceLimitAndRoundTrips() {
        // More than 32 767 coded values in one section forces several slices.
        short[] w = new short[100_000];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < w.length; i++) {
            w[i] = (short) (random.nextInt(5) - 2);
        }
        byte[] bytes = encoder.encode(w, w.length).bytes();
        assertThat(bytes.length % 16).isZero();
        assertThat(WeightStreamDecoder.decode(bytes)).isEqualTo(w);
    }

    @Test
    void encode_extremeValues_roundTrip() {
        short[] w = {255, -255, 0, 1, -1, 254, -254, 128, -128, 0, 0, 0, 255};
        assertThat(WeightStreamDecoder.decode(encoder.encode(w, w.length).bytes())).isEqualTo(w);
    }

    @Test
    void encode_valueOutsideNineBits_isRejected() {
        assertThatThrownBy(() -> encoder.encode(new short[] {256}, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("256");
        // Below the range, and after values at both ends of it: the report names the first bad one and where.
        assertThatThrownBy(() -> encoder.size(new short[] {255, -255, 0, -256, 300}, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-256 at 3");
    }

    @Test
    void decode_truncatedStream_isRejected() {
        short[] w = new short[300];
        for (int i = 0; i < w.length; i++) {
            w[i] = (short) ((i * 37) % 200 - 100);
        }
        byte[] bytes = encoder.encode(w, w.length).bytes();
        assertThatThrownBy(() -> WeightStreamDecoder.decode(Arrays.copyOf(bytes, 20)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encode_fewDistinctValues_costsFewerBitsThanManyDistinctValues() {
        SplittableRandom random = new SplittableRandom(1);
        short[] few = new short[4096];
        short[] many = new short[4096];
        for (int i = 0; i < few.length; i++) {
            few[i] = (short) (random.nextInt(4) * 20 - 30);
            many[i] = (short) (random.nextInt(255) - 127);
        }
        int fewBytes = encoder.encode(few, few.length).bytes().length;
        int manyBytes = encoder.encode(many, many.length).bytes().length;
        // 4 values fit a 4-entry palette: about 2 bits each, against about 8 for 255 uniform values.
        assertThat(fewBytes * 8.0 / few.length).isLessThan(2.6);
        assertThat(manyBytes * 8.0 / many.length).isGreaterThan(7.5);
    }

    @Property(tries = 300)
    void encode_anyStream_decodesToTheSameValues(@ForAll("streams") short[] w) {
        WeightStreamEncoder.Result r = encoder.encode(w, w.length);
        assertThat(r.bytes().length % 16).isZero();
        assertThat(WeightStreamDecoder.decode(r.bytes())).isEqualTo(w);
        long zeros = 0;
        for (short v : w) {
            zeros += v == 0 ? 1 : 0;
        }
        assertThat(r.zeroRunZeros()).isBetween(0L, zeros);
    }

    @Property(tries = 300)
    void size_anyStream_isTheLengthOfTheWrittenStream(@ForAll("streams") short[] w) {
        WeightStreamEncoder.Result written = encoder.encode(w, w.length);
        WeightStreamEncoder.Size counted = encoder.size(w, w.length);
        assertThat(counted.bytes()).isEqualTo(written.bytes().length);
        assertThat(counted.zeroRunZeros()).isEqualTo(written.zeroRunZeros());
    }

    @Test
    void size_longStreamsOfLargeValuesAndZeroRuns_isTheLengthOfTheWrittenStream() {
        // Quotients that straddle chunks, several slices per section, and long zero runs.
        SplittableRandom random = new SplittableRandom(11);
        for (int kind = 0; kind < 3; kind++) {
            short[] w = new short[70_000];
            for (int i = 0; i < w.length; i++) {
                w[i] = (short) switch (kind) {
                    case 0 -> random.nextInt(100) < 97 ? 0 : random.nextInt(511) - 255;
                    case 1 -> random.nextInt(2) == 0 ? 255 : -255;
                    default -> i % 5000 < 2500 ? random.nextInt(3) - 1 : random.nextInt(511) - 255;
                };
            }
            assertThat(encoder.size(w, w.length).bytes()).as("kind %d", kind)
                    .isEqualTo(encoder.encode(w, w.length).bytes().length);
        }
    }

    /** Streams of 1…3000 values: uniform, sparse, few-valued, constant and small-magnitude distributions. */
    @Provide
    Arbitrary<short[]> streams() {
        Arbitrary<Integer> length = Arbitraries.integers().between(1, 3000);
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 4);
        Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(length, kind, seed).as((n, k, s) -> {
            SplittableRandom random = new SplittableRandom(s);
            short[] w = new short[n];
            int constant = random.nextInt(511) - 255;
            for (int i = 0; i < n; i++) {
                w[i] = (short) switch (k) {
                    case 0 -> random.nextInt(511) - 255;
                    case 1 -> random.nextInt(10) < 8 ? 0 : random.nextInt(511) - 255;
                    case 2 -> (random.nextInt(6) - 3) * 40;
                    case 3 -> constant;
                    default -> (int) Math.round(random.nextGaussian() * 6);
                };
            }
            return w;
        });
    }
}
