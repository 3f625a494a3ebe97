// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;

/**
 * Instruction counts of CMSIS-NN's matrix-multiply building blocks, which the convolution, fully connected and
 * recurrent kernels call. Counted from the CMSIS-NN source (facts §1.1, §2.1; {@code arm_nn_mat_mult_nt_t_s8.c},
 * {@code arm_nn_mat_mult_kernel_s8_s16.c}, {@code arm_nn_vec_mat_mult_t_s8.c}). Names: "lhs rows" are output
 * pixels (or batch rows), "rhs rows" output channels, "depth" the dot-product length.
 */
final class Gemm {

    private Gemm() {}

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    /**
     * {@code arm_nn_mat_mult_nt_t_s8}: int8 × int8, both operands row-major with the depth innermost (1×1
     * convolutions read the input in place; generic convolutions on Helium read their int8 im2col buffer).
     *
     * <p>DSP: blocks of 2 output channels × 2 pixels. Per 4 depth elements: 4 LDR (two channels' weights, two
     * pixels' inputs; issued in 2 runs), 8 SXTB16 (each word unpacked twice, with and without ROR #8), 8 SMLAD:
     * 16 MACs in 20 instructions (facts §1.1); the loop is unrolled 4 times (one SUBS/BNE per 16 elements). Depth left over
     * after the multiples of 4: per element 3 LDRSB, 4 MLA, 3 other. Per channel pair the input-offset
     * contribution sums the weights (per element 2 LDRSB, 2 ADD, loop), then multiplies and adds the bias (2 MUL,
     * 2 loads, 5 other). Per block: 5 initialisations, 4 {@link Epilogues#PER_CHANNEL}, 3 pointer updates and the
     * loop branch. An odd pixel uses a 1×2 block (per 4 elements 3 LDR, 6 SXTB16, 4 SMLAD), an odd channel a
     * scalar loop (per element 2 LDRSB, 3 ALU, MLA, branch).
     *
     * <p>Helium: blocks of 4 pixels × 1 channel. Per 16 depth elements (tail-predicated WLSTP/LETP loop, no loop
     * instructions): 5 VLDRB.8 (4 pixels and the weights), 4 VMLADAVA.S8, 1 VADDVA.S8 (the weight sum for the input
     * offset), plus one VLDRB before the loop. Per block: 5 accumulator clears, WLSTP, 4 pointer set-ups (MLA and 3
     * ADD), 2 VMOV to gather the accumulators, the offset contribution (MUL, bias load, ADD, VADD), 1 destination
     * update, loop (2 ALU, branch), then {@link Epilogues#MVE_PER_CHANNEL_4}. Left-over pixels (fewer than 4) run a
     * 1-pixel loop (per 16 elements 2 VLDRB, VMLADAVA, VADDVA) and requantize 4 channels at a time
     * ({@link Epilogues#MVE_LANES_4}).
     *
     * <p>Scalar (no DSP): the C fallback of the same 2×2 block: per depth element 3 LDRSB, 4 MULS, 4 ADDS (Armv6-M
     * has no multiply-accumulate), 2 pointer increments, SUBS/BNE; the 4 accumulators, 3 pointers and counter do
     * not fit Armv6-M's 8 low registers, so an estimated 2 spill loads and 2 spill stores per iteration.
     */
    static InstructionMix matMultNtT(Isa isa, long lhsRows, long rhsRows, long depth) {
        InstructionMix.Builder b = mix();
        switch (isa) {
            case MVE -> {
                long it = (depth + 15) / 16;
                long blocks = lhsRows / 4;
                long rest = lhsRows % 4;
                InstructionMix block = mix().vecLoad(5 * it + 1).vecMul(4 * it).vecAlu(it + 3).alu(14).mul(1).load(1, 1)
                        .branch(1).add(Epilogues.MVE_PER_CHANNEL_4).build();
                b.add(block, (double) blocks * rhsRows);
                InstructionMix single = mix().vecLoad(2 * it + 1).vecMul(it).vecAlu(it).alu(8).mul(1).load(1, 1)
                        .branch(1).build();
                b.add(single, (double) rest * rhsRows);
                b.add(Epilogues.MVE_LANES_4, rest * (rhsRows / 4) + 0.0);
                b.add(Epilogues.PER_CHANNEL, rest * (rhsRows % 4) + 0.0);
            }
            case DSP -> {
                long k16 = depth / 16;
                long k4 = (depth % 16) / 4;
                long k1 = depth % 4;
                InstructionMix block = mix().alu(5)
                        .add(mix().load(16, 8).alu(33).mul(32).branch(1).build(), k16)
                        .add(mix().load(4, 2).alu(9).mul(8).branch(1).build(), k4)
                        .add(mix().load(3, 1).mul(4).alu(3).branch(1).build(), k1)
                        .add(Epilogues.PER_CHANNEL, 4).alu(3).branch(1).build();
                InstructionMix oddPixel = mix().alu(3)
                        .add(mix().load(12, 4).alu(25).mul(16).branch(1).build(), k16)
                        .add(mix().load(3, 1).alu(7).mul(4).branch(1).build(), k4)
                        .add(mix().load(2, 1).mul(2).alu(2).branch(1).build(), k1)
                        .add(Epilogues.PER_CHANNEL, 2).build();
                addBlocks2x2(b, lhsRows, rhsRows, depth, block, oddPixel, 3);
            }
            case SCALAR -> {
                InstructionMix perElement = mix().load(5, 1).store(2).mul(4).alu(7).branch(1).build();
                InstructionMix block = mix().alu(5).add(perElement, depth).add(Epilogues.PER_CHANNEL, 4).alu(3)
                        .branch(1).build();
                InstructionMix oddPixel = mix().alu(3).add(mix().load(3, 1).store(1).mul(2).alu(5).branch(1).build(),
                        depth).add(Epilogues.PER_CHANNEL, 2).build();
                addBlocks2x2(b, lhsRows, rhsRows, depth, block, oddPixel, 4);
            }
        }
        return b.build();
    }

