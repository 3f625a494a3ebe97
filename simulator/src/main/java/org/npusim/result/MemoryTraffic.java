// SPDX-License-Identifier: Apache-2.0
package org.npusim.result;

/** Bytes read from and written to one memory. */
public record MemoryTraffic(long readBytes, long writeBytes) {

    public static final MemoryTraffic NONE = new MemoryTraffic(0, 0);

    public MemoryTraffic plus(MemoryTraffic o) {
        return new MemoryTraffic(readBytes + o.readBytes, writeBytes + o.writeBytes);
    }
}
