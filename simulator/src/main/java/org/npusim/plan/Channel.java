// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import org.npusim.npu.MemoryTiming;

/**
 * A path from the NPU to a memory: one of its two AXI ports and the memory behind it, with the timing the NPU
 * sees. Vela's memory areas map to channels: in sram-only mode weights are read from SRAM through AXI1 (Vela's
 * "OnChipFlash" area with SRAM's parameters), feature maps through AXI0.
 *
 * @param port 0 or 1
 * @param memory the memory's name in the hardware description
 * @param timing bandwidth, burst and latencies through this port
 */
public record Channel(int port, String memory, MemoryTiming timing) {

    public Channel {
        if (port != 0 && port != 1) {
            throw new IllegalArgumentException("AXI port must be 0 or 1, not " + port);
        }
    }

    /** Returns a label for reports: {@code axi0:sram}. */
    public String label() {
        return "axi" + port + ":" + memory;
    }
}
