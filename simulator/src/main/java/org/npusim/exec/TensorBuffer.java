// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Shape;

/**
 * The values of one tensor in a primitive array chosen by its element type: {@code byte[]} for INT8, UINT8 and BOOL
 * (UINT8 read unsigned), {@code short[]} for INT16, {@code int[]} for INT32, {@code long[]} for INT64 and
 * {@code float[]} for FLOAT32. Elements are in row-major order of the shape (TFLite's layout).
 *
 * <p>Kernels take the array once ({@link #int8()}, {@link #int16()}, ...) and loop over it; the typed accessors
 * check the type so that a wiring mistake fails loudly instead of reinterpreting bytes. The generic
 * {@link #get(int)} and {@link #set(int, long)} serve file formats and statistics, not inner loops.
 */
public final class TensorBuffer {

    private final ElementType type;
    private final Shape shape;
    private final Object array;
    private final int length;

    private TensorBuffer(ElementType type, Shape shape, Object array, int length) {
        this.type = type;
        this.shape = shape;
        this.array = array;
        this.length = length;
    }

    /** Returns whether buffers of {@code type} can be created. */
    public static boolean supports(ElementType type) {
        switch (type) {
            case INT8:
            case UINT8:
            case BOOL:
            case INT16:
            case INT32:
            case INT64:
            case FLOAT32:
                return true;
            default:
                return false;
        }
    }

    /** The most elements a buffer holds: a Java array's length bounds it (less a VM's header words). */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /** Returns whether a buffer can hold a tensor of {@code shape}. */
    static boolean holds(Shape shape) {
        return shape.elementCount() <= MAX_ELEMENTS;
    }

    /** Returns a zero-filled buffer of the given type and shape. */
    public static TensorBuffer allocate(ElementType type, Shape shape) {
        long count = shape.elementCount();
        if (!holds(shape)) {
            throw new IllegalArgumentException("tensor of shape " + shape + " has too many elements to hold");
        }
        int n = (int) count;
        return new TensorBuffer(type, shape, newArray(type, n), n);
    }

    private static Object newArray(ElementType type, int n) {
        switch (type) {
            case INT8:
            case UINT8:
            case BOOL:
                return new byte[n];
            case INT16:
                return new short[n];
            case INT32:
                return new int[n];
            case INT64:
                return new long[n];
            case FLOAT32:
                return new float[n];
            default:
                throw new IllegalArgumentException("no buffer for element type " + type.label());
        }
    }

    /** Returns a buffer that takes ownership of {@code values}; its length must match the shape. */
    public static TensorBuffer wrap(ElementType type, Shape shape, Object values) {
        Objects.requireNonNull(values, "values");
        Object expected = newArray(type, 0);
        if (values.getClass() != expected.getClass()) {
            throw new IllegalArgumentException(type.label() + " needs a " + expected.getClass().getSimpleName()
                    + ", not a " + values.getClass().getSimpleName());
        }
        int n = arrayLength(values);
        if (n != shape.elementCount()) {
            throw new IllegalArgumentException(n + " values for shape " + shape + " (" + shape.elementCount() + " elements)");
        }
        return new TensorBuffer(type, shape, values, n);
    }

    private static int arrayLength(Object a) {
        if (a instanceof byte[]) {
            return ((byte[]) a).length;
        } else if (a instanceof short[]) {
            return ((short[]) a).length;
        } else if (a instanceof int[]) {
            return ((int[]) a).length;
        } else if (a instanceof long[]) {
            return ((long[]) a).length;
        }
        return ((float[]) a).length;
    }

    /**
     * Decodes constant data (little-endian, as TFLite stores it) into a buffer. Returns a buffer whose length is
     * the shape's element count; the data must hold at least that many elements.
     */
    public static TensorBuffer decode(ElementType type, Shape shape, ConstantData data) {
        TensorBuffer b = allocate(type, shape);
        ByteBuffer bytes = data.buffer();
        long needed = type.bytesFor(b.length);
        if (data.sizeBytes() < needed) {
            throw new IllegalArgumentException(data.sizeBytes() + " bytes of data for " + b.length + " "
                    + type.label() + " elements (" + needed + " bytes)");
        }
        switch (type) {
            case INT8:
            case UINT8:
            case BOOL:
                bytes.get((byte[]) b.array);
                break;
            case INT16:
                bytes.asShortBuffer().get((short[]) b.array);
                break;
            case INT32:
                bytes.asIntBuffer().get((int[]) b.array);
                break;
            case INT64:
                bytes.asLongBuffer().get((long[]) b.array);
                break;
            case FLOAT32:
                bytes.asFloatBuffer().get((float[]) b.array);
                break;
            default:
                throw new IllegalArgumentException("no buffer for element type " + type.label());
        }
        return b;
    }

