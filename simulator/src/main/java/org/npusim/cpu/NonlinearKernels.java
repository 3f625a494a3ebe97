// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

/**
 * SOFTMAX, LOGISTIC, TANH and the other transcendental activations. These are scalar code on every core: CMSIS-NN's
 * {@code arm_softmax_s8} (facts §2.1: "2 passes/row with fixed-point EXP_ON_NEG, ONE_OVER1 (gemmlowp style) ...
 * tens of ops per element") and TensorFlow Lite Micro's reference LOGISTIC and TANH, which evaluate gemmlowp's
 * fixed-point functions, or a 16-bit lookup table with interpolation for int16 data.
 *
 * <p>Building blocks, counted from gemmlowp's fixed-point routines as CMSIS-NN writes them:
 * <ul>
 *   <li>{@code MUL_SAT} (saturating rounding doubling high multiply): SMULL, ADDS/ADC of the rounding constant,
 *       LSRS/ORR to take the high word, a saturation test: 5 ALU and one 64-bit multiply;</li>
 *   <li>{@code EXP_ON_NEG}: the polynomial on [-1/4, 0) (5 {@code MUL_SAT}, 2 rounding shifts of 4, 4 adds: 37
 *       ALU), the argument split (6), 5 barrel-shifter steps each a {@code MUL_SAT}, a mask test and a select (10
 *       ALU), the zero-input select (3): {@value #EXP_ALU} ALU and {@value #EXP_MUL64} 64-bit multiplies;</li>
 *   <li>the reciprocal {@code ONE_OVER1} of a row sum: 3 Newton-Raphson iterations of 2 {@code MUL_SAT} and 3 adds
 *       and 8 instructions of normalisation (CLZ, shifts): 47 ALU, 6 multiplies.</li>
 * </ul>
 */
final class NonlinearKernels {

    private NonlinearKernels() {}

    static final int EXP_ALU = 96;
    static final int EXP_MUL64 = 10;

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    private static final InstructionMix MUL_SAT = mix().alu(5).mul64(1).build();
    private static final InstructionMix EXP = mix().alu(EXP_ALU).mul64(EXP_MUL64).build();
    private static final InstructionMix RECIPROCAL = mix().alu(47).mul64(6).build();

    /**
     * {@code arm_softmax_s8} (int8 or int16 output, {@code arm_softmax_s8_s16}), per element: the maximum pass (a
     * load, CMP and conditional move, loop); the sum pass (a load, the difference and range test (3), scaling by
     * the input multiplier ({@code MUL_SAT} and a shift), {@code EXP_ON_NEG}, a rounding shift (4) and the add,
     * loop); the output pass (a load, 3, the scaling {@code MUL_SAT} and shift, {@code EXP_ON_NEG}, a {@code MUL_SAT}
     * by the reciprocal, a rounding shift (4), zero point and clamp (5), a store, loop). Per row one reciprocal.
     */
    static KernelWork softmaxS8(long rows, long rowLength, boolean int16Output, long inputBytes, long outputBytes,
            OperandMemories m) {
        InstructionMix perElement = mix().load(3, 3).alu(2 + (3 + 1 + 4 + 1) + (3 + 1 + 4 + 5)).add(MUL_SAT, 3)
                .add(EXP, 2).store(1).branch(3).build();
        KernelWork.Builder w = KernelWork.of(int16Output ? "arm_softmax_s8_s16" : "arm_softmax_s8")
                .add(perElement, (double) rows * rowLength).add(RECIPROCAL, rows);
        w.read(m.input(), inputBytes, 3, 1, rowLength);
        return w.write(m.output(), outputBytes, int16Output ? 2 : 1).build();
    }

    /**
     * {@code arm_softmax_s16}, with its exponent and reciprocal lookup tables: per element the maximum pass (load,
     * 2 ALU, loop), the exponent pass (a load, 2 table loads, index and interpolation: 8 ALU and a MUL, the add,
     * loop) and the output pass (the same lookup, a 64-bit multiply by the reciprocal, shift, clamp, store: 14 ALU);
     * per row a table reciprocal (30 ALU, 2 loads).
     */
    static KernelWork softmaxS16(long rows, long rowLength, long inputBytes, long outputBytes, OperandMemories m) {
        InstructionMix perElement = mix().load(7, 5).alu(2 + 8 + 14).mul(2).mul64(1).store(1).branch(3).build();
        KernelWork.Builder w = KernelWork.of("arm_softmax_s16").add(perElement, (double) rows * rowLength)
                .add(mix().alu(30).load(2, 1).build(), rows);
        w.read(m.input(), inputBytes, 3, 2, 2 * rowLength);
        w.read(m.weights(), 2 * 513 * 2, (double) rows * rowLength * 4 / (2 * 513 * 2), 2, 2 * 513 * 2);
        return w.write(m.output(), outputBytes, 2).build();
    }

    /**
     * LOGISTIC or TANH. int8 (TensorFlow Lite Micro's reference, gemmlowp): per element a load, the zero point and
     * range tests (4), the input rescaling ({@code MultiplyByQuantizedMultiplier}: 16 ALU and an SMLAL),
     * {@code EXP_ON_NEG} of -|x|, the reciprocal {@code one_over_one_plus_x_for_x_in_0_1} (as {@code ONE_OVER1}),
     * sign selection (6), output shift and clamp (6), a store, the loop. int16 (the 16-bit lookup table of the
     * reference and of CMSIS-NN's {@code arm_nn_activation_s16}): a load, absolute value and input scaling (a MUL,
     * 6 ALU), index and fraction (4), 2 table loads, interpolation (a MUL, 3), sign (2), clamp and store (1 + a
     * store), the loop.
     */
    static KernelWork logisticOrTanh(String op, boolean int16, long elements, long inputBytes, long outputBytes,
            OperandMemories m) {
        InstructionMix per = int16
                ? mix().load(3, 2).alu(16).mul(2).store(1).branch(1).build()
                : mix().load(1, 1).alu(4 + 16 + 6 + 6).mul64(1).add(EXP).add(RECIPROCAL).store(1).branch(1).build();
        String name = int16 ? "arm_nn_activation_s16 (" + op + ")" : "reference " + op + " (int8, gemmlowp)";
        KernelWork.Builder w = KernelWork.of(name).add(per, elements);
        w.read(m.input(), inputBytes, 1, int16 ? 2 : 1, inputBytes);
        if (int16) {
            w.read(m.weights(), 2 * 513, elements * 2.0 / (2 * 513), 2, 2 * 513);
        }
        return w.write(m.output(), outputBytes, int16 ? 2 : 1).build();
    }

    /**
     * Other transcendental functions (EXP, LOG, RSQRT, SQRT, GELU and friends) in TensorFlow Lite Micro's reference
     * code: per element a load, an {@code EXP_ON_NEG}-sized fixed-point evaluation with 20 instructions of scaling,
     * a store, the loop.
     */
    static KernelWork transcendental(String op, long elements, long inputBytes, long outputBytes, OperandMemories m) {
        InstructionMix per = mix().load(1, 1).alu(20).add(EXP).store(1).branch(1).build();
        KernelWork.Builder w = KernelWork.of("reference " + op).add(per, elements);
        w.read(m.input(), inputBytes, 1, 1, inputBytes);
        return w.write(m.output(), outputBytes, 1).build();
    }
}
