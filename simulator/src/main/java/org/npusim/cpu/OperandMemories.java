// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.Objects;

/**
 * The memories a kernel's operands live in, after the hardware description's placement: constant tensors in
 * {@code placement.weights}, model inputs and outputs in {@code placement.inputs}/{@code outputs}, every other
 * feature map, state and scratch buffer in the tensor arena ({@code placement.arena}), as TensorFlow Lite Micro
 * allocates them.
 *
 * @param input the first input
 * @param input2 the second input of binary operators (the first input's memory otherwise)
 * @param weights weights, biases and other constants
 * @param output the output
 * @param scratch scratch buffers (im2col columns, sums): the arena
 */
public record OperandMemories(String input, String input2, String weights, String output, String scratch) {

    /** Validates the record. */
    public OperandMemories {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(input2, "input2");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(scratch, "scratch");
    }

    /** Returns every operand in one memory, for tests and single-memory systems. */
    public static OperandMemories all(String memory) {
        return new OperandMemories(memory, memory, memory, memory, memory);
    }
}
