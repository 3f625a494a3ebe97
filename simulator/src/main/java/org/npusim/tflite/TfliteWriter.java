// SPDX-License-Identifier: Apache-2.0
package org.npusim.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.npusim.errors.InputException;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.Model;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Quantization;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * Writes a model as a TFLite flatbuffer (schema version 3) that {@link TfliteReader} and TFLite itself read.
 *
 * <p>Buffer 0 is the empty sentinel the schema requires; each constant tensor gets its own buffer, aligned to 16
 * bytes as {@code Buffer.data (force_align: 16)} asks. Operator codes are listed in order of first use.
 */
public final class TfliteWriter {

    private static final int SCHEMA_VERSION = 3;

    private TfliteWriter() {}

    /** Returns the flatbuffer bytes of {@code model}. */
    public static byte[] write(Model model) {
        FlatBufferBuilder b = new FlatBufferBuilder(1 << 16);
        Map<OperatorCode, Integer> codeIndex = new LinkedHashMap<>();
        List<ConstantData> buffers = new ArrayList<>();
        buffers.add(null);

        int[] subgraphOffsets = new int[model.subgraphs().size()];
        for (int s = 0; s < subgraphOffsets.length; s++) {
            subgraphOffsets[s] = writeSubgraph(b, model.subgraphs().get(s), codeIndex, buffers);
        }

        int[] bufferOffsets = new int[buffers.size()];
        for (int i = 0; i < buffers.size(); i++) {
            ConstantData data = buffers.get(i);
            int dataOffset = 0;
            if (data != null) {
                ByteBuffer bytes = data.buffer();
                b.startVector(1, bytes.remaining(), 16);
                for (int k = bytes.remaining() - 1; k >= 0; k--) {
                    b.addByte(bytes.get(k));
                }
                dataOffset = b.endVector();
            }
            b.startTable(3);
            if (dataOffset != 0) {
                b.addOffset(0, dataOffset, 0);
            }
            bufferOffsets[i] = b.endTable();
        }

        int[] codeOffsets = new int[codeIndex.size()];
        int k = 0;
        for (OperatorCode code : codeIndex.keySet()) {
            int custom = code.customCode().map(b::createString).orElse(0);
            b.startTable(4);
            // schema.fbs: the byte field carries codes below PLACEHOLDER_FOR_GREATER_OP_CODES (127), the int field
            // every code.
            b.addByte(0, (byte) Math.min(code.builtinCode(), BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES.code()), 0);
            if (custom != 0) {
                b.addOffset(1, custom, 0);
            }
            b.addInt(2, code.version(), 1);
            b.addInt(3, code.builtinCode(), 0);
            codeOffsets[k++] = b.endTable();
        }

        int codesVector = offsetVector(b, codeOffsets);
        int subgraphsVector = offsetVector(b, subgraphOffsets);
        int description = b.createString(model.description());
        int buffersVector = offsetVector(b, bufferOffsets);
        b.startTable(8);
        b.addInt(0, SCHEMA_VERSION, 0);
        b.addOffset(1, codesVector, 0);
        b.addOffset(2, subgraphsVector, 0);
        b.addOffset(3, description, 0);
        b.addOffset(4, buffersVector, 0);
        int root = b.endTable();
        b.finish(root, TfliteReader.IDENTIFIER);
        return b.sizedByteArray();
    }

    private static int writeSubgraph(
            FlatBufferBuilder b, Subgraph g, Map<OperatorCode, Integer> codeIndex, List<ConstantData> buffers) {
        int[] tensorOffsets = new int[g.tensors().size()];
        for (Tensor t : g.tensors()) {
            int bufferIndex = 0;
            if (t.data().isPresent()) {
                bufferIndex = buffers.size();
                buffers.add(t.data().get());
            }
            tensorOffsets[t.index()] = writeTensor(b, t, bufferIndex);
        }
        int[] opOffsets = new int[g.operators().size()];
        for (Operator op : g.operators()) {
            Integer idx = codeIndex.get(op.code());
            if (idx == null) {
                idx = codeIndex.size();
                codeIndex.put(op.code(), idx);
            }
            opOffsets[op.index()] = writeOperator(b, op, idx);
        }
        int tensorsVector = offsetVector(b, tensorOffsets);
        int inputs = intVector(b, g.inputs());
        int outputs = intVector(b, g.outputs());
        int opsVector = offsetVector(b, opOffsets);
        int name = b.createString(g.name());
        b.startTable(5);
        b.addOffset(0, tensorsVector, 0);
        b.addOffset(1, inputs, 0);
        b.addOffset(2, outputs, 0);
        b.addOffset(3, opsVector, 0);
        b.addOffset(4, name, 0);
        return b.endTable();
    }

