// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Random;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Int8FullyConnectedLayer;
import org.npusim.exec.Requantization;

/** Random int8 layers and inputs for the equivalence properties, with every parameter drawn from its full range. */
final class RandomLayers {

    private RandomLayers() {}

    /**
     * Returns an output stage for accumulators over {@code reduction} products with random multipliers in
     * [2^30, 2^31) and shifts chosen so that typical accumulators land inside the int8 range rather than in the
     * clamps: a sum of K products of int8 weights (rms 74) and offset activations (rms about 150) has an rms of
     * about 11,000 · sqrt(K), and a multiplier of 2^(shift - 1) to 2^shift maps it to about ±40 when
     * 2^-shift ≈ 280 · sqrt(K), i.e. shift ≈ -8 - log2(sqrt(K)); the shift varies by ±1 around that. Biases are
     * of the same size as the accumulators.
     */
    static Requantization stage(Random r, int channels, int reduction) {
        int[] bias = new int[channels];
        int[] mult = new int[channels];
        int[] shift = new int[channels];
        int center = -8 - (int) Math.round(Math.log(Math.sqrt(reduction)) / Math.log(2));
        int accRms = (int) (11_000 * Math.sqrt(reduction));
        for (int i = 0; i < channels; i++) {
            bias[i] = r.nextInt(2 * accRms + 1) - accRms;
            mult[i] = (1 << 30) + r.nextInt(1 << 30);
            shift[i] = center - 1 + r.nextInt(3);
        }
        int lo = -128 + r.nextInt(30);
        int hi = 127 - r.nextInt(30);
        return new Requantization(bias, mult, shift, r.nextInt(256) - 128, lo, hi);
    }

    /** Returns random int8 weights with exactly round(sparsity · n) zeros among the smallest magnitudes. */
    static byte[] weights(Random r, int n, double sparsity) {
        byte[] w = new byte[n];
        r.nextBytes(w);
        return Pruning.unstructured(w, sparsity);
    }

    /**
     * Returns random int8 activations of which about {@code zeroFraction} equal {@code zeroPoint} (real zeros,
     * what zero-skipping skips), the rest uniform over [-128, 127].
     */
    static byte[] activations(Random r, int n, int zeroPoint, double zeroFraction) {
        byte[] x = new byte[n];
        r.nextBytes(x);
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < zeroFraction) {
                x[i] = (byte) zeroPoint;
            }
        }
        return x;
    }

    /** Returns a random sparsity, with the ends of [0, 0.95] and full zero weights drawn often. */
    static double sparsity(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 0.95;
            case 2 -> 1;
            default -> r.nextDouble() * 0.95;
        };
    }

    /**
     * Returns a random convolution; with {@code winograd} a 3x3 stride-1 undilated one, else any kernel size,
     * stride and dilation. Padding before the image is 0 to 2, and the output may end before or past the padded
     * input's edge, as SAME and VALID padding make it.
     */
    static Int8ConvLayer conv(Random r, boolean winograd, double sparsity) {
        int inC = 1 + r.nextInt(12);
        int outC = 1 + r.nextInt(9);
        int kH = winograd ? 3 : 1 + r.nextInt(4);
        int kW = winograd ? 3 : 1 + r.nextInt(4);
        int sH = winograd ? 1 : 1 + r.nextInt(2);
        int sW = winograd ? 1 : 1 + r.nextInt(2);
        int dH = winograd ? 1 : 1 + r.nextInt(2);
        int dW = winograd ? 1 : 1 + r.nextInt(2);
        int inH = 1 + r.nextInt(11);
        int inW = 1 + r.nextInt(11);
        int padTop = r.nextInt(3);
        int padLeft = r.nextInt(3);
        int outH = 1 + r.nextInt(9);
        int outW = 1 + r.nextInt(9);
        int inZp = r.nextInt(256) - 128;
        return new Int8ConvLayer(1 + r.nextInt(2), inH, inW, inC, outH, outW, outC, kH, kW, sH, sW, dH, dW, padTop,
                padLeft, weights(r, outC * kH * kW * inC, sparsity), -inZp, stage(r, outC, kH * kW * inC));
    }

    /** Returns a random fully connected layer with a weight offset in [-2, 2] (0 half of the time). */
    static Int8FullyConnectedLayer fullyConnected(Random r, double sparsity) {
        int batches = 1 + r.nextInt(3);
        int units = 1 + r.nextInt(12);
        int depth = 1 + r.nextInt(80);
        int filterOffset = r.nextBoolean() ? 0 : r.nextInt(5) - 2;
        return new Int8FullyConnectedLayer(batches, units, depth, weights(r, units * depth, sparsity),
                r.nextInt(256) - 127, filterOffset, stage(r, units, depth));
    }
}
