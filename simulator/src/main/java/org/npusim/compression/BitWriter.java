// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.Arrays;

/**
 * An append-only bit buffer that writes fields least-significant bit first, the order of the Ethos-U weight
 * stream (ethos-u-facts.md §5.4: "all fields are written LSB-first"): bit {@code p} of the stream is bit
 * {@code p mod 8} of byte {@code p / 8}. Reused between streams to avoid allocation.
 */
final class BitWriter {

    private byte[] bytes = new byte[1024];
    /** Whole bytes stored in {@link #bytes}. */
    private int stored;
    /** Bits not yet stored, lowest first; fewer than 32 between calls. */
    private long pending;
    private int pendingBits;

    /** Empties the buffer. */
    void reset() {
        stored = 0;
        pending = 0;
        pendingBits = 0;
    }

    /** Returns the number of bits written. */
    long bitPosition() {
        return stored * 8L + pendingBits;
    }

    /** Appends the low {@code len} bits of {@code data} (0 ≤ len ≤ 32). */
    void put(int data, int len) {
        pending |= (data & ((1L << len) - 1)) << pendingBits;
        pendingBits += len;
        if (pendingBits >= 32) {
            if (stored + 4 > bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[stored] = (byte) pending;
            bytes[stored + 1] = (byte) (pending >>> 8);
            bytes[stored + 2] = (byte) (pending >>> 16);
            bytes[stored + 3] = (byte) (pending >>> 24);
            stored += 4;
            pending >>>= 32;
            pendingBits -= 32;
        }
    }

    /** Returns a copy of the bytes written; the bit length must be a whole number of bytes. */
    byte[] toByteArray() {
        if ((pendingBits & 7) != 0) {
            throw new IllegalStateException("stream ends inside a byte");
        }
        byte[] out = Arrays.copyOf(bytes, stored + pendingBits / 8);
        for (int k = 0; k < pendingBits / 8; k++) {
            out[stored + k] = (byte) (pending >>> (8 * k));
        }
        return out;
    }
}
