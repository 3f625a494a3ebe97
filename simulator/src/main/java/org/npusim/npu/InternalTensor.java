// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import java.util.Objects;
import java.util.Optional;

/**
 * A tensor that a multi-operation lowering creates: an intermediate feature map between its parts, or a constant
 * operand (Vela's [1,1,1,1] constants, which live in permanent storage beside the weights). Its id continues the
 * graph's tensor indices.
 *
 * @param id the tensor id NPU operations refer to (at least the graph's tensor count)
 * @param name for reports
 * @param shape its shape
 * @param bits element width
 * @param constant whether it is a constant in permanent storage (else a feature map in the arena)
 * @param format the storage format Vela gives it, when the lowering fixes it
 */
public record InternalTensor(int id, String name, Shape4 shape, int bits, boolean constant, Optional<TensorFormat> format) {

    public InternalTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(format, "format");
    }

    /** Returns its size in bytes. */
    public long sizeBytes() {
        return shape.elements() * bits / 8;
    }
}
