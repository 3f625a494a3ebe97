// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.npusim.cpu.CoreTiming.Isa;

/**
 * Do the kernel models count the instructions of the CMSIS-NN loops for small shapes? Each expected count below is
 * written out from the kernel's instruction sequence (named in the comment), independently of the model's code,
 * and then timed with the core's rules (CoreTiming's Javadoc): Cortex-M4 cycles = ALU + loads + load runs + stores +
 * multiplies + 2 × taken branches.
 */
class KernelInstructionCountTest {

    private static final OperandMemories SRAM = OperandMemories.all("sram");

    /**
     * Fully connected, 8 inputs to 2 outputs, one batch row, on a DSP core: one row pair of
     * {@code arm_nn_vec_mat_mult_t_s8}. Hand count:
     * <ul>
     *   <li>set-up of the row pair: 8 ALU (pointers, counters) and 4 loads in 2 runs (2 biases, 2 kernel sums);</li>
     *   <li>the 4-column loop, twice: LDR input, LDR row 0, LDR row 1 (one run of 3), 6 SXTB16/SXTAB16, 4 SMLAD, SUBS
     *       and BNE: per pass 3 loads, 1 run, 7 ALU, 4 MUL, 1 branch;</li>
     *   <li>2 outputs, each requantized per tensor: 18 ALU (doubling high multiply 4, rounding divide 8, left shift
     *       1, zero point 1, clamp 4), 1 SMLAL, 1 STRB;</li>
     *   <li>the pair loop: 1 ALU, 1 branch; the kernel's per-row set-up: 8 ALU, 2 branches (call and return).</li>
     * </ul>
     * Total: ALU 8 + 14 + 36 + 1 + 8 = 67; loads 4 + 6 = 10 in 2 + 2 = 4 runs; MUL 8; SMLAL 2; stores 2; branches
     * 2 + 1 + 2 = 5. Cortex-M4: 67 + 10 + 4 + 2 + 8 + 2 + 2·5 = 103 cycles.
     */
    @Test
    void fullyConnected_8to2OnDsp_matchesHandCount() {
        KernelWork w = FullyConnectedKernels.fullyConnected(Isa.DSP, 1, 8, 2, 16 + 8, true, true, SRAM);
        InstructionMix m = w.mix();
        assertThat(w.kernel()).isEqualTo("arm_fully_connected_s8");
        assertThat(m.alu()).isEqualTo(67);
        assertThat(m.load()).isEqualTo(10);
        assertThat(m.loadRuns()).isEqualTo(4);
        assertThat(m.mul()).isEqualTo(8);
        assertThat(m.mul64()).isEqualTo(2);
        assertThat(m.store()).isEqualTo(2);
        assertThat(m.branch()).isEqualTo(5);
        assertThat(CoreTiming.CORTEX_M4.cycles(m)).isEqualTo(103);
    }

    /**
     * Helium GEMM, one block of 4 pixels × 1 channel over a depth of 32 ({@code arm_nn_mat_mult_nt_t_s8}). Hand
     * count from the inline assembly: a VLDRB before the loop, then 2 passes of {VADDVA, VLDRB, VMLADAVA} × 4 and
     * VLDRB: per pass 5 VLDRB, 4 VMLADAVA, 1 VADDVA. After the loop 2 VMOV (gathering 4 accumulators) and VADD
     * (offset contribution); requantization VDUP, VSHL, VQRDMULH, VDUP, VAND, VSHR, VQADD, VRSHL, then VADD, VMAX, VMIN
     * and a scatter VSTRB (2 dual-beat store slots). Scalar: 5 MOV, WLSTP, MLA, 3 ADD, MUL, LDR bias, ADD, dst++, 2
     * loop ALU and a branch (14 ALU, 1 MUL, 1 load, 1 branch), plus LDR multiplier, LDR shift and 3 shift-split ALU.
     * <p>Vector: 11 loads, 9 multiplies (8 VMLADAVA, 1 VQRDMULH), 15 integer (2 VADDVA, 3, 10), 2 store slots: 37
     * instructions. Scalar: 17 ALU, 3 loads in 2 runs, 1 MUL, 1 branch.
     * <p>Cortex-M55 (no overlap, 2 cycles each): 74 + 17 + 3 + 2 + 1 + 2 = 99 cycles. Cortex-M85 (overlap on
     * separate units, at least one cycle per vector instruction, dual-issue scalar): max(37, 2 · 15) = 37, plus
     * max(1, (17 + 3 + 1 + 1) / 2) = 11: 48 cycles.
     */
    @Test
    void matMultNtT_fourPixelsOneChannelDepth32OnHelium_matchesHandCount() {
        InstructionMix m = Gemm.matMultNtT(Isa.MVE, 4, 1, 32);
        assertThat(m.vecLoad()).isEqualTo(11);
        assertThat(m.vecMul()).isEqualTo(9);
        assertThat(m.vecAlu()).isEqualTo(15);
        assertThat(m.vecStore()).isEqualTo(2);
        assertThat(m.alu()).isEqualTo(17);
        assertThat(m.load()).isEqualTo(3);
        assertThat(m.loadRuns()).isEqualTo(2);
        assertThat(m.mul()).isEqualTo(1);
        assertThat(m.branch()).isEqualTo(1);
        assertThat(CoreTiming.CORTEX_M55.cycles(m)).isEqualTo(99);
        assertThat(CoreTiming.CORTEX_M85.cycles(m)).isEqualTo(48);
    }

