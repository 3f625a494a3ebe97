// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import static org.npusim.kernels.InstructionMix.scalar;
import static org.npusim.kernels.InstructionMix.vector;

/**
 * The instruction structure of every kernel variant, per unit of work and instruction-set class, counted from the
 * CMSIS-NN source where the kernel exists there (cortex-m-kernel-facts.md §1.1, §2.1) and from the inner loops
 * this package's kernels would compile to where it does not (Winograd, sparse and zero-skipping kernels: CMSIS-NN
 * has none, facts §0.2). Each method documents its count. Blocking follows CMSIS-NN: the scalar and DSP kernels
 * compute 2 output pixels per pass (the im2col buffer holds two columns), the Helium dense kernel 4 pixels.
 */
public final class KernelMixes {

    private KernelMixes() {}

    /** Output pixels per pass of the im2col kernels: 2 on scalar and DSP cores, 4 for the Helium dense GEMM. */
    static int densePixelBlock(Isa isa) {
        return isa == Isa.HELIUM ? 4 : 2;
    }

    /**
     * Output pixels per pass of the weight-sparse kernels: 2 on scalar and DSP cores (two int16 activations of the
     * same column position share a word, so one load feeds SMLABB and SMLATB); 8 on Helium, where each nonzero
     * weight scales a vector of 8 pixels held in two int32x4 accumulators.
     */
    static int sparsePixelBlock(Isa isa) {
        return isa == Isa.HELIUM ? 8 : 2;
    }

    /** Output channels per pass of zero-skipping: accumulators held in registers (4, 8, 16 = four int32x4). */
    static int zeroSkipChannelBlock(Isa isa) {
        return switch (isa) {
            case SCALAR -> 4;
            case DSP -> 8;
            case HELIUM -> 16;
        };
    }

    // --------------------------------------------------------------------------------------- dense and shared

    /**
     * im2col, per element copied: scalar: LDRSB, ADD offset, STRH, pointer update, loop unrolled by 4. DSP
     * ({@code arm_s8_to_s16_unordered_with_offset}, facts §1.1): per 4 elements 1 LDR + 2 SXTAB16 + 2 STR, loop
     * unrolled by 8. Helium: VLDRB + VSTRB per 16 bytes (int8 columns, facts §2.1).
     */
    static InstructionMix im2colPerElement(Isa isa) {
        return switch (isa) {
            case SCALAR -> scalar(1, 1, 2.25, 0, 0.25, 0);
            case DSP -> scalar(0.25, 0.5, 0.625, 0, 0.125, 0);
            case HELIUM -> vector(2.0 / 16, 0);
        };
    }

    /**
     * im2col, per filter tap and output pixel: the bounds test (unpredictable at the image border), the source
     * address and the copy set-up: about 6 instructions and a data-dependent branch, on every core.
     */
    static InstructionMix im2colPerTap() {
        return scalar(0, 0, 6, 0, 0, 1);
    }

    /**
     * Helium im2col for the 8-pixel-major layout of the sparse kernels, per element: the 8 columns interleave
     * (element k of pixel p at k · 8 + p), which needs a byte store per element (or a scatter at about one element
     * per cycle) after a word load per 4 elements.
     */
    static InstructionMix im2colInterleavedPerElement() {
        return scalar(0.25, 1, 0.25, 0, 0, 0);
    }

    /**
     * Dense convolution GEMM, per MAC. Scalar (CMSIS-NN's pure-C 2x2 kernel): per reduction step 4 MACs from
     * 2 LDRSH + 2 LDRSB, 4 MULS + 4 ADDS (no MLA in Armv6-M), 3 pointer and counter updates, 2 reloads of spilled
     * pointers (8 low registers hold 4 accumulators and 4 pointers) and the back-edge. DSP
     * ({@code arm_nn_mat_mult_kernel_s8_s16}, facts §1.1): per 16 MACs 8 SMLAD + 4 LDR activations + 2 LDR weights
     * + 4 SXTB16 + SUBS + back-edge. Helium ({@code arm_nn_mat_mult_nt_t_s8}): per 64 MACs 5 VLDRB + 4 VMLADAVA +
     * 1 VADDVA, tail-predicated (the reduction is rounded up to 16).
     */
    static InstructionMix denseConvPerMac(Isa isa) {
        return switch (isa) {
            case SCALAR -> scalar(6, 0, 7, 4, 1, 0).times(1.0 / 4);
            case DSP -> scalar(6, 0, 5, 8, 1, 0).times(1.0 / 16);
            case HELIUM -> vector(5, 5).times(1.0 / 64);
        };
    }

