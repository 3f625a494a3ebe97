// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;

/**
 * CMSIS-NN's {@code arm_fully_connected_s8}: for every batch row one {@code arm_nn_vec_mat_mult_t_s8}
 * ({@link Gemm#vecMatMult}) with a per-tensor requantization. Every weight byte is used once per batch row, so the
 * kernel reads the whole weight matrix per row: one weight byte per MAC (facts §1.1), which is what makes it
 * memory-bound when the weights are in flash.
 */
final class FullyConnectedKernels {

    private FullyConnectedKernels() {}

    /** The kernel's set-up per batch row: pointers and the call of the GEMM. */
    private static final InstructionMix ROW = InstructionMix.builder().alu(8).branch(2).build();

    /**
     * A fully connected layer of {@code batches} rows of {@code inputs} elements to {@code outputs} elements;
     * {@code weightBytes} include the bias; {@code int8} whether its activations are int8 (not int16),
     * {@code constantWeights} whether its weights are a constant tensor.
     *
     * <p>On Helium the int8 kernel takes a buffer of kernel sums, one int32 per output: CMSIS-NN's
     * {@code arm_fully_connected_s8_get_buffer_size_mve} ({@code arm_fully_connected_get_buffer_sizes_s8.c}, revision
     * 1.1.0) is {@code filter_dims->c · 4}, the output channels' count times 4; other builds and the int16 kernel ask
     * for none. TensorFlow Lite Micro's {@code kernels/cmsis_nn/fully_connected.cc} (the 2024 revision) computes the
     * sums once in {@code Prepare} into a persistent buffer of that size when the weights are constant, and requests
     * no scratch; otherwise (weights computed at run time) it requests the size as scratch and sums on every call.
     */
    static KernelWork fullyConnected(Isa isa, long batches, int inputs, int outputs, long weightBytes, boolean int8,
            boolean constantWeights, OperandMemories m) {
        InstructionMix perRow = Gemm.vecMatMult(isa, outputs, inputs, Epilogues.PER_TENSOR, Epilogues.MVE_PER_TENSOR_4);
        KernelWork.Builder w = KernelWork.of("arm_fully_connected_s8").add(perRow, batches).add(ROW, batches);
        int load = isa == Isa.MVE ? 16 : isa == Isa.DSP ? 4 : 1;
        int rowsPerPass = isa == Isa.MVE ? 4 : isa == Isa.DSP ? 2 : 1;
        w.readWeights(m.weights(), weightBytes, batches, load, weightBytes + inputs);
        w.read(m.input(), batches * inputs, Math.ceil((double) outputs / rowsPerPass), load, (long) rowsPerPass * inputs);
        long kernelSumsBytes = isa == Isa.MVE && int8 ? 4L * outputs : 0;
        if (constantWeights) {
            w.persists(kernelSumsBytes);
        } else {
            w.requests(kernelSumsBytes);
        }
        return w.write(m.output(), batches * outputs, 1).build();
    }
}
