// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Locale;
import java.util.Objects;
import org.npusim.npu.Shape4;
import org.npusim.npu.TensorFormat;

/**
 * A feature map as a kernel command reads or writes it: where it is, its shape and its element format.
 *
 * @param region the memory region ({@link AddressRange})
 * @param address the byte offset of its first element (tile 0, {@code NPU_SET_xFM_BASE0})
 * @param shape its shape, batch 1
 * @param bits bits per element: 8, 16 or 32 ({@code NPU_SET_xFM_PRECISION})
 * @param signed whether elements are signed
 * @param format NHWC or NHCWB16 ({@code NPU_SET_xFM_PRECISION} bits 6-7)
 */
public record FeatureMap(int region, long address, Shape4 shape, int bits, boolean signed, TensorFormat format) {

    public FeatureMap {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(format, "format");
    }

    /**
     * Returns the bytes the feature map spans from its base when stored densely: H·W·C' elements of {@code bits},
     * C' being the depth rounded up to 16 in NHCWB16. A command that reads or writes through larger strides (a slice
     * of a bigger tensor) touches bytes in this span and beyond; for telling which kernel's output another kernel
     * reads, the dense span from the same base is what both commands have in common.
     */
    public AddressRange extent() {
        return new AddressRange(region, address, shape.withDepthRoundedTo(format.depthQuantum()).elements() * bits / 8);
    }

    /** Returns the element type's name: {@code int8}, {@code uint8}, {@code int16}, {@code int32}. */
    public String typeName() {
        return (signed ? "int" : "uint") + bits;
    }

    /** Returns {@code 48x48x8 int8 NHCWB16 r1@0x9000}. */
    public String label() {
        return String.format(Locale.ROOT, "%dx%dx%d %s %s r%d@0x%x", shape.h(), shape.w(), shape.c(), typeName(), format,
                region, address);
    }
}