    /**
     * Dense fully connected (matrix-vector), per MAC. Scalar: per 2 MACs (2 rows x 1 column) 3 loads, 2 MULS +
     * 2 ADDS, offset add, 2 pointer/counter updates, back-edge. DSP ({@code arm_nn_vec_mat_mult_t_s8}, facts §1.1):
     * per 8 MACs (2 rows x 4 columns) 3 LDR + 6 SXTB16 + 4 SMLAD + SUBS + back-edge. Helium: per 64 MACs (4 rows x
     * 16 columns) 5 VLDRB + 4 VMLADAVA.
     */
    static InstructionMix denseFullyConnectedPerMac(Isa isa) {
        return switch (isa) {
            case SCALAR -> scalar(3, 0, 5, 2, 1, 0).times(1.0 / 2);
            case DSP -> scalar(3, 0, 7, 4, 1, 0).times(1.0 / 8);
            case HELIUM -> vector(5, 4).times(1.0 / 64);
        };
    }

    /**
     * Set-up of the GEMM micro-kernel, per output of the GEMM: scalar and DSP (2x2 block per 4 outputs): 2 bias
     * loads, ~8 instructions of pointer set-up and accumulator initialisation, one outer back-edge. Helium (4 x 1
     * block per 4 outputs): ~10 scalar instructions (pointers, WLSTP, zeroing 4 accumulators).
     */
    static InstructionMix gemmBlockPerOutput(Isa isa) {
        return isa == Isa.HELIUM ? scalar(0, 0, 2.5, 0, 0, 0) : scalar(0.5, 0, 2, 0, 0.25, 0);
    }

    /**
     * Requantization, per output value ({@code arm_nn_requantize}): scalar (no SMULL in Armv6-M, so the 32x32→64
     * product takes 4 MULS and ~8 adds and shifts): 1 load, 4 MULS, 17 ALU, STRB. DSP: SMULL, the rounding add and
     * shifts, bias and offset adds, two clamps: 1 load, 1 MAC, 9 ALU, 1 store. Helium: 4 outputs in one int32x4
     * vector, ~10 vector instructions (VQRDMULH, VRSHL, offset VADD, VMAX, VMIN, narrowing VSTRB, ...).
     */
    static InstructionMix outputStage(Isa isa) {
        return switch (isa) {
            case SCALAR -> scalar(1, 1, 17, 4, 0, 0);
            case DSP -> scalar(1, 1, 9, 1, 0, 0);
            case HELIUM -> vector(0, 2.5);
        };
    }

    // ---------------------------------------------------------------------------------------------- Winograd

    /**
     * Winograd input transform, per tile and input channel, with {@code t² } the tile and
     * {@link WinogradTile#inputTransformOps()} adds. Scalar: t² LDRSB, t² offset adds, the transform, t² STRH, loop.
     * DSP: 4 channels per LDR and 2 per SXTAB16 (which also adds the offset) and per SADD16/SSUB16 (int16 lanes
     * hold V: 11 bits for F2, 16 for F4), one STR of 2 channels per position. Helium: 8 channels per int16x8
     * vector: widening VLDRB.S16, offset VADD, the transform, VSTRH.
     */
    static InstructionMix winogradInputPerTileChannel(Isa isa, WinogradTile tile) {
        double tt = tile.inputEdge() * tile.inputEdge();
        double ops = tile.inputTransformOps();
        return switch (isa) {
            case SCALAR -> scalar(tt, tt, tt + ops + 1, 0, 1, 0);
            case DSP -> scalar(tt / 4, tt / 2, tt / 2 + ops / 2 + 0.5, 0, 0.5, 0);
            case HELIUM -> vector(2 * tt / 8, (tt + ops) / 8);
        };
    }

    /**
     * Winograd-domain products, per MAC (int16 operands, int32 accumulators). Scalar: as the dense scalar kernel
     * (LDRSH instead of LDRSB costs the same). DSP: per 16 MACs (2 channels x 2 tiles x 4 input channels) 4 LDR of
     * V + 4 LDR of U (int16 pairs) + 8 SMLAD + SUBS + back-edge: no SXTB16, but twice the weight loads of the dense
     * kernel. Helium: per 32 MACs (4 tiles x 1 channel x 8 input channels) 4 VLDRH of V + 1 VLDRH of U + 4
     * VMLADAVA.S16: 8 int16 lanes instead of 16 int8 lanes, which halves the MACs per instruction (facts §3.1).
     */
    static InstructionMix winogradProductPerMac(Isa isa) {
        return switch (isa) {
            case SCALAR -> denseConvPerMac(Isa.SCALAR);
            case DSP -> scalar(8, 0, 1, 8, 1, 0).times(1.0 / 16);
            case HELIUM -> vector(5, 4).times(1.0 / 32);
        };
    }

    /** Per Winograd-domain output (an entry of M): the GEMM block set-up plus one store of M for the output transform. */
    static InstructionMix winogradProductPerOutput(Isa isa) {
        return gemmBlockPerOutput(isa).plus(scalar(0, 1, 0, 0, 0, 0));
    }

