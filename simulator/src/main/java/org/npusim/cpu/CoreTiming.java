// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.hw.CpuCore;

/**
 * Per-core instruction timing: turns an {@link InstructionMix} into CPU cycles with zero-wait-state memory
 * (memory stalls are added by {@link CpuMemoryModel}), and the core's instruction set and L1 data cache.
 *
 * <p>Sources (../shared/docs/cortex-m-kernel-facts.md, "facts" below, and the Arm technical reference manuals they
 * cite):
 * <ul>
 *   <li><b>Cortex-M0+</b> (Armv6-M, 2-stage pipeline, facts §1): data processing 1 cycle; LDR and STR 2; MULS 1 (the
 *       single-cycle multiplier option, which the MCUs of facts §2.2 implement); a taken branch 2 (pipeline refill
 *       of a 2-stage pipeline). Armv6-M has no 64-bit multiply and no divide: a 32×32→64 multiply is a library
 *       routine of four 16×16 MULS with shifts and adds, about 17 instructions plus call and return,
 *       {@value #M0_MUL64_CYCLES} cycles; a division is a software loop, {@value #SOFT_DIV_CYCLES} cycles (an
 *       estimate: one bit per iteration of a shift-subtract loop for 16-bit quotients, 2 instructions each, plus
 *       call).</li>
 *   <li><b>Cortex-M4 and Cortex-M33</b> (3-stage, single issue, facts §1): data processing, SXTB16, SMLAD, MLA and
 *       SMLAL 1 cycle; STR 1; LDR 2, but back-to-back loads pipeline their address and data phases, so a run of n
 *       loads costs n + 1 (the M3/M4 TRM text quoted in facts §1); a taken branch 1 + P with P = 1 for the short,
 *       aligned loops of the kernels; SDIV 2–12 cycles by operand size, {@value #HW_DIV_CYCLES} taken as the middle.
 *       The M33 is given the M4's timings: facts §2.2 measures it at 1.1× the M4 per clock with the same kernels,
 *       within the spread of the compilers.</li>
 *   <li><b>Cortex-M7</b> (6 stages, dual issue, facts §1): two instructions per cycle, but only one MAC pipe
 *       (SMLAD and the other multiplies issue in slot 1) and branch prediction, so cycles are
 *       max(multiplies, instructions / 2); facts §1.1 counts the DSP GEMM iteration this way (8 SMLAD + 12 other
 *       instructions in about 10 cycles).</li>
 *   <li><b>Cortex-M55</b> (Armv8.1-M, scalar pipeline as the M33, facts §1): scalar instructions as on the M33.
 *       Helium instructions are dual-beat: a 128-bit instruction takes 2 cycles (SLOTHY's cortex_m55r1 model,
 *       inverse throughput 2), and the M55's load/store unit is shared. npusim does not overlap consecutive vector
 *       instructions on the M55, so each costs 2 cycles: the GEMM iteration of 10 vector instructions then takes 20
 *       cycles (3.2 MAC/cycle, facts §1.1 "no overlap"), which is the bound the measured Alif M55 1×1
 *       convolutions of facts §2.3 stay under at small depths (0.79–1.31 MAC/cycle at K = 16–32 with their
 *       requantization).</li>
 *   <li><b>Cortex-M85</b> (facts §1): dual-issue scalar pipeline (counted as the M7's), and Helium instructions with
 *       inverse throughput 2 on separate units (SLOTHY's cortex_m85r1: a load unit, a store unit, pipe A for integer
 *       and shift, pipe B for multiplies), so independent vector instructions on different units overlap: cycles
 *       are 2 × the busiest unit's instruction count (the 10-instruction GEMM iteration in 10 cycles, 6.4
 *       MAC/cycle, facts §1.1 "with overlap").</li>
 * </ul>
 * Scalar and vector cycles add: the kernels interleave them only outside their inner loops.
 *
 * <p>L1 data caches (32-byte lines on all three cores): the size is a property of the part, not the core, and the
 * hardware description does not give it; npusim assumes {@value #M7_DCACHE_BYTES} bytes on the M7 (the STM32H7
 * parts of the shipped descriptions) and {@value #M55_M85_DCACHE_BYTES} bytes on the M55 and M85 (Alif Ensemble,
 * Renesas RA8). The M0+, M4 and M33 have no data cache.
 */
