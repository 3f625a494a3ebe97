// SPDX-License-Identifier: Apache-2.0
package org.npusim.tflite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.errors.InputException;
import org.npusim.graph.Activation;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Padding;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * Reads a {@code .tflite} file into the graph IR.
 *
 * <p>Field ids follow the table definitions of TFLite's {@code schema.fbs} (fields numbered from 0 in declaration
 * order; a union takes two ids, its type then its value). Buffers stored after the flatbuffer, as models over
 * 2 GB do (Buffer.offset/size, Operator.large_custom_options_offset/size, offsets from the start of the file and
 * valid when above 1), are read from the same file.
 */
public final class TfliteReader {

    /** The file identifier of TFLite flatbuffers (schema.fbs: {@code file_identifier "TFL3"}). */
    public static final String IDENTIFIER = "TFL3";

    // Model
    private static final int MODEL_VERSION = 0;
    private static final int MODEL_OPERATOR_CODES = 1;
    private static final int MODEL_SUBGRAPHS = 2;
    private static final int MODEL_DESCRIPTION = 3;
    private static final int MODEL_BUFFERS = 4;
    // OperatorCode
    private static final int OPCODE_DEPRECATED_BUILTIN = 0;
    private static final int OPCODE_CUSTOM = 1;
    private static final int OPCODE_VERSION = 2;
    private static final int OPCODE_BUILTIN = 3;
    // SubGraph
    private static final int SUBGRAPH_TENSORS = 0;
    private static final int SUBGRAPH_INPUTS = 1;
    private static final int SUBGRAPH_OUTPUTS = 2;
    private static final int SUBGRAPH_OPERATORS = 3;
    private static final int SUBGRAPH_NAME = 4;
    // Buffer
    private static final int BUFFER_DATA = 0;
    private static final int BUFFER_OFFSET = 1;
    private static final int BUFFER_SIZE = 2;
    // Tensor
    private static final int TENSOR_SHAPE = 0;
    private static final int TENSOR_TYPE = 1;
    private static final int TENSOR_BUFFER = 2;
    private static final int TENSOR_NAME = 3;
    private static final int TENSOR_QUANTIZATION = 4;
    private static final int TENSOR_IS_VARIABLE = 5;
    // QuantizationParameters
    private static final int QUANT_SCALE = 2;
    private static final int QUANT_ZERO_POINT = 3;
    private static final int QUANT_DIMENSION = 6;
    // Operator
    private static final int OP_OPCODE_INDEX = 0;
    private static final int OP_INPUTS = 1;
    private static final int OP_OUTPUTS = 2;
    private static final int OP_BUILTIN_OPTIONS_TYPE = 3;
    private static final int OP_BUILTIN_OPTIONS = 4;
    private static final int OP_CUSTOM_OPTIONS = 5;
    private static final int OP_INTERMEDIATES = 8;
    private static final int OP_LARGE_CUSTOM_OFFSET = 9;
    private static final int OP_LARGE_CUSTOM_SIZE = 10;

    /** BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES: codes at or above it live only in builtin_code. */
    private static final int PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

    private final String fileName;
    private final FlatView view;

    private TfliteReader(String fileName, ByteBuffer bytes) {
        this.fileName = fileName;
        this.view = new FlatView(bytes);
    }

