// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;
import org.npusim.hw.KernelLibrary;

/**
 * SVDF and UNIDIRECTIONAL_SEQUENCE_LSTM: matrix-vector products ({@link Gemm#vecMatMult}, or the reference
 * library's scalar dot products) plus their element-wise state updates.
 */
final class RecurrentKernels {

    private RecurrentKernels() {}

    private static InstructionMix.Builder mix() {
        return InstructionMix.builder();
    }

    /** TensorFlow Lite Micro's reference dot product, per MAC: 2 loads, 2 offset adds and the MLA, the loop. */
    static final InstructionMix REFERENCE_MAC = mix().load(2, 1).alu(3).mul(1).branch(1).build();

    private static InstructionMix gemv(Isa isa, KernelLibrary library, long rows, long cols) {
        if (library == KernelLibrary.REFERENCE) {
            return mix().add(REFERENCE_MAC, (double) rows * cols).add(Epilogues.PER_TENSOR, rows)
                    .add(mix().alu(4).load(1, 1).build(), rows).build();
        }
        return Gemm.vecMatMult(isa, rows, cols, Epilogues.PER_TENSOR, Epilogues.MVE_PER_TENSOR_4);
    }

    /**
     * SVDF ({@code arm_svdf_state_s16_s8} with int16 state and time weights, {@code arm_svdf_s8} with int8), per
     * batch row: shift the state left by one time step (a memmove of the state); the feature products, {@code F}
     * rows ({@code units × rank}) of {@code inputs} columns, written into the newest state column; the time
     * filter, per row a dot product of {@code memory} state and weight elements (DSP: SMLAD on int16 pairs, per 2
     * elements 2 LDR and an SMLAD, unrolled by 4; Helium: per 8 elements 2 VLDRH and a VMLADAVA.S16; scalar: per
     * element 2 loads, MUL, ADD, loop) into a 32-bit scratch row (4 set-up and a store per row); then per unit the
     * sum over its rank (a load and an add each), the bias and {@link Epilogues#PER_TENSOR}.
     */
    static KernelWork svdf(Isa isa, KernelLibrary library, long batches, int inputs, int features, int memory,
            int units, int stateBytes, long weightBytes, OperandMemories m) {
        int rank = Math.max(1, features / Math.max(1, units));
        long state = (long) features * memory;
        InstructionMix time;
        if (library == KernelLibrary.REFERENCE) {
            time = mix().add(REFERENCE_MAC, memory).alu(4).store(1).build();
        } else {
            time = switch (isa) {
                case MVE -> mix().vecLoad(2 * Math.ceil(memory / 8.0)).vecMul(Math.ceil(memory / 8.0)).alu(4).store(1)
                        .build();
                case DSP -> mix().load(memory, memory / 2.0).mul(memory / 2.0).alu(memory / 8.0)
                        .branch(memory / 8.0).alu(4).store(1).build();
                case SCALAR -> mix().load(2.0 * memory, memory).mul(memory).alu(3.0 * memory).branch(memory).alu(4)
                        .store(1).build();
            };
        }
        InstructionMix perBatch = mix().add(Copies.memcpy(isa, (double) (state - 1) * stateBytes, 1))
                .add(gemv(isa, library, features, inputs)).add(time, features)
                .add(mix().load(rank, rank).alu(rank + 2).add(Epilogues.PER_TENSOR).build(), units).build();
        String name = library == KernelLibrary.REFERENCE ? "reference svdf"
                : stateBytes == 2 ? "arm_svdf_state_s16_s8" : "arm_svdf_s8";
        KernelWork.Builder w = KernelWork.of(name).add(perBatch, batches);
        int load = isa == Isa.MVE ? 16 : 4;
        w.readWeights(m.weights(), weightBytes, batches, load, weightBytes);
        w.state(m.scratch(), batches * state * stateBytes, batches * state * stateBytes,
                2 * batches * state * stateBytes, load);
        w.read(m.input(), batches * inputs, Math.ceil(features / 2.0), load, 2L * inputs);
        return w.write(m.output(), batches * units, 1).build();
    }

    /**
     * UNIDIRECTIONAL_SEQUENCE_LSTM ({@code arm_lstm_unidirectional_s8}; the reference library's integer LSTM has the
     * same steps), per time step and batch row: for each of the 4 gates the input product ({@code cell} rows of
     * {@code inputs}) and the recurrent product ({@code cell} rows of {@code outputs}) accumulated into int16, and the
     * gate's sigmoid or tanh from the 16-bit table (a load, index and interpolation: 3 loads, 16 ALU, 2 MUL, a
     * store); the cell update {@code c = f·c + i·g} per cell (4 loads, 2 SMULBB, 6 shift/saturate, a store); the
     * output {@code o · tanh(c)} per output (the table tanh, a MUL, a requantization, zero point and clamp, a
     * store). The weights are read once per time step and batch row.
     */
    static KernelWork lstm(Isa isa, KernelLibrary library, long steps, int inputs, int cell, int outputs,
            long weightBytes, OperandMemories m) {
        InstructionMix table = mix().load(3, 2).alu(16).mul(2).store(1).branch(1).build();
        InstructionMix gate = mix().add(gemv(isa, library, cell, inputs)).add(gemv(isa, library, cell, outputs))
                .add(mix().alu(2).build(), cell).add(table, cell).build();
        InstructionMix update = mix().load(4, 1).mul(2).alu(6).store(1).branch(1).build();
        InstructionMix output = mix().add(table).mul(1).add(ElementwiseKernels.REQUANTIZE).alu(5).store(1).build();
        InstructionMix perStep = mix().add(gate, 4).add(update, cell).add(output, outputs).alu(20).branch(4).build();
        String name = library == KernelLibrary.REFERENCE ? "reference lstm (integer)" : "arm_lstm_unidirectional_s8";
        KernelWork.Builder w = KernelWork.of(name).add(perStep, steps);
        int load = isa == Isa.MVE ? 16 : 4;
        w.readWeights(m.weights(), weightBytes, steps, library == KernelLibrary.REFERENCE ? 1 : load, weightBytes);
        w.read(m.input(), steps * inputs, 8, load, 2L * inputs);
        w.scratch(m.scratch(), 12L * cell, steps * 12L * cell, 3 * steps * 12L * cell, 2);
        return w.write(m.output(), steps * outputs, 1).build();
    }
}