    /**
     * DSP GEMM of a 1×1 convolution, 2 pixels × 2 channels × depth 16 ({@code arm_nn_mat_mult_nt_t_s8}, DSP path).
     * Hand count: the offset contribution of the channel pair sums 16 weights of each row (per element 2 LDRSB in a
     * run, 2 ADD, SUBS, BNE: 32 loads, 16 runs, 48 ALU, 16 branches), then 2 MUL, 2 bias loads (1 run) and 5 ALU.
     * The 2×2 block: 4 MOV and a pointer (5 ALU); one pass of the 16-element loop body, 4 times {LDR rhs, LDR lhs,
     * LDR rhs+off, LDR lhs+off in 2 runs, 8 SXTB16 (every word twice, plain and with ROR #8), 8 SMLAD} and
     * SUBS/BNE (16 loads, 8 runs, 33 ALU, 32 SMLAD, 1 branch); 4 per-channel requantizations (each 2 loads in a run,
     * 21 ALU, SMLAL, STRB); 3 pointer ALU and the block branch. Total: ALU 48 + 5 + 5 + 33 + 84 + 3 = 178; loads
     * 32 + 2 + 16 + 8 = 58 in 16 + 1 + 8 + 4 = 29 runs; MUL 2 + 32 = 34; SMLAL 4; stores 4; branches 16 + 1 + 1 =
     * 18. Cortex-M4: 178 + 58 + 29 + 4 + 34 + 4 + 36 = 343 cycles for 64 MACs.
     */
    @Test
    void matMultNtT_twoByTwoDepth16OnDsp_matchesHandCount() {
        InstructionMix m = Gemm.matMultNtT(Isa.DSP, 2, 2, 16);
        assertThat(m.alu()).isEqualTo(178);
        assertThat(m.load()).isEqualTo(58);
        assertThat(m.loadRuns()).isEqualTo(29);
        assertThat(m.mul()).isEqualTo(34);
        assertThat(m.mul64()).isEqualTo(4);
        assertThat(m.store()).isEqualTo(4);
        assertThat(m.branch()).isEqualTo(18);
        assertThat(CoreTiming.CORTEX_M4.cycles(m)).isEqualTo(343);
    }

