// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.Arrays;
import java.util.Optional;

/**
 * Affine quantization parameters: real = scale * (q - zeroPoint), per tensor (one scale) or per channel along
 * {@code quantizedDimension} (TFLite's QuantizationParameters).
 */
public record Quantization(float[] scales, long[] zeroPoints, int quantizedDimension) {

    public Quantization {
        scales = scales.clone();
        zeroPoints = zeroPoints.clone();
        if (quantizedDimension < 0) {
            throw new IllegalArgumentException("quantized dimension is negative (" + quantizedDimension + ")");
        }
        if (zeroPoints.length != 0 && scales.length != 0 && zeroPoints.length != scales.length
                && zeroPoints.length != 1) {
            throw new IllegalArgumentException(
                    scales.length + " scales but " + zeroPoints.length + " zero points");
        }
    }

    /** Returns per-tensor parameters. */
    public static Quantization perTensor(float scale, long zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    @Override
    public float[] scales() {
        return scales.clone();
    }

    @Override
    public long[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** Returns the number of scales. */
    public int channelCount() {
        return scales.length;
    }

    /** Returns whether there is one scale per channel rather than one per tensor. */
    public boolean isPerChannel() {
        return scales.length > 1;
    }

    /** Returns scale {@code i}, or the single scale of a per-tensor quantization. */
    public float scale(int i) {
        return scales.length == 1 ? scales[0] : scales[i];
    }

    /** Returns zero point {@code i}, or the single zero point; 0 when none is given. */
    public long zeroPoint(int i) {
        if (zeroPoints.length == 0) {
            return 0;
        }
        return zeroPoints.length == 1 ? zeroPoints[0] : zeroPoints[i];
    }

    /**
     * Whether two tensors' quantizations have the same per-tensor scale and zero point (Vela's
     * {@code check_quantized_tens_scaling_equal}, {@code is_scaling_equal}); two absent ones count as equal.
     */
    public static boolean sameScaling(Optional<Quantization> a, Optional<Quantization> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() == b.isEmpty();
        }
        return a.get().scale(0) == b.get().scale(0) && a.get().zeroPoint(0) == b.get().zeroPoint(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantization q
                && Arrays.equals(scales, q.scales)
                && Arrays.equals(zeroPoints, q.zeroPoints)
                && quantizedDimension == q.quantizedDimension;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints)) + quantizedDimension;
    }

    @Override
    public String toString() {
        if (scales.length == 1) {
            return "scale=" + scales[0] + " zp=" + zeroPoint(0);
        }
        return scales.length + " channel scales along dim " + quantizedDimension;
    }
}
