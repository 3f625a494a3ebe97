// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import org.npusim.npu.MemoryTiming;

/** Vela's cost of a DMA copy, used for planning decisions (ethos-u-facts.md §2.7). */
public final class DmaModel {

    private DmaModel() {}

    /**
     * Returns {@code max(floor(n / BW_src) + read_latency_src, floor(n / BW_dst))} cycles: the copy is limited by
     * the slower side, and the source's read latency is paid once ({@code measure_mem2mem_cycles}).
     */
    public static double transferCycles(MemoryTiming source, MemoryTiming destination, long bytes) {
        double read = Math.floor(bytes / source.bytesPerCycle()) + source.readLatencyCycles();
        double write = Math.floor(bytes / destination.bytesPerCycle());
        return Math.max(read, write);
    }
}
