// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.Map;
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
 */
public record CpuOpCost(long cycles, String bottleneck, String kernel, SortedMap<String, Long> readBytes,
        SortedMap<String, Long> writeBytes) {

    public CpuOpCost {
        if (cycles < 0) {
            throw new IllegalArgumentException("negative CPU cycles");
        }
        Objects.requireNonNull(bottleneck, "bottleneck");
        Objects.requireNonNull(kernel, "kernel");
        readBytes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(readBytes));
        writeBytes = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(writeBytes));
    }

    /** Returns a cost with no memory traffic. */
    public static CpuOpCost of(long cycles, String bottleneck, String kernel) {
        return new CpuOpCost(cycles, bottleneck, kernel, new TreeMap<>(Map.of()), new TreeMap<>(Map.of()));
    }
}
