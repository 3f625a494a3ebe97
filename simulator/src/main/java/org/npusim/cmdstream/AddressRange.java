// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Locale;

/**
 * A byte range in one of the memory regions a command stream addresses. A region is a base pointer the driver
 * passes with the stream: the operator's inputs after the payload, then its outputs ({@code ethosu_driver.c:
 * ethosu_invoke} takes them as {@code base_addr}); Vela uses region 0 for its flash tensor (weights, scales,
 * LUTs, constants), 1 for the scratch tensor (the tensor arena: feature maps, buffered weights) and 2 for the
 * fast scratch tensor (the cache of its dedicated-SRAM mode) ({@code high_level_command_to_npu_op.py:
 * BasePointerIndex}).
 *
 * @param region the region index
 * @param address the byte offset in the region
 * @param length the bytes
 */
public record AddressRange(int region, long address, long length) {

    public AddressRange {
        if (region < 0 || address < 0 || length < 0) {
            throw new IllegalArgumentException("negative region, address or length");
        }
    }

    /** Returns the first byte after the range. */
    public long end() {
        return address + length;
    }

    /** Returns whether the two ranges share a byte in the same region. */
    public boolean overlaps(AddressRange o) {
        return region == o.region && address < o.end() && o.address < end();
    }

    /** Returns {@code r1 0x2400+224}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "r%d 0x%x+%d", region, address, length);
    }
}