public enum CoreTiming {
    CORTEX_M0PLUS(Isa.SCALAR, Pipeline.TWO_STAGE, 0),
    CORTEX_M4(Isa.DSP, Pipeline.SINGLE_ISSUE, 0),
    CORTEX_M7(Isa.DSP, Pipeline.DUAL_ISSUE, CoreTiming.M7_DCACHE_BYTES),
    CORTEX_M33(Isa.DSP, Pipeline.SINGLE_ISSUE, 0),
    CORTEX_M55(Isa.MVE, Pipeline.SINGLE_ISSUE, CoreTiming.M55_M85_DCACHE_BYTES),
    CORTEX_M85(Isa.MVE, Pipeline.DUAL_ISSUE, CoreTiming.M55_M85_DCACHE_BYTES);

    /** Which CMSIS-NN code path a core takes. */
    public enum Isa {
        /** Pure C kernels (no DSP extension): Cortex-M0+. */
        SCALAR,
        /** The DSP extension's SIMD (SMLAD, SXTB16): Cortex-M4, M7, M33. */
        DSP,
        /** Helium (MVE): Cortex-M55, M85. */
        MVE
    }

    private enum Pipeline {
        TWO_STAGE,
        SINGLE_ISSUE,
        DUAL_ISSUE
    }

    /** Cycles of a 32×32→64 multiply on Armv6-M, a library routine (see the class comment). */
    static final int M0_MUL64_CYCLES = 20;
    /** Cycles of a division without a hardware divider (see the class comment). */
    static final int SOFT_DIV_CYCLES = 40;
    /** Cycles of SDIV on the cores that have it: the middle of the M4 TRM's 2–12. */
    static final int HW_DIV_CYCLES = 7;
    /** Cycles of a Helium instruction on a dual-beat core: 128 bits at 64 bits per cycle. */
    static final int VECTOR_BEAT_CYCLES = 2;
    /** Data-cache line size of the M7, M55 and M85. */
    public static final int CACHE_LINE_BYTES = 32;
    static final int M7_DCACHE_BYTES = 16 * 1024;
    static final int M55_M85_DCACHE_BYTES = 32 * 1024;

    private final Isa isa;
    private final Pipeline pipeline;
    private final int dataCacheBytes;

    CoreTiming(Isa isa, Pipeline pipeline, int dataCacheBytes) {
        this.isa = isa;
        this.pipeline = pipeline;
        this.dataCacheBytes = dataCacheBytes;
    }

    /** Returns the timing of {@code core}. */
    public static CoreTiming of(CpuCore core) {
        return switch (core) {
            case CORTEX_M0PLUS -> CORTEX_M0PLUS;
            case CORTEX_M4 -> CORTEX_M4;
            case CORTEX_M7 -> CORTEX_M7;
            case CORTEX_M33 -> CORTEX_M33;
            case CORTEX_M55 -> CORTEX_M55;
            case CORTEX_M85 -> CORTEX_M85;
        };
    }

    /** Returns the CMSIS-NN code path of this core. */
    public Isa isa() {
        return isa;
    }

    /** Returns the L1 data cache size in bytes; 0 when the core has none. */
    public int dataCacheBytes() {
        return dataCacheBytes;
    }

    /** Returns whether the core has an L1 data cache. */
    public boolean hasDataCache() {
        return dataCacheBytes > 0;
    }

    /** Returns the cycles of {@code m} with zero-wait-state memory. */
    public double cycles(InstructionMix m) {
        double scalar = switch (pipeline) {
            case TWO_STAGE -> m.alu() + 2 * m.load() + 2 * m.store() + m.mul() + M0_MUL64_CYCLES * m.mul64()
                    + SOFT_DIV_CYCLES * m.div() + 2 * m.branch();
            case SINGLE_ISSUE -> m.alu() + m.load() + m.loadRuns() + m.store() + m.mul() + m.mul64()
                    + HW_DIV_CYCLES * m.div() + 2 * m.branch();
            case DUAL_ISSUE -> Math.max(m.mul() + m.mul64(),
                    (m.alu() + m.load() + m.store() + m.mul() + m.mul64() + m.branch()) / 2.0)
                    + HW_DIV_CYCLES * m.div();
        };
        double vector = 0;
        if (isa == Isa.MVE) {
            vector = pipeline == Pipeline.DUAL_ISSUE
                    ? Math.max(m.vectorInstructions(), VECTOR_BEAT_CYCLES
                            * Math.max(Math.max(m.vecLoad(), m.vecStore()), Math.max(m.vecAlu(), m.vecMul())))
                    : VECTOR_BEAT_CYCLES * m.vectorInstructions();
        } else if (m.vectorInstructions() > 0) {
            throw new IllegalArgumentException(name() + " has no Helium instructions");
        }
        return scalar + vector;
    }
}
