// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Objects;

/** The NPU of a system: which Ethos-U configuration, at which core clock. */
public record NpuConfig(NpuVariant variant, long clockHz) {

    /** Validates the record: a variant and a positive clock. */
    public NpuConfig {
        Objects.requireNonNull(variant, "variant");
        if (clockHz <= 0) {
            throw new IllegalArgumentException("NPU clock must be positive: " + clockHz + " Hz");
        }
    }
}
