// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

/**
 * The per-output requantization that ends every integer kernel: scale the 32-bit accumulator to the output's
 * quantization, add the output zero point, clamp to the activation range, store. Facts §0.2 (CMSIS-NN PR #171):
 * requantization is "easily responsible for 10-20% of all retired instructions". The counts below are of CMSIS-NN's
 * {@code arm_nn_requantize} (double rounding, the default) and its Helium forms; TFLite Micro's
 * {@code MultiplyByQuantizedMultiplier} is the same arithmetic.
 */
final class Epilogues {

    private Epilogues() {}

    /**
     * One output, per-channel multiplier and shift (convolutions), scalar or DSP code: load the channel's multiplier
     * and shift (2 loads, one run); {@code LEFT_SHIFT}/{@code RIGHT_SHIFT} (3: a BIC with ASR for max(s, 0) and
     * two for -min(s, 0)); the left shift (1); the doubling high multiply {@code (1 << 30) + a·b >> 31} (2 moves,
     * SMLAL, LSRS and ORR: 4 + one 64-bit multiply); the rounding divide by a power of two (mask 2, AND, ASR,
     * threshold LSR, the negative fix-up ADD with LSR #31, CMP and conditional ADD: 8); the zero point (1); the
     * clamp (two CMP and conditional MOV: 4); STRB (1). Total 21 data-processing instructions, one SMLAL, two loads,
     * one store.
     */
    static final InstructionMix PER_CHANNEL = InstructionMix.builder().alu(21).mul64(1).load(2, 1).store(1).build();

    /**
     * One output, per-tensor multiplier and shift (fully connected, element-wise): as {@link #PER_CHANNEL} without
     * the two loads and the three shift computations, which the compiler hoists out of the loop: 18 data-processing
     * instructions, one SMLAL, one store.
     */
    static final InstructionMix PER_TENSOR = InstructionMix.builder().alu(18).mul64(1).store(1).build();

    /**
     * Four outputs of one channel in Helium ({@code arm_requantize_mve} in {@code arm_nn_mat_mult_nt_t_s8}): scalar
     * loads of the channel's multiplier and shift (2) and the shift split (3); VDUP and VSHL for the left shift,
     * VQRDMULH, VDUP, VAND, VSHR, VQADD and VRSHL for the rounding right shift (7 integer, 1 multiply); the zero
     * point, VMAX and VMIN (3); a scatter store VSTRB.32 to the four pixels' rows, which writes one element per beat
     * (4 beats: counted as 2 dual-beat store slots).
     */
    static final InstructionMix MVE_PER_CHANNEL_4 = InstructionMix.builder().alu(3).load(2, 1).vecAlu(10).vecMul(1)
            .vecStore(2).build();

    /**
     * Four outputs of four channels in Helium ({@code arm_requantize_mve_32x4}): VLDRW of the four multipliers and
     * shifts (2); VCMP, two VPSEL and VNEG to split the shifts, VSHL, VAND, VSHR, VQADD, VRSHL (9) and VQRDMULH
     * (1); zero point, VMAX, VMIN (3); a contiguous VSTRB.32 (1).
     */
    static final InstructionMix MVE_LANES_4 = InstructionMix.builder().vecLoad(2).vecAlu(12).vecMul(1).vecStore(1)
            .build();

    /**
     * Four outputs with one multiplier and shift (fully connected, element-wise) in Helium: VSHL, VQRDMULH, VAND,
     * VSHR, VQADD, VRSHL (5 integer, 1 multiply; the VDUPs are hoisted), zero point, VMAX, VMIN (3), VSTRB.32 (1).
     */
    static final InstructionMix MVE_PER_TENSOR_4 = InstructionMix.builder().vecAlu(8).vecMul(1).vecStore(1).build();
}
