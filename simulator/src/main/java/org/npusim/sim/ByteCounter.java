// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.TreeMap;

/** Bytes read and written per memory, accumulated in sorted maps for deterministic output. */
final class ByteCounter {

    final TreeMap<String, Long> read = new TreeMap<>();
    final TreeMap<String, Long> write = new TreeMap<>();

    void read(String memory, long bytes) {
        if (bytes > 0) {
            read.merge(memory, bytes, Long::sum);
        }
    }

    void write(String memory, long bytes) {
        if (bytes > 0) {
            write.merge(memory, bytes, Long::sum);
        }
    }
}
