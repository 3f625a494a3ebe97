// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Objects;

/** The CPU of a system: which Cortex-M core, at which clock, running which kernel library for fallback operators. */
public record CpuConfig(CpuCore core, long clockHz, KernelLibrary kernels) {

    /** Validates the record: a core, a positive clock and a kernel library. */
    public CpuConfig {
        Objects.requireNonNull(core, "core");
        Objects.requireNonNull(kernels, "kernels");
        if (clockHz <= 0) {
            throw new IllegalArgumentException("CPU clock must be positive: " + clockHz + " Hz");
        }
    }
}
