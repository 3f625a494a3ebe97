// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.npusim.hw.CpuCore;

/**
 * Every kernel variant of one layer on one core at a list of weight sparsities: what {@code npusim kernels
 * compare} prints.
 *
 * @param core the core
 * @param layer what the layer is: its shape, and for a layer of a model its name, operator and measured sparsity
 * @param activationSparsity the activation sparsity every row assumes
 * @param rows per weight sparsity, every applicable variant (sparse-nm once per pattern)
 * @param best per weight sparsity (in the order given), the fastest variant that computes the layer as it is
 * @param notApplicable why the variants that are absent from the rows do not apply
 * @param weightCrossover per unstructured sparse variant, the weight sparsity above which it beats dense (empty:
 *     never)
 * @param activationCrossover the activation sparsity above which zero-skip beats dense (empty: never)
 * @param verified the variants whose functional kernels were run on the layer and matched the dense reference
 *     exactly (labels, in order; empty when not checked)
 */
public record KernelComparison(CpuCore core, Layer layer, double activationSparsity, List<Row> rows, List<Row> best,
        Map<KernelVariant, String> notApplicable, Map<KernelVariant, OptionalDouble> weightCrossover,
        OptionalDouble activationCrossover, List<String> verified) {

    /** The statement about the NPU that every comparison carries. */
    public static final String NPU_NOTE = "Ethos-U does not skip zero weights in compute and has no Winograd mode:"
            + " its MAC cycles depend only on the layer's geometry. Its gain from sparsity comes through weight"
            + " compression (fewer weight bytes to fetch), which helps only layers whose MAC array waits for weights.";

    /**
     * The layer compared.
     *
     * @param shape its shape
     * @param name the output tensor's name for a layer of a model, else empty
     * @param operator the TFLite operator for a layer of a model, else empty
     * @param index the operator index for a layer of a model, else empty
     * @param measuredWeightSparsity the fraction of the real weights that are zero, for a layer of a model
     */
    public record Layer(LayerShape shape, Optional<String> name, Optional<String> operator, Optional<Integer> index,
            OptionalDouble measuredWeightSparsity) {

        /** Validates the record. */
        public Layer {
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(index, "index");
            Objects.requireNonNull(measuredWeightSparsity, "measuredWeightSparsity");
        }

        /** Returns a layer given only by its shape. */
        public static Layer ofShape(LayerShape shape) {
            return new Layer(shape, Optional.empty(), Optional.empty(), Optional.empty(), OptionalDouble.empty());
        }
    }

    /**
     * One variant at one weight sparsity.
     *
     * @param weightSparsity the weight sparsity
     * @param cost the variant's cost
     * @param speedup dense cycles over the variant's cycles at this sparsity
     * @param needsPruning whether the variant computes the layer only after its weights are pruned to an N:M
     *     pattern they do not follow: a what-if, never the fastest correct variant
     */
    public record Row(double weightSparsity, VariantCost cost, double speedup, boolean needsPruning) {}

    /** Validates the record and copies its collections. */
    public KernelComparison {
        Objects.requireNonNull(core, "core");
        Objects.requireNonNull(layer, "layer");
        rows = List.copyOf(rows);
        best = List.copyOf(best);
        notApplicable = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notApplicable));
        weightCrossover = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weightCrossover));
        Objects.requireNonNull(activationCrossover, "activationCrossover");
        verified = List.copyOf(verified);
    }

    /**
     * Compares every variant of {@code layer} on {@code core} at each of {@code weightSparsities}, with
     * {@code activationSparsity}. Sparse-nm is costed for {@code followed}, the pattern the weights follow, when
     * there is one; else for {@code whatIf} (or, when that is empty too, the {@link NmPattern#STANDARD standard
     * patterns}) as rows that need pruning. The fastest variant at each sparsity is chosen among the rows that
     * compute the layer as it is.
     */
    public static KernelComparison of(CpuCore core, Layer layer, List<Double> weightSparsities,
            double activationSparsity, Optional<NmPattern> followed, Optional<NmPattern> whatIf) {
        if (weightSparsities.isEmpty()) {
            throw new IllegalArgumentException("no weight sparsity to compare at");
        }
        KernelCostModel model = new KernelCostModel(core);
        LayerShape shape = layer.shape();
        List<NmPattern> patterns = followed.map(List::of).orElse(whatIf.map(List::of).orElse(NmPattern.STANDARD));
        List<Row> rows = new ArrayList<>();
        List<Row> best = new ArrayList<>();
        for (double w : weightSparsities) {
            Sparsity s = new Sparsity(w, activationSparsity, Optional.empty());
            double dense = model.cost(shape, KernelVariant.DENSE, s).cycles();
            Row fastest = null;
            for (VariantCost c : model.costAll(shape, s, patterns)) {
                boolean pruned = c.variant() == KernelVariant.SPARSE_NM && followed.isEmpty();
                Row r = new Row(w, c, dense / c.cycles(), pruned);
                rows.add(r);
                if (!pruned && (fastest == null || c.cycles() < fastest.cost().cycles())) {
                    fastest = r;
                }
            }
            best.add(fastest);
        }
        Map<KernelVariant, String> notApplicable = new LinkedHashMap<>();
        for (KernelVariant v : KernelVariant.values()) {
            Sparsity s = new Sparsity(0, activationSparsity, Optional.of(patterns.get(0)));
            model.notApplicable(shape, v, s).ifPresent(r -> notApplicable.put(v, r));
        }
        Map<KernelVariant, OptionalDouble> crossover = new LinkedHashMap<>();
        for (KernelVariant v : new KernelVariant[] {KernelVariant.SPARSE_CSR, KernelVariant.SPARSE_BITMASK}) {
            crossover.put(v, model.weightCrossover(shape, v, activationSparsity));
        }
        return new KernelComparison(core, layer, activationSparsity, rows, best, notApplicable, crossover,
                model.activationCrossover(shape), List.of());
    }

    /** Returns this comparison with the list of verified variants. */
    public KernelComparison withVerified(List<String> labels) {
        return new KernelComparison(core, layer, activationSparsity, rows, best, notApplicable, weightCrossover,
                activationCrossover, labels);
    }
}