    /**
     * Adds the 2 channel × 2 pixel blocking of {@link #matMultNtT} on DSP and scalar cores: per channel pair the
     * input-offset contribution, {@code block} per 2×2 block, {@code oddPixel} per channel pair of an odd pixel,
     * and per pixel of an odd channel the scalar loop (per element 2 LDRSB, {@code oddChannelAlu} ALU, MLA or
     * MULS, branch).
     */
    private static void addBlocks2x2(InstructionMix.Builder b, long lhsRows, long rhsRows, long depth,
            InstructionMix block, InstructionMix oddPixel, long oddChannelAlu) {
        InstructionMix offsets = mix().load(2 * depth, depth).alu(3 * depth + 5).branch(depth).mul(2)
                .load(2, 1).build();
        InstructionMix oddChannelPixel = mix().load(2 * depth, depth).alu(oddChannelAlu * depth + 3).mul(depth)
                .branch(depth).add(Epilogues.PER_CHANNEL).build();
        long pairs = rhsRows / 2;
        b.add(offsets, pairs);
        b.add(block, (double) pairs * (lhsRows / 2));
        b.add(oddPixel, (double) pairs * (lhsRows % 2));
        b.add(oddChannelPixel, (double) (rhsRows % 2) * lhsRows);
    }

    /**
     * {@code arm_nn_mat_mult_kernel_s8_s16}: the GEMM of {@code arm_convolve_s8} on DSP cores, int8 weights against
     * two int16 im2col columns (facts §1.1). Per 2 channels × 2 columns × 4 depth elements: 2 LDR of weights, 4 LDR
     * of q15 pairs (2 runs), 4 SXTB16 (weights reordered at the im2col, so no PKH), 8 SMLAD, SUBS/BNE: 16 MACs in
     * 20 instructions. Left-over depth: per element 4 loads, 4 MLA, 3 other. Per block: 2 bias loads, 4
     * initialisations, 4 {@link Epilogues#PER_CHANNEL}, 4 pointer updates, loop. An odd channel: per 4 elements 5
     * loads, 3 SXTB16/ALU, 4 SMLAD.
     *
     * <p>Scalar (no DSP), the C fallback: per element 2 LDRSB and 2 LDRSH, 4 MULS, 4 ADDS, 2 increments, loop,
     * and 2 spill loads and stores (as in {@link #matMultNtT}).
     */
    static InstructionMix matMultKernelS8S16(Isa isa, long columnPairs, long channels, long depth) {
        InstructionMix.Builder b = mix();
        long pairs = channels / 2;
        long odd = channels % 2;
        if (isa == Isa.SCALAR) {
            InstructionMix block = mix().load(2, 1).alu(4)
                    .add(mix().load(6, 1).store(2).mul(4).alu(7).branch(1).build(), depth)
                    .add(Epilogues.PER_CHANNEL, 4).alu(4).branch(1).build();
            InstructionMix oddBlock = mix().add(mix().load(3, 1).store(1).mul(2).alu(5).branch(1).build(), depth)
                    .add(Epilogues.PER_CHANNEL, 2).build();
            b.add(block, (double) columnPairs * pairs);
            b.add(oddBlock, (double) columnPairs * odd);
            return b.build();
        }
        long k4 = depth / 4;
        long k1 = depth % 4;
        InstructionMix block = mix().load(2, 1).alu(4)
                .add(mix().load(6, 2).alu(5).mul(8).branch(1).build(), k4)
                .add(mix().load(4, 1).mul(4).alu(3).branch(1).build(), k1)
                .add(Epilogues.PER_CHANNEL, 4).alu(4).branch(1).build();
        InstructionMix oddBlock = mix().load(1, 1).alu(2)
                .add(mix().load(5, 2).alu(3).mul(4).branch(1).build(), k4)
                .add(mix().load(3, 1).mul(2).alu(2).branch(1).build(), k1)
                .add(Epilogues.PER_CHANNEL, 2).build();
        b.add(block, (double) columnPairs * pairs);
        b.add(oddBlock, (double) columnPairs * odd);
        return b.build();
    }

