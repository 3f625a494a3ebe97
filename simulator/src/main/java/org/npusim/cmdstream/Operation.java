// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Optional;

/**
 * What a kernel command computes: its {@code NPU_OP_*} opcode and, for POOL and ELEMENTWISE, the mode in the
 * command's parameter ({@code ethos_u55_regs.py: pooling_mode, elementwise_mode}; {@code
 * register_command_stream_generator.py: generate_operation_code}).
 */
public enum Operation {
    CONV(Command.NPU_OP_CONV, 0, "CONV"),
    DEPTHWISE(Command.NPU_OP_DEPTHWISE, 0, "DEPTHWISE"),
    MAX_POOL(Command.NPU_OP_POOL, 0, "POOL MAX"),
    AVERAGE_POOL(Command.NPU_OP_POOL, 1, "POOL AVERAGE"),
    REDUCE_SUM(Command.NPU_OP_POOL, 2, "POOL REDUCE_SUM"),
    MUL(Command.NPU_OP_ELEMENTWISE, 0, "ELEMENTWISE MUL"),
    ADD(Command.NPU_OP_ELEMENTWISE, 1, "ELEMENTWISE ADD"),
    SUB(Command.NPU_OP_ELEMENTWISE, 2, "ELEMENTWISE SUB"),
    MIN(Command.NPU_OP_ELEMENTWISE, 3, "ELEMENTWISE MIN"),
    MAX(Command.NPU_OP_ELEMENTWISE, 4, "ELEMENTWISE MAX"),
    LRELU(Command.NPU_OP_ELEMENTWISE, 5, "ELEMENTWISE LRELU"),
    ABS(Command.NPU_OP_ELEMENTWISE, 6, "ELEMENTWISE ABS"),
    CLZ(Command.NPU_OP_ELEMENTWISE, 7, "ELEMENTWISE CLZ"),
    SHR(Command.NPU_OP_ELEMENTWISE, 8, "ELEMENTWISE SHR"),
    SHL(Command.NPU_OP_ELEMENTWISE, 9, "ELEMENTWISE SHL");

    private final Command command;
    private final int mode;
    private final String label;

    Operation(Command command, int mode, String label) {
        this.command = command;
        this.mode = mode;
        this.label = label;
    }

    /** Returns the {@code NPU_OP_*} command. */
    public Command command() {
        return command;
    }

    /** Returns the mode the command's parameter carries (0 for CONV and DEPTHWISE). */
    public int mode() {
        return mode;
    }

    /** Returns the name reports use: {@code CONV}, {@code POOL MAX}, {@code ELEMENTWISE ADD}. */
    public String label() {
        return label;
    }

    /** Returns whether the command reads a weight stream and a scale stream (CONV, DEPTHWISE). */
    public boolean hasWeights() {
        return this == CONV || this == DEPTHWISE;
    }

    /** Returns whether this is an element-wise operation. */
    public boolean isElementwise() {
        return command == Command.NPU_OP_ELEMENTWISE;
    }

    /**
     * Returns whether this element-wise operation has a second operand: all but ABS, CLZ and LRELU (Vela's
     * {@code UNARY_ELEMWISE_OPS}).
     */
    public boolean isBinary() {
        return isElementwise() && this != ABS && this != CLZ && this != LRELU;
    }

    /**
     * Returns the operation of kernel command {@code command} with parameter {@code param}; CONV and DEPTHWISE
     * ignore the parameter, as the NPU does.
     */
    static Optional<Operation> of(Command command, int param) {
        boolean moded = command == Command.NPU_OP_POOL || command == Command.NPU_OP_ELEMENTWISE;
        for (Operation o : values()) {
            if (o.command == command && (!moded || o.mode == param)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
