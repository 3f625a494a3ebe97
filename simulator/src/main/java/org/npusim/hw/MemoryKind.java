// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Arrays;
import java.util.Optional;

/** The technology of a memory, which decides what may be placed in it and its default access energies. */
public enum MemoryKind {
    /** On-chip SRAM on a bus. */
    SRAM("sram", true),
    /** Tightly coupled memory: SRAM on a core's private port, zero wait states for that core. */
    TCM("tcm", true),
    /** Flash (on-chip or off-chip NOR, XIP): read-only while a model runs. */
    FLASH("flash", false),
    /**
     * Embedded MRAM, used as non-volatile code and weight storage (Alif Ensemble). Writes are slow and costly
     * (about 25 pJ/bit, energy-parameters.md C3), so it is treated as read-only at run time, like flash.
     */
    MRAM("mram", false),
    /** Off-chip DRAM (LPDDR, DDR). */
    DRAM("dram", true);

    private final String label;
    private final boolean writable;

    MemoryKind(String label, boolean writable) {
        this.label = label;
        this.writable = writable;
    }

    /** Returns the name users write: {@code sram}. */
    public String label() {
        return label;
    }

    /**
     * Returns whether data written while a model runs (the tensor arena, caches, outputs) may live here. Vela
     * applies the same rule: the arena must be SRAM or DRAM, the cache SRAM (ethos-u-facts.md §2.5).
     */
    public boolean writableAtRunTime() {
        return writable;
    }

    /** Returns whether this kind is on-chip RAM (SRAM or TCM): where weights and activations are fastest. */
    public boolean onChip() {
        return this == SRAM || this == TCM;
    }

    /** Returns the kind named {@code label}. */
    public static Optional<MemoryKind> fromLabel(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }

    /** Returns the labels of all kinds, for error messages. */
    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(MemoryKind::label).toList());
    }
}
