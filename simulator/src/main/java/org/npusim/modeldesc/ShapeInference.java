// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.npusim.errors.InputException;
import org.npusim.graph.Padding;
import org.npusim.graph.Shape;

/**
 * The output shape of each layer from its input shapes, with TensorFlow's rules, and the shapes of its weights in
 * TFLite's layouts. Inputs that do not fit the operation are rejected with the layer's label and position.
 *
 * <ul>
 *   <li>conv2d, depthwise_conv2d, pooling: NHWC in, NHWC out; each spatial output size is
 *       {@link Padding#outputSize}: SAME gives ceil(in / stride), VALID ceil((in - dilatedKernel + 1) / stride),
 *       and VALID needs in ≥ dilatedKernel. Channels: filters; C_in·depth_multiplier; C_in.
 *   <li>transpose_conv, the gradient of a convolution: SAME gives in·stride, VALID (in - 1)·stride + kernel
 *       (TensorFlow's {@code conv2d_transpose} output sizes).
 *   <li>fully_connected: [batch, features] in, [batch, units] out.
 *   <li>add, mul, maximum, minimum: two inputs of the same shape (no broadcasting).
 *   <li>concatenation: inputs of one rank, equal except along the axis, where sizes add.
 *   <li>reshape: the new shape, one -1 inferred, the element count kept.
 *   <li>pad: each dimension grows by before + after.
 *   <li>mean: the reduced axes removed, or kept as 1 with keep_dims.
 *   <li>softmax, logistic, tanh, relu, relu6, leaky_relu, hard_swish: the input shape.
 *   <li>transpose: dimension i of the output is dimension perm[i] of the input.
 *   <li>slice, strided_slice: per dimension ceil((end - begin) / stride) elements, at least one, inside the input.
 * </ul>
 *
 * Weight layouts: CONV_2D and TRANSPOSE_CONV [C_out, kh, kw, C_in], DEPTHWISE_CONV_2D [1, kh, kw, C_out],
 * FULLY_CONNECTED [units, features] (TFLite schema.fbs).
 */
final class ShapeInference {

    private final Source source;

    ShapeInference(Source source) {
        this.source = source;
    }

    private InputException error(LayerSpec layer, String problem) {
        return source.error(layer.position(), layer.label(), problem);
    }

    /** Returns the output shape of {@code layer} given its inputs' shapes and names. */
    Shape output(LayerSpec layer, List<Shape> in, List<String> names) {
        checkArity(layer, in.size());
        try {
            return switch (layer.op()) {
                case CONV2D -> {
                    LayerParams.Conv p = (LayerParams.Conv) layer.params();
                    Shape x = nhwc(layer, in.get(0), names.get(0));
                    checkFits(layer, x, p.window(), "kernel");
                    yield Shape.of(x.dim(0), p.window().outputH(x.dim(1)), p.window().outputW(x.dim(2)), p.filters());
                }
                case DEPTHWISE_CONV2D -> {
                    LayerParams.Depthwise p = (LayerParams.Depthwise) layer.params();
                    Shape x = nhwc(layer, in.get(0), names.get(0));
                    checkFits(layer, x, p.window(), "kernel");
                    yield Shape.of(x.dim(0), p.window().outputH(x.dim(1)), p.window().outputW(x.dim(2)),
                            Math.multiplyExact(x.dim(3), p.depthMultiplier()));
                }
                case TRANSPOSE_CONV -> {
                    LayerParams.Conv p = (LayerParams.Conv) layer.params();
                    Shape x = nhwc(layer, in.get(0), names.get(0));
                    Window w = p.window();
                    yield Shape.of(x.dim(0), transposed(x.dim(1), w.kernelH(), w.strideH(), w.padding()),
                            transposed(x.dim(2), w.kernelW(), w.strideW(), w.padding()), p.filters());
                }
                case AVERAGE_POOL2D, MAX_POOL2D -> {
                    Window w = ((LayerParams.Pool) layer.params()).window();
                    Shape x = nhwc(layer, in.get(0), names.get(0));
                    checkFits(layer, x, w, "pool size");
                    yield Shape.of(x.dim(0), w.outputH(x.dim(1)), w.outputW(x.dim(2)), x.dim(3));
                }
                case FULLY_CONNECTED -> {
                    Shape x = in.get(0);
                    if (x.rank() != 2) {
                        throw error(layer, "fully_connected needs a [batch, features] input, found " + x + " from '"
                                + names.get(0) + "'; add a reshape before it");
                    }
                    yield Shape.of(x.dim(0), ((LayerParams.Dense) layer.params()).units());
                }
                case ADD, MUL, MAXIMUM, MINIMUM -> {
                    if (!in.get(0).equals(in.get(1))) {
                        throw error(layer, "input shapes differ: " + in.get(0) + " ('" + names.get(0) + "') and "
                                + in.get(1) + " ('" + names.get(1) + "')");
                    }
                    yield in.get(0);
                }
                case CONCATENATION -> concatenation(layer, in, names);
                case RESHAPE -> reshape(layer, in.get(0), ((LayerParams.Reshape) layer.params()).newShape());
                case PAD -> pad(layer, in.get(0), ((LayerParams.Pad) layer.params()).paddings());
                case MEAN -> mean(layer, in.get(0), (LayerParams.Mean) layer.params());
                case SOFTMAX, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH -> in.get(0);
                case TRANSPOSE -> transpose(layer, in.get(0), ((LayerParams.Transpose) layer.params()).perm());
                case SLICE, STRIDED_SLICE -> {
                    int[][] window = sliceWindow(layer, in.get(0));
                    int[] out = new int[window[0].length];
                    for (int d = 0; d < out.length; d++) {
                        out[d] = (window[1][d] - window[0][d] + window[2][d] - 1) / window[2][d];
                    }
                    yield Shape.of(out);
                }
                case RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR -> {
                    LayerParams.Resize r = (LayerParams.Resize) layer.params();
                    Shape x = nhwc(layer, in.get(0), names.get(0));
                    yield Shape.of(x.dim(0), r.height(), r.width(), x.dim(3));
                }
            };
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw error(layer, "the output shape overflows (" + e.getMessage() + ")");
        }
    }