    private static int writeTensor(FlatBufferBuilder b, Tensor t, int bufferIndex) {
        int shape = intVector(b, t.shape().dims());
        int name = b.createString(t.name());
        int quant = 0;
        if (t.quantization().isPresent()) {
            Quantization q = t.quantization().get();
            float[] scales = q.scales();
            b.startVector(4, scales.length, 4);
            for (int i = scales.length - 1; i >= 0; i--) {
                b.addFloat(scales[i]);
            }
            int scaleVector = b.endVector();
            long[] zps = q.zeroPoints();
            b.startVector(8, zps.length, 8);
            for (int i = zps.length - 1; i >= 0; i--) {
                b.addLong(zps[i]);
            }
            int zpVector = b.endVector();
            b.startTable(7);
            b.addOffset(2, scaleVector, 0);
            b.addOffset(3, zpVector, 0);
            b.addInt(6, q.quantizedDimension(), 0);
            quant = b.endTable();
        }
        b.startTable(6);
        b.addOffset(0, shape, 0);
        b.addByte(1, (byte) t.type().tfliteCode(), 0);
        b.addInt(2, bufferIndex, 0);
        b.addOffset(3, name, 0);
        if (quant != 0) {
            b.addOffset(4, quant, 0);
        }
        b.addBoolean(5, t.variable(), false);
        return b.endTable();
    }

    private static int writeOperator(FlatBufferBuilder b, Operator op, int codeIndex) {
        int inputs = intVector(b, op.inputs());
        int outputs = intVector(b, op.outputs());
        int intermediates = op.intermediates().length == 0 ? 0 : intVector(b, op.intermediates());
        int optionsType = 0;
        int options = 0;
        int custom = 0;
        OpOptions o = op.options();
        if (o.kind() == OpKind.CUSTOM) {
            ByteBuffer payload = ((OpOptions.CustomOptions) o).payload().buffer();
            if (payload.hasRemaining()) {
                b.startVector(1, payload.remaining(), 1);
                for (int k = payload.remaining() - 1; k >= 0; k--) {
                    b.addByte(payload.get(k));
                }
                custom = b.endVector();
            }
        } else if (o.kind() == OpKind.OPAQUE) {
            throw new InputException("", "operator " + op.index() + " (" + op.opName() + ")",
                    "cannot be exported: its builtin options are not decoded by npusim");
        } else {
            OptionsTable table = op.code().builtin().map(OptionsTable::forOperator).orElse(OptionsTable.NONE);
            if (table.writesTable()) {
                options = table.encode(b, o);
                optionsType = table.unionType();
            }
        }
        b.startTable(9);
        b.addInt(0, codeIndex, 0);
        b.addOffset(1, inputs, 0);
        b.addOffset(2, outputs, 0);
        if (options != 0) {
            b.addByte(3, (byte) optionsType, 0);
            b.addOffset(4, options, 0);
        }
        if (custom != 0) {
            b.addOffset(5, custom, 0);
        }
        if (intermediates != 0) {
            b.addOffset(8, intermediates, 0);
        }
        return b.endTable();
    }

    private static int intVector(FlatBufferBuilder b, int[] values) {
        b.startVector(4, values.length, 4);
        for (int i = values.length - 1; i >= 0; i--) {
            b.addInt(values[i]);
        }
        return b.endVector();
    }

    private static int offsetVector(FlatBufferBuilder b, int[] offsets) {
        b.startVector(4, offsets.length, 4);
        for (int i = offsets.length - 1; i >= 0; i--) {
            b.addOffset(offsets[i]);
        }
        return b.endVector();
    }
}
