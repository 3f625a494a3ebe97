// SPDX-License-Identifier: Apache-2.0
package org.npusim.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked reader of flatbuffer tables, vectors and strings (the FlatBuffers binary format: little-endian;
 * a table starts with a signed 32-bit offset back to its vtable; a vtable holds its own size, the table's size and
 * one 16-bit field offset per field id, 0 for an absent field; offsets to tables, vectors and strings are unsigned
 * 32-bit and relative to where they are stored; vectors and strings start with a 32-bit element count).
 *
 * <p>Every position is checked before it is read, and every vector length against the bytes left, so nothing
 * reads outside the buffer or allocates more than the buffer could hold. Problems are reported as
 * {@link FlatFormatException} with the field name; callers prefix the path.
 */
final class FlatView {

    private static final int SIZEOF_INT = 4;
    private static final int SIZEOF_SHORT = 2;

    private final ByteBuffer buf;
    private final int limit;

    FlatView(ByteBuffer bytes) {
        this.buf = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.buf.position(0);
        this.limit = buf.limit();
    }

    int limit() {
        return limit;
    }

    /** Returns the root table's position, after checking the buffer holds the root offset and the identifier. */
    int root(String identifier) {
        if (limit < 2 * SIZEOF_INT) {
            throw new FlatFormatException("", "file is " + limit + " bytes, too short for a flatbuffer");
        }
        for (int i = 0; i < identifier.length(); i++) {
            if (buf.get(SIZEOF_INT + i) != identifier.charAt(i)) {
                throw new FlatFormatException("", "not a TFLite flatbuffer (file identifier is not \"" + identifier + "\")");
            }
        }
        return table(offsetTarget(0, "root"), "root");
    }

    /** Checks that a table starts at {@code pos} and returns {@code pos}. */
    int table(int pos, String field) {
        if (pos < 0 || pos > limit - SIZEOF_INT) {
            throw new FlatFormatException(field, "table offset " + pos + " is outside the file (" + limit + " bytes)");
        }
        long vtable = (long) pos - buf.getInt(pos);
        if (vtable < 0 || vtable > limit - 2L * SIZEOF_SHORT) {
            throw new FlatFormatException(field, "vtable offset " + vtable + " is outside the file");
        }
        int vtableSize = Short.toUnsignedInt(buf.getShort((int) vtable));
        int tableSize = Short.toUnsignedInt(buf.getShort((int) vtable + SIZEOF_SHORT));
        if (vtableSize < 4 || (vtableSize & 1) != 0 || vtable + vtableSize > limit) {
            throw new FlatFormatException(field, "vtable of size " + vtableSize + " is malformed");
        }
        if (tableSize < SIZEOF_INT || (long) pos + tableSize > limit) {
            throw new FlatFormatException(field, "table of size " + tableSize + " runs past the end of the file");
        }
        return pos;
    }

    /**
     * Returns the absolute position of field {@code id} of the table at {@code table}, or -1 when the field is
     * absent. The field's {@code size} bytes are checked to lie inside the table.
     */
    private int field(int table, int id, int size, String name) {
        int vtable = table - buf.getInt(table);
        int vtableSize = Short.toUnsignedInt(buf.getShort(vtable));
        int entry = 4 + 2 * id;
        if (entry + 2 > vtableSize) {
            return -1;
        }
        int offset = Short.toUnsignedInt(buf.getShort(vtable + entry));
        if (offset == 0) {
            return -1;
        }
        int tableSize = Short.toUnsignedInt(buf.getShort(vtable + 2));
        if (offset + size > tableSize) {
            throw new FlatFormatException(name, "field lies outside its table");
        }
        return table + offset;
    }

    boolean has(int table, int id) {
        int vtable = table - buf.getInt(table);
        int vtableSize = Short.toUnsignedInt(buf.getShort(vtable));
        int entry = 4 + 2 * id;
        return entry + 2 <= vtableSize && buf.getShort(vtable + entry) != 0;
    }

    byte int8(int table, int id, byte dflt, String name) {
        int p = field(table, id, 1, name);
        return p < 0 ? dflt : buf.get(p);
    }

    boolean bool(int table, int id, boolean dflt, String name) {
        int p = field(table, id, 1, name);
        return p < 0 ? dflt : buf.get(p) != 0;
    }

