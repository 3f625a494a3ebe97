// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.ElementType;
import org.npusim.graph.Shape;

final class NpyFormatTest {

    static byte[] npy(int major, String dict, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        int unpadded = 6 + 2 + lengthBytes + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        return b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data).array();
    }

    @Test
    void write_thenRead_roundTripsEveryType() {
        for (ElementType t : new ElementType[] {ElementType.INT8, ElementType.UINT8, ElementType.INT16,
                ElementType.INT32, ElementType.INT64, ElementType.FLOAT32}) {
            TensorBuffer v = TensorBuffer.allocate(t, Shape.of(2, 3));
            for (int i = 0; i < 6; i++) {
                v.set(i, i * 37 - 100);
            }
            byte[] bytes = NpyFormat.write(v);
            // NumPy aligns the data to 64 bytes.
            assertThat((bytes.length - t.bytesFor(6)) % 64).as(t.label()).isZero();
            assertThat(NpyFormat.read(bytes, "x.npy").contentEquals(v)).as(t.label()).isTrue();
        }
    }

    @Test
    void read_version2HeaderAndOneDimensionalShape_parses() {
        byte[] data = {1, 0, 2, 0, -1, -1};
        TensorBuffer v = NpyFormat.read(npy(2, "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", data), "a");
        assertThat(v.shape()).isEqualTo(Shape.of(3));
        assertThat(new long[] {v.get(0), v.get(1), v.get(2)}).containsExactly(1, 2, -1);
    }

    @Test
    void read_mutatedFiles_readOrFailWithOneLine() {
        // Bit flips, truncation, header edits (shape, dtype, lengths) of real .npy files of every type: each
        // mutation reads or fails with one line naming the file; never another exception, never a huge allocation.
        java.util.SplittableRandom r = new java.util.SplittableRandom(20261122L);
        String[] hostile = {"(3,)", "(-1,)", "(999999999999,)", "(2147483647, 2147483647)", "()", "(0,)", "((",
            "'<i8'", "'|b1'", "'<f4'", "'<U3'", "'|O'", "True", "None", "{", "}", "'shape'", "\n"};
        int read = 0;
        int rejected = 0;
        for (ElementType t : new ElementType[] {ElementType.INT8, ElementType.INT16, ElementType.INT32, ElementType.FLOAT32}) {
            TensorBuffer v = TensorBuffer.allocate(t, Shape.of(2, 3, 4));
            byte[] original = NpyFormat.write(v);
            for (int c = 0; c < 500; c++) {
                byte[] b = original.clone();
                switch (r.nextInt(4)) {
                    case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                    case 2 -> b[8 + r.nextInt(2)] = (byte) r.nextInt(256);
                    default -> {
                        String text = new String(b, StandardCharsets.ISO_8859_1);
                        int at = 10 + r.nextInt(Math.max(1, text.indexOf('\n') - 10));
                        String h = hostile[r.nextInt(hostile.length)];
                        b = (text.substring(0, at) + h + text.substring(Math.min(text.length(), at + h.length())))
                                .getBytes(StandardCharsets.ISO_8859_1);
                    }
                }
                String name = "m" + c + ".npy";
                try {
                    NpyFormat.read(b, name);
                    read++;
                } catch (InputException e) {
                    assertThat(e.getMessage()).contains(name).doesNotContain("\n");
                    rejected++;
                }
            }
        }
        System.out.printf("npy fuzz: %d mutated files, %d read, %d rejected with one line%n", read + rejected, read, rejected);
        assertThat(rejected).isPositive();
    }

    @Test
    void read_badInputs_oneLineErrors() {
        assertThatThrownBy(() -> NpyFormat.read("hello world".getBytes(StandardCharsets.UTF_8), "a.npy"))
                .isInstanceOf(InputException.class).hasMessageContaining("a.npy").hasMessageContaining("magic");
        assertThatThrownBy(() -> NpyFormat.read(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                new byte[8]), "b.npy")).isInstanceOf(InputException.class).hasMessageContaining("<f8");
        assertThatThrownBy(() -> NpyFormat.read(npy(1, "{'descr': '<i1', 'fortran_order': True, 'shape': (2, 2), }",
                new byte[4]), "c.npy")).isInstanceOf(InputException.class).hasMessageContaining("Fortran");
        assertThatThrownBy(() -> NpyFormat.read(npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }",
                new byte[8]), "d.npy")).isInstanceOf(InputException.class).hasMessageContaining("needs 12");
        assertThatThrownBy(() -> NpyFormat.read(npy(1, "{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }",
                new byte[4]), "e.npy")).isInstanceOf(InputException.class).hasMessageContaining("big-endian");
    }
}
