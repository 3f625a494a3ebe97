// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where weights, the tensor arena and the cache live: Vela's three memory modes, which place the roles by NPU AXI
 * port (ethos-u-facts.md §2.5), or a custom placement by memory name.
 */
public enum MemoryMode {
    /** Vela's {@code Sram_Only}: weights, arena and cache all on AXI0. */
    SRAM_ONLY("sram-only"),
    /** Vela's {@code Shared_Sram} (U55 default): weights on AXI1, arena and cache on AXI0. */
    SHARED_SRAM("shared-sram"),
    /** Vela's {@code Dedicated_Sram} (U65 default): weights and arena on AXI1, the cache on AXI0 (384 KiB). */
    DEDICATED_SRAM("dedicated-sram"),
    /** Every role named explicitly; the only mode for descriptions without an NPU. */
    CUSTOM("custom");

    private final String label;

    MemoryMode(String label) {
        this.label = label;
    }

    /** Returns the name users write: {@code shared-sram}. */
    public String label() {
        return label;
    }

    /** Returns whether this is one of Vela's presets, which place roles by AXI port. */
    public boolean isPreset() {
        return this != CUSTOM;
    }

    /** Returns the mode named {@code label}. */
    public static Optional<MemoryMode> fromLabel(String label) {
        return Arrays.stream(values()).filter(m -> m.label.equals(label)).findFirst();
    }

    /** Returns the labels of all modes, for error messages. */
    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(MemoryMode::label).toList());
    }
}
