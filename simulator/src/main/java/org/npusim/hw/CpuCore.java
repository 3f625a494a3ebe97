// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Cortex-M cores a description can name, with the instruction-set features that decide which CMSIS-NN kernel
 * variants run on them (../shared/docs/cortex-m-kernel-facts.md).
 */
public enum CpuCore {
    /** Armv6-M: no DSP (SIMD) instructions, no Helium. */
    CORTEX_M0PLUS("cortex-m0plus", false, false),
    /** Armv7E-M with the DSP extension. */
    CORTEX_M4("cortex-m4", true, false),
    /** Armv7E-M with the DSP extension. */
    CORTEX_M7("cortex-m7", true, false),
    /**
     * Armv8-M Mainline. The DSP extension is optional in the architecture; the parts this project models (Renesas
     * RA6M5, STM32U5, NXP LPC55S69, nRF5340) implement it, so it is assumed present.
     */
    CORTEX_M33("cortex-m33", true, false),
    /** Armv8.1-M with the DSP extension and the Helium (MVE) vector extension. */
    CORTEX_M55("cortex-m55", true, true),
    /** Armv8.1-M with the DSP extension and the Helium (MVE) vector extension. */
    CORTEX_M85("cortex-m85", true, true);

    private final String label;
    private final boolean dsp;
    private final boolean helium;

    CpuCore(String label, boolean dsp, boolean helium) {
        this.label = label;
        this.dsp = dsp;
        this.helium = helium;
    }

    /** Returns the name users write: {@code cortex-m55}. */
    public String label() {
        return label;
    }

    /** Returns whether the core has the DSP (32-bit SIMD) instructions CMSIS-NN's fast int8 kernels use. */
    public boolean hasDsp() {
        return dsp;
    }

    /** Returns whether the core has Helium (M-profile Vector Extension), used by CMSIS-NN's MVE kernels. */
    public boolean hasHelium() {
        return helium;
    }

    /**
     * Returns the int8 MACs per cycle of the core's multiply-accumulate primitive at its peak issue rate, the
     * denominator of a CPU layer's utilization (cortex-m-kernel-facts.md §1): on the M0+ a MULS and an ADDS per MAC, one
     * cycle each (0.5); with the DSP extension an SMLAD, two 16×16 MACs, issued once per cycle (2; the M7 issues two
     * instructions per cycle but has one MAC pipe); with Helium a VMLADAV of 16 int8 products every 2 cycles on a
     * dual-beat core (8; the M85 too, whose vector instructions still take 2 cycles).
     */
    public double peakMacsPerCycle() {
        return helium ? 8 : dsp ? 2 : 0.5;
    }

    /** Returns the core named {@code label}. */
    public static Optional<CpuCore> fromLabel(String label) {
        return Arrays.stream(values()).filter(c -> c.label.equals(label)).findFirst();
    }

    /** Returns the labels of all cores, for error messages. */
    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(CpuCore::label).toList());
    }
}