    private void checkArity(LayerSpec layer, int count) {
        switch (layer.op().arity()) {
            case ONE -> {
                if (count != 1) {
                    throw error(layer, layer.op().yamlName() + " takes 1 input, found " + count);
                }
            }
            case TWO -> {
                if (count != 2) {
                    throw error(layer, layer.op().yamlName() + " takes 2 inputs, found " + count
                            + "; name them with inputs: [a, b]");
                }
            }
            case MANY -> {
                if (count < 2) {
                    throw error(layer, layer.op().yamlName() + " takes at least 2 inputs, found " + count
                            + "; name them with inputs: [a, b, ...]");
                }
            }
        }
    }

    private Shape nhwc(LayerSpec layer, Shape x, String name) {
        if (x.rank() != 4) {
            throw error(layer, layer.op().yamlName() + " needs an NHWC input (rank 4), found " + x + " from '" + name + "'");
        }
        return x;
    }

    private void checkFits(LayerSpec layer, Shape x, Window w, String what) {
        if (w.padding() == Padding.VALID && (x.dim(1) < w.dilatedH() || x.dim(2) < w.dilatedW())) {
            boolean dilated = w.dilationH() > 1 || w.dilationW() > 1;
            throw error(layer, (dilated ? "dilated " : "") + what + " " + w.dilatedH() + "x" + w.dilatedW()
                    + " does not fit the " + x.dim(1) + "x" + x.dim(2) + " input with padding valid");
        }
    }

    private static int transposed(int in, int kernel, int stride, Padding padding) {
        return padding == Padding.SAME
                ? Math.multiplyExact(in, stride)
                : Math.addExact(Math.multiplyExact(in - 1, stride), kernel);
    }

    private Shape concatenation(LayerSpec layer, List<Shape> in, List<String> names) {
        int rank = in.get(0).rank();
        int axis = ((LayerParams.Concat) layer.params()).axis();
        if (axis < -rank || axis >= rank) {
            throw error(layer, "axis " + axis + " is outside [" + -rank + ", " + (rank - 1) + "] for rank-" + rank + " inputs");
        }
        int a = axis < 0 ? axis + rank : axis;
        int[] out = in.get(0).dims();
        for (int i = 1; i < in.size(); i++) {
            Shape s = in.get(i);
            boolean fits = s.rank() == rank;
            for (int d = 0; fits && d < rank; d++) {
                fits = d == a || s.dim(d) == out[d];
            }
            if (!fits) {
                throw error(layer, "input " + s + " ('" + names.get(i) + "') does not match " + in.get(0) + " ('"
                        + names.get(0) + "') outside axis " + a);
            }
            out[a] = Math.addExact(out[a], s.dim(a));
        }
        return Shape.of(out);
    }