    /**
     * {@code arm_depthwise_conv_3x3_s8} for one output pixel of 4 channels from a 3×3×4 input, no padding. Hand
     * count: 9 taps, each LDR input and LDR weights (1 run), SXTAB16 ×2 and SXTB16 ×2, SMLABB/SMLATT ×4 (18 loads, 9
     * runs, 36 ALU, 36 MUL); 3 kernel rows, each 2 pointer updates, 2 bounds tests and a branch (12 ALU, 3
     * branches); the channel group's 4 bias loads (1 run), 4 initialisations and address arithmetic (5 ALU, 1 MLA)
     * and 4 per-channel requantizations (84 ALU, 8 loads in 4 runs, 4 SMLAL, 4 STRB); the pixel's 6 loop ALU and
     * branch. Total: ALU 36 + 12 + 5 + 84 + 6 = 143; loads 18 + 4 + 8 = 30 in 9 + 1 + 4 = 14 runs; MUL 37; SMLAL 4;
     * stores 4; branches 4. Cortex-M4: 143 + 30 + 14 + 4 + 37 + 4 + 8 = 240 cycles for 36 MACs.
     */
    @Test
    void depthwise3x3_onePixelFourChannelsOnDsp_matchesHandCount() {
        ConvGeometry g = ConvGeometry.valid(3, 3, 4, 3, 3, 4);
        KernelWork w = DepthwiseKernels.depthwise(Isa.DSP, g, 36 + 16, SRAM);
        assertThat(w.kernel()).isEqualTo("arm_depthwise_conv_3x3_s8");
        InstructionMix m = w.mix();
        assertThat(m.alu()).isEqualTo(143);
        assertThat(m.load()).isEqualTo(30);
        assertThat(m.loadRuns()).isEqualTo(14);
        assertThat(m.mul()).isEqualTo(37);
        assertThat(m.mul64()).isEqualTo(4);
        assertThat(m.store()).isEqualTo(4);
        assertThat(m.branch()).isEqualTo(4);
        assertThat(CoreTiming.CORTEX_M4.cycles(m)).isEqualTo(240);
    }

    /**
     * The scratch a kernel requests from the arena is CMSIS-NN's current {@code *_get_buffer_size}, not only its
     * buffers' working set. A 3×3 convolution of 3 channels (k = 27): on Helium 4 columns of k rounded to 16, 4·32 =
     * 128 bytes; on DSP 2 int16 columns of k rounded to 4, 2·2·28 = 112. A 3×3 depthwise convolution of 32 channels
     * on Helium: 4 pixels' windows of a whole 124-channel block, 4·124·9 = 4,464 bytes (its accesses touch
     * 4·32·9 = 1,152); on DSP the 3×3 kernel needs none, a 5×5 one an int16 window of every channel, 2·32·25 = 1,600.
     */
    @Test
    void scratch_requestedAsCmsisNnSizesIt() {
        ConvGeometry conv = ConvGeometry.valid(8, 8, 3, 3, 3, 8);
        assertThat(ConvolutionKernels.convolve(Isa.MVE, conv, 216 + 32, SRAM).scratchBytes()).isEqualTo(128);
        assertThat(ConvolutionKernels.convolve(Isa.DSP, conv, 216 + 32, SRAM).scratchBytes()).isEqualTo(112);
        KernelWork helium = DepthwiseKernels.depthwise(Isa.MVE, ConvGeometry.valid(8, 8, 32, 3, 3, 32), 288 + 128, SRAM);
        assertThat(helium.kernel()).isEqualTo("arm_depthwise_conv_s8_opt");
        assertThat(helium.scratchBytes()).isEqualTo(4_464);
        assertThat(helium.traffic()).anyMatch(t -> t.footprintBytes() == 1_152);
        assertThat(DepthwiseKernels.depthwise(Isa.DSP, ConvGeometry.valid(8, 8, 32, 3, 3, 32), 416, SRAM).scratchBytes())
                .isZero();
        assertThat(DepthwiseKernels.depthwise(Isa.DSP, ConvGeometry.valid(8, 8, 32, 5, 5, 32), 800 + 128, SRAM)
                .scratchBytes()).isEqualTo(1_600);
    }

    /**
     * A Helium int8 fully connected layer needs one int32 kernel sum per output: 10 outputs, 4·10 = 40 bytes, kept
     * for the whole run when the weights are constant and requested as the call's scratch when they are not. The
     * DSP kernel and the int16 kernel need none.
     */
    @Test
    void fullyConnectedKernelSums_onHeliumInt8Only() {
        KernelWork constant = FullyConnectedKernels.fullyConnected(Isa.MVE, 1, 64, 10, 640 + 40, true, true, SRAM);
        assertThat(constant.persistentBytes()).isEqualTo(40);
        assertThat(constant.scratchBytes()).isZero();
        KernelWork computed = FullyConnectedKernels.fullyConnected(Isa.MVE, 1, 64, 10, 40, true, false, SRAM);
        assertThat(computed.persistentBytes()).isZero();
        assertThat(computed.scratchBytes()).isEqualTo(40);
        for (KernelWork none : new KernelWork[] {
            FullyConnectedKernels.fullyConnected(Isa.DSP, 1, 64, 10, 640 + 40, true, true, SRAM),
            FullyConnectedKernels.fullyConnected(Isa.MVE, 1, 64, 10, 640 + 80, false, true, SRAM)}) {
            assertThat(none.persistentBytes()).isZero();
            assertThat(none.scratchBytes()).isZero();
        }
    }