    /**
     * Winograd output transform, per tile and output channel: t² loads of M and
     * {@link WinogradTile#outputTransformOps()} int32 adds and shifts (no SIMD packing: the values need 32 bits),
     * loop; Helium: 4 channels per int32x4 vector.
     */
    static InstructionMix winogradOutputPerTileChannel(Isa isa, WinogradTile tile) {
        double tt = tile.inputEdge() * tile.inputEdge();
        double ops = tile.outputTransformOps();
        return isa == Isa.HELIUM ? vector(tt / 4, ops / 4) : scalar(tt, 0, ops + 1, 0, 1, 0);
    }

    /**
     * The exact division by L², per output value: F2 one arithmetic shift; F4 a multiply by 9⁻¹ mod 2³² and a
     * shift (Helium: 4 values per vector).
     */
    static InstructionMix winogradDivisionPerOutput(Isa isa, WinogradTile tile) {
        boolean odd = tile.divisor() != Integer.lowestOneBit(tile.divisor());
        if (isa == Isa.HELIUM) {
            return vector(0, (odd ? 2 : 1) / 4.0);
        }
        return scalar(0, 0, 1, odd ? 1 : 0, 0, 0);
    }

    // ------------------------------------------------------------------------------------------ weight-sparse

    /**
     * CSR, per nonzero weight and pass over the pixel block (2 pixels; Helium 8). Scalar: LDRSB w, LDRH index, index
     * shift, 2 LDRSH activations, 2 MULS + 2 ADDS, 3 pointer/counter updates, back-edge. DSP: LDRSB w, LDRH index,
     * LDR of the two pixels' int16 activations at [column, index, LSL #2], SMLABB + SMLATB, loop unrolled by 2.
     * Helium: LDRSB w, LDRH index and an address add (scalar), two widening VLDRB.S32 of 8 pixels' activations and
     * two VMLA.S32 by the scalar weight.
     */
    static InstructionMix csrConvPerNonzero(Isa isa) {
        return switch (isa) {
            case SCALAR -> scalar(4, 0, 6, 2, 1, 0);
            case DSP -> scalar(3, 0, 0.5, 2, 0.5, 0);
            case HELIUM -> new InstructionMix(2, 0, 1, 0, 0, 0, 2, 2);
        };
    }

    /**
     * CSR fully connected (one row of activations, no pixel block), per nonzero: scalar LDRSB w, LDRH index, LDRSB
     * x, offset add, MULS + ADDS, 2 pointer updates, back-edge; DSP the same with MLA and the loop unrolled by 2;
     * Helium gathers 8 activations per VLDRB.S16 [base, Q] (8 separate accesses, at about one per cycle: 4 vector
     * slots) after a VLDRH of 8 indices, plus a VLDRB.S16 of 8 values, an offset VADD and a VMLADAVA.S16.
     */
    static InstructionMix csrFullyConnectedPerNonzero(Isa isa) {
        return switch (isa) {
            case SCALAR -> scalar(3, 0, 4, 1, 1, 0);
            case DSP -> scalar(3, 0, 1.5, 1, 0.5, 0);
            case HELIUM -> vector(6.0 / 8, 2.0 / 8);
        };
    }

    /** CSR, per row and pixel block: two row-offset loads, the count and a loop exit that depends on the row. */
    static InstructionMix csrPerRow() {
        return scalar(2, 0, 2, 0, 0, 1);
    }

    /**
     * Bitmask, per 32-position mask word and pixel block: load the word, advance the column base, test for an empty
     * word (data-dependent), word-loop back-edge.
     */
    static InstructionMix bitmaskPerWord() {
        return scalar(1, 0, 2, 0, 1, 1);
    }

    /**
     * Bitmask, per nonzero and pixel block: find the next set bit (CLZ on the bit-reversed word, position add,
     * shift the word: 3 ALU; Armv6-M has no CLZ, see {@link #bitmaskScalarPerPosition()}), the activation and
     * weight loads and MACs as for CSR but without the index load, and the bit-walk loop's data-dependent branch.
     */
    static InstructionMix bitmaskConvPerNonzero(Isa isa) {
        return switch (isa) {
            case SCALAR -> scalar(4, 0, 4, 2, 0, 0);
            case DSP -> scalar(2, 0, 3, 2, 0, 1);
            case HELIUM -> new InstructionMix(1, 0, 4, 0, 0, 1, 2, 2);
        };
    }

    /** Bitmask fully connected, per nonzero: CLZ walk (3 ALU), LDRSB w and x, offset add, MAC, bit-walk branch. */
    static InstructionMix bitmaskFullyConnectedPerNonzero(Isa isa) {
        return isa == Isa.SCALAR ? scalar(3, 0, 4, 1, 0, 0) : scalar(2, 0, 4, 1, 0, 1);
    }