    int int32(int table, int id, int dflt, String name) {
        int p = field(table, id, 4, name);
        return p < 0 ? dflt : buf.getInt(p);
    }

    /** Reads an unsigned 32-bit field, widened. */
    long uint32(int table, int id, long dflt, String name) {
        int p = field(table, id, 4, name);
        return p < 0 ? dflt : Integer.toUnsignedLong(buf.getInt(p));
    }

    /** Reads a 64-bit field (signed or unsigned: callers check the range they need). */
    long int64(int table, int id, long dflt, String name) {
        int p = field(table, id, 8, name);
        return p < 0 ? dflt : buf.getLong(p);
    }

    float float32(int table, int id, float dflt, String name) {
        int p = field(table, id, 4, name);
        return p < 0 ? dflt : buf.getFloat(p);
    }

    /** Follows the unsigned offset stored at {@code at}; returns the checked target position. */
    private int offsetTarget(int at, String name) {
        long target = at + Integer.toUnsignedLong(buf.getInt(at));
        if (target >= limit) {
            throw new FlatFormatException(name, "offset points past the end of the file");
        }
        return (int) target;
    }

    /** Returns the position of the sub-table in field {@code id}, or -1 when absent. */
    int subTable(int table, int id, String name) {
        int p = field(table, id, 4, name);
        return p < 0 ? -1 : table(offsetTarget(p, name), name);
    }

    /**
     * Returns the position of the vector in field {@code id} (where its length is stored), or -1 when absent,
     * after checking that {@code length × elementSize} bytes follow.
     */
    int vector(int table, int id, int elementSize, String name) {
        int p = field(table, id, 4, name);
        if (p < 0) {
            return -1;
        }
        int v = offsetTarget(p, name);
        if (v > limit - SIZEOF_INT) {
            throw new FlatFormatException(name, "vector length lies outside the file");
        }
        long length = Integer.toUnsignedLong(buf.getInt(v));
        if (length * elementSize > limit - v - SIZEOF_INT) {
            throw new FlatFormatException(name, "vector of " + length + " elements runs past the end of the file");
        }
        return v;
    }

    /** Returns the element count of a vector found by {@link #vector}. */
    int length(int vector) {
        return buf.getInt(vector);
    }

    /** Returns the position of table element {@code i} of a vector of tables. */
    int tableAt(int vector, int i, String name) {
        return table(offsetTarget(vector + SIZEOF_INT + i * SIZEOF_INT, name), name);
    }

    int[] intVector(int table, int id, String name) {
        int v = vector(table, id, 4, name);
        if (v < 0) {
            return new int[0];
        }
        int[] out = new int[length(v)];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getInt(v + 4 + 4 * i);
        }
        return out;
    }

    float[] floatVector(int table, int id, String name) {
        int v = vector(table, id, 4, name);
        if (v < 0) {
            return new float[0];
        }
        float[] out = new float[length(v)];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getFloat(v + 4 + 4 * i);
        }
        return out;
    }

    long[] longVector(int table, int id, String name) {
        int v = vector(table, id, 8, name);
        if (v < 0) {
            return new long[0];
        }
        long[] out = new long[length(v)];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getLong(v + 4 + 8 * i);
        }
        return out;
    }

    /** Returns a read-only view of a byte vector's contents, or null when the field is absent. */
    ByteBuffer byteVector(int table, int id, String name) {
        int v = vector(table, id, 1, name);
        if (v < 0) {
            return null;
        }
        return slice(v + 4, length(v));
    }

    /** Returns a view of {@code length} bytes at {@code offset}, checked to lie inside the buffer. */
    ByteBuffer slice(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > limit) {
            throw new FlatFormatException("", "data at offset " + offset + " of " + length + " bytes is outside the file");
        }
        ByteBuffer b = buf.duplicate();
        b.position((int) offset).limit((int) (offset + length));
        return b.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
    }

    /** Returns the string in field {@code id}, or {@code dflt} when absent; invalid UTF-8 is an error. */
    String string(int table, int id, String dflt, String name) {
        int v = vector(table, id, 1, name);
        if (v < 0) {
            return dflt;
        }
        ByteBuffer bytes = slice(v + 4, length(v));
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new FlatFormatException(name, "string is not valid UTF-8");
        }
    }
}
