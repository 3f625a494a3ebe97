// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.Optional;

/**
 * Element types of tensors, with the code TFLite's {@code TensorType} enum gives each (schema.fbs).
 *
 * <p>The sizes are storage bits per element; {@code INT4} is stored packed two per byte.
 */
public enum ElementType {
    FLOAT32(0, 32),
    FLOAT16(1, 16),
    INT32(2, 32),
    UINT8(3, 8),
    INT64(4, 64),
    STRING(5, 8),
    BOOL(6, 8),
    INT16(7, 16),
    COMPLEX64(8, 64),
    INT8(9, 8),
    FLOAT64(10, 64),
    COMPLEX128(11, 128),
    UINT64(12, 64),
    RESOURCE(13, 8),
    VARIANT(14, 8),
    UINT32(15, 32),
    UINT16(16, 16),
    INT4(17, 4),
    BFLOAT16(18, 16);

    private static final ElementType[] BY_CODE = values();

    private final int tfliteCode;
    private final int sizeBits;

    ElementType(int tfliteCode, int sizeBits) {
        this.tfliteCode = tfliteCode;
        this.sizeBits = sizeBits;
    }

    /** Returns the value of TFLite's {@code TensorType} enum for this type. */
    public int tfliteCode() {
        return tfliteCode;
    }

    /** Returns the storage size of one element in bits. */
    public int sizeBits() {
        return sizeBits;
    }

    /** Returns the bytes that {@code elements} elements occupy, rounding packed sub-byte types up. */
    public long bytesFor(long elements) {
        return Math.multiplyExact(elements, sizeBits) / 8 + (Math.multiplyExact(elements, sizeBits) % 8 == 0 ? 0 : 1);
    }

    /** Returns whether this is an integer type that quantized kernels compute with. */
    public boolean isQuantizedInteger() {
        return this == INT8 || this == UINT8 || this == INT16 || this == INT32;
    }

    /** Returns the type with TFLite code {@code code}, if there is one. */
    public static Optional<ElementType> fromTfliteCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }

    /**
     * Returns the smallest value a quantized tensor of this type stores (and the lowest zero point it can have):
     * −128, 0 or −32768 for int8, uint8 and int16; no bound for other types.
     */
    public long quantizedMin() {
        return switch (this) {
            case INT8 -> Byte.MIN_VALUE;
            case UINT8 -> 0;
            case INT16 -> Short.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
    }

    /** Returns the largest value a quantized tensor of this type stores: 127, 255 or 32767; no bound for others. */
    public long quantizedMax() {
        return switch (this) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 255;
            case INT16 -> Short.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
    }

    /** Returns the lower-case name used in model descriptions and reports ({@code int8}, {@code float32}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