    /**
     * Average pooling requests its int32 sums' buffer only on DSP cores ({@code arm_avgpool_s8_get_buffer_size}):
     * 24 channels take 4·24 = 96 bytes there; Helium keeps the sums in registers and the C fallback in a local, so
     * both request 0 and touch no scratch.
     */
    @Test
    void averagePoolScratch_onlyOnDsp() {
        ConvGeometry pool = ConvGeometry.valid(4, 4, 24, 2, 2, 24);
        assertThat(PoolingKernels.averagePool(Isa.DSP, pool, SRAM).scratchBytes()).isEqualTo(96);
        for (Isa isa : new Isa[] {Isa.MVE, Isa.SCALAR}) {
            KernelWork w = PoolingKernels.averagePool(isa, pool, SRAM);
            assertThat(w.scratchBytes()).isZero();
            assertThat(w.traffic()).allMatch(t -> t.footprintBytes() != 96);
        }
    }

    /**
     * The Cortex-M0+ has no 64-bit multiply: each per-tensor requantization's SMLAL is a 20-cycle library routine,
     * and every load and store takes 2 cycles. One output of {@link Epilogues#PER_TENSOR}: 18 ALU + 20 + 2 (STRB) =
     * 40 cycles; the same on a Cortex-M4: 18 + 1 + 1 = 20.
     */
    @Test
    void requantization_onM0plusAndM4_costsTheCountedCycles() {
        assertThat(CoreTiming.CORTEX_M0PLUS.cycles(Epilogues.PER_TENSOR)).isEqualTo(40);
        assertThat(CoreTiming.CORTEX_M4.cycles(Epilogues.PER_TENSOR)).isEqualTo(20);
    }

    /**
     * The reference kernels' slowdown: facts §0.1 gives ×10 typical (×3 to ×34 measured) against CMSIS-NN. A 3×3
     * convolution of 16 to 16 channels on 8×8 pixels counted both ways on a Cortex-M4 must fall in that range.
     */
    @Test
    void referenceConvolution_againstCmsisNnOnM4_isSlowerByTheMeasuredRange() {
        ConvGeometry g = new ConvGeometry(1, 8, 8, 16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1);
        double cmsis = CoreTiming.CORTEX_M4.cycles(ConvolutionKernels.convolve(Isa.DSP, g, 2368, SRAM).mix());
        double ref = CoreTiming.CORTEX_M4.cycles(ReferenceKernels.conv(Isa.DSP, g, 16, 2368, SRAM).mix());
        double ratio = ref / cmsis;
        System.out.printf("reference / CMSIS-NN conv 3x3 16->16 on 8x8, Cortex-M4: %.1f%n", ratio);
        assertThat(ratio).isBetween(3.0, 34.0);
    }

    /**
     * With a deep dot product the block overheads vanish and the DSP GEMM runs at its inner-loop rate: one pass of
     * 16 depth elements is 64 MACs in 16 loads + 8 load runs + 33 ALU + 32 SMLAD + 2 (the taken branch) = 91
     * Cortex-M4 cycles, 0.70 MAC/cycle (facts §1.1 estimates about 0.75 with a lighter loop count). With 1024
     * pixels the per-channel-pair weight sums (8 cycles per depth element, once per 512 pixel pairs) and the
     * requantizations (about 110 cycles per 5,824-cycle block) cost 2% more.
     */
    @Test
    void matMultNtT_largeDepthOnDsp_approachesTheInnerLoopRate() {
        InstructionMix m = Gemm.matMultNtT(Isa.DSP, 1024, 64, 1024);
        double macsPerCycle = 1024.0 * 64 * 1024 / CoreTiming.CORTEX_M4.cycles(m);
        assertThat(macsPerCycle).isCloseTo(64.0 / 91, within(0.02));
    }
}
