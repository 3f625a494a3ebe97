// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.util.ArrayList;
import java.util.List;
import org.npusim.graph.Tensor;

/**
 * How far two models' outputs are apart on the same inputs, in real values: each output is dequantized with its
 * own tensor's scale and zero point, so a what-if model (pruned, clustered, requantized) is compared with the
 * original on what the numbers mean, not on their encodings.
 */
public final class OutputComparison {

    private OutputComparison() {}

    /**
     * The difference of one output pair.
     *
     * @param index the output's position in the graph's output list
     * @param name the first model's output tensor name
     * @param elements the number of values compared
     * @param maxAbsDiff the largest |a - b| of the dequantized values
     * @param meanAbsDiff the mean |a - b| of the dequantized values
     */
    public record Difference(int index, String name, long elements, double maxAbsDiff, double meanAbsDiff) {}

    /**
     * Compares outputs pairwise; the two lists must have equal length and each pair equal element counts.
     *
     * @throws IllegalArgumentException when the outputs do not correspond
     */
    public static List<Difference> compare(List<Tensor> tensorsA, List<TensorBuffer> a, List<Tensor> tensorsB,
            List<TensorBuffer> b) {
        if (a.size() != b.size() || tensorsA.size() != a.size() || tensorsB.size() != b.size()) {
            throw new IllegalArgumentException("the models have " + a.size() + " and " + b.size() + " outputs");
        }
        List<Difference> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            TensorBuffer x = a.get(i);
            TensorBuffer y = b.get(i);
            if (x.length() != y.length()) {
                throw new IllegalArgumentException("output " + i + " has " + x.length() + " and " + y.length()
                        + " values");
            }
            double max = 0;
            double sum = 0;
            for (int k = 0; k < x.length(); k++) {
                double d = Math.abs(real(tensorsA.get(i), x, k) - real(tensorsB.get(i), y, k));
                max = Math.max(max, d);
                sum += d;
            }
            out.add(new Difference(i, tensorsA.get(i).name(), x.length(), max, x.length() == 0 ? 0 : sum / x.length()));
        }
        return out;
    }

    /** Returns the real value of element {@code k}: scale * (q - zp) for quantized tensors, else the value. */
    static double real(Tensor t, TensorBuffer v, int k) {
        var q = t.quantization().filter(x -> x.channelCount() > 0);
        if (q.isEmpty() || v.type() == org.npusim.graph.ElementType.FLOAT32) {
            return v.getDouble(k);
        }
        return (double) q.get().scale(0) * (v.get(k) - q.get().zeroPoint(0));
    }
}
