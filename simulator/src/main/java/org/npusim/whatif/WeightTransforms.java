// SPDX-License-Identifier: Apache-2.0
package org.npusim.whatif;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.npusim.compression.ModelWeights;
import org.npusim.errors.InputException;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpKind;
import org.npusim.graph.Operator;
import org.npusim.graph.Quantization;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * Pruning and clustering of the int8 weights of a model's weighted layers (convolution, depthwise and transpose
 * convolution, fully connected: {@link ModelWeights#weightTensor}), as TensorFlow's Model Optimization Toolkit
 * would leave them, so that their effect on the Ethos-U weight stream can be measured without retraining.
 * Scales, zero points, biases and the graph are left as they are; a weight tensor shared by several layers is
 * transformed once.
 */
public final class WeightTransforms {

    /** Lloyd iterations stop here even if assignments still change (1-D k-means converges long before). */
    static final int MAX_KMEANS_ITERATIONS = 100;

    private WeightTransforms() {}

    /**
     * Returns {@code model} with each weighted layer magnitude-pruned. The magnitude of a weight is its real
     * value {@code |scale·(q − zero point)|}. Without N:M, exactly {@code round(sparsity·count)} weights of each
     * layer with the smallest magnitudes (weights already zero first; ties by position) become zero, or none when
     * the layer already has that many zeros. With N:M, each group of M consecutive weights along the
     * input-channel (last) axis keeps its N largest (a shorter last group keeps at most N), then magnitude
     * pruning tops the layer up to {@code sparsity} if it is still below; depthwise layers, which have no
     * input-channel axis, are pruned unstructured to {@code max(sparsity, (M − N)/M)}.
     *
     * @throws InputException when {@code sparsity} is outside [0, 1) or a weighted layer's weights are not int8
     */
    public static Model prune(Model model, double sparsity, Optional<NM> nm) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new InputException("", "--prune", String.format(Locale.ROOT,
                    "sparsity %s is outside [0, 1); give the fraction of weights to zero, e.g. 0.5", sparsity));
        }
        return transform(model, (g, op, t, data) -> prune(op, t, data, sparsity, nm));
    }

    /**
     * Returns {@code model} with the weights of each weighted layer clustered: a 1-D k-means on the stored values
     * {@code q − zero point} of the layer (k-means++ seeding from {@code seed} and the tensor's index, then Lloyd
     * iterations to convergence), each weight replaced by its cluster's mean rounded to an integer and clamped
     * to int8 (the requantization). Clustering the stored values keeps every channel's scale, so biases and
     * requantization stay valid, and the layer ends with at most {@code clusters} distinct stored values, which
     * is what the Ethos-U palette sees. A layer with no more distinct values than clusters is unchanged.
     *
     * <p>With {@code preserveSparsity}, zeros are their own cluster (counted in {@code clusters}: the non-zero
     * weights get {@code max(1, clusters − 1)} clusters) and a non-zero weight never becomes zero (a cluster
     * whose mean rounds to 0 moves as a whole to ±1, the side of its mean), as sparsity-preserving clustering
     * does. Without it, zeros are clustered like any value and may move.
     *
     * @throws InputException when {@code clusters} is outside 1…256 or a weighted layer's weights are not int8
     */
    public static Model cluster(Model model, int clusters, long seed, boolean preserveSparsity) {
        if (clusters < 1 || clusters > 256) {
            throw new InputException("", "--cluster",
                    clusters + " clusters is outside 1..256 (int8 weights have at most 256 values)");
        }
        return transform(model, (g, op, t, data) -> cluster(op, t, data, clusters, seed, preserveSparsity));
    }

    /** Rewrites the int8 bytes of one weight tensor in place. */
    private interface TensorRewrite {
        void apply(Subgraph g, Operator op, Tensor t, byte[] data);
    }

    /**
     * Returns what the transforms leave out, as a phrase for the what-if's title, or empty when they cover every
     * int8 weight: the constant int8 inputs of SVDF and LSTM operators, which pruning and clustering do not touch
     * (their weights are matrices of several gates, and the Ethos-U runs an LSTM's as fully connected products).
     */
    public static Optional<String> untouched(Model model) {
        long covered = 0;
        long left = 0;
        TreeSet<String> kinds = new TreeSet<>();
        for (Subgraph g : model.subgraphs()) {
            Set<Integer> counted = new HashSet<>();
            for (Operator op : g.operators()) {
                Optional<Tensor> w = ModelWeights.weightTensor(g, op);
                if (w.isPresent()) {
                    if (counted.add(w.get().index())) {
                        covered += w.get().elementCount();
                    }
                    continue;
                }
                OpKind kind = op.options().kind();
                if (kind != OpKind.SVDF && kind != OpKind.SEQUENCE_LSTM) {
                    continue;
                }
                for (int slot = 0; slot < op.inputCount(); slot++) {
                    int t = op.input(slot);
                    if (t >= 0 && g.tensor(t).isConstant() && g.tensor(t).type() == ElementType.INT8 && counted.add(t)) {
                        left += g.tensor(t).elementCount();
                        kinds.add(op.opName());
                    }
                }
            }
        }
        if (left == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%s weights untouched: %,d of %,d int8 weights", String.join(", ", kinds),
                left, left + covered));
    }

    private static Model transform(Model model, TensorRewrite rewrite) {
        List<Subgraph> subgraphs = new ArrayList<>();
        for (int s = 0; s < model.subgraphs().size(); s++) {
            Subgraph g = model.subgraphs().get(s);
            Map<Integer, byte[]> changed = new HashMap<>();
            for (Operator op : g.operators()) {
                Optional<Tensor> w = ModelWeights.weightTensor(g, op);
                if (w.isEmpty() || changed.containsKey(w.get().index())) {
                    continue;
                }
                Tensor t = w.get();
                if (t.type() != ElementType.INT8) {
                    throw new InputException(model.name(), "subgraph " + s + " operator " + op.index() + " ("
                            + op.opName() + ") weights '" + t.name() + "'", "are " + t.type().label()
                            + "; pruning and clustering need int8 weights");
                }
                byte[] data = t.data().orElseThrow().toByteArray();
                rewrite.apply(g, op, t, data);
                changed.put(t.index(), data);
            }
            if (changed.isEmpty()) {
                subgraphs.add(g);
                continue;
            }
            List<Tensor> tensors = new ArrayList<>(g.tensors());
            for (Map.Entry<Integer, byte[]> e : changed.entrySet()) {
                Tensor t = tensors.get(e.getKey());
                tensors.set(e.getKey(), new Tensor(t.index(), t.name(), t.type(), t.shape(), t.quantization(),
                        Optional.of(ConstantData.ofInt8(e.getValue())), t.variable()));
            }
            subgraphs.add(Subgraph.of(g.name(), tensors, g.operators(), g.inputs(), g.outputs()));
        }
        return new Model(model.name(), model.description(), model.schemaVersion(), subgraphs);
    }

    /** Per-element zero points and scales of a weight tensor, by output channel. */
    private static final class Channels {
        final int[] zeroPoint;
        final float[] scale;
        final long inner;
        final int count;

        Channels(Operator op, Tensor t) {
            Quantization q = t.quantization().orElse(Quantization.perTensor(1f, 0));
            int axis = ModelWeights.outputChannelAxis(op, t);
            int[] dims = t.shape().dims();
            long in = 1;
            for (int d = axis + 1; d < dims.length; d++) {
                in *= dims[d];
            }
            inner = in;
            count = dims.length == 0 ? 1 : Math.max(1, dims[axis]);
            zeroPoint = new int[count];
            scale = new float[count];
            for (int c = 0; c < count; c++) {
                zeroPoint[c] = (int) q.zeroPoint(c);
                scale[c] = q.channelCount() == 0 ? 1f : q.scale(q.isPerChannel() && c < q.channelCount() ? c : 0);
            }
        }

        int channel(int k) {
            return (int) ((k / inner) % count);
        }
    }

    private static void prune(Operator op, Tensor t, byte[] data, double sparsity, Optional<NM> nm) {
        Channels ch = new Channels(op, t);
        int n = data.length;
        float[] magnitude = new float[n];
        for (int k = 0; k < n; k++) {
            int c = ch.channel(k);
            magnitude[k] = Math.abs((data[k] - ch.zeroPoint[c]) * ch.scale[c]);
        }
        double target = sparsity;
        if (nm.isPresent()) {
            NM p = nm.get();
            int[] dims = t.shape().dims();
            if (op.options().kind() == OpKind.DEPTHWISE_CONV_2D || dims.length == 0) {
                target = Math.max(target, p.sparsity());
            } else {
                pruneNM(data, magnitude, ch, dims[dims.length - 1], p);
            }
        }
        long wanted = Math.round(target * n);
        long zeros = 0;
        for (int k = 0; k < n; k++) {
            if (data[k] == ch.zeroPoint[ch.channel(k)]) {
                zeros++;
            }
        }
        if (zeros >= wanted) {
            return;
        }
        // Smallest magnitudes first, ties by position: magnitudes are non-negative, so their float bits sort
        // like the values, and the position in the low half breaks ties.
        long[] keys = new long[(int) (n - zeros)];
        int m = 0;
        for (int k = 0; k < n; k++) {
            if (data[k] != ch.zeroPoint[ch.channel(k)]) {
                keys[m++] = ((long) Float.floatToIntBits(magnitude[k]) << 32) | k;
            }
        }
        Arrays.sort(keys);
        for (long i = 0; i < wanted - zeros; i++) {
            int k = (int) keys[(int) i];
            data[k] = (byte) ch.zeroPoint[ch.channel(k)];
        }
    }

    /** Keeps the N largest magnitudes of every M consecutive weights along the last axis (ties: earlier kept). */
    private static void pruneNM(byte[] data, float[] magnitude, Channels ch, int inner, NM p) {
        int[] order = new int[p.m()];
        for (int row = 0; row + inner <= data.length; row += inner) {
            for (int g = 0; g < inner; g += p.m()) {
                int size = Math.min(p.m(), inner - g);
                if (size <= p.n()) {
                    continue;
                }
                for (int j = 0; j < size; j++) {
                    order[j] = row + g + j;
                }
                // Insertion sort by descending magnitude; stable, so earlier positions win ties.
                for (int a = 1; a < size; a++) {
                    int x = order[a];
                    int b = a - 1;
                    while (b >= 0 && magnitude[order[b]] < magnitude[x]) {
                        order[b + 1] = order[b];
                        b--;
                    }
                    order[b + 1] = x;
                }
                for (int j = p.n(); j < size; j++) {
                    int k = order[j];
                    data[k] = (byte) ch.zeroPoint[ch.channel(k)];
                    magnitude[k] = 0;
                }
            }
        }
    }

    private static void cluster(Operator op, Tensor t, byte[] data, int clusters, long seed,
            boolean preserveSparsity) {
        Channels ch = new Channels(op, t);
        int n = data.length;
        // Histogram of stored values q − zero point, offset by 255.
        long[] count = new long[511];
        boolean hasZero = false;
        for (int k = 0; k < n; k++) {
            int d = data[k] - ch.zeroPoint[ch.channel(k)];
            if (d == 0 && preserveSparsity) {
                hasZero = true;
                continue;
            }
            count[d + 255]++;
        }
        int effective = preserveSparsity && hasZero ? Math.max(1, clusters - 1) : clusters;
        int distinct = 0;
        for (long c : count) {
            if (c > 0) {
                distinct++;
            }
        }
        if (distinct <= effective) {
            return;
        }
        int[] mapping = kmeans(count, effective, new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (t.index() + 1))));
        if (preserveSparsity) {
            // A cluster whose mean rounds to 0 moves as one to ±1, the side of its mean, so that it stays one value.
            // 1-D k-means clusters are intervals, and without the zero bin at most one of them can have a mean
            // within half a step of 0.
            long sum = 0;
            for (int b = 0; b < count.length; b++) {
                if (mapping[b] == 0) {
                    sum += count[b] * (b - 255);
                }
            }
            int moved = sum >= 0 ? 1 : -1;
            for (int b = 0; b < count.length; b++) {
                if (mapping[b] == 0) {
                    mapping[b] = moved;
                }
            }
        }
        for (int k = 0; k < n; k++) {
            int zp = ch.zeroPoint[ch.channel(k)];
            int d = data[k] - zp;
            if (d == 0 && preserveSparsity) {
                continue;
            }
            int v = mapping[d + 255];
            data[k] = (byte) Math.max(-128, Math.min(127, zp + v));
        }
    }

    /**
     * Runs 1-D weighted k-means on the histogram {@code count} (value = index − 255) and returns, per histogram
     * bin, its cluster's mean rounded half up.
     */
    static int[] kmeans(long[] count, int k, SplittableRandom random) {
        int bins = count.length;
        long total = 0;
        for (long c : count) {
            total += c;
        }
        // k-means++ seeding: the first center with probability ∝ count, the next ones ∝ count × distance².
        double[] centers = new double[k];
        int chosen = 0;
        centers[chosen++] = pick(count, null, total, random);
        double[] distance2 = new double[bins];
        while (chosen < k) {
            double sum = 0;
            for (int b = 0; b < bins; b++) {
                double best = Double.MAX_VALUE;
                for (int c = 0; c < chosen; c++) {
                    double dd = (b - 255 - centers[c]) * (b - 255 - centers[c]);
                    best = Math.min(best, dd);
                }
                distance2[b] = best * count[b];
                sum += distance2[b];
            }
            if (sum == 0) {
                break;
            }
            centers[chosen++] = pick(count, distance2, sum, random);
        }
        double[] c = Arrays.copyOf(centers, chosen);
        int[] assignment = new int[bins];
        Arrays.fill(assignment, -1);
        for (int iteration = 0; iteration < MAX_KMEANS_ITERATIONS; iteration++) {
            Arrays.sort(c);
            boolean changed = false;
            double[] sum = new double[c.length];
            long[] members = new long[c.length];
            for (int b = 0; b < bins; b++) {
                if (count[b] == 0) {
                    continue;
                }
                int nearest = nearest(c, b - 255);
                if (assignment[b] != nearest) {
                    assignment[b] = nearest;
                    changed = true;
                }
                sum[nearest] += (double) count[b] * (b - 255);
                members[nearest] += count[b];
            }
            for (int j = 0; j < c.length; j++) {
                if (members[j] > 0) {
                    c[j] = sum[j] / members[j];
                }
            }
            if (!changed) {
                break;
            }
        }
        int[] mapping = new int[bins];
        for (int b = 0; b < bins; b++) {
            mapping[b] = count[b] == 0 ? b - 255 : (int) Math.floor(c[nearest(c, b - 255)] + 0.5);
        }
        return mapping;
    }

    /** Returns the index of the center nearest to {@code x} in sorted {@code c} (the lower one on a tie). */
    private static int nearest(double[] c, int x) {
        int best = 0;
        double bestDistance = Math.abs(x - c[0]);
        for (int j = 1; j < c.length; j++) {
            double d = Math.abs(x - c[j]);
            if (d < bestDistance) {
                bestDistance = d;
                best = j;
            }
        }
        return best;
    }

    /** Draws a histogram value with probability ∝ weight[b] (or ∝ count[b] when weight is null). */
    private static double pick(long[] count, double[] weight, double total, SplittableRandom random) {
        double r = random.nextDouble() * total;
        int last = 0;
        for (int b = 0; b < count.length; b++) {
            double w = weight == null ? count[b] : weight[b];
            if (w <= 0) {
                continue;
            }
            last = b;
            r -= w;
            if (r < 0) {
                return b - 255;
            }
        }
        return last - 255;
    }
}