    /** Returns the element type. */
    public ElementType type() {
        return type;
    }

    /** Returns the shape. */
    public Shape shape() {
        return shape;
    }

    /** Returns the number of elements. */
    public int length() {
        return length;
    }

    /** Returns the backing array (one of byte[], short[], int[], long[], float[]) for type-generic copies. */
    Object array() {
        return array;
    }

    /** Returns the backing array of an INT8, UINT8 or BOOL buffer. */
    public byte[] int8() {
        if (type != ElementType.INT8 && type != ElementType.UINT8 && type != ElementType.BOOL) {
            throw wrongType("byte");
        }
        return (byte[]) array;
    }

    /** Returns the backing array of an INT16 buffer. */
    public short[] int16() {
        if (type != ElementType.INT16) {
            throw wrongType("int16");
        }
        return (short[]) array;
    }

    /** Returns the backing array of an INT32 buffer. */
    public int[] int32() {
        if (type != ElementType.INT32) {
            throw wrongType("int32");
        }
        return (int[]) array;
    }

    /** Returns the backing array of an INT64 buffer. */
    public long[] int64() {
        if (type != ElementType.INT64) {
            throw wrongType("int64");
        }
        return (long[]) array;
    }

    /** Returns the backing array of a FLOAT32 buffer. */
    public float[] float32() {
        if (type != ElementType.FLOAT32) {
            throw wrongType("float32");
        }
        return (float[]) array;
    }

    private IllegalStateException wrongType(String wanted) {
        return new IllegalStateException("buffer holds " + type.label() + ", not " + wanted);
    }

    /** Returns element {@code i} as an integer (UINT8 unsigned; FLOAT32 truncated toward zero). */
    public long get(int i) {
        switch (type) {
            case UINT8:
                return ((byte[]) array)[i] & 0xFF;
            case INT8:
            case BOOL:
                return ((byte[]) array)[i];
            case INT16:
                return ((short[]) array)[i];
            case INT32:
                return ((int[]) array)[i];
            case INT64:
                return ((long[]) array)[i];
            case FLOAT32:
                return (long) ((float[]) array)[i];
            default:
                throw new IllegalStateException("no buffer for element type " + type.label());
        }
    }

    /** Returns element {@code i} as a double (exact for every type held). */
    public double getDouble(int i) {
        return type == ElementType.FLOAT32 ? ((float[]) array)[i] : (double) get(i);
    }

    /** Sets element {@code i}, truncating {@code value} to the element type as a C cast does. */
    public void set(int i, long value) {
        switch (type) {
            case UINT8:
            case INT8:
            case BOOL:
                ((byte[]) array)[i] = (byte) value;
                break;
            case INT16:
                ((short[]) array)[i] = (short) value;
                break;
            case INT32:
                ((int[]) array)[i] = (int) value;
                break;
            case INT64:
                ((long[]) array)[i] = value;
                break;
            case FLOAT32:
                ((float[]) array)[i] = value;
                break;
            default:
                throw new IllegalStateException("no buffer for element type " + type.label());
        }
    }

    /** Returns a copy with its own array. */
    public TensorBuffer copy() {
        Object a = newArray(type, length);
        System.arraycopy(array, 0, a, 0, length);
        return new TensorBuffer(type, shape, a, length);
    }

    /** Returns the same values seen with another shape of equal element count (RESHAPE shares the array). */
    public TensorBuffer reshaped(Shape newShape) {
        if (newShape.elementCount() != length) {
            throw new IllegalArgumentException("cannot view " + length + " elements as " + newShape);
        }
        return new TensorBuffer(type, newShape, array, length);
    }

    /** Returns the values little-endian, as TFLite and NumPy store them. */
    public byte[] toLittleEndianBytes() {
        ByteBuffer out = ByteBuffer.allocate((int) type.bytesFor(length)).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case INT8:
            case UINT8:
            case BOOL:
                out.put((byte[]) array);
                break;
            case INT16:
                out.asShortBuffer().put((short[]) array);
                break;
            case INT32:
                out.asIntBuffer().put((int[]) array);
                break;
            case INT64:
                out.asLongBuffer().put((long[]) array);
                break;
            case FLOAT32:
                out.asFloatBuffer().put((float[]) array);
                break;
            default:
                throw new IllegalStateException("no buffer for element type " + type.label());
        }
        return out.array();
    }

    /** Returns whether the two buffers have equal type, shape and values. */
    public boolean contentEquals(TensorBuffer other) {
        if (type != other.type || !shape.equals(other.shape)) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Double.compare(getDouble(i), other.getDouble(i)) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return type.label() + "[" + shape + "]";
    }
}
