// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;

/**
 * CMSIS-NN's int8 depthwise convolutions as {@code arm_depthwise_conv_wrapper_s8} dispatches them (facts §0.2,
 * §2.1; {@code arm_depthwise_conv_3x3_s8.c}, {@code arm_depthwise_conv_s8_opt.c}):
 * <ul>
 *   <li>Helium, one input channel: converted to a normal convolution ({@link ConvolutionKernels#generic});</li>
 *   <li>channel multiplier 1 and no dilation: on DSP (and the no-DSP C fallback) a 3×3 kernel with padding at most
 *       1 takes {@code arm_depthwise_conv_3x3_s8}; otherwise {@code arm_depthwise_conv_s8_opt}, which without DSP or
 *       Helium is the generic kernel;</li>
 *   <li>everything else: the generic C kernel {@code arm_depthwise_conv_s8}.</li>
 * </ul>
 */
final class DepthwiseKernels {

    private DepthwiseKernels() {}

    /** Helium's channel block of {@code arm_depthwise_conv_s8_opt} ({@code CH_IN_BLOCK_MVE}). */
    static final int CH_IN_BLOCK_MVE = 124;

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    /** The depthwise convolution of {@code g} ({@code outC = inC × multiplier}) with CMSIS-NN on {@code isa}. */
    static KernelWork depthwise(Isa isa, ConvGeometry g, long weightBytes, OperandMemories m) {
        int multiplier = g.outC() / g.inC();
        boolean undilated = g.dilationH() == 1 && g.dilationW() == 1;
        if (isa == Isa.MVE && g.inC() == 1) {
            return ConvolutionKernels.generic(isa, g, weightBytes, m, "arm_convolve_s8 (depthwise, one input channel)");
        }
        if (multiplier == 1 && undilated) {
            if (isa != Isa.MVE && g.kernelH() == 3 && g.kernelW() == 3 && g.padTop() <= 1 && g.padLeft() <= 1) {
                return threeByThree(isa, g, weightBytes, m);
            }
            if (isa != Isa.SCALAR) {
                return opt(isa, g, weightBytes, m);
            }
        }
        return generic(isa, g, weightBytes, m);
    }

    /**
     * {@code arm_depthwise_conv_3x3_s8}: no im2col; per output pixel and 4 channels, per kernel tap inside the
     * input: 2 LDR (input and weights, one run), 4 SXTAB16/SXTB16 (input offset added), 4 SMLABB/SMLATT. Per kernel
     * row: 2 pointer updates, 2 bounds tests, a branch. Per 4 channels: 4 bias loads, 4 initialisations and
     * address arithmetic (5 ALU, 1 MUL), 4 {@link Epilogues#PER_CHANNEL}. Channels left over (depth not a multiple
     * of 4): per tap 2 LDRSB, ADD, MLA. Without DSP the C fallback extracts each byte (SXTB and shift: 2), adds the
     * offset (1) and multiplies and adds (MULS, ADDS): per tap and 4 channels 2 loads, 16 ALU, 4 MUL.
     */
    static KernelWork threeByThree(Isa isa, ConvGeometry g, long weightBytes, OperandMemories m) {
        long pixels = g.outputPixels();
        int c = g.inC();
        long groups = c / 4;
        long rest = c % 4;
        double validTaps = g.validTaps();
        double validRows = (double) g.batch() * g.validKernelRows() * g.outW();
        InstructionMix tap4 = isa == Isa.DSP ? mix().load(2, 1).alu(4).mul(4).build()
                : mix().load(2, 1).alu(16).mul(4).build();
        KernelWork.Builder w = KernelWork.of("arm_depthwise_conv_3x3_s8")
                .add(tap4, validTaps * groups)
                .add(mix().alu(4).branch(1).build(), validRows * groups)
                .add(mix().load(4, 1).alu(5).mul(1).add(Epilogues.PER_CHANNEL, 4).build(), pixels * groups)
                .add(mix().load(2, 1).alu(2).mul(1).build(), validTaps * rest)
                .add(mix().alu(4).add(Epilogues.PER_CHANNEL).build(), pixels * rest)
                .add(mix().alu(6).branch(1).build(), pixels);
        w.read(m.input(), g.inputElements(), validTaps * c / g.inputElements(), isa == Isa.DSP ? 4 : 1,
                3L * g.inW() * c);
        w.readWeights(m.weights(), weightBytes, pixels, 4, weightBytes + 3L * g.inW() * c);
        return w.write(m.output(), pixels * c, 1).build();
    }

