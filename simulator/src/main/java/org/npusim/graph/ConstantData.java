// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The bytes of a constant tensor, little-endian as TFLite stores them. Immutable: readers get values or
 * read-only views, never the backing array.
 */
public final class ConstantData {

    private final byte[] bytes;

    private ConstantData(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Returns constant data holding a copy of {@code bytes}. */
    public static ConstantData copyOf(byte[] bytes) {
        return new ConstantData(bytes.clone());
    }

    /** Returns constant data holding the remaining bytes of {@code buffer}, copied. */
    public static ConstantData copyOf(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return new ConstantData(b);
    }

    /** Returns constant data holding int8 values. */
    public static ConstantData ofInt8(byte[] values) {
        return copyOf(values);
    }

    /** Returns constant data holding int32 values, little-endian. */
    public static ConstantData ofInt32(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return new ConstantData(b.array());
    }

    /** Returns the number of bytes. */
    public int sizeBytes() {
        return bytes.length;
    }

    /** Returns byte {@code i} as a signed value. */
    public byte byteAt(int i) {
        return bytes[i];
    }

    /** Returns a read-only little-endian view of the bytes. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Returns a copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Returns the bytes as int32 values (little-endian); trailing bytes that do not fill a value are ignored. */
    public int[] toIntArray() {
        int[] out = new int[bytes.length / 4];
        buffer().asIntBuffer().get(out);
        return out;
    }

    /** Returns the bytes as int64 values (little-endian). */
    public long[] toLongArray() {
        long[] out = new long[bytes.length / 8];
        buffer().asLongBuffer().get(out);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConstantData c && Arrays.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length + " bytes";
    }
}
