// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Objects;

/**
 * One named memory of a system, fully resolved: clocks in hertz, latencies in picoseconds, energies per byte.
 *
 * @param name the name ports and placement refer to
 * @param kind the technology
 * @param sizeBytes capacity
 * @param clockHz the clock of the memory's interface
 * @param dataWidthBytes bytes transferred per interface clock
 * @param burstLengthBytes the minimum efficient burst: shorter bursts waste bandwidth (Vela's
 *     {@code <mem>_burst_length}, ethos-u-facts.md §2.3)
 * @param readLatencyPs time from a read request to its first data
 * @param writeLatencyPs time from a write request to its completion
 * @param readEnergyPjPerByte energy per byte read
 * @param writeEnergyPjPerByte energy per byte written
 * @param staticPowerMw leakage power while the system runs
 */
public record MemoryConfig(String name, MemoryKind kind, long sizeBytes, long clockHz, int dataWidthBytes,
        int burstLengthBytes, long readLatencyPs, long writeLatencyPs, double readEnergyPjPerByte,
        double writeEnergyPjPerByte, double staticPowerMw) {

    /** Validates the record: positive size, clock and widths; latencies, energies and power not negative. */
    public MemoryConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if (sizeBytes <= 0 || clockHz <= 0 || dataWidthBytes <= 0 || burstLengthBytes <= 0) {
            throw new IllegalArgumentException("memory " + name + ": size, clock, data width and burst length must be positive");
        }
        if (readLatencyPs < 0 || writeLatencyPs < 0) {
            throw new IllegalArgumentException("memory " + name + ": negative latency");
        }
        if (!(readEnergyPjPerByte >= 0 && writeEnergyPjPerByte >= 0 && staticPowerMw >= 0)
                || Double.isInfinite(readEnergyPjPerByte + writeEnergyPjPerByte + staticPowerMw)) {
            throw new IllegalArgumentException("memory " + name + ": energies and power must be finite and not negative");
        }
    }

    /**
     * Returns the peak bandwidth, {@code dataWidthBytes × clockHz}. For a memory behind an Ethos-U port whose width
     * is the AXI width and whose clock is {@code clock_scale × core clock}, this is Vela's
     * {@code BW = AXI width × clock_scale × core_clock} (ethos-u-facts.md §2.2).
     */
    public long bytesPerSecond() {
        return (long) dataWidthBytes * clockHz;
    }

    /** Returns the peak bandwidth in bytes per cycle of a clock at {@code referenceClockHz} (e.g. the NPU core). */
    public double bytesPerCycle(long referenceClockHz) {
        return (double) bytesPerSecond() / referenceClockHz;
    }
}