    /**
     * {@code arm_depthwise_conv_s8_opt}.
     *
     * <p>DSP: per output pixel an int16 im2col of the whole window ({@code arm_q7_to_q15_with_offset}, ordered: per
     * 4 elements one LDR, 2 SXTAB16, 2 PKHBT/PKHTB, 2 STR, loop; padding memset), then per 4 channels and 2 taps
     * 4 LDR (2 runs), 4 SXTB16, 6 PKHBT/PKHTB, 2 pointer updates, 4 SMLAD and the loop: 8 MACs in 22 instructions
     * (facts §1.1: "One run of this loop produces 4 partial outputs with 8 MACs"); an odd tap 8 loads and 4 MLA;
     * per 4 channels 4 bias loads and 4 {@link Epilogues#PER_CHANNEL}.
     *
     * <p>Helium: per output pixel and tap an {@code arm_memcpy_s8} of up to {@value #CH_IN_BLOCK_MVE} channels (or
     * a memset in the padding) into the im2col buffer with 4 bounds tests and a branch; every 4 pixels
     * {@code arm_nn_depthwise_conv_nt_t_s8}: per 4 channels and tap 5 widening VLDRB.S32 (4 pixels and the
     * weights), 4 VMUL.S32 and 5 VADD.S32 (the input offset and the accumulation): 16 MACs in 14 vector
     * instructions (facts §1.1); per 4 channels a bias load, 6 set-ups and 4 {@link Epilogues#MVE_LANES_4}.
     * Pixels left over at the end: per 4 channels and tap 2 loads, 2 adds, 1 multiply, one requantization.
     */
    static KernelWork opt(Isa isa, ConvGeometry g, long weightBytes, OperandMemories m) {
        long pixels = g.outputPixels();
        int c = g.inC();
        int taps = g.taps();
        long valid = g.validTaps();
        long padded = pixels * taps - valid;
        KernelWork.Builder w = KernelWork.of("arm_depthwise_conv_s8_opt");
        if (isa == Isa.MVE) {
            long blocks = (c + CH_IN_BLOCK_MVE - 1) / CH_IN_BLOCK_MVE;
            double perBlock = (double) c / blocks;
            w.add(Copies.memcpy(isa, perBlock, (double) valid * blocks));
            w.add(Copies.memset(isa, perBlock, (double) padded * blocks));
            w.add(mix().alu(4).branch(1).build(), (double) pixels * taps * blocks);
            long groups = (c + 3) / 4;
            long quads = pixels / 4;
            long rest = pixels % 4;
            InstructionMix quad = mix().vecLoad(5L * taps + 1).vecMul(4L * taps).vecAlu(5L * taps).alu(6).branch(1)
                    .add(Epilogues.MVE_LANES_4, 4).build();
            InstructionMix single = mix().vecLoad(2L * taps + 1).vecMul(taps).vecAlu(2L * taps).alu(6).branch(1)
                    .add(Epilogues.MVE_LANES_4).build();
            w.add(quad, (double) quads * groups).add(single, (double) rest * groups);
            w.scratch(m.scratch(), 4L * taps * Math.min(c, CH_IN_BLOCK_MVE), pixels * taps * (long) c,
                    pixels * taps * (long) c, 4);
            // arm_depthwise_conv_s8_opt_get_buffer_size_mve (CMSIS-NN's arm_depthwise_conv_get_buffer_sizes_s8.c,
            // revision 1.2.0): 4 pixels' windows of a whole channel block, whatever the layer's channels.
            w.requests(4L * CH_IN_BLOCK_MVE * taps);
            w.read(m.input(), g.inputElements(), (double) valid * c / g.inputElements(), 16,
                    (long) g.kernelH() * g.inW() * c);
            w.readWeights(m.weights(), weightBytes, Math.ceil(pixels / 4.0), 4, weightBytes + 4L * taps * c);
        } else {
            double elements = (double) valid * c;
            w.add(mix().load(0.25, 0.25).alu(1.25).store(0.5).branch(0.25).build(), elements);
            w.add(Copies.memset(isa, 2.0 * c, padded));
            w.add(mix().alu(6).mul(1).load(1, 1).store(1).branch(2).build(), (double) pixels * taps);
            long groups = c / 4;
            long rest = c % 4;
            InstructionMix pair = mix().load(4, 2).alu(13).mul(4).branch(1).build();
            InstructionMix oddTap = mix().load(8, 2).alu(2).mul(4).build();
            InstructionMix group = mix().add(pair, taps / 2).add(oddTap, taps % 2).load(4, 1).alu(6)
                    .add(Epilogues.PER_CHANNEL, 4).branch(1).build();
            InstructionMix single = mix().add(mix().load(2, 1).alu(2).mul(1).branch(1).build(), taps).alu(4)
                    .add(Epilogues.PER_CHANNEL).build();
            w.add(group, (double) pixels * groups).add(single, (double) pixels * rest);
            w.scratch(m.scratch(), 2L * taps * c, pixels * taps * (long) c * 2, pixels * taps * (long) c * 2, 4);
            w.read(m.input(), g.inputElements(), elements / g.inputElements(), 4, (long) g.kernelH() * g.inW() * c);
            w.readWeights(m.weights(), weightBytes, pixels, 4, weightBytes + 2L * taps * c);
        }
        return w.write(m.output(), pixels * c, 1).build();
    }

    /**
     * {@code arm_depthwise_conv_s8} (any channel multiplier, dilation): plain C over output pixel, input channel and
     * multiplier; per output 8 instructions to clip the window and a bias load; per tap inside the input 2 LDRSB, the
     * input offset ADD, 2 index increments, MLA (MULS and ADDS without DSP) and the loop branch; then
     * {@link Epilogues#PER_CHANNEL}.
     */
    static KernelWork generic(Isa isa, ConvGeometry g, long weightBytes, OperandMemories m) {
        long outputs = g.outputElements();
        double tapsPerOutput = (double) g.validTaps() / g.outputPixels();
        InstructionMix tap = isa == Isa.SCALAR ? mix().load(2, 1).alu(4).mul(1).branch(1).build()
                : mix().load(2, 1).alu(3).mul(1).branch(1).build();
        InstructionMix output = mix().alu(8).load(1, 1).add(tap, tapsPerOutput).add(Epilogues.PER_CHANNEL).build();
        KernelWork.Builder w = KernelWork.of("arm_depthwise_conv_s8").add(output, outputs);
        long multiplier = Math.max(1, g.outC() / g.inC());
        w.read(m.input(), g.inputElements(), (double) g.validTaps() * g.outC() / multiplier / g.inputElements(), 1,
                (long) g.kernelH() * g.inW() * g.inC());
        w.readWeights(m.weights(), weightBytes, g.outputPixels(), 1, weightBytes + (long) g.kernelH() * g.inW() * g.inC());
        return w.write(m.output(), outputs, 1).build();
    }
}
