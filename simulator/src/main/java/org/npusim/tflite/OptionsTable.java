// SPDX-License-Identifier: Apache-2.0
package org.npusim.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.OpOptions;

/**
 * The builtin options tables the project decodes: for each, its position in schema.fbs's {@code BuiltinOptions}
 * union (the union type code, counted from 1 in declaration order), how to read its fields into an
 * {@link OpOptions} record, and how to write the record back. Field ids are the tables' declaration order.
 * Tables whose fields change nothing npusim models (ExpOptions, MaximumMinimumOptions, ArgMaxOptions' output type,
 * SliceOptions, ExpandDimsOptions, ShapeOptions' output type, SquaredDifferenceOptions, AbsOptions, GeluOptions'
 * approximation) are read as {@link OpOptions.NoOptions}, present or not, and written empty.
 */
enum OptionsTable {
    NONE(0),
    CONV_2D(1),
    DEPTHWISE_CONV_2D(2),
    POOL_2D(5),
    SVDF(6),
    FULLY_CONNECTED(8),
    SOFTMAX(9),
    CONCATENATION(10),
    ADD(11),
    RESIZE_BILINEAR(15),
    RESHAPE(17),
    MUL(21),
    PAD(22),
    TRANSPOSE(26),
    REDUCER(27),
    SUB(28),
    DIV(29),
    SQUEEZE(30),
    STRIDED_SLICE(32),
    EXP(33),
    SPLIT(35),
    DEQUANTIZE(38),
    MAXIMUM_MINIMUM(39),
    ARG_MAX(40),
    PADV2(43),
    SLICE(48),
    TRANSPOSE_CONV(49),
    EXPAND_DIMS(52),
    SHAPE(55),
    PACK(59),
    UNPACK(64),
    SEQUENCE_LSTM(71),
    RESIZE_NEAREST_NEIGHBOR(74),
    LEAKY_RELU(75),
    SQUARED_DIFFERENCE(76),
    ABS(78),
    SPLIT_V(79),
    QUANTIZE(89),
    HARD_SWISH(91),
    GELU(116);

    private final int unionType;

    OptionsTable(int unionType) {
        this.unionType = unionType;
    }

    /** Returns the table's code in the BuiltinOptions union (0: no table). */
    int unionType() {
        return unionType;
    }

    /** Returns the options table that {@code op} uses, or NONE for operators the project does not decode. */
    static OptionsTable forOperator(BuiltinOperator op) {
        return switch (op) {
            case CONV_2D -> CONV_2D;
            case DEPTHWISE_CONV_2D -> DEPTHWISE_CONV_2D;
            case AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D -> POOL_2D;
            case SVDF -> SVDF;
            case FULLY_CONNECTED -> FULLY_CONNECTED;
            case SOFTMAX -> SOFTMAX;
            case CONCATENATION -> CONCATENATION;
            case ADD -> ADD;
            case RESIZE_BILINEAR -> RESIZE_BILINEAR;
            case RESHAPE -> RESHAPE;
            case MUL -> MUL;
            case PAD -> PAD;
            case TRANSPOSE -> TRANSPOSE;
            case MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_ANY -> REDUCER;
            case SUB -> SUB;
            case DIV -> DIV;
            case SQUEEZE -> SQUEEZE;
            case STRIDED_SLICE -> STRIDED_SLICE;
            case SPLIT -> SPLIT;
            case PACK -> PACK;
            case UNPACK -> UNPACK;
            case EXP -> EXP;
            case MAXIMUM, MINIMUM -> MAXIMUM_MINIMUM;
            case ARG_MAX -> ARG_MAX;
            case SLICE -> SLICE;
            case EXPAND_DIMS -> EXPAND_DIMS;
            case SHAPE -> SHAPE;
            case SQUARED_DIFFERENCE -> SQUARED_DIFFERENCE;
            case ABS -> ABS;
            case GELU -> GELU;
            case DEQUANTIZE -> DEQUANTIZE;
            case PADV2 -> PADV2;
            case TRANSPOSE_CONV -> TRANSPOSE_CONV;
            case UNIDIRECTIONAL_SEQUENCE_LSTM -> SEQUENCE_LSTM;
            case RESIZE_NEAREST_NEIGHBOR -> RESIZE_NEAREST_NEIGHBOR;
            case LEAKY_RELU -> LEAKY_RELU;
            case SPLIT_V -> SPLIT_V;
            case QUANTIZE -> QUANTIZE;
            case HARD_SWISH -> HARD_SWISH;
            default -> NONE;
        };
    }

