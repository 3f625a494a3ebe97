// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Objects;

/**
 * A memory the CPU reaches, and the wait states (extra CPU cycles per access) it pays there, as MCU datasheets give
 * for flash ("5 wait states at 120 MHz"). A CPU access costs these wait states; a DMA or NPU transaction costs the
 * memory's own latency instead ({@link MemoryConfig#readLatencyPs()}).
 */
public record CpuAccess(String memory, int waitStates) {

    /** Validates the record: a memory name and wait states that are not negative. */
    public CpuAccess {
        Objects.requireNonNull(memory, "memory");
        if (waitStates < 0) {
            throw new IllegalArgumentException("negative wait states: " + waitStates);
        }
    }
}
