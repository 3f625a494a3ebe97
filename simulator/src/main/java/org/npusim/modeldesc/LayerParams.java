// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.npusim.graph.Activation;

/**
 * The parameters of a layer, one record per family of operations; the layer's {@link LayerOp} says which record
 * it carries ({@link LayerOp#params()}), and code dispatches on the op with a switch expression.
 */
sealed interface LayerParams {

    /** conv2d and transpose_conv: output channels, window, fused activation. */
    record Conv(int filters, Window window, Activation activation) implements LayerParams {
        public Conv {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(activation, "activation");
        }
    }

    /** depthwise_conv2d: output channels per input channel, window, fused activation. */
    record Depthwise(int depthMultiplier, Window window, Activation activation) implements LayerParams {
        public Depthwise {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(activation, "activation");
        }
    }

    /** fully_connected: output features, fused activation. */
    record Dense(int units, Activation activation) implements LayerParams {
        public Dense {
            Objects.requireNonNull(activation, "activation");
        }
    }

    /** average_pool2d and max_pool2d: window (the kernel is the pool size), fused activation. */
    record Pool(Window window, Activation activation) implements LayerParams {
        public Pool {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(activation, "activation");
        }
    }

    /** add and mul: fused activation. */
    record Elementwise(Activation activation) implements LayerParams {
        public Elementwise {
            Objects.requireNonNull(activation, "activation");
        }
    }

    /** concatenation: the axis (negative counts from the last) and fused activation. */
    record Concat(int axis, Activation activation) implements LayerParams {
        public Concat {
            Objects.requireNonNull(activation, "activation");
        }
    }

    /** reshape: the new shape; one dimension may be -1 (inferred). */
    record Reshape(int[] newShape) implements LayerParams {
        public Reshape {
            newShape = newShape.clone();
        }

        @Override
        public int[] newShape() {
            return newShape.clone();
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

    /** softmax: the inverse temperature. */
    record Softmax(float beta) implements LayerParams {}

    /** pad: [before, after] per dimension, zeros added. */
    record Pad(int[][] paddings) implements LayerParams {
        public Pad {
            paddings = deepCopy(paddings);
        }

        @Override
        public int[][] paddings() {
            return deepCopy(paddings);
        }

        private static int[][] deepCopy(int[][] p) {
            int[][] out = new int[p.length][];
            for (int i = 0; i < p.length; i++) {
                out[i] = p[i].clone();
            }
            return out;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pad p && Arrays.deepEquals(paddings, p.paddings);
        }

        @Override
        public int hashCode() {
            return Arrays.deepHashCode(paddings);
        }

        @Override
        public String toString() {
            return "Pad" + Arrays.deepToString(paddings);
        }
    }

    /** mean: the reduced axes (negative counts from the last) and whether they are kept as size 1. */
    record Mean(int[] axes, boolean keepDims) implements LayerParams {
        public Mean {
            axes = axes.clone();
        }

        @Override
        public int[] axes() {
            return axes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mean m && Arrays.equals(axes, m.axes) && keepDims == m.keepDims;
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(axes) + Boolean.hashCode(keepDims);
        }

        @Override
        public String toString() {
            return "Mean" + Arrays.toString(axes) + (keepDims ? " keep_dims" : "");
        }
    }

    /** logistic, tanh, relu, relu6, hard_swish, maximum, minimum: no parameters. */
    record Unary() implements LayerParams {}

    /** leaky_relu: the slope below zero (TensorFlow's default 0.2). */
    record LeakyRelu(float alpha) implements LayerParams {}

    /** resize_bilinear, resize_nearest_neighbor: the output's height and width, and TensorFlow's two flags. */
    record Resize(int height, int width, boolean alignCorners, boolean halfPixelCenters) implements LayerParams {}

    /** transpose: output dimension i is input dimension {@code perm[i]}. */
    record Transpose(List<Integer> perm) implements LayerParams {
        public Transpose {
            perm = List.copyOf(perm);
        }
    }

    /** slice, per dimension: the first index and the size (-1: to the end), as written. */
    record Slice(List<Integer> begin, List<Integer> size) implements LayerParams {
        public Slice {
            begin = List.copyOf(begin);
            size = List.copyOf(size);
        }
    }

    /**
     * strided_slice, per dimension: the first index, the end (exclusive) and the step, as written (a negative index
     * counts from the end of the dimension).
     */
    record StridedSlice(List<Integer> begin, List<Integer> end, List<Integer> strides) implements LayerParams {
        public StridedSlice {
            begin = List.copyOf(begin);
            end = List.copyOf(end);
            strides = List.copyOf(strides);
        }
    }
}
