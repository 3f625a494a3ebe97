// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one operator costs on the CPU.
 *
 * @param cycles CPU clock cycles, memory stalls included
 * @param bottleneck what bound it: {@code cpu}, or the name of a memory whose wait states dominated
 * @param kernel the kernel that runs it (e.g. {@code arm_convolve_1x1_s8_fast}), for reports
 * @param readBytes bytes read per memory
 * @param writeBytes bytes written per memory
 * @param partCycles where the cycles went: {@code cpu} for the instructions, and each memory for its stalls; the
 *     parts add up to {@code cycles}, and the bottleneck is one of them (the core is in order, so a memory's stalls
 *     are time the layer waited on it)
 */
public record CpuOpCost(long cycles, String bottleneck, String kernel, SortedMap<String, Long> readBytes,
        SortedMap<String, Long> writeBytes, SortedMap<String, Long> partCycles) {

    public CpuOpCost {
        if (cycles < 0) {
            throw new IllegalArgumentException("negative CPU cycles");
        }
        Objects.requireNonNull(bottleneck, "bottleneck");
        Objects.requireNonNull(kernel, "kernel");
        readBytes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(readBytes));
        writeBytes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(writeBytes));
        partCycles = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(partCycles));
        long sum = 0;
        for (long part : partCycles.values()) {
            if (part < 0) {
                throw new IllegalArgumentException("negative part of the CPU cycles: " + partCycles);
            }
            sum += part;
        }
        if (sum != cycles || (cycles > 0 && !partCycles.containsKey(bottleneck))) {
            throw new IllegalArgumentException("parts " + partCycles + " of " + cycles + " CPU cycles bound by "
                    + bottleneck);
        }
    }
}