    /** Decodes the fields of this table (schema defaults where a field or the whole table is absent). */
    OpOptions decode(TfliteReader.OptionFields f) {
        return switch (this) {
            case NONE, PAD, PADV2, TRANSPOSE, DEQUANTIZE, QUANTIZE, HARD_SWISH, EXP, MAXIMUM_MINIMUM, ARG_MAX, SLICE, EXPAND_DIMS,
                    SHAPE, SQUARED_DIFFERENCE, ABS, GELU -> new OpOptions.NoOptions();
            case CONV_2D -> new OpOptions.Conv2D(
                    f.padding(0), f.int32(1, 0), f.int32(2, 0), f.int32(4, 1), f.int32(5, 1), f.activation(3));
            case DEPTHWISE_CONV_2D -> new OpOptions.DepthwiseConv2D(
                    f.padding(0), f.int32(1, 0), f.int32(2, 0), f.int32(3, 0), f.int32(5, 1), f.int32(6, 1),
                    f.activation(4));
            case POOL_2D -> new OpOptions.Pool2D(
                    f.padding(0), f.int32(1, 0), f.int32(2, 0), f.int32(3, 0), f.int32(4, 0), f.activation(5));
            case SVDF -> new OpOptions.Svdf(f.int32(0, 0), f.activation(1), f.bool(2, false));
            case FULLY_CONNECTED -> new OpOptions.FullyConnected(f.activation(0), f.int8(1), f.bool(2, false), f.bool(3, false));
            case SOFTMAX -> new OpOptions.Softmax(f.float32(0, 0f));
            case CONCATENATION -> new OpOptions.Concatenation(f.int32(0, 0), f.activation(1));
            case ADD, SUB -> new OpOptions.Arithmetic(f.activation(0), f.bool(1, true));
            case MUL, DIV -> new OpOptions.Arithmetic(f.activation(0), true);
            case RESIZE_BILINEAR -> new OpOptions.Resize(f.bool(2, false), f.bool(3, false));
            case RESIZE_NEAREST_NEIGHBOR -> new OpOptions.Resize(f.bool(0, false), f.bool(1, false));
            case RESHAPE -> new OpOptions.Reshape(f.ints(0));
            case REDUCER -> new OpOptions.Reducer(f.bool(0, false));
            case SQUEEZE -> new OpOptions.Squeeze(f.ints(0));
            case STRIDED_SLICE -> new OpOptions.StridedSlice(
                    f.int32(0, 0), f.int32(1, 0), f.int32(2, 0), f.int32(3, 0), f.int32(4, 0), f.bool(5, false));
            case SPLIT, SPLIT_V -> new OpOptions.Split(f.int32(0, 0));
            case PACK, UNPACK -> new OpOptions.Pack(f.int32(0, 0), f.int32(1, 0));
            case TRANSPOSE_CONV -> new OpOptions.TransposeConv(f.padding(0), f.int32(1, 0), f.int32(2, 0), f.activation(3));
            case SEQUENCE_LSTM -> new OpOptions.SequenceLstm(
                    f.activation(0), f.float32(1, 0f), f.float32(2, 0f), f.bool(3, false), f.bool(4, false), f.bool(5, false));
            case LEAKY_RELU -> new OpOptions.LeakyRelu(f.float32(0, 0f));
        };
    }