    /** Reads the model in {@code path}; its name is the file name without extension. */
    public static Model read(Path path) {
        String file = path.toString();
        ByteBuffer bytes;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new InputException(file, "", "file is " + size + " bytes; files over 2 GiB are not supported");
            }
            bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining() && ch.read(bytes) >= 0) {
                // read until full
            }
            bytes.flip();
        } catch (NoSuchFileException e) {
            throw new InputException(file, "", "no such file");
        } catch (IOException e) {
            throw new InputException(file, "", "cannot read: " + e.getMessage(), e);
        }
        return read(bytes, file, baseName(path));
    }

    /** Reads a model from {@code bytes}; {@code file} names it in errors and {@code name} in reports. */
    public static Model read(ByteBuffer bytes, String file, String name) {
        TfliteReader r = new TfliteReader(file, bytes);
        try {
            return r.readModel(name);
        } catch (FlatFormatException e) {
            throw new InputException(file, e.path(), e.problem(), e);
        }
    }

    private static String baseName(Path path) {
        String n = path.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private Model readModel(String name) {
        int model = view.root(IDENTIFIER);
        long version = view.uint32(model, MODEL_VERSION, 0, "version");
        String description = view.string(model, MODEL_DESCRIPTION, "", "description");

        List<OperatorCode> codes = readOperatorCodes(model);
        List<ConstantData> buffers = readBuffers(model);

        int subgraphs = view.vector(model, MODEL_SUBGRAPHS, 4, "subgraphs");
        if (subgraphs < 0 || view.length(subgraphs) == 0) {
            throw new FlatFormatException("subgraphs", "the model has no subgraph");
        }
        List<Subgraph> graphs = new ArrayList<>();
        for (int i = 0; i < view.length(subgraphs); i++) {
            try {
                graphs.add(readSubgraph(view.tableAt(subgraphs, i, ""), codes, buffers));
            } catch (FlatFormatException e) {
                throw e.within("subgraphs[" + i + "]");
            }
        }
        return new Model(name, description, (int) Math.min(version, Integer.MAX_VALUE), graphs);
    }

    private List<OperatorCode> readOperatorCodes(int model) {
        int v = view.vector(model, MODEL_OPERATOR_CODES, 4, "operator_codes");
        List<OperatorCode> codes = new ArrayList<>();
        if (v < 0) {
            return codes;
        }
        for (int i = 0; i < view.length(v); i++) {
            String place = "operator_codes[" + i + "]";
            int t = view.tableAt(v, i, place);
            // schema.fbs: builtin_code supersedes deprecated_builtin_code; old files only set the byte, so the
            // larger of the two is the code (both are at most PLACEHOLDER for codes below it).
            int deprecated = view.int8(t, OPCODE_DEPRECATED_BUILTIN, (byte) 0, place);
            int builtin = view.int32(t, OPCODE_BUILTIN, 0, place);
            int code = Math.max(deprecated, builtin);
            if (code < 0 || (deprecated < 0)) {
                throw new FlatFormatException(place, "builtin operator code " + Math.min(deprecated, builtin) + " is negative");
            }
            if (builtin == 0 && deprecated == PLACEHOLDER_FOR_GREATER_OP_CODES) {
                throw new FlatFormatException(place, "operator code placeholder without an extended builtin_code");
            }
            String custom = view.string(t, OPCODE_CUSTOM, null, place + ".custom_code");
            int version = view.int32(t, OPCODE_VERSION, 1, place);
            codes.add(new OperatorCode(code, Optional.ofNullable(custom), version));
        }
        return codes;
    }

    private List<ConstantData> readBuffers(int model) {
        int v = view.vector(model, MODEL_BUFFERS, 4, "buffers");
        List<ConstantData> buffers = new ArrayList<>();
        if (v < 0) {
            return buffers;
        }
        for (int i = 0; i < view.length(v); i++) {
            String place = "buffers[" + i + "]";
            try {
                int t = view.tableAt(v, i, "");
                ByteBuffer data = view.byteVector(t, BUFFER_DATA, "data");
                long offset = view.int64(t, BUFFER_OFFSET, 0, "offset");
                long size = view.int64(t, BUFFER_SIZE, 0, "size");
                if (offset > 1) {
                    if (size < 0 || offset < 0) {
                        throw new FlatFormatException("", "external buffer offset " + offset + " or size " + size + " is negative");
                    }
                    data = view.slice(offset, size);
                }
                buffers.add(data == null || !data.hasRemaining() ? null : ConstantData.copyOf(data));
            } catch (FlatFormatException e) {
                throw e.within(place);
            }
        }
        return buffers;
    }

    private Subgraph readSubgraph(int sg, List<OperatorCode> codes, List<ConstantData> buffers) {
        String name = view.string(sg, SUBGRAPH_NAME, "", "name");
        int tv = view.vector(sg, SUBGRAPH_TENSORS, 4, "tensors");
        List<Tensor> tensors = new ArrayList<>();
        if (tv >= 0) {
            for (int i = 0; i < view.length(tv); i++) {
                try {
                    tensors.add(readTensor(i, view.tableAt(tv, i, ""), buffers));
                } catch (FlatFormatException e) {
                    throw e.within("tensors[" + i + "]");
                }
            }
        }
        int[] inputs = view.intVector(sg, SUBGRAPH_INPUTS, "inputs");
        int[] outputs = view.intVector(sg, SUBGRAPH_OUTPUTS, "outputs");
        checkTensorRefs(inputs, tensors.size(), "inputs", false);
        checkTensorRefs(outputs, tensors.size(), "outputs", false);

        int ov = view.vector(sg, SUBGRAPH_OPERATORS, 4, "operators");
        List<Operator> ops = new ArrayList<>();
        if (ov >= 0) {
            for (int i = 0; i < view.length(ov); i++) {
                try {
                    ops.add(readOperator(i, view.tableAt(ov, i, ""), codes, tensors.size()));
                } catch (FlatFormatException e) {
                    throw e.within("operators[" + i + "]");
                }
            }
        }
        try {
            return Subgraph.of(name, tensors, ops, inputs, outputs);
        } catch (IllegalArgumentException e) {
            throw new FlatFormatException("", e.getMessage());
        }
    }

    private static void checkTensorRefs(int[] refs, int count, String field, boolean allowOmitted) {
        for (int i = 0; i < refs.length; i++) {
            int r = refs[i];
            if ((r < 0 && !(allowOmitted && r == Operator.OMITTED)) || r >= count) {
                throw new FlatFormatException(field + "[" + i + "]", "tensor index " + r + " is out of range (0.." + (count - 1) + ")");
            }
        }
    }

    private Tensor readTensor(int index, int t, List<ConstantData> buffers) {
        int[] dims = view.intVector(t, TENSOR_SHAPE, "shape");
        Shape shape;
        try {
            shape = new Shape(dims);
        } catch (IllegalArgumentException e) {
            throw new FlatFormatException("shape", e.getMessage());
        }
        int typeCode = view.int8(t, TENSOR_TYPE, (byte) 0, "type");
        ElementType type = ElementType.fromTfliteCode(typeCode)
                .orElseThrow(() -> new FlatFormatException("type", "unknown tensor type code " + typeCode));
        long bufferIndex = view.uint32(t, TENSOR_BUFFER, 0, "buffer");
        if (bufferIndex >= Math.max(1, buffers.size()) && bufferIndex != 0) {
            throw new FlatFormatException("buffer", "buffer index " + bufferIndex + " is out of range (" + buffers.size() + " buffers)");
        }
        String name = view.string(t, TENSOR_NAME, "", "name");
        Optional<Quantization> quant = readQuantization(t);
        boolean variable = view.bool(t, TENSOR_IS_VARIABLE, false, "is_variable");
        ConstantData data = bufferIndex < buffers.size() ? buffers.get((int) bufferIndex) : null;
        if (data != null && type.sizeBits() >= 8 && type != ElementType.STRING && type != ElementType.RESOURCE
                && type != ElementType.VARIANT) {
            long expected;
            try {
                expected = type.bytesFor(shape.elementCount());
            } catch (ArithmeticException e) {
                throw new FlatFormatException("shape", "tensor byte size overflows");
            }
            if (data.sizeBytes() != expected) {
                throw new FlatFormatException("buffer", "buffer " + bufferIndex + " holds " + data.sizeBytes()
                        + " bytes but a " + type.label() + " tensor of shape " + shape + " needs " + expected);
            }
        }
        if (quant.isPresent()) {
            checkQuantization(quant.get(), type, data != null);
        }
        return new Tensor(index, name, type, shape, quant, Optional.ofNullable(data), variable);
    }

    /**
     * Refuses quantization parameters no TFLite kernel can use: a scale that is not finite or is negative (or zero
     * on an activation: a constant's channel of zeros may have a zero scale), a zero point outside the values of
     * the tensor's type. (The quantized dimension is not checked: converted models carry per-channel biases
     * whose dimension is the filter's, such as person_detect's, and TFLite reads them.)
     */
    private static void checkQuantization(Quantization q, ElementType type, boolean constant) {
        float[] scales = q.scales();
        for (int i = 0; i < scales.length; i++) {
            float s = scales[i];
            if (!Float.isFinite(s) || s < 0 || (s == 0 && !constant)) {
                throw new FlatFormatException("quantization.scale[" + i + "]", "scale " + s + " is not a positive finite number");
            }
        }
        long low = type.quantizedMin();
        long high = type.quantizedMax();
        long[] zeroPoints = q.zeroPoints();
        for (int i = 0; i < zeroPoints.length; i++) {
            if (zeroPoints[i] < low || zeroPoints[i] > high) {
                throw new FlatFormatException("quantization.zero_point[" + i + "]", "zero point " + zeroPoints[i]
                        + " is outside the values of a " + type.label() + " tensor (" + low + ".." + high + ")");
            }
        }
    }

    private Optional<Quantization> readQuantization(int t) {
        int q = view.subTable(t, TENSOR_QUANTIZATION, "quantization");
        if (q < 0) {
            return Optional.empty();
        }
        float[] scales = view.floatVector(q, QUANT_SCALE, "quantization.scale");
        long[] zeroPoints = view.longVector(q, QUANT_ZERO_POINT, "quantization.zero_point");
        int dim = view.int32(q, QUANT_DIMENSION, 0, "quantization.quantized_dimension");
        if (scales.length == 0 && zeroPoints.length == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Quantization(scales, zeroPoints, dim));
        } catch (IllegalArgumentException e) {
            throw new FlatFormatException("quantization", e.getMessage());
        }
    }

    private Operator readOperator(int index, int t, List<OperatorCode> codes, int tensorCount) {
        long opcodeIndex = view.uint32(t, OP_OPCODE_INDEX, 0, "opcode_index");
        if (opcodeIndex >= codes.size()) {
            throw new FlatFormatException("opcode_index", "operator code " + opcodeIndex + " is out of range (" + codes.size() + " codes)");
        }
        OperatorCode code = codes.get((int) opcodeIndex);
        int[] inputs = view.intVector(t, OP_INPUTS, "inputs");
        int[] outputs = view.intVector(t, OP_OUTPUTS, "outputs");
        int[] intermediates = view.intVector(t, OP_INTERMEDIATES, "intermediates");
        checkTensorRefs(inputs, tensorCount, "inputs", true);
        checkTensorRefs(outputs, tensorCount, "outputs", false);
        checkTensorRefs(intermediates, tensorCount, "intermediates", false);
        OpOptions options;
        try {
            options = readOptions(t, code);
        } catch (IllegalArgumentException e) {
            throw new FlatFormatException("builtin_options", e.getMessage() + " in " + code.name());
        }
        return new Operator(index, code, inputs, outputs, intermediates, options);
    }

    private OpOptions readOptions(int t, OperatorCode code) {
        if (code.is(BuiltinOperator.CUSTOM)) {
            ByteBuffer payload = view.byteVector(t, OP_CUSTOM_OPTIONS, "custom_options");
            long largeOffset = view.int64(t, OP_LARGE_CUSTOM_OFFSET, 0, "large_custom_options_offset");
            long largeSize = view.int64(t, OP_LARGE_CUSTOM_SIZE, 0, "large_custom_options_size");
            if (largeOffset > 1) {
                payload = view.slice(largeOffset, largeSize);
            }
            return new OpOptions.CustomOptions(
                    payload == null ? ConstantData.copyOf(new byte[0]) : ConstantData.copyOf(payload));
        }
        int unionType = Byte.toUnsignedInt(view.int8(t, OP_BUILTIN_OPTIONS_TYPE, (byte) 0, "builtin_options_type"));
        int o = view.subTable(t, OP_BUILTIN_OPTIONS, "builtin_options");
        Optional<BuiltinOperator> builtin = code.builtin();
        if (builtin.isEmpty()) {
            return new OpOptions.OpaqueOptions(unionType);
        }
        BuiltinOperator op = builtin.get();
        OptionsTable expected = OptionsTable.forOperator(op);
        if (expected == OptionsTable.NONE) {
            return unionType == 0 ? new OpOptions.NoOptions() : new OpOptions.OpaqueOptions(unionType);
        }
        if (o >= 0 && unionType != expected.unionType()) {
            throw new FlatFormatException("builtin_options_type",
                    "options type " + unionType + " does not match " + op + " (expected " + expected.unionType() + ")");
        }
        // An absent options table means every field takes its schema default, as the FlatBuffers rules say.
        return expected.decode(new OptionFields(view, o));
    }

    /** Field access on an options table that may be absent (position -1), giving schema defaults then. */
    record OptionFields(FlatView view, int table) {
        int int32(int id, int dflt) {
            return table < 0 ? dflt : view.int32(table, id, dflt, "builtin_options");
        }

        boolean bool(int id, boolean dflt) {
            return table < 0 ? dflt : view.bool(table, id, dflt, "builtin_options");
        }

        float float32(int id, float dflt) {
            return table < 0 ? dflt : view.float32(table, id, dflt, "builtin_options");
        }

        int int8(int id) {
            return table < 0 ? 0 : view.int8(table, id, (byte) 0, "builtin_options");
        }

        int[] ints(int id) {
            return table < 0 ? new int[0] : view.intVector(table, id, "builtin_options");
        }

        Padding padding(int id) {
            return Padding.fromCode(int8(id));
        }

        Activation activation(int id) {
            return Activation.fromCode(int8(id));
        }
    }

    /** Returns the file this reader reads, for messages. */
    String fileName() {
        return fileName;
    }
}
