// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;

/**
 * Element-wise arithmetic. CMSIS-NN's {@code arm_elementwise_add_s8} and {@code arm_elementwise_mul_s8} for inputs
 * of equal size; TensorFlow Lite Micro's reference kernels for broadcasts and for the operators CMSIS-NN lacks.
 */
final class ElementwiseKernels {

    private ElementwiseKernels() {}

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    /**
     * The double-rounding requantization of one value with a per-tensor multiplier, shifts hoisted: the doubling
     * high multiply (4 ALU and an SMLAL) and the rounding divide (8): see {@link Epilogues#PER_TENSOR}.
     */
    static final InstructionMix REQUANTIZE = mix().alu(12).mul64(1).build();

    /**
     * ADD and SUB per element ({@code arm_elementwise_add_s8}; facts §2.1: "per element: 3 × arm_nn_requantize").
     * DSP: 4 elements per iteration: 2 LDR (one run) and 4 SXTAB16 adding the input offsets (per element 0.5 loads
     * and 1 ALU), the two inputs' left shift (2), two input requantizations, the add (1), the output's
     * requantization, zero point (1), clamp (4), packing 4 results into a word (0.75) and a STR (0.25), the loop
     * (0.25 ALU, 0.25 branch). Without DSP the same arithmetic one element at a time (2 LDRSB, 2 offsets, a STRB).
     * Helium per 4 elements (int32 lanes): 2 widening VLDRB.S32, 2 VADD (offsets), 2 VSHL, 2 × 5 + 1 VQRDMULH per
     * input requantization, VADD, the output's 5 + 1, zero point, VMAX, VMIN, and a VSTRB.32.
     */
    static InstructionMix addPerElement(Isa isa) {
        return switch (isa) {
            case MVE -> mix().vecLoad(0.5).vecAlu(23 / 4.0).vecMul(3 / 4.0).vecStore(0.25).build();
            case DSP -> mix().load(0.5, 0.25).alu(1 + 2 + 1 + 1 + 4 + 0.75 + 0.25).add(REQUANTIZE, 3).store(0.25)
                    .branch(0.25).build();
            case SCALAR -> mix().load(2, 1).alu(2 + 2 + 1 + 1 + 4 + 1).add(REQUANTIZE, 3).store(1).branch(1).build();
        };
    }

    /**
     * MUL per element ({@code arm_elementwise_mul_s8}): DSP 4 elements per iteration, per element 0.5 loads, the
     * offsets (1), SMULBB/SMULTT (1), one requantization, zero point (1), clamp (4), packing (0.75), 0.25 STR and
     * loop; without DSP 2 loads, 2 offsets, MULS, requantization, zero point, clamp, STRB, loop; Helium per 4
     * elements 2 widening loads, 2 offset VADD, VMUL, the requantization (5 + 1), zero point, VMAX, VMIN, VSTRB.32.
     */
    static InstructionMix mulPerElement(Isa isa) {
        return switch (isa) {
            case MVE -> mix().vecLoad(0.5).vecAlu(10 / 4.0).vecMul(2 / 4.0).vecStore(0.25).build();
            case DSP -> mix().load(0.5, 0.25).alu(1 + 1 + 4 + 0.75 + 0.25).mul(1).add(REQUANTIZE).store(0.25)
                    .branch(0.25).build();
            case SCALAR -> mix().load(2, 1).alu(2 + 1 + 4 + 1).mul(1).add(REQUANTIZE).store(1).branch(1).build();
        };
    }

    /**
     * The extra work of TensorFlow Lite Micro's broadcasting reference loops ({@code BroadcastAdd6DSlow} and
     * friends): per output element the input indices from the subscripts of the output, 2 × 3 multiply-adds and 4
     * loop instructions.
     */
    static final InstructionMix BROADCAST_INDEX = mix().mul(6).alu(4).branch(1).build();

    /**
     * ADD/SUB/MUL of {@code elements} output elements; {@code broadcast} when the inputs' sizes differ (TensorFlow
     * Lite Micro then calls its broadcasting reference kernel with the same arithmetic, one element at a time).
     */
    static KernelWork arithmetic(Isa isa, boolean mul, long elements, boolean broadcast, int elementBytes,
            long input1Bytes, long input2Bytes, OperandMemories m) {
        String name;
        InstructionMix per;
        Isa used = broadcast ? Isa.SCALAR : isa;
        if (mul) {
            name = broadcast ? "reference BroadcastMul" : "arm_elementwise_mul_s8";
            per = mulPerElement(used);
        } else {
            name = broadcast ? "reference BroadcastAdd" : "arm_elementwise_add_s8";
            per = addPerElement(used);
        }
        if (elementBytes > 1) {
            name = name.replace("s8", "s16");
        }
        KernelWork.Builder w = KernelWork.of(name).add(per, elements);
        if (broadcast) {
            w.add(BROADCAST_INDEX, elements);
        }
        int load = broadcast ? elementBytes : isa == Isa.MVE ? 4 * elementBytes : isa == Isa.DSP ? 4 : elementBytes;
        w.read(m.input(), input1Bytes, (double) elements * elementBytes / Math.max(1, input1Bytes), load, input1Bytes);
        w.read(m.input2(), input2Bytes, (double) elements * elementBytes / Math.max(1, input2Bytes), load, input2Bytes);
        return w.write(m.output(), elements * elementBytes, load).build();
    }

    /**
     * TensorFlow Lite Micro's reference element-wise loops for the other operators, per element: a load of each
     * input, {@code alu} data-processing instructions and {@code requantizations} requantizations, a store and the
     * loop.
     */
    static KernelWork simple(String name, long elements, int inputs, double alu, int requantizations, long inputBytes,
            long outputBytes, OperandMemories m) {
        return simple(name, elements, inputs, alu, requantizations, 0, inputBytes, outputBytes, m);
    }

    /** As {@link #simple(String, long, int, double, int, long, long, OperandMemories)} with {@code divisions} SDIV. */
    static KernelWork simple(String name, long elements, int inputs, double alu, int requantizations, int divisions,
            long inputBytes, long outputBytes, OperandMemories m) {
        InstructionMix per = mix().load(inputs, 1).alu(alu + 1).add(REQUANTIZE, requantizations).div(divisions)
                .store(1).branch(1).build();
        KernelWork.Builder w = KernelWork.of(name).add(per, elements);
        w.read(m.input(), inputBytes, 1, 1, inputBytes);
        return w.write(m.output(), outputBytes, 1).build();
    }
}
