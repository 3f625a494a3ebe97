// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

/**
 * The timing of a memory as the NPU sees it through an AXI port, in NPU core cycles.
 *
 * @param name the memory's name (for reports and per-memory counters)
 * @param bytesPerCycle bandwidth per NPU cycle: AXI data width × the memory's clock / the NPU clock
 *     (ethos-u-facts.md §2.2)
 * @param burstBytes the minimum efficient burst; shorter bursts are inflated by {@code burst/actual} (§2.3)
 * @param readLatencyCycles fixed read latency
 * @param writeLatencyCycles fixed write latency
 */
public record MemoryTiming(String name, double bytesPerCycle, int burstBytes, double readLatencyCycles, double writeLatencyCycles) {

    public MemoryTiming {
        if (!(bytesPerCycle > 0)) {
            throw new IllegalArgumentException("memory " + name + " has no bandwidth");
        }
        if (burstBytes < 1) {
            throw new IllegalArgumentException("memory " + name + " has a burst length below 1 byte");
        }
    }
}
