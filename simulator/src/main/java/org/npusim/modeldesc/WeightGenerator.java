// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.npusim.graph.Shape;

/**
 * Generates a layer's weights and quantizes them to int8, deterministically.
 *
 * <ol>
 *   <li><b>Stream.</b> Each layer draws from its own {@link SplittableRandom}, seeded with
 *       {@link #streamSeed}(seed, layer index): editing one layer leaves every other layer's weights unchanged.
 *   <li><b>Draw.</b> N values in row-major order from the distribution, mean 0 and standard deviation
 *       σ = sqrt(2 / fan_in), He et al.'s initialisation ("Delving Deep into Rectifiers", 2015, §2.2), which keeps
 *       the variance of ReLU activations constant from layer to layer, so activation scales stay in a realistic
 *       range at any depth. Normal: Marsaglia's polar form of Box–Muller (1964): (u, v) uniform in the unit disc,
 *       s = u² + v², gives the pair u·sqrt(-2 ln s / s), v·sqrt(-2 ln s / s), one logarithm per two values;
 *       uniform: U(-√3σ, √3σ); Laplace: inverse CDF, x = -b·sgn(u)·ln(1 - 2|u|) with b = σ/√2 and u uniform in
 *       (-½, ½). Transcendentals use {@link StrictMath}, so every JVM gives the same bits.
 *   <li><b>Sparsity.</b> Exactly round(sparsity·N) weights, those smallest in magnitude (ties: lowest index
 *       first), are set to zero.
 *   <li><b>Clusters.</b> The remaining weights are clustered with 1-D k-means ({@link Clustering}) into k
 *       values, or k - 1 when zeros are present (zero is then one of the k), and replaced by their centroid.
 *   <li><b>Quantization.</b> Symmetric int8, zero point 0, q = round(w / s) clamped to [-127, 127], with
 *       s = max|w| / 127 per output channel (per tensor for fully connected layers), TFLite's int8 scheme. Two
 *       rules keep steps 3 and 4 exact in the int8 values: a weight that is not pruned but would round to 0 becomes
 *       ±1; a clustered layer uses one scale for all its channels (written per channel where TFLite expects it)
 *       and its centroids take distinct non-zero levels ({@link Clustering#int8Levels}), so the layer holds exactly
 *       k distinct int8 values.
 * </ol>
 */
final class WeightGenerator {

    /** The largest weight tensor generated; bounds memory (the draw keeps 8 bytes per weight). */
    static final int MAX_WEIGHTS = 1 << 24;

    /**
     * Where a weight tensor keeps its output channels and how it is quantized.
     *
     * @param outputAxis the dimension indexing output channels: 0 (conv, fully connected) or the last (depthwise)
     * @param perChannel one scale per output channel (conv, depthwise, transpose conv) or one per tensor (FC)
     * @param fanIn the number of inputs each output sums: kh·kw·C_in, kh·kw, or features
     */
    record Layout(int outputAxis, boolean perChannel, int fanIn) {
        Layout {
            if (fanIn < 1) {
                throw new IllegalArgumentException("fan-in must be at least 1");
            }
        }
    }

    private WeightGenerator() {}

    /**
     * Returns the seed of layer {@code layerIndex}'s stream: SplitMix64's output function (Steele, Lea and Flood,
     * "Fast Splittable Pseudorandom Number Generators", OOPSLA 2014) applied to seed + γ·(index + 1), γ being the
     * golden-ratio increment 0x9E3779B97F4A7C15. Consecutive indices give unrelated seeds.
     */
    static long streamSeed(long seed, int layerIndex) {
        long z = seed + 0x9E3779B97F4A7C15L * (layerIndex + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Returns how many of {@code count} weights {@code spec} prunes: round(sparsity·count), halves up. */
    static long prunedCount(WeightSpec spec, long count) {
        return (long) Math.floor(spec.sparsity() * count + 0.5);
    }

    /** Returns how many centroids k-means forms: k, less the zero level when pruned weights are present. */
    static int nonZeroClusters(WeightSpec spec, long count) {
        return spec.clusters() - (prunedCount(spec, count) > 0 ? 1 : 0);
    }

    /** Generates the weights of layer {@code layerIndex}, of shape {@code shape}. */
    static QuantizedWeights generate(WeightSpec spec, int layerIndex, Shape shape, Layout layout) {
        long count = shape.elementCount();
        if (count > MAX_WEIGHTS || count < 1) {
            throw new IllegalArgumentException("weight count " + count + " is outside [1, " + MAX_WEIGHTS + "]");
        }
        int n = (int) count;
        double[] w = draw(spec.distribution(), streamSeed(spec.seed(), layerIndex), n,
                StrictMath.sqrt(2.0 / layout.fanIn()));
        boolean[] pruned = prune(w, prunedCount(spec, n));

        int channels = shape.dim(layout.outputAxis());
        ChannelMap map = new ChannelMap(layout.outputAxis() == 0, channels, (long) n);
        byte[] q = new byte[n];
        float[] scales;
        if (spec.clustered()) {
            scales = cluster(w, pruned, nonZeroClusters(spec, n), q);
            if (layout.perChannel()) {
                float s = scales[0];
                scales = new float[channels];
                Arrays.fill(scales, s);
            }
        } else {
            scales = quantize(w, pruned, layout.perChannel() ? map : new ChannelMap(true, 1, (long) n), q);
        }

        double[] sums = new double[channels];
        int scaleChannels = scales.length;
        for (int i = 0; i < n; i++) {
            int c = map.channel(i);
            double v = q[i] * (double) scales[scaleChannels == 1 ? 0 : c];
            sums[c] += v * v;
        }
        int quantizedDimension = layout.perChannel() ? layout.outputAxis() : 0;
        return new QuantizedWeights(shape, q, scales, quantizedDimension, sums);
    }

    /**
     * Maps a row-major element index to its channel along the first dimension (i / inner, with inner = count /
     * channels elements per channel) or the last (i mod channels).
     */
    private record ChannelMap(boolean outer, int channels, int inner) {
        ChannelMap(boolean outer, int channels, long count) {
            this(outer, channels, (int) (count / channels));
        }

        int channel(int i) {
            return outer ? i / inner : i % channels;
        }
    }

    /** Draws {@code n} values with standard deviation {@code sigma} from the stream seeded {@code seed}. */
    static double[] draw(Distribution d, long seed, int n, double sigma) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] w = new double[n];
        switch (d) {
            case NORMAL -> {
                for (int i = 0; i < n; i += 2) {
                    double u;
                    double v;
                    double s;
                    do {
                        u = 2 * random.nextDouble() - 1;
                        v = 2 * random.nextDouble() - 1;
                        s = u * u + v * v;
                    } while (s >= 1 || s == 0);
                    double factor = sigma * Math.sqrt(-2 * StrictMath.log(s) / s);
                    w[i] = u * factor;
                    if (i + 1 < n) {
                        w[i + 1] = v * factor;
                    }
                }
            }
            case UNIFORM -> {
                double a = StrictMath.sqrt(3) * sigma;
                for (int i = 0; i < n; i++) {
                    w[i] = a * (2 * random.nextDouble() - 1);
                }
            }
            case LAPLACE -> {
                double b = sigma / StrictMath.sqrt(2);
                for (int i = 0; i < n; i++) {
                    double u;
                    do {
                        u = random.nextDouble() - 0.5;
                    } while (u == -0.5);
                    w[i] = -b * Math.signum(u) * StrictMath.log(1 - 2 * Math.abs(u));
                }
            }
        }
        return w;
    }