    /**
     * {@code arm_nn_vec_mat_mult_t_s8} (fully connected, one batch row): {@code rows} outputs, each a dot product
     * of {@code cols} int8 elements, with {@code epilogue} per output on scalar and DSP cores and
     * {@code epilogue4} per 4 outputs on Helium.
     *
     * <p>DSP: 2 rows at a time; per 4 columns 3 LDR (input and two weight rows, one run), 6 SXTB16/SXTAB16 (the
     * input offset folded in), 4 SMLAD; unrolled by 4 (one loop per 16 columns). Left-over columns: per column 3
     * loads, 2 MLA, 2 other. Per row pair: 6 pointer set-ups, bias and kernel-sum loads (4, 2 runs) and adds (2),
     * 2 epilogues, loop. An odd row: per 4 columns 2 LDR, 4 SXTB16, 2 SMLAD.
     *
     * <p>Helium: 4 rows at a time; per 16 columns 5 VLDRB.8 (input and 4 rows) and 4 VMLADAVA.S8, tail-predicated;
     * per block 8 set-ups, a bias VLDRW, 3 vector moves and adds, loop branch, then {@code epilogue4}. Left-over
     * rows: per 16 columns 2 VLDRB and 1 VMLADAVA, 6 set-ups, a bias load, then {@code epilogue}.
     *
     * <p>Scalar (no DSP): per column 2 LDRSB, ADDS of the input offset, MULS, ADDS, 2 increments (Armv6-M has no
     * post-increment load), SUBS/BNE: 5 ALU, 1 MUL, 2 loads, 1 branch; per row 4 set-ups, a bias load and
     * {@code epilogue}.
     */
    static InstructionMix vecMatMult(Isa isa, long rows, long cols, InstructionMix epilogue, InstructionMix epilogue4) {
        InstructionMix.Builder b = mix();
        switch (isa) {
            case MVE -> {
                long it = (cols + 15) / 16;
                InstructionMix block = mix().alu(8).branch(1).vecLoad(5 * it + 1).vecMul(4 * it).vecAlu(3)
                        .add(epilogue4).build();
                InstructionMix single = mix().alu(6).load(1, 1).branch(1).vecLoad(2 * it).vecMul(it).add(epilogue)
                        .build();
                b.add(block, rows / 4);
                b.add(single, rows % 4);
            }
            case DSP -> {
                long c16 = cols / 16;
                long c4 = (cols % 16) / 4;
                long c1 = cols % 4;
                InstructionMix pair = mix().alu(8).load(4, 2)
                        .add(mix().load(12, 4).alu(25).mul(16).branch(1).build(), c16)
                        .add(mix().load(3, 1).alu(7).mul(4).branch(1).build(), c4)
                        .add(mix().load(3, 1).mul(2).alu(2).branch(1).build(), c1)
                        .add(epilogue, 2).alu(1).branch(1).build();
                InstructionMix single = mix().alu(4).load(2, 1)
                        .add(mix().load(8, 4).alu(17).mul(8).branch(1).build(), c16)
                        .add(mix().load(2, 1).alu(5).mul(2).branch(1).build(), c4)
                        .add(mix().load(2, 1).mul(1).alu(2).branch(1).build(), c1)
                        .add(epilogue).build();
                b.add(pair, rows / 2);
                b.add(single, rows % 2);
            }
            case SCALAR -> {
                InstructionMix row = mix().alu(4).load(1, 1)
                        .add(mix().load(2, 1).alu(5).mul(1).branch(1).build(), cols).add(epilogue).build();
                b.add(row, rows);
            }
        }
        return b.build();
    }
}
