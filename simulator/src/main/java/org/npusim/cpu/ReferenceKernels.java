// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;
import org.npusim.graph.ElementType;

/**
 * TensorFlow Lite Micro's portable reference kernels for the operators CMSIS-NN accelerates (the
 * {@code kernels: reference} library). Facts §0.1 and §2.4: the reference convolution "recomputes two 4-D
 * {@code Offset()} indices and a bounds check per MAC"; measured slowdowns against CMSIS-NN are ×3 to ×34, about ×10
 * typically. Counted per MAC from the reference loops: {@code Offset(shape, b, y, x, c)} is
 * {@code ((b·H + y)·W + x)·C + c}, 3 multiply-accumulates; 2 LDRSB; the input offset ADD; the MLA into the
 * accumulator; the loop's increment, compare and branch. Armv6-M has no MLA, so each is a MULS and an ADDS there.
 */
final class ReferenceKernels {

    private ReferenceKernels() {}

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    /** {@code n} multiply-accumulates on {@code isa}. */
    private static InstructionMix mla(Isa isa, double n) {
        return mix().mul(n).alu(isa == Isa.SCALAR ? n : 0).build();
    }

    /** One MAC of the reference convolution: 2 {@code Offset()} (6 MLA), the accumulate (1 MLA), 2 loads, 2 ALU, branch. */
    static InstructionMix convMac(Isa isa) {
        return mix().add(mla(isa, 7)).load(2, 1).alu(2).branch(1).build();
    }

    /** The {@code is_point_inside_image} test of one tap: 4 compares and a branch. */
    private static final InstructionMix BOUNDS = mix().alu(4).branch(1).build();

    /**
     * {@code reference_integer_ops::ConvPerChannel}: per output element 8 set-ups and a bias load; per tap the bounds
     * test; per MAC {@link #convMac}; then {@link Epilogues#PER_CHANNEL}.
     */
    static KernelWork conv(Isa isa, ConvGeometry g, int weightDepth, long weightBytes, OperandMemories m) {
        long outputs = g.outputElements();
        double taps = (double) g.validTaps() / g.outputPixels();
        InstructionMix output = mix().alu(8).load(1, 1).add(BOUNDS, g.taps()).add(convMac(isa), taps * weightDepth)
                .add(Epilogues.PER_CHANNEL).build();
        KernelWork.Builder w = KernelWork.of("reference conv").add(output, outputs);
        w.read(m.input(), g.inputElements(), (double) g.validTaps() * weightDepth * g.outC() / g.inputElements(), 1,
                (long) g.kernelH() * g.inW() * g.inC());
        w.readWeights(m.weights(), weightBytes, g.outputPixels(), 1, weightBytes);
        return w.write(m.output(), outputs, 1).build();
    }

    /**
     * {@code reference_integer_ops::TransposeConv}, costed as {@link #conv} over {@code g} (every input pixel
     * scattered through the kernel: a convolution over the input pixels with the output's depth), and the scratch its
     * {@code Prepare} requests for the accumulators of the whole output ({@code outputElements}): TensorFlow Lite
     * Micro's {@code kernels/transpose_conv.cc} (commit 0f3533d) asks for {@code FlatSize(output)} int32 values for
     * int8 and int64 values for int16, none for float. The accumulators' accesses are not costed beyond the
     * convolution's.
     */
    static KernelWork transposeConv(Isa isa, ConvGeometry g, int weightDepth, long weightBytes, long outputElements,
            ElementType input, OperandMemories m) {
        KernelWork w = conv(isa, g, weightDepth, weightBytes, m);
        int accumulatorBytes = switch (input) {
            case INT8 -> 4;
            case INT16 -> 8;
            default -> 0;
        };
        return new KernelWork("reference transpose_conv", w.mix(), w.traffic(), outputElements * accumulatorBytes, 0);
    }

    /**
     * {@code reference_integer_ops::DepthwiseConvPerChannel}: its loops put the filter taps innermost, so every MAC
     * also pays the bounds test; per MAC the bounds test, {@link #convMac}; per output element 8 set-ups, a bias load
     * and {@link Epilogues#PER_CHANNEL}.
     */
    static KernelWork depthwise(Isa isa, ConvGeometry g, long weightBytes, OperandMemories m) {
        long outputs = g.outputElements();
        double taps = (double) g.validTaps() / g.outputPixels();
        InstructionMix output = mix().alu(8).load(1, 1).add(BOUNDS, g.taps() - taps).add(BOUNDS.plus(convMac(isa)), taps)
                .add(Epilogues.PER_CHANNEL).build();
        KernelWork.Builder w = KernelWork.of("reference depthwise_conv").add(output, outputs);
        w.read(m.input(), g.inputElements(), (double) g.validTaps() * g.outC() / g.inputElements(), 1,
                (long) g.kernelH() * g.inW() * g.inC());
        w.readWeights(m.weights(), weightBytes, g.outputPixels(), 1, weightBytes);
        return w.write(m.output(), outputs, 1).build();
    }

    /**
     * {@code reference_integer_ops::FullyConnected}: flat indices, no {@code Offset()}; per MAC 2 loads, 2 offset
     * adds, the MLA, the loop (increment and branch); per output 4 set-ups, a bias load and
     * {@link Epilogues#PER_TENSOR}.
     */
    static KernelWork fullyConnected(Isa isa, long batches, int inputs, int outputs, long weightBytes,
            OperandMemories m) {
        InstructionMix mac = mix().load(2, 1).alu(3).add(mla(isa, 1)).branch(1).build();
        InstructionMix output = mix().alu(4).load(1, 1).add(mac, inputs).add(Epilogues.PER_TENSOR).build();
        KernelWork.Builder w = KernelWork.of("reference fully_connected").add(output, batches * outputs);
        w.readWeights(m.weights(), weightBytes, batches, 1, weightBytes);
        w.read(m.input(), batches * inputs, outputs, 1, inputs);
        return w.write(m.output(), batches * outputs, 1).build();
    }

    /**
     * {@code reference_integer_ops::AveragePool} and {@code MaxPool}: per output element 10 set-ups (window clipping);
     * per tap inside the input an {@code Offset()} (3 MLA), a load, 3 (average: add and count; max: compare and
     * select) and the loop branch; per output element the rounded division (average: 6 and an SDIV) or the clamp
     * (max: 4), and a store.
     */
    static KernelWork pool(Isa isa, boolean max, ConvGeometry g, OperandMemories m) {
        long outputs = g.outputElements();
        double taps = (double) g.validTaps() / g.outputPixels();
        InstructionMix tap = mix().add(mla(isa, 3)).load(1, 1).alu(3).branch(1).build();
        InstructionMix end = max ? mix().alu(4).store(1).build() : mix().alu(6).div(1).store(1).build();
        InstructionMix output = mix().alu(10).add(tap, taps).add(end).build();
        KernelWork.Builder w = KernelWork.of(max ? "reference max_pool" : "reference average_pool").add(output, outputs);
        w.read(m.input(), g.inputElements(), (double) g.validTaps() * g.outC() / g.inputElements(), 1,
                (long) g.kernelH() * g.inW() * g.inC());
        return w.write(m.output(), outputs, 1).build();
    }
}
