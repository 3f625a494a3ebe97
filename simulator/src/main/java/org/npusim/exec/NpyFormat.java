// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.npusim.errors.InputException;
import org.npusim.graph.ElementType;
import org.npusim.graph.Shape;

/**
 * NumPy's {@code .npy} format, versions 1.0, 2.0 and 3.0, for little-endian int8, uint8, bool, int16, int32, int64
 * and float32 arrays in C order.
 *
 * <p>Layout (numpy/lib/format.py): the magic {@code \x93NUMPY}, a major and a minor version byte, the header length
 * (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), then an ASCII (3.0: UTF-8) Python dict literal with the
 * keys {@code descr}, {@code fortran_order} and {@code shape}, padded with spaces and a newline so that the data
 * starts at a multiple of 64 bytes, then the raw data.
 */
public final class NpyFormat {

    private NpyFormat() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Parses an .npy file's bytes; {@code file} names it in errors. */
    public static TensorBuffer read(byte[] bytes, String file) {
        if (bytes.length < 10 || !startsWithMagic(bytes)) {
            throw new InputException(file, "", "not a NumPy .npy file (the magic \\x93NUMPY is missing)");
        }
        int major = bytes[6] & 0xFF;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = b.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new InputException(file, "header", "truncated");
            }
            headerLength = b.getInt(8) & 0xFFFFFFFFL;
            headerStart = 12;
        } else {
            throw new InputException(file, "header", "unsupported .npy version " + major + "." + (bytes[7] & 0xFF)
                    + "; 1.0, 2.0 and 3.0 are supported");
        }
        if (headerStart + headerLength > bytes.length) {
            throw new InputException(file, "header", "header length " + headerLength + " exceeds the file");
        }
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
            throw new InputException(file, "header", "Fortran-ordered arrays are not supported; save with C order");
        }
        Shape shape = parseShape(group(SHAPE, header, file, "shape"), file);
        ElementType type = typeOf(descr, file);
        int dataStart = (int) (headerStart + headerLength);
        // A corrupt shape can claim more elements than a long counts in bits: bound it by what the file could hold
        // (no element is smaller than a bit).
        long elements = 1;
        for (int d : shape.dims()) {
            if (d != 0 && elements > 8 * (bytes.length + 1L) / d) {
                throw new InputException(file, "data", "holds " + (bytes.length - dataStart) + " bytes; shape "
                        + shape + " of " + descr + " needs more");
            }
            elements *= d;
        }
        long needed = type.bytesFor(elements);
        if (bytes.length - dataStart != needed) {
            throw new InputException(file, "data", "holds " + (bytes.length - dataStart) + " bytes; shape " + shape
                    + " of " + descr + " needs " + needed);
        }
        byte[] data = new byte[(int) needed];
        System.arraycopy(bytes, dataStart, data, 0, data.length);
        return TensorBuffer.decode(type, shape, org.npusim.graph.ConstantData.copyOf(data));
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String group(Pattern p, String header, String file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new InputException(file, "header", "no '" + key + "' entry in " + header.strip());
        }
        return m.group(1);
    }

    private static Shape parseShape(String tuple, String file) {
        List<Integer> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String s = part.strip().replace("L", "");
            if (s.isEmpty()) {
                continue;
            }
            try {
                dims.add(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw new InputException(file, "header", "shape (" + tuple + ") is not a tuple of integers");
            }
        }
        try {
            return Shape.of(dims.stream().mapToInt(Integer::intValue).toArray());
        } catch (IllegalArgumentException e) {
            throw new InputException(file, "header", "shape (" + tuple + "): " + e.getMessage());
        }
    }

    private static ElementType typeOf(String descr, String file) {
        if (descr.length() >= 2 && descr.charAt(0) == '>' && !descr.endsWith("1")) {
            throw new InputException(file, "header", "big-endian dtype " + descr + " is not supported; use little-endian");
        }
        String code = descr.length() >= 2 && "<|=".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : descr;
        switch (code) {
            case "i1":
                return ElementType.INT8;
            case "u1":
                return ElementType.UINT8;
            case "b1":
                return ElementType.BOOL;
            case "i2":
                return ElementType.INT16;
            case "i4":
                return ElementType.INT32;
            case "i8":
                return ElementType.INT64;
            case "f4":
                return ElementType.FLOAT32;
            default:
                throw new InputException(file, "header", "dtype " + descr
                        + " is not supported; int8, uint8, bool, int16, int32, int64 and float32 are");
        }
    }

    private static String descr(ElementType type) {
        switch (type) {
            case INT8:
                return "|i1";
            case UINT8:
                return "|u1";
            case BOOL:
                return "|b1";
            case INT16:
                return "<i2";
            case INT32:
                return "<i4";
            case INT64:
                return "<i8";
            case FLOAT32:
                return "<f4";
            default:
                throw new IllegalArgumentException("no .npy dtype for " + type.label());
        }
    }

    /** Returns the .npy (version 1.0) encoding of a buffer. */
    public static byte[] write(TensorBuffer values) {
        StringBuilder shape = new StringBuilder("(");
        int[] dims = values.shape().dims();
        for (int i = 0; i < dims.length; i++) {
            shape.append(dims[i]).append(dims.length == 1 ? "," : i < dims.length - 1 ? ", " : "");
        }
        shape.append(')');
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                descr(values.type()), shape);
        // Pad with spaces so that magic (6) + version (2) + length (2) + header ends at a multiple of 64.
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        byte[] data = values.toLittleEndianBytes();
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return out.array();
    }
}
