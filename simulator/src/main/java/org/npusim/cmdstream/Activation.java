// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Objects;

/**
 * The output stage's activation ({@code NPU_SET_ACTIVATION}, {@code _MIN}, {@code _MAX}; {@code
 * register_command_stream_generator.py: generate_activation}): the function in bits 0-4 (0: none, clamping only,
 * which is also how a ReLU is written; 3: tanh; 4: sigmoid; 16-23: the LUT in slot 0-7 of SHRAM), and the clamp
 * range, signed 16-bit.
 *
 * @param function the function
 * @param lutSlot the LUT slot 0-7 for {@link Function#LUT}, else 0
 * @param min the lower clamp, in OFM units
 * @param max the upper clamp
 */
public record Activation(Function function, int lutSlot, int min, int max) {

    /** Activation functions. */
    public enum Function {
        /** Clamping to [min, max] only (Vela's NONE_OR_RELU). */
        NONE,
        TANH,
        SIGMOID,
        /** A table in SHRAM. */
        LUT
    }

    public Activation {
        Objects.requireNonNull(function, "function");
    }

    /**
     * Returns whether the clamp is narrower than the range of a {@code bits}-bit OFM: a fused ReLU. A ReLU6 whose
     * quantized range covers the whole OFM type (as in most int8 networks) cannot be told from no activation.
     */
    public boolean clampsBelowRange(int bits, boolean signed) {
        long lo = signed ? -(1L << (Math.min(bits, 16) - 1)) : 0;
        long hi = signed ? (1L << (Math.min(bits, 16) - 1)) - 1 : (1L << Math.min(bits, 16)) - 1;
        return min > lo || max < hi;
    }
}
