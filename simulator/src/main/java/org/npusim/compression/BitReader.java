// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/** Reads LSB-first bit fields from an Ethos-U weight stream (the inverse of {@link BitWriter}). */
final class BitReader {

    private final byte[] bytes;
    private long bitPos;

    BitReader(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Returns the number of bits read. */
    long bitPosition() {
        return bitPos;
    }

    /** Returns whether every byte has been read. */
    boolean atEnd() {
        return bitPos >= (long) bytes.length * 8;
    }

    /** Reads a {@code len}-bit field (0 ≤ len ≤ 31). */
    int get(int len) {
        int value = 0;
        for (int i = 0; i < len; i++) {
            int byteIndex = (int) (bitPos >>> 3);
            if (byteIndex >= bytes.length) {
                throw new IllegalArgumentException("weight stream ends in the middle of a field at bit " + bitPos);
            }
            value |= ((bytes[byteIndex] >>> (int) (bitPos & 7)) & 1) << i;
            bitPos++;
        }
        return value;
    }

    /** Skips to the next byte boundary. */
    void alignToByte() {
        bitPos = (bitPos + 7) & ~7L;
    }
}
