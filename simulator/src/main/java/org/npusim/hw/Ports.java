// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What each master reaches. {@code axi0} and {@code axi1} name the memories behind the NPU's two AXI ports (Vela's
 * {@code axi0_port}/{@code axi1_port}); they are present exactly when the system has an NPU. {@code cpu} lists the
 * memories the CPU reaches, in the order the description gives them.
 */
public record Ports(Optional<String> axi0, Optional<String> axi1, List<CpuAccess> cpu) {

    /** Validates the record and copies the list. */
    public Ports {
        Objects.requireNonNull(axi0, "axi0");
        Objects.requireNonNull(axi1, "axi1");
        cpu = List.copyOf(cpu);
        if (axi0.isPresent() != axi1.isPresent()) {
            throw new IllegalArgumentException("axi0 and axi1 are given together or not at all");
        }
    }

    /** Returns the CPU's access to {@code memory}, if the CPU reaches it. */
    public Optional<CpuAccess> cpuAccess(String memory) {
        return cpu.stream().filter(a -> a.memory().equals(memory)).findFirst();
    }
}