    /** Sets the {@code zeros} smallest-magnitude values to 0 (ties: lowest index first); returns which ones. */
    private static boolean[] prune(double[] w, long zeros) {
        boolean[] pruned = new boolean[w.length];
        if (zeros == 0) {
            return pruned;
        }
        double[] magnitudes = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            magnitudes[i] = Math.abs(w[i]);
        }
        double[] sorted = magnitudes.clone();
        Arrays.sort(sorted);
        double threshold = sorted[(int) zeros - 1];
        long below = 0;
        for (double m : magnitudes) {
            if (m < threshold) {
                below++;
            }
        }
        long atThreshold = zeros - below;
        for (int i = 0; i < w.length; i++) {
            if (magnitudes[i] < threshold || (magnitudes[i] == threshold && atThreshold-- > 0)) {
                pruned[i] = true;
                w[i] = 0;
            }
        }
        return pruned;
    }

    /** Quantizes per channel of {@code map}; returns the scales. */
    private static float[] quantize(double[] w, boolean[] pruned, ChannelMap map, byte[] q) {
        double[] max = new double[map.channels()];
        double overall = 0;
        for (int i = 0; i < w.length; i++) {
            int c = map.channel(i);
            max[c] = Math.max(max[c], Math.abs(w[i]));
            overall = Math.max(overall, Math.abs(w[i]));
        }
        float[] scales = new float[map.channels()];
        for (int c = 0; c < scales.length; c++) {
            // A channel pruned to all zeros still needs a positive scale; it takes the tensor's.
            scales[c] = (float) ((max[c] > 0 ? max[c] : overall) / 127);
        }
        for (int i = 0; i < w.length; i++) {
            if (pruned[i]) {
                q[i] = 0;
                continue;
            }
            long level = roundHalfAway(w[i] / scales[map.channel(i)]);
            level = Math.max(-127, Math.min(127, level));
            if (level == 0) {
                level = w[i] < 0 ? -1 : 1;
            }
            q[i] = (byte) level;
        }
        return scales;
    }

    /** Clusters the unpruned weights into {@code k} levels; returns the single scale. */
    private static float[] cluster(double[] w, boolean[] pruned, int k, byte[] q) {
        int kept = 0;
        for (boolean p : pruned) {
            if (!p) {
                kept++;
            }
        }
        double[] values = new double[kept];
        int j = 0;
        for (int i = 0; i < w.length; i++) {
            if (!pruned[i]) {
                values[j++] = w[i];
            }
        }
        Clustering.Result r = Clustering.cluster(values, k);
        double[] centroids = r.centroids();
        double largest = Math.max(Math.abs(centroids[0]), Math.abs(centroids[centroids.length - 1]));
        // A single centroid at exactly 0 (never seen with continuous draws) would give scale 0; TFLite needs s > 0.
        float scale = (float) (largest > 0 ? largest / 127 : 1.0 / 127);
        int[] levels = Clustering.int8Levels(centroids, scale);
        j = 0;
        for (int i = 0; i < w.length; i++) {
            q[i] = pruned[i] ? 0 : (byte) levels[r.clusterOf(j++)];
        }
        return new float[] {scale};
    }

    /** Rounds half away from zero, as TFLite's quantizer does ({@code std::round}). */
    static long roundHalfAway(double x) {
        return x < 0 ? -(long) Math.floor(-x + 0.5) : (long) Math.floor(x + 0.5);
    }
}
