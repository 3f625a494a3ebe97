// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.Optional;
import org.npusim.graph.ElementType;
import org.npusim.graph.Quantization;

/**
 * Chooses the per-tensor quantization of every activation tensor from its estimated interval
 * ({@link RangeEstimator}), honouring two TFLite constraints:
 *
 * <ul>
 *   <li><b>Fixed:</b> the model input keeps the quantization the description gives; softmax and logistic outputs
 *       are s = 1/256, z = -128 in int8 and tanh outputs s = 1/128, z = 0, while in int16 all three are
 *       s = 1/32768, z = 0 (the output parameters TFLite's int8 and int16 kernels require).
 *   <li><b>Shared:</b> the input and output of pooling, reshape, pad and mean, and all inputs and the output of a
 *       concatenation, share one quantization, as TFLite's converter makes them (its kernels copy values without
 *       rescaling). Shared tensors form groups (union-find); a group's interval is the union of its members'.
 * </ul>
 *
 * From an interval [lo, hi] (first widened to contain 0, so that 0 is exact, as TFLite requires for zero padding):
 * int8 is asymmetric, s = (hi - lo)/255 and z = round(-128 - lo/s); int16 is symmetric (TFLite's 16x8 scheme),
 * s = max(|lo|, |hi|)/32767 and z = 0. An interval narrower than {@link #MIN_WIDTH} is widened to it so that the
 * scale stays positive.
 */
final class ActivationQuantizer {

    /** The narrowest interval a scale is made for. */
    static final double MIN_WIDTH = 1e-6;

    private final Source source;
    private final int[] parent;
    private final Quantization[] pinned;
    private final String[] pinnedBy;

    /** Creates a quantizer for {@code count} activation tensors, each in its own group. */
    ActivationQuantizer(int count, Source source) {
        this.source = source;
        this.parent = new int[count];
        this.pinned = new Quantization[count];
        this.pinnedBy = new String[count];
        for (int i = 0; i < count; i++) {
            parent[i] = i;
        }
    }

    /** Returns the fixed output quantization of {@code op} in activation type {@code type}, if it has one. */
    static Optional<Quantization> fixedOutput(LayerOp op, ElementType type) {
        boolean wide = type == ElementType.INT16;
        return switch (op) {
            case SOFTMAX, LOGISTIC -> Optional.of(wide
                    ? Quantization.perTensor(1f / 32768, 0) : Quantization.perTensor(1f / 256, -128));
            case TANH -> Optional.of(wide ? Quantization.perTensor(1f / 32768, 0) : Quantization.perTensor(1f / 128, 0));
            case CONV2D, DEPTHWISE_CONV2D, TRANSPOSE_CONV, FULLY_CONNECTED, AVERAGE_POOL2D, MAX_POOL2D, ADD, MUL,
                    CONCATENATION, RESHAPE, PAD, MEAN, RELU, RELU6, LEAKY_RELU, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR,
                    MAXIMUM, MINIMUM, HARD_SWISH, TRANSPOSE, SLICE, STRIDED_SLICE -> Optional.empty();
        };
    }

    /** Returns whether {@code op}'s output shares its inputs' quantization. */
    static boolean sharesInputQuantization(LayerOp op) {
        return switch (op) {
            // TFLite's converter gives these the scale of their inputs (SameOperandsAndResultsScale): MAXIMUM and
            // MINIMUM compare raw values, the rest move them.
            case AVERAGE_POOL2D, MAX_POOL2D, RESHAPE, PAD, MEAN, CONCATENATION, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR,
                    MAXIMUM, MINIMUM, TRANSPOSE, SLICE, STRIDED_SLICE -> true;
            case CONV2D, DEPTHWISE_CONV2D, TRANSPOSE_CONV, FULLY_CONNECTED, ADD, MUL, SOFTMAX, LOGISTIC, TANH, RELU,
                    RELU6, LEAKY_RELU, HARD_SWISH -> false;
        };
    }

    private int find(int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Fixes tensor {@code tensor}'s quantization to {@code q}; {@code what} names it in messages. */
    void pin(int tensor, Quantization q, String what, LayerSpec layer) {
        int root = find(tensor);
        if (pinned[root] != null && !pinned[root].equals(q)) {
            throw conflict(layer, pinnedBy[root], what);
        }
        pinned[root] = q;
        pinnedBy[root] = what;
    }

    /** Makes tensors {@code a} and {@code b} share one quantization (because of {@code layer}). */
    void share(int a, int b, LayerSpec layer) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return;
        }
        if (pinned[ra] != null && pinned[rb] != null && !pinned[ra].equals(pinned[rb])) {
            throw conflict(layer, pinnedBy[rb], pinnedBy[ra]);
        }
        parent[rb] = ra;
        if (pinned[ra] == null) {
            pinned[ra] = pinned[rb];
            pinnedBy[ra] = pinnedBy[rb];
        }
    }

    private RuntimeException conflict(LayerSpec layer, String first, String second) {
        return source.error(layer.position(), layer.label(), "its inputs and output must share one quantization, but "
                + first + " and " + second + " have different fixed quantizations");
    }

    /** Returns the quantization of every tensor: its group's fixed one, or one chosen from the group's interval. */
    Quantization[] resolve(TensorEstimate[] estimates, ElementType type) {
        int n = parent.length;
        double[] lo = new double[n];
        double[] hi = new double[n];
        java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            int r = find(i);
            lo[r] = Math.min(lo[r], estimates[i].low());
            hi[r] = Math.max(hi[r], estimates[i].high());
        }
        Quantization[] out = new Quantization[n];
        for (int i = 0; i < n; i++) {
            int r = find(i);
            if (out[r] == null) {
                out[r] = pinned[r] != null ? pinned[r] : fromInterval(lo[r], hi[r], type);
            }
            out[i] = out[r];
        }
        return out;
    }

    /** Returns the quantization covering [lo, hi] in {@code type} (INT8 or INT16). */
    static Quantization fromInterval(double lo, double hi, ElementType type) {
        double low = Math.min(lo, 0);
        double high = Math.max(hi, 0);
        if (type == ElementType.INT16) {
            double m = Math.max(Math.max(-low, high), MIN_WIDTH / 2);
            return Quantization.perTensor((float) (m / Short.MAX_VALUE), 0);
        }
        if (high - low < MIN_WIDTH) {
            high = low + MIN_WIDTH;
        }
        float scale = (float) ((high - low) / 255);
        long zeroPoint = WeightGenerator.roundHalfAway(-128 - low / scale);
        return Quantization.perTensor(scale, Math.max(-128, Math.min(127, zeroPoint)));
    }
}