    /**
     * Writes {@code options} as this table and returns its offset, or 0 when the operator is written without an
     * options table (then the union type must be written as 0 too, see {@link #writesTable}).
     */
    int encode(FlatBufferBuilder b, OpOptions options) {
        switch (this) {
            case NONE, PAD, PADV2, TRANSPOSE, DEQUANTIZE, QUANTIZE, HARD_SWISH:
                return 0;
            case EXP, MAXIMUM_MINIMUM, ARG_MAX, SLICE, EXPAND_DIMS, SHAPE, SQUARED_DIFFERENCE, ABS, GELU:
                // Written as TensorFlow's converter writes them: an empty table, every field at its default.
                b.startTable(0);
                return b.endTable();
            case CONV_2D: {
                OpOptions.Conv2D o = (OpOptions.Conv2D) options;
                b.startTable(7);
                b.addByte(0, (byte) o.padding().ordinal(), 0);
                b.addInt(1, o.strideW(), 0);
                b.addInt(2, o.strideH(), 0);
                b.addByte(3, (byte) o.activation().ordinal(), 0);
                b.addInt(4, o.dilationW(), 1);
                b.addInt(5, o.dilationH(), 1);
                return b.endTable();
            }
            case DEPTHWISE_CONV_2D: {
                OpOptions.DepthwiseConv2D o = (OpOptions.DepthwiseConv2D) options;
                b.startTable(7);
                b.addByte(0, (byte) o.padding().ordinal(), 0);
                b.addInt(1, o.strideW(), 0);
                b.addInt(2, o.strideH(), 0);
                b.addInt(3, o.depthMultiplier(), 0);
                b.addByte(4, (byte) o.activation().ordinal(), 0);
                b.addInt(5, o.dilationW(), 1);
                b.addInt(6, o.dilationH(), 1);
                return b.endTable();
            }
            case POOL_2D: {
                OpOptions.Pool2D o = (OpOptions.Pool2D) options;
                b.startTable(6);
                b.addByte(0, (byte) o.padding().ordinal(), 0);
                b.addInt(1, o.strideW(), 0);
                b.addInt(2, o.strideH(), 0);
                b.addInt(3, o.filterW(), 0);
                b.addInt(4, o.filterH(), 0);
                b.addByte(5, (byte) o.activation().ordinal(), 0);
                return b.endTable();
            }
            case SVDF: {
                OpOptions.Svdf o = (OpOptions.Svdf) options;
                b.startTable(3);
                b.addInt(0, o.rank(), 0);
                b.addByte(1, (byte) o.activation().ordinal(), 0);
                b.addBoolean(2, o.asymmetricQuantizeInputs(), false);
                return b.endTable();
            }
            case FULLY_CONNECTED: {
                OpOptions.FullyConnected o = (OpOptions.FullyConnected) options;
                b.startTable(5);
                b.addByte(0, (byte) o.activation().ordinal(), 0);
                b.addByte(1, (byte) o.weightsFormat(), 0);
                b.addBoolean(2, o.keepNumDims(), false);
                b.addBoolean(3, o.asymmetricQuantizeInputs(), false);
                return b.endTable();
            }
            case SOFTMAX: {
                b.startTable(1);
                b.addFloat(0, ((OpOptions.Softmax) options).beta(), 0);
                return b.endTable();
            }
            case CONCATENATION: {
                OpOptions.Concatenation o = (OpOptions.Concatenation) options;
                b.startTable(2);
                b.addInt(0, o.axis(), 0);
                b.addByte(1, (byte) o.activation().ordinal(), 0);
                return b.endTable();
            }
            case ADD, SUB: {
                OpOptions.Arithmetic o = (OpOptions.Arithmetic) options;
                b.startTable(2);
                b.addByte(0, (byte) o.activation().ordinal(), 0);
                b.addBoolean(1, o.potScaleInt16(), true);
                return b.endTable();
            }
            case MUL, DIV: {
                b.startTable(1);
                b.addByte(0, (byte) ((OpOptions.Arithmetic) options).activation().ordinal(), 0);
                return b.endTable();
            }
            case RESIZE_BILINEAR: {
                OpOptions.Resize o = (OpOptions.Resize) options;
                b.startTable(4);
                b.addBoolean(2, o.alignCorners(), false);
                b.addBoolean(3, o.halfPixelCenters(), false);
                return b.endTable();
            }
            case RESIZE_NEAREST_NEIGHBOR: {
                OpOptions.Resize o = (OpOptions.Resize) options;
                b.startTable(2);
                b.addBoolean(0, o.alignCorners(), false);
                b.addBoolean(1, o.halfPixelCenters(), false);
                return b.endTable();
            }
            case RESHAPE: {
                int[] shape = ((OpOptions.Reshape) options).newShape();
                int v = shape.length == 0 ? 0 : intVector(b, shape);
                b.startTable(1);
                if (v != 0) {
                    b.addOffset(0, v, 0);
                }
                return b.endTable();
            }
            case REDUCER: {
                b.startTable(1);
                b.addBoolean(0, ((OpOptions.Reducer) options).keepDims(), false);
                return b.endTable();
            }
            case SQUEEZE: {
                int[] dims = ((OpOptions.Squeeze) options).squeezeDims();
                int v = dims.length == 0 ? 0 : intVector(b, dims);
                b.startTable(1);
                if (v != 0) {
                    b.addOffset(0, v, 0);
                }
                return b.endTable();
            }
            case STRIDED_SLICE: {
                OpOptions.StridedSlice o = (OpOptions.StridedSlice) options;
                b.startTable(6);
                b.addInt(0, o.beginMask(), 0);
                b.addInt(1, o.endMask(), 0);
                b.addInt(2, o.ellipsisMask(), 0);
                b.addInt(3, o.newAxisMask(), 0);
                b.addInt(4, o.shrinkAxisMask(), 0);
                b.addBoolean(5, o.offset(), false);
                return b.endTable();
            }
            case SPLIT, SPLIT_V: {
                b.startTable(1);
                b.addInt(0, ((OpOptions.Split) options).numSplits(), 0);
                return b.endTable();
            }
            case PACK, UNPACK: {
                OpOptions.Pack o = (OpOptions.Pack) options;
                b.startTable(2);
                b.addInt(0, o.count(), 0);
                b.addInt(1, o.axis(), 0);
                return b.endTable();
            }
            case TRANSPOSE_CONV: {
                OpOptions.TransposeConv o = (OpOptions.TransposeConv) options;
                b.startTable(4);
                b.addByte(0, (byte) o.padding().ordinal(), 0);
                b.addInt(1, o.strideW(), 0);
                b.addInt(2, o.strideH(), 0);
                b.addByte(3, (byte) o.activation().ordinal(), 0);
                return b.endTable();
            }
            case SEQUENCE_LSTM: {
                OpOptions.SequenceLstm o = (OpOptions.SequenceLstm) options;
                b.startTable(6);
                b.addByte(0, (byte) o.activation().ordinal(), 0);
                b.addFloat(1, o.cellClip(), 0);
                b.addFloat(2, o.projClip(), 0);
                b.addBoolean(3, o.timeMajor(), false);
                b.addBoolean(4, o.asymmetricQuantizeInputs(), false);
                b.addBoolean(5, o.diagonalRecurrentTensors(), false);
                return b.endTable();
            }
            case LEAKY_RELU: {
                b.startTable(1);
                b.addFloat(0, ((OpOptions.LeakyRelu) options).alpha(), 0);
                return b.endTable();
            }
            default:
                throw new IllegalStateException("no encoder for " + this);
        }
    }

    /** Returns whether operators using this table are written with an options table. */
    boolean writesTable() {
        return switch (this) {
            case NONE, PAD, PADV2, TRANSPOSE, DEQUANTIZE, QUANTIZE, HARD_SWISH -> false;
            default -> true;
        };
    }

    private static int intVector(FlatBufferBuilder b, int[] values) {
        b.startVector(4, values.length, 4);
        for (int i = values.length - 1; i >= 0; i--) {
            b.addInt(values[i]);
        }
        return b.endVector();
    }
}
