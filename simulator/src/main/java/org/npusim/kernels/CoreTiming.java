// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Objects;
import org.npusim.hw.CpuCore;

/**
 * Per-core instruction timings that turn an {@link InstructionMix} into cycles. Sources are
 * cortex-m-kernel-facts.md (§ numbers below) and the Cortex-M3/M4 technical reference manual's instruction timing
 * table (Arm DDI 0337E §18.2: data operations 1 cycle, loads 2 cycles with back-to-back loads pipelined to 1,
 * stores 1, taken branches 1 + 2 pipeline refill cycles). Where a number is calibrated rather than read, its entry
 * says so.
 *
 * @param core the core
 * @param isa its instruction-set class
 * @param loadCycles average cycles of a scalar load
 * @param storeCycles cycles of a scalar store
 * @param macCycles cycles of a multiply or multiply-accumulate
 * @param loopBranchCycles cycles of a taken counted-loop back-edge
 * @param dataBranchCycles average cycles of a data-dependent branch
 * @param issueWidth scalar instructions issued per cycle
 * @param vectorCycles inverse throughput of a 128-bit Helium instruction (0 without Helium)
 * @param vectorOverlap fraction of the shorter of vector loads and vector arithmetic hidden under the other
 * @param outputResidualCycles calibrated cycles per output value not explained by the counted instructions
 */
public record CoreTiming(CpuCore core, Isa isa, double loadCycles, double storeCycles, double macCycles,
        double loopBranchCycles, double dataBranchCycles, int issueWidth, double vectorCycles, double vectorOverlap,
        double outputResidualCycles) {

    /** Validates the record. */
    public CoreTiming {
        Objects.requireNonNull(core, "core");
        Objects.requireNonNull(isa, "isa");
        if (issueWidth < 1 || vectorOverlap < 0 || vectorOverlap > 1) {
            throw new IllegalArgumentException("issue width >= 1 and overlap in [0, 1] required");
        }
    }

    /**
     * Returns the timings of {@code core}:
     *
     * <ul>
     *   <li><b>Cortex-M0+</b>: loads and stores 2 cycles (no load pipelining on the 2-stage pipeline), MULS 1
     *       cycle (the fast-multiplier configuration most parts implement), taken branch 2 (one refill of a
     *       2-stage pipeline), an unpredictable branch 1.5 (half taken). These are the Armv6-M timings as
     *       commonly documented; the Cortex-M0+ TRM table itself was not read (assumption).
     *   <li><b>Cortex-M4</b>: DDI 0337E §18.2 (the M4 shares the M3's 3-stage pipeline, facts §1): load 1.5 (CMSIS-NN
     *       issues loads in pairs, 2 + 1 cycles per pair), store 1, SMLAD/SMLABB/MLA 1 (DSP extension single-cycle
     *       MAC), taken branch 3 (1 + P, P = 2), unpredictable branch 2 (3 taken, 1 not).
     *   <li><b>Cortex-M33</b>: the M4's timings except loads 1.25 and taken branches 2. Calibrated: these two
     *       changes make the modelled dense convolution 1.10x faster per clock than on the M4, the ratio measured
     *       between the two cores (facts §2.2: "M33/M4 ≈ 1.1×"); the M33 TRM cycle table was not read.
     *   <li><b>Cortex-M7</b>: dual issue with one MAC pipe and two load pipes (facts §1: LLVM IssueWidth 2, SLOTHY
     *       model), so a loop costs max(instructions / 2, MACs); loads, stores and predicted loop branches 1
     *       instruction slot each; an unpredictable branch 2.5 (half mispredicted on the 6-stage pipeline with a
     *       ~4-cycle refill plus the issue slot, assumption).
     *   <li><b>Cortex-M55</b>: single-issue scalar with 1-cycle loads from TCM (facts §1.2, "single-cycle" TCM),
     *       loop back-edges free (low-overhead loops WLSTP/LETP, facts §0.2), unpredictable branch 1.5; Helium
     *       instructions 2 cycles each (dual-beat, SLOTHY's inverse throughput 2, facts §1). The overlap 0.64 and
     *       the residual 9.1 cycles per output are calibrated on the per-layer M55 cycles of facts §2.3: the 1x1
     *       layers fit cycles per output = 16.6 + 3.4 · ceil(K / 16). The slope, 13.6 cycles per 64-MAC
     *       iteration of 5 VLDRB and 5 VMLADAVA/VADDVA, gives 2 · (10 − 5f) = 13.6, f = 0.64; the intercept
     *       16.6 less the counted per-output work (2.5 cycles of GEMM block set-up, 5 cycles of vector
     *       requantization, {@link KernelMixes}) leaves 9.1 cycles that every variant pays per output value.
     *   <li><b>Cortex-M85</b>: as the M55 but dual-issue scalar and overlap 1.0 (separate load and store units and
     *       three vector pipes, facts §1: SLOTHY's cortex_m85r1 model), and the residual scaled by the CoreMark/MHz
     *       ratio 4.40 / 6.28 (facts §1) to 6.4 cycles (assumption: the residual is scalar code).
     * </ul>
     */
    public static CoreTiming of(CpuCore core) {
        return switch (core) {
            case CORTEX_M0PLUS -> new CoreTiming(core, Isa.SCALAR, 2, 2, 1, 2, 1.5, 1, 0, 0, 0);
            case CORTEX_M4 -> new CoreTiming(core, Isa.DSP, 1.5, 1, 1, 3, 2, 1, 0, 0, 0);
            case CORTEX_M33 -> new CoreTiming(core, Isa.DSP, 1.25, 1, 1, 2, 2, 1, 0, 0, 0);
            case CORTEX_M7 -> new CoreTiming(core, Isa.DSP, 1, 1, 1, 1, 2.5, 2, 0, 0, 0);
            case CORTEX_M55 -> new CoreTiming(core, Isa.HELIUM, 1, 1, 1, 0, 1.5, 1, 2, 0.64, 9.1);
            case CORTEX_M85 -> new CoreTiming(core, Isa.HELIUM, 1, 1, 1, 0, 1.5, 2, 2, 1.0, 6.4);
        };
    }
}
