// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;

/**
 * CMSIS-NN's int8 convolutions as {@code arm_convolve_wrapper_s8} dispatches them (facts §0.2, §2.1):
 * <ul>
 *   <li>1×1 kernels without padding or dilation run the GEMM directly on the input: stride 1 and an input depth
 *       that is a multiple of 4 take {@code arm_convolve_1x1_s8_fast}, others {@code arm_convolve_1x1_s8} (one
 *       GEMM per output row);</li>
 *   <li>everything else is {@code arm_convolve_s8}: im2col, then the GEMM. On DSP cores the im2col widens to int16
 *       with the input offset added ({@code arm_s8_to_s16_unordered_with_offset}: per 4 elements one LDR, 2
 *       SXTAB16, 2 STR, and SUBS/BNE; padding taps are memset) two output pixels at a time, and
 *       {@link Gemm#matMultKernelS8S16} multiplies; on Helium the im2col copies int8 rows with
 *       {@code arm_memcpy_s8} four pixels at a time, each row padded to a multiple of 4 bytes, and
 *       {@link Gemm#matMultNtT} multiplies; without DSP the C fallbacks widen one element at a time (LDRSB, ADDS,
 *       STRH, 2 increments, loop).</li>
 * </ul>
 * Per im2col tap: the bounds check and address (6 data-processing, one MLA), the call of the copy (one load and
 * one store of saved registers, 2 branches); per output pixel 8 bookkeeping instructions and a branch; on Helium a
 * row whose length is not a multiple of 4 is padded with a zero word (2 instructions and a store). The strided 1×1
 * path calls the GEMM once per output row: 10 set-up instructions, call and return.
 *
 * <p>Memory: weights are walked once per GEMM block of pixels (2 on DSP, 4 on Helium); on DSP the input rows are
 * re-read once per pair of channels, on Helium once per channel; im2col columns are written to and read back from
 * the arena.
 */
final class ConvolutionKernels {

    private ConvolutionKernels() {}

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    /** The bookkeeping of one im2col tap besides its copy. */
    private static final InstructionMix TAP = mix().alu(6).mul(1).load(1, 1).store(1).branch(2).build();
    /** The bookkeeping of one output pixel. */
    private static final InstructionMix PIXEL = mix().alu(8).branch(1).build();

    /** Returns whether {@code arm_convolve_wrapper_s8} takes a 1×1 path for {@code g}. */
    static boolean isOneByOne(ConvGeometry g) {
        return g.kernelH() == 1 && g.kernelW() == 1 && g.padTop() == 0 && g.padLeft() == 0 && g.dilationH() == 1
                && g.dilationW() == 1 && !g.padded();
    }

    /** The convolution of {@code g} with CMSIS-NN on {@code isa}; {@code weightBytes} include the bias. */
    static KernelWork convolve(Isa isa, ConvGeometry g, long weightBytes, OperandMemories m) {
        if (isOneByOne(g)) {
            boolean fast = g.strideH() == 1 && g.strideW() == 1 && g.inC() % 4 == 0;
            return oneByOne(isa, g, weightBytes, m, fast ? "arm_convolve_1x1_s8_fast" : "arm_convolve_1x1_s8");
        }
        return generic(isa, g, weightBytes, m, "arm_convolve_s8");
    }

    /** The 1×1 paths: the GEMM over the input in place ({@link Gemm#matMultNtT}), one call per output row if strided. */
    static KernelWork oneByOne(Isa isa, ConvGeometry g, long weightBytes, OperandMemories m, String name) {
        long pixels = g.outputPixels();
        int k = g.inC();
        int cout = g.outC();
        KernelWork.Builder w = KernelWork.of(name).add(Gemm.matMultNtT(isa, pixels, cout, k));
        boolean strided = g.strideH() != 1 || g.strideW() != 1;
        if (strided) {
            w.add(mix().alu(10).branch(2).build(), (double) g.batch() * g.outH());
        }
        long input = pixels * k;
        long weights = (long) cout * k;
        if (isa == Isa.MVE) {
            w.readWeights(m.weights(), weightBytes, Math.ceil(pixels / 4.0), 16, weights + 4L * k);
            w.read(m.input(), input, cout, 16, 5L * k);
        } else {
            int load = isa == Isa.DSP ? 4 : 1;
            w.readWeights(m.weights(), weightBytes, Math.ceil(pixels / 2.0), load, 4L * k);
            w.read(m.input(), input, Math.ceil(cout / 2.0), load, input + 2L * k);
        }
        return w.write(m.output(), pixels * cout, 1).build();
    }

    /** {@code arm_convolve_s8}: im2col and GEMM. */
    static KernelWork generic(Isa isa, ConvGeometry g, long weightBytes, OperandMemories m, String name) {
        long pixels = g.outputPixels();
        int cin = g.inC();
        int cout = g.outC();
        long k = (long) g.taps() * cin;
        long taps = pixels * g.taps();
        long valid = g.validTaps();
        long paddedTaps = taps - valid;
        long weights = cout * k;
        long inputReuse = (long) g.kernelH() * g.inW() * cin;
        KernelWork.Builder w = KernelWork.of(name).add(TAP, taps).add(PIXEL, pixels);
        switch (isa) {
            case MVE -> {
                long kPadded = (k + 3) / 4 * 4;
                w.add(Copies.memcpy(isa, cin, valid));
                w.add(Copies.memset(isa, cin, paddedTaps));
                if (kPadded != k) {
                    w.add(mix().alu(2).store(1).build(), pixels);
                }
                w.add(Gemm.matMultNtT(isa, pixels, cout, kPadded));
                w.read(m.input(), g.inputElements(), (double) valid * cin / g.inputElements(), 16, inputReuse);
                w.scratch(m.scratch(), 4 * kPadded, pixels * kPadded, pixels * cout * kPadded, 16);
                // arm_convolve_s8_get_buffer_size_mve (CMSIS-NN's arm_convolve_get_buffer_sizes_s8.c, revision
                // 2.3.0): 4 columns of k rounded up to whole 16-byte vector registers.
                w.requests(4 * ((k + 15) / 16 * 16));
                w.readWeights(m.weights(), weightBytes, Math.ceil(pixels / 4.0), 16, weights + 4 * kPadded);
            }
            case DSP, SCALAR -> {
                double elements = (double) valid * cin;
                if (isa == Isa.DSP) {
                    w.add(mix().load(0.25, 0.25).alu(0.75).store(0.5).branch(0.25).build(), elements);
                } else {
                    w.add(mix().load(1, 1).alu(4).store(1).branch(1).build(), elements);
                }
                w.add(Copies.memset(isa, 2.0 * cin, paddedTaps));
                long columnPairs = (pixels + 1) / 2;
                w.add(Gemm.matMultKernelS8S16(isa, columnPairs, cout, k));
                int load = isa == Isa.DSP ? 4 : 1;
                w.read(m.input(), g.inputElements(), elements / g.inputElements(), load, inputReuse);
                w.scratch(m.scratch(), 4 * k, pixels * k * 2, columnPairs * ((cout + 1) / 2) * 4 * k,
                        isa == Isa.DSP ? 4 : 2);
                // arm_convolve_s8_get_buffer_size (the same file, without Helium): 2 int16 columns of k rounded
                // up to a multiple of 4.
                w.requests(2 * 2 * ((k + 3) / 4 * 4));
                w.readWeights(m.weights(), weightBytes, columnPairs, load, weights + 4 * k);
            }
        }
        return w.write(m.output(), pixels * cout, 1).build();
    }
}
