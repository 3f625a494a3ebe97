// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.errors.InputException;
import org.npusim.graph.ElementType;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Tensor;

/**
 * Mutates real input files (PNG, BMP, GIF and JPEG images made here, CSV text) and checks that reading them for a
 * 96x96x1 int8 input either gives the values or fails with one line naming the file: never another exception
 * (the JDK's image decoders throw runtime exceptions on some corrupt files), never an image so large that
 * decoding it exhausts the heap.
 */
final class InputFilesFuzzTest {

    private static final Tensor INPUT = new Tensor(0, "input", ElementType.INT8, Shape.of(1, 96, 96, 1),
            Optional.of(Quantization.perTensor(1f / 255, -128)), Optional.empty(), false);

    @TempDir
    Path dir;

    @Test
    void read_mutatedImagesAndCsv_valuesOrOneLineErrors() throws IOException {
        BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                img.getRaster().setSample(x, y, 0, (x * 7 + y * 13) & 0xff);
            }
        }
        String[] formats = {"png", "bmp", "gif", "jpg"};
        SplittableRandom r = new SplittableRandom(20261122L);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            for (String format : formats) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThat(ImageIO.write(img, format, out)).as(format).isTrue();
                byte[] original = out.toByteArray();
                for (int c = 0; c < 300; c++) {
                    read(mutate(original, r), "img" + c + "." + format, outcomes);
                }
            }
            StringBuilder csv = new StringBuilder();
            for (int i = 0; i < 96 * 96; i++) {
                csv.append(i % 256 - 128).append(i % 96 == 95 ? "\n" : ",");
            }
            byte[] text = csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int c = 0; c < 300; c++) {
                read(mutate(text, r), "v" + c + ".csv", outcomes);
            }
        });
        System.out.printf("input fuzz: %d mutated files, %d read, %d rejected with one line%n", outcomes[0] + outcomes[1],
                outcomes[0], outcomes[1]);
        assertThat(outcomes[1]).isPositive();
    }

    @Test
    void read_bmpDeclaringAHugeImage_refusedBeforeDecoding() throws IOException {
        // A 1,178-byte BMP whose header declares 30000x30000 8-bit pixels: decoding would allocate 900 MB first.
        ByteBuffer b = ByteBuffer.allocate(54 + 1024 + 100).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(54 + 1024);
        b.putInt(40).putInt(30000).putInt(30000).putShort((short) 1).putShort((short) 8).putInt(0).putInt(0)
                .putInt(2835).putInt(2835).putInt(256).putInt(0);
        Path file = dir.resolve("huge.bmp");
        Files.write(file, b.array());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InputFiles.read(file, INPUT))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("huge.bmp")
                .hasMessageContaining("declares 30000x30000 pixels; at most 67108864 pixels are read");
    }

    private void read(byte[] bytes, String name, int[] outcomes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        try {
            InputFiles.read(file, INPUT);
            outcomes[0]++;
        } catch (InputException e) {
            assertThat(e.getMessage()).contains(name).doesNotContain("\n");
            outcomes[1]++;
        } catch (RuntimeException | OutOfMemoryError e) {
            fail(name + ": " + e, e);
        }
    }

    /** Bit flips, truncation, and header words set to extremes (image sizes live in the first bytes). */
    private static byte[] mutate(byte[] original, SplittableRandom r) {
        byte[] b = original.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 2 -> {
                int[] extremes = {0, -1, 0x7fffffff, 0x10000, 60000, 0xffff};
                int pos = r.nextInt(Math.min(64, b.length - 4));
                ByteBuffer.wrap(b).order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
                        .putInt(pos, extremes[r.nextInt(extremes.length)]);
            }
            default -> b[r.nextInt(Math.min(64, b.length))] = (byte) r.nextInt(256);
        }
        return b;
    }
}
