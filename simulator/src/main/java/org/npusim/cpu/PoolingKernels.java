// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;

/**
 * CMSIS-NN's int8 pooling ({@code arm_max_pool_s8}, {@code arm_avgpool_s8}; facts §2.1: about one operation per
 * input element and window tap). Per output pixel and tap inside the input: 6 instructions of bounds and address
 * and a branch; the per-element work below.
 */
final class PoolingKernels {

    private PoolingKernels() {}

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    private static final InstructionMix TAP = mix().alu(6).branch(1).build();

    /**
     * {@code arm_max_pool_s8}. The first tap copies its channels, later taps compare and replace: DSP per 4
     * channels 2 LDR, QSUB8 and SEL, STR, loop (2); Helium per 16 channels 2 VLDRB, VMAX, VSTRB; without DSP per
     * channel 2 LDRSB, CMP, conditional STRB, loop (2). Then the activation clamp of every output: DSP per 4 one LDR,
     * 2 × (QSUB8, SEL) and a STR; Helium per 16 a load, VMAX, VMIN, a store; scalar per element a load, 4 compare and
     * select, a store.
     */
    static KernelWork maxPool(Isa isa, ConvGeometry g, OperandMemories m) {
        int c = g.inC();
        long pixels = g.outputPixels();
        double taps = g.validTaps();
        KernelWork.Builder w = KernelWork.of("arm_max_pool_s8").add(TAP, taps);
        switch (isa) {
            case MVE -> {
                double v = Math.ceil(c / 16.0);
                w.add(mix().vecLoad(2 * v).vecAlu(v).vecStore(v).build(), taps);
                w.add(mix().vecLoad(v).vecAlu(2 * v).vecStore(v).build(), pixels);
            }
            case DSP -> {
                w.add(mix().load(2, 1).alu(4).store(1).branch(1).build(), taps * c / 4.0);
                w.add(mix().load(1, 1).alu(4).store(1).build(), pixels * c / 4.0);
            }
            case SCALAR -> {
                w.add(mix().load(2, 1).alu(3).store(0.5).branch(1).build(), taps * c);
                w.add(mix().load(1, 1).alu(4).store(1).build(), (double) pixels * c);
            }
        }
        w.read(m.input(), g.inputElements(), taps * c / g.inputElements(), Copies.accessBytes(isa),
                (long) g.kernelH() * g.inW() * c);
        w.read(m.output(), pixels * c, taps / pixels, Copies.accessBytes(isa), c);
        return w.write(m.output(), pixels * c, Copies.accessBytes(isa)).build();
    }

    /**
     * {@code arm_avgpool_s8}. Each tap adds its channels to 32-bit sums in a scratch buffer: DSP per channel 1.25
     * loads (a word of inputs per 4 channels and the sum), SXTB16 unpacking and the add (2), the sum's store; Helium
     * per 16 channels 4 widening VLDRB.S32 and 4 VADD.S32 (the sums stay in registers); without DSP per channel 2
     * loads, 3 ALU, a store. Then per output element the rounded division by the tap count (3 ALU and an SDIV;
     * the vector code divides lane by lane), the clamp (4) and the store.
     *
     * <p>Only the DSP build has the sums' buffer: Helium keeps them in registers and the C fallback sums one channel
     * at a time in a local ({@code arm_avgpool_s8.c}, revision 3.1.0: its no-DSP branch casts the buffer to
     * void), so neither takes scratch from the arena.
     */
    static KernelWork averagePool(Isa isa, ConvGeometry g, OperandMemories m) {
        int c = g.inC();
        long pixels = g.outputPixels();
        double taps = g.validTaps();
        KernelWork.Builder w = KernelWork.of("arm_avgpool_s8").add(TAP, taps);
        switch (isa) {
            case MVE -> w.add(mix().vecLoad(4).vecAlu(4).build(), taps * Math.ceil(c / 16.0));
            case DSP -> w.add(mix().load(1.25, 0.5).alu(2).store(1).branch(0.25).build(), taps * c);
            case SCALAR -> w.add(mix().load(2, 1).alu(3).store(1).branch(1).build(), taps * c);
        }
        w.add(mix().load(1, 1).alu(7).div(1).store(1).build(), (double) pixels * c);
        w.read(m.input(), g.inputElements(), taps * c / g.inputElements(), Copies.accessBytes(isa),
                (long) g.kernelH() * g.inW() * c);
        if (isa == Isa.DSP) {
            // arm_avgpool_s8_get_buffer_size_dsp (CMSIS-NN's arm_avgpool_get_buffer_sizes_s8.c, revision 1.0.0): one
            // int32 sum per channel, 4·c bytes, the working set itself; the Helium and no-DSP sizes are 0.
            w.scratch(m.scratch(), 4L * c, (long) (taps * c * 4), (long) (taps * c * 4) + 4L * c * pixels, 4);
        }
        return w.write(m.output(), pixels * c, 1).build();
    }
}
