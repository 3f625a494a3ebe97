// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import org.npusim.hw.CpuCore;

/**
 * The instruction-set class that decides which kernel code runs (cortex-m-kernel-facts.md §0.2, §1): CMSIS-NN's
 * pure C on cores without the DSP extension, its DSP (SMLAD) kernels, or its Helium (MVE) kernels.
 */
public enum Isa {
    /** Armv6-M: no SIMD, no MLA, no long multiply (Cortex-M0+). */
    SCALAR,
    /** Armv7E-M / Armv8-M with the DSP extension: 2 x 16-bit SIMD in 32-bit registers (M4, M7, M33). */
    DSP,
    /** Armv8.1-M with Helium: 128-bit vectors, 16 int8 / 8 int16 / 4 int32 lanes (M55, M85). */
    HELIUM;

    /** Returns the class of {@code core}, from its features. */
    public static Isa of(CpuCore core) {
        if (core.hasHelium()) {
            return HELIUM;
        }
        return core.hasDsp() ? DSP : SCALAR;
    }
}
