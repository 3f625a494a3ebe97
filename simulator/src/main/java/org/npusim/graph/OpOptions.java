// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.Arrays;

/**
 * The decoded builtin options of an operator: a closed family with one record per TFLite options table that the
 * project decodes. Operators without options carry {@link NoOptions}; custom operators carry their payload in
 * {@link CustomOptions}; builtins whose options are not decoded keep the union type in {@link OpaqueOptions}.
 *
 * <p>Contract: {@link #kind()} is distinct for every permitted record.
 */
public sealed interface OpOptions {

    /** Returns the constant naming this record type. */
    OpKind kind();

    /** CONV_2D: Conv2DOptions. */
    record Conv2D(Padding padding, int strideW, int strideH, int dilationW, int dilationH, Activation activation)
            implements OpOptions {
        public Conv2D {
            requirePositive("stride", strideW, strideH);
            requirePositive("dilation", dilationW, dilationH);
        }

        @Override
        public OpKind kind() {
            return OpKind.CONV_2D;
        }
    }

    /** DEPTHWISE_CONV_2D: DepthwiseConv2DOptions. */
    record DepthwiseConv2D(
            Padding padding,
            int strideW,
            int strideH,
            int depthMultiplier,
            int dilationW,
            int dilationH,
            Activation activation)
            implements OpOptions {
        public DepthwiseConv2D {
            requirePositive("stride", strideW, strideH);
            requirePositive("dilation", dilationW, dilationH);
        }

        @Override
        public OpKind kind() {
            return OpKind.DEPTHWISE_CONV_2D;
        }
    }

    /** FULLY_CONNECTED: FullyConnectedOptions ({@code weightsFormat} 0 is the default row-major layout). */
    record FullyConnected(Activation activation, int weightsFormat, boolean keepNumDims, boolean asymmetricQuantizeInputs)
            implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.FULLY_CONNECTED;
        }
    }

    /** TRANSPOSE_CONV: TransposeConvOptions. */
    record TransposeConv(Padding padding, int strideW, int strideH, Activation activation) implements OpOptions {
        public TransposeConv {
            requirePositive("stride", strideW, strideH);
        }

        @Override
        public OpKind kind() {
            return OpKind.TRANSPOSE_CONV;
        }
    }

    /** AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D: Pool2DOptions. */
    record Pool2D(Padding padding, int strideW, int strideH, int filterW, int filterH, Activation activation)
            implements OpOptions {
        public Pool2D {
            requirePositive("stride", strideW, strideH);
            requirePositive("filter size", filterW, filterH);
        }

        @Override
        public OpKind kind() {
            return OpKind.POOL_2D;
        }
    }

    /**
     * ADD, SUB, MUL, DIV: AddOptions, SubOptions, MulOptions, DivOptions. {@code potScaleInt16} is TFLite's
     * default (true) for MUL and DIV, which have no such field.
     */
    record Arithmetic(Activation activation, boolean potScaleInt16) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.ARITHMETIC;
        }
    }

    /** CONCATENATION: ConcatenationOptions. */
    record Concatenation(int axis, Activation activation) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.CONCATENATION;
        }
    }

    /** RESHAPE: ReshapeOptions; {@code newShape} is empty when the shape comes from the second input. */
    record Reshape(int[] newShape) implements OpOptions {
        public Reshape {
            newShape = newShape.clone();
        }

        @Override
        public int[] newShape() {
            return newShape.clone();
        }

        @Override
        public OpKind kind() {
            return OpKind.RESHAPE;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reshape r && Arrays.equals(newShape, r.newShape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(newShape);
        }

        @Override
        public String toString() {
            return "Reshape" + Arrays.toString(newShape);
        }
    }

    /** SOFTMAX: SoftmaxOptions. */
    record Softmax(float beta) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.SOFTMAX;
        }
    }

    /** MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_ANY: ReducerOptions. */
    record Reducer(boolean keepDims) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.REDUCER;
        }
    }

    /** STRIDED_SLICE: StridedSliceOptions (bit masks over the dimensions). */
    record StridedSlice(int beginMask, int endMask, int ellipsisMask, int newAxisMask, int shrinkAxisMask, boolean offset)
            implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.STRIDED_SLICE;
        }
    }

    /** SPLIT, SPLIT_V: SplitOptions, SplitVOptions. */
    record Split(int numSplits) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.SPLIT;
        }
    }

    /**
     * PACK and UNPACK: PackOptions (values_count, axis) and UnpackOptions (num, axis): how many tensors are
     * stacked or unstacked, along which axis of the stacked tensor.
     */
    record Pack(int count, int axis) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.PACK;
        }
    }

    /** SQUEEZE: SqueezeOptions; an empty list squeezes every size-1 dimension. */
    record Squeeze(int[] squeezeDims) implements OpOptions {
        public Squeeze {
            squeezeDims = squeezeDims.clone();
        }

        @Override
        public int[] squeezeDims() {
            return squeezeDims.clone();
        }

        @Override
        public OpKind kind() {
            return OpKind.SQUEEZE;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Squeeze s && Arrays.equals(squeezeDims, s.squeezeDims);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(squeezeDims);
        }

        @Override
        public String toString() {
            return "Squeeze" + Arrays.toString(squeezeDims);
        }
    }

    /** LEAKY_RELU: LeakyReluOptions. */
    record LeakyRelu(float alpha) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.LEAKY_RELU;
        }
    }

    /** SVDF: SVDFOptions. */
    record Svdf(int rank, Activation activation, boolean asymmetricQuantizeInputs) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.SVDF;
        }
    }

    /** UNIDIRECTIONAL_SEQUENCE_LSTM: UnidirectionalSequenceLSTMOptions (clips of 0 mean no clipping). */
    record SequenceLstm(
            Activation activation,
            float cellClip,
            float projClip,
            boolean timeMajor,
            boolean asymmetricQuantizeInputs,
            boolean diagonalRecurrentTensors)
            implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.SEQUENCE_LSTM;
        }
    }

    /** RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR: ResizeBilinearOptions, ResizeNearestNeighborOptions. */
    record Resize(boolean alignCorners, boolean halfPixelCenters) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.RESIZE;
        }
    }

    /** Operators whose options table is empty or absent (PAD, TRANSPOSE, RELU, LOGISTIC, QUANTIZE, ...). */
    record NoOptions() implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.NONE;
        }
    }

    /**
     * A custom operator's options: the raw payload bytes (for the {@code ethos-u} operator of a Vela-compiled
     * model, the Ethos-U command stream header).
     */
    record CustomOptions(ConstantData payload) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.CUSTOM;
        }
    }

    /** A builtin whose options the project does not decode: the union type code is kept. */
    record OpaqueOptions(int unionType) implements OpOptions {
        @Override
        public OpKind kind() {
            return OpKind.OPAQUE;
        }
    }

    private static void requirePositive(String what, int w, int h) {
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 (got " + w + "x" + h + ")");
        }
    }
}
