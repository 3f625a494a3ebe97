// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Objects;

/**
 * The second operand of a binary ELEMENTWISE command: a feature map, possibly broadcast along some dimensions, or
 * a scalar carried in the command stream ({@code NPU_SET_IFM2_BROADCAST} bit 7, {@code NPU_SET_IFM2_SCALAR};
 * {@code register_command_stream_generator.py: generate_ifm2_broadcast}).
 */
public sealed interface SecondOperand {

    /** Returns the bits per element. */
    int bits();

    /**
     * A feature map.
     *
     * @param map the feature map, its shape with broadcast dimensions of size 1
     * @param broadcast {@code NPU_SET_IFM2_BROADCAST}: bit 0 height, 1 width, 2 depth broadcast, 6 reversed operands
     */
    record Tensor(FeatureMap map, int broadcast) implements SecondOperand {
        public Tensor {
            Objects.requireNonNull(map, "map");
        }

        @Override
        public int bits() {
            return map.bits();
        }
    }

    /**
     * A scalar in the command stream.
     *
     * @param value the quantized value
     * @param bits its precision ({@code NPU_SET_IFM2_PRECISION})
     */
    record Scalar(int value, int bits) implements SecondOperand {}
}
