// SPDX-License-Identifier: Apache-2.0
package org.npusim.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.testsupport.SharedData;

/**
 * Mutates real models (bit flips, byte stores of extreme values, truncation, splices of two models, duplicated
 * ranges) and checks that the reader either reads a model or fails with one {@link InputException} naming the
 * file: never another exception, never a hang, never an allocation beyond the file's size.
 */
final class TfliteFuzzTest {

    private static final String[] MODELS = {"hello_world_int8", "micro_speech_quantized", "keyword_scrambled", "trained_lstm_int8", "person_detect"};
    private static final int CASES_PER_MODEL = 1000;

    @Test
    void read_mutatedModels_failCleanlyOrRead() throws IOException {
        byte[][] originals = new byte[MODELS.length][];
        for (int i = 0; i < MODELS.length; i++) {
            originals[i] = Files.readAllBytes(SharedData.model(MODELS[i]));
        }
        SplittableRandom random = new SplittableRandom(20261122L);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofMinutes(5), () -> {
            for (int m = 0; m < MODELS.length; m++) {
                for (int c = 0; c < CASES_PER_MODEL; c++) {
                    byte[] mutated = mutate(originals[m], originals[random.nextInt(originals.length)], random);
                    String file = MODELS[m] + "#" + c + ".tflite";
                    try {
                        TfliteReader.read(ByteBuffer.wrap(mutated), file, "fuzz");
                        outcomes[0]++;
                    } catch (InputException e) {
                        assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n");
                        outcomes[1]++;
                    }
                }
            }
        });
        System.out.printf("fuzz: %d mutated models, %d read, %d rejected with a clean error%n",
                outcomes[0] + outcomes[1], outcomes[0], outcomes[1]);
        assertThat(outcomes[1]).isPositive();
    }

    private static byte[] mutate(byte[] original, byte[] other, SplittableRandom r) {
        byte[] b = original.clone();
        switch (r.nextInt(6)) {
            case 0 -> {
                int flips = 1 + r.nextInt(16);
                for (int i = 0; i < flips; i++) {
                    int pos = r.nextInt(b.length);
                    b[pos] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                int pos = r.nextInt(Math.max(1, b.length - 4)) & ~3;
                int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff, 0xffff, b.length, -b.length};
                ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(pos, extremes[r.nextInt(extremes.length)]);
            }
            case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 3 -> {
                int cut = r.nextInt(b.length);
                int from = r.nextInt(other.length);
                int len = Math.min(other.length - from, b.length - cut);
                System.arraycopy(other, from, b, cut, len);
            }
            case 4 -> {
                int len = 1 + r.nextInt(Math.min(256, b.length));
                int from = r.nextInt(b.length - len + 1);
                int to = r.nextInt(b.length - len + 1);
                System.arraycopy(original, from, b, to, len);
            }
            default -> {
                // Corrupt the first kilobyte, where the root table, vtables and offsets live.
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    b[r.nextInt(Math.min(1024, b.length))] = (byte) r.nextInt(256);
                }
            }
        }
        return b;
    }
}
