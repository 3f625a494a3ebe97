// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;

/**
 * Operators that move or convert data: TensorFlow Lite Micro's reference kernels (CMSIS-NN has none of these), with
 * the C library's memcpy ({@link Copies}) where the reference code copies runs of bytes.
 */
final class DataMovementKernels {

    private DataMovementKernels() {}

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    /**
     * A copy of {@code bytes} bytes in {@code runs} memcpy calls (RESHAPE, SQUEEZE and EXPAND_DIMS copy the whole
     * tensor when input and output are separate arena buffers, as TensorFlow Lite Micro's planner makes them;
     * CONCATENATION, SPLIT, SLICE, PACK and UNPACK copy one run per outer index and operand), with 10 instructions of
     * indexing per run.
     */
    static KernelWork copy(String name, Isa isa, long bytes, long runs, OperandMemories m) {
        long r = Math.max(1, runs);
        KernelWork.Builder w = KernelWork.of(name).add(Copies.memcpy(isa, (double) bytes / r, r))
                .add(mix().alu(10).branch(1).build(), r);
        w.read(m.input(), bytes, 1, Copies.accessBytes(isa), bytes);
        return w.write(m.output(), bytes, Copies.accessBytes(isa)).build();
    }

    /**
     * PAD ({@code PadImpl}): per output pixel one memset of the padded depth or one memcpy of the input's depth, and
     * 10 instructions of loop and bounds tests.
     */
    static KernelWork pad(Isa isa, long outputPixels, long inputPixels, int depthBytes, OperandMemories m) {
        long padded = Math.max(0, outputPixels - inputPixels);
        KernelWork.Builder w = KernelWork.of("reference pad")
                .add(Copies.memcpy(isa, depthBytes, inputPixels))
                .add(Copies.memset(isa, depthBytes, padded))
                .add(mix().alu(10).branch(1).build(), outputPixels);
        w.read(m.input(), inputPixels * depthBytes, 1, Copies.accessBytes(isa), inputPixels * depthBytes);
        return w.write(m.output(), outputPixels * depthBytes, Copies.accessBytes(isa)).build();
    }

    /**
     * Element-by-element data movement (TRANSPOSE, STRIDED_SLICE, GATHER, RESIZE and the like): per output element
     * {@code loads} loads, {@code alu} index and arithmetic instructions, {@code mul} multiplies, a store and the
     * loop branch.
     */
    static KernelWork elementwise(String name, long elements, double loads, double alu, double mul, long inputBytes,
            long outputBytes, int elementBytes, OperandMemories m) {
        InstructionMix per = mix().load(loads, 1).alu(alu).mul(mul).store(1).branch(1).build();
        KernelWork.Builder w = KernelWork.of(name).add(per, elements);
        w.read(m.input(), inputBytes, elements * loads * elementBytes / Math.max(1.0, inputBytes), elementBytes,
                inputBytes);
        return w.write(m.output(), outputBytes, elementBytes).build();
    }

    /**
     * QUANTIZE between integer types (TensorFlow Lite Micro's {@code Requantize}): per element a load, the input
     * zero point (1), the rescaling ({@link ElementwiseKernels#REQUANTIZE}), output zero point and clamp (5), a
     * store and the loop.
     */
    static KernelWork requantize(long elements, int inBytes, int outBytes, OperandMemories m) {
        InstructionMix per = mix().load(1, 1).alu(6).add(ElementwiseKernels.REQUANTIZE).store(1).branch(1).build();
        KernelWork.Builder w = KernelWork.of("reference requantize").add(per, elements);
        w.read(m.input(), elements * inBytes, 1, inBytes, elements * inBytes);
        return w.write(m.output(), elements * outBytes, outBytes).build();
    }

    /**
     * QUANTIZE from float and DEQUANTIZE to float: with a floating-point unit per element a load, 6 FPU and integer
     * instructions (subtract or add the zero point, VCVT, VMUL, rounding, clamp), a store, the loop; without one
     * (Cortex-M0+) the single-precision multiply and conversions are library calls, about {@value #SOFT_FLOAT_ALU}
     * instructions.
     */
    static KernelWork floatConversion(String name, Isa isa, long elements, int inBytes, int outBytes, OperandMemories m) {
        double alu = isa == Isa.SCALAR ? SOFT_FLOAT_ALU : 6;
        InstructionMix per = mix().load(1, 1).alu(alu).store(1).branch(1).build();
        KernelWork.Builder w = KernelWork.of(name).add(per, elements);
        w.read(m.input(), elements * inBytes, 1, inBytes, elements * inBytes);
        return w.write(m.output(), elements * outBytes, outBytes).build();
    }

    /** Instructions of a software single-precision multiply and two conversions on Armv6-M (an estimate). */
    static final int SOFT_FLOAT_ALU = 60;

    /**
     * MEAN, SUM and the other reductions (TensorFlow Lite Micro's reference {@code Mean}/{@code ReduceSum}): per
     * input element a load, the add and the index update (2), the loop; per output the requantization with the
     * division by the count folded in ({@link ElementwiseKernels#REQUANTIZE} and a rounding SDIV), zero point and
     * clamp (5), a store. {@code scratchBytes} is what the kernel's {@code Prepare} requests from the arena (its
     * accesses are not costed beyond the loop's).
     */
    static KernelWork reduce(String name, long inputElements, long outputElements, int elementBytes, long scratchBytes,
            OperandMemories m) {
        KernelWork.Builder w = KernelWork.of(name).add(mix().load(1, 1).alu(2).branch(1).build(), inputElements)
                .add(mix().add(ElementwiseKernels.REQUANTIZE).div(1).alu(5).store(1).build(), outputElements)
                .requests(scratchBytes);
        w.read(m.input(), inputElements * elementBytes, 1, elementBytes, inputElements * elementBytes);
        return w.write(m.output(), outputElements * elementBytes, elementBytes).build();
    }

    /**
     * An operator npusim has no kernel model for (custom operators, rare builtins): costed by its data movement,
     * per output element a load of each input element's share, 10 instructions, a store, the loop.
     */
    static KernelWork unmodelled(String name, long inputBytes, long outputBytes, OperandMemories m) {
        long elements = Math.max(1, outputBytes);
        InstructionMix per = mix().load(Math.max(1.0, (double) inputBytes / elements), 1).alu(10).store(1).branch(1)
                .build();
        KernelWork.Builder w = KernelWork.of(name).add(per, elements);
        w.read(m.input(), inputBytes, 1, 1, inputBytes);
        return w.write(m.output(), outputBytes, 1).build();
    }
}