    /** Armv6-M bitmask walk, per weight position: LSRS the bit into the carry and branch on it. */
    static InstructionMix bitmaskScalarPerPosition() {
        return scalar(0, 0, 1, 0, 0, 1);
    }

    /**
     * N:M convolution, per group of M positions and pixel block, with N nonzero slots and b = log2(M) index bits.
     * DSP (2 pixels): one LDR per 4 weights and SXTB16 per 2, one LDR of indices per 32 bits, a UBFX per index, N
     * LDR of activation pairs, the group base add, 2N single MACs (SMLABB/SMLATB), loop unrolled by 2. Scalar (2
     * pixels): LDRSB per weight, 2 LDRSH per slot, index load per 32 bits, 2 decode + 2 address + 2 accumulate ALU
     * per slot, 2 MULS per slot, base and counter, back-edge. Helium (8 pixels): scalar weight and index loads and
     * decode (UBFX, address add) per slot, 2 VLDRB.S32 + 2 VMLA.S32 per slot.
     */
    static InstructionMix nmConvPerGroup(Isa isa, NmPattern p) {
        double n = p.n();
        double idx = n * p.indexBits() / 32;
        return switch (isa) {
            case SCALAR -> scalar(n + 2 * n + idx, 0, 6 * n + 2, 2 * n, 1, 0);
            case DSP -> scalar(n / 4 + idx + n, 0, n / 2 + n + 1.5, 2 * n, 0.5, 0);
            case HELIUM -> new InstructionMix(n / 4 + idx, 0, 2 * n + 1, 0, 1, 0, 2 * n, 2 * n);
        };
    }

    /**
     * N:M fully connected, per group: weight and index loads as above, one activation load, decode, address and
     * offset add, and a MAC per slot (scalar and DSP); Helium gathers the 8 activations of 8 slots (as CSR, but the
     * indices decode from packed log2(M)-bit fields with a VSHR and VAND per 8 slots).
     */
    static InstructionMix nmFullyConnectedPerGroup(Isa isa, NmPattern p) {
        double n = p.n();
        double idx = n * p.indexBits() / 32;
        return switch (isa) {
            case SCALAR -> scalar(2 * n + idx, 0, 4 * n + 2, n, 1, 0);
            case DSP -> scalar(n / 4 + idx + n, 0, n / 2 + 3 * n + 1, n, 0.5, 0);
            case HELIUM -> vector(n * 5.25 / 8, n * 4 / 8);
        };
    }

    /** Per row and pixel block of the N:M kernels: pointers and the fixed group count. */
    static InstructionMix nmPerRow() {
        return scalar(0, 0, 2, 0, 0, 0);
    }

    /**
     * Set-up per output value of the weight-sparse kernels: the GEMM block on scalar and DSP cores; on Helium,
     * where the accumulators are vectors, about 3 scalar instructions per block of 8 outputs.
     */
    static InstructionMix sparseBlockPerOutput(Isa isa) {
        return isa == Isa.HELIUM ? scalar(0, 0, 3.0 / 8, 0, 0, 0) : gemmBlockPerOutput(isa);
    }

    // -------------------------------------------------------------------------------------------- zero-skip

    /**
     * Zero-skipping, per activation (im2col entry or input value) and channel block: load it, test it (a
     * data-dependent branch), loop unrolled by 2.
     */
    static InstructionMix zeroSkipPerEntry() {
        return scalar(1, 0, 0.5, 0, 0.5, 1);
    }

    /**
     * Zero-skipping, per nonzero activation and channel block: scalar (4 channels) 4 LDRSB of the weight column
     * (register-offset addressing: 4 address adds), 4 MULS + 4 ADDS, pointer, and 2 reloads of spilled registers
     * (4 accumulators, the activation and 3 pointers exceed the 8 low registers); DSP (8 channels) 2 LDR + 4
     * SXTB16 + 8 SMLABB/SMLABT, pointer; Helium (16 channels) 4 VLDRB.S32 + 4 VMLA.S32 by the scalar activation,
     * pointer.
     */
    static InstructionMix zeroSkipPerNonzero(Isa isa) {
        return switch (isa) {
            case SCALAR -> scalar(6, 0, 9, 4, 0, 0);
            case DSP -> scalar(2, 0, 5, 8, 0, 0);
            case HELIUM -> new InstructionMix(0, 0, 1, 0, 0, 0, 4, 4);
        };
    }

    /** Zero-skipping, per output value: accumulator initialisation and hand-over to the output stage. */
    static InstructionMix zeroSkipPerOutput(Isa isa) {
        return scalar(0, 0, isa == Isa.HELIUM ? 0.25 : 1, 0, 0, 0);
    }
}