    private Shape reshape(LayerSpec layer, Shape x, int[] newShape) {
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < newShape.length; i++) {
            if (newShape[i] == -1) {
                if (inferred >= 0) {
                    throw error(layer, "new_shape has more than one -1");
                }
                inferred = i;
            } else if (newShape[i] == 0) {
                throw error(layer, "new_shape has a dimension of 0");
            } else {
                known = Math.multiplyExact(known, newShape[i]);
            }
        }
        long count = x.elementCount();
        int[] out = newShape.clone();
        if (inferred >= 0) {
            if (count % known != 0) {
                throw error(layer, "cannot reshape " + x + " (" + count + " elements) to " + Shape.of(absolute(newShape)));
            }
            out[inferred] = Math.toIntExact(count / known);
        }
        Shape result = Shape.of(out);
        if (result.elementCount() != count) {
            throw error(layer, "cannot reshape " + x + " (" + count + " elements) to " + result + " ("
                    + result.elementCount() + " elements)");
        }
        return result;
    }

    private static int[] absolute(int[] dims) {
        int[] out = dims.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.abs(out[i]);
        }
        return out;
    }

    private Shape pad(LayerSpec layer, Shape x, int[][] paddings) {
        if (paddings.length != x.rank()) {
            throw error(layer, "paddings has " + paddings.length + " pairs but the input " + x + " has rank " + x.rank());
        }
        int[] out = x.dims();
        for (int d = 0; d < out.length; d++) {
            out[d] = Math.addExact(out[d], Math.addExact(paddings[d][0], paddings[d][1]));
        }
        return Shape.of(out);
    }

    private Shape mean(LayerSpec layer, Shape x, LayerParams.Mean p) {
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        for (int axis : p.axes()) {
            if (axis < -rank || axis >= rank) {
                throw error(layer, "axis " + axis + " is outside [" + -rank + ", " + (rank - 1) + "] for the input " + x);
            }
            int a = axis < 0 ? axis + rank : axis;
            if (reduced[a]) {
                throw error(layer, "axis " + a + " is listed twice");
            }
            reduced[a] = true;
        }
        int[] out = new int[p.keepDims() ? rank : rank - p.axes().length];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if (p.keepDims()) {
                out[k++] = reduced[d] ? 1 : x.dim(d);
            } else if (!reduced[d]) {
                out[k++] = x.dim(d);
            }
        }
        return Shape.of(out);
    }

    private Shape transpose(LayerSpec layer, Shape x, List<Integer> perm) {
        int rank = x.rank();
        if (perm.size() != rank) {
            throw error(layer, "perm has " + perm.size() + " values but the input " + x + " has rank " + rank);
        }
        boolean[] used = new boolean[rank];
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            int p = perm.get(d);
            // TFLite's TRANSPOSE refuses a negative or repeated dimension (kernels/transpose.cc).
            if (p < 0 || p >= rank || used[p]) {
                throw error(layer, "perm " + perm + " is not a permutation of the dimensions 0.." + (rank - 1));
            }
            used[p] = true;
            out[d] = x.dim(p);
        }
        return Shape.of(out);
    }

    /**
     * Returns the window a slice or strided_slice layer selects from input {@code x}: per dimension the first
     * index, the end (exclusive) and the step, with negative indices counted from the end and a slice's size of -1
     * taken to the end. Every dimension must select at least one element inside the input: TensorFlow would clamp
     * what lies outside, but in a description it is a mistake.
     */
    int[][] sliceWindow(LayerSpec layer, Shape x) {
        int rank = x.rank();
        List<Integer> begin;
        List<Integer> end = new ArrayList<>();
        List<Integer> strides;
        if (layer.params() instanceof LayerParams.Slice p) {
            begin = p.begin();
            requireRank(layer, x, "begin", begin.size());
            requireRank(layer, x, "size", p.size().size());
            strides = Collections.nCopies(rank, 1);
            for (int d = 0; d < rank; d++) {
                int size = p.size().get(d);
                end.add(size == -1 ? x.dim(d) : Math.addExact(begin.get(d), size));
            }
        } else {
            LayerParams.StridedSlice p = (LayerParams.StridedSlice) layer.params();
            begin = p.begin();
            requireRank(layer, x, "begin", begin.size());
            requireRank(layer, x, "end", p.end().size());
            requireRank(layer, x, "strides", p.strides().size());
            end.addAll(p.end());
            strides = p.strides();
        }
        int[][] window = new int[3][rank];
        for (int d = 0; d < rank; d++) {
            int n = x.dim(d);
            int first = begin.get(d) < 0 ? begin.get(d) + n : begin.get(d);
            int last = end.get(d) < 0 ? end.get(d) + n : end.get(d);
            if (first < 0 || first >= n || last <= first || last > n) {
                throw error(layer, "dimension " + d + " (size " + n + ") selects [" + begin.get(d) + ", " + end.get(d)
                        + "): expected at least one element inside the input");
            }
            window[0][d] = first;
            window[1][d] = last;
            window[2][d] = strides.get(d);
        }
        return window;
    }

    private void requireRank(LayerSpec layer, Shape x, String key, int count) {
        if (count != x.rank()) {
            throw error(layer, key + " has " + count + " values but the input " + x + " has rank " + x.rank());
        }
    }

    /** Returns the weight tensor's shape of a layer with weights, whose input has shape {@code in}. */
    static Shape weightShape(LayerSpec layer, Shape in, Shape out) {
        return switch (layer.op()) {
            case CONV2D, TRANSPOSE_CONV -> {
                Window w = ((LayerParams.Conv) layer.params()).window();
                yield Shape.of(out.dim(3), w.kernelH(), w.kernelW(), in.dim(3));
            }
            case DEPTHWISE_CONV2D -> {
                Window w = ((LayerParams.Depthwise) layer.params()).window();
                yield Shape.of(1, w.kernelH(), w.kernelW(), out.dim(3));
            }
            case FULLY_CONNECTED -> Shape.of(out.dim(1), in.dim(1));
            default -> throw new IllegalArgumentException(layer.op() + " has no weights");
        };
    }
}
