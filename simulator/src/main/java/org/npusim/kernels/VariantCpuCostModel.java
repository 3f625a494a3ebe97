// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.CpuOpCost;
import org.npusim.cpu.KernelSubstitution;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.CpuCore;

/**
 * A {@link CpuCostModel} that re-costs the convolution and fully connected layers of the Cortex-M model with a
 * chosen kernel family ({@link KernelSubstitution}): the layer's instructions are scaled by this package's ratio
 * {@code variant cycles / dense cycles} for the layer's shape, its measured weight sparsity and the N:M pattern its
 * weights follow, if any; its weights take the variant's encoded bytes (a Winograd kernel's int16 tiles, a sparse
 * kernel's values and indices), and the base model costs the memory waits and bytes of that traffic. Scaling the
 * base kernel's instructions (rather than replacing them) keeps what the base model knows that this one does not.
 * Other operators, layers no variant applies to, and the NPU driver's cycles keep the base cost.
 *
 * <p>Activation sparsity is not known before a run; it is 0 unless given per operator (e.g. the zero fractions
 * of {@code npusim run --stats}), so zero-skip is chosen only where it is given.
 *
 * <p>Contract (that of {@link CpuCostModel}): deterministic, never throws for a valid graph.
 */
public final class VariantCpuCostModel implements CpuCostModel {

    private final CortexMCostModel base;
    private final KernelCostModel model;
    private final KernelChoice choice;
    private final Map<Integer, Double> activationSparsity;
    /** Whether only variants storing at most the dense weight bytes may be chosen ({@link #withinDenseWeights}). */
    private final boolean withinDense;

    /**
     * The choice per operator, made once: a run asks for a layer's extra weight bytes (capacity) and later for its
     * cost, and each choice costs every variant in full and scans the weights for their sparsity. Keyed by the
     * operator object, which belongs to one graph.
     */
    private final Map<Operator, Chosen> chosenByOperator = Collections.synchronizedMap(new IdentityHashMap<>());

    /** Wraps {@code base} for {@code core} with {@code choice} and no activation sparsity. */
    public VariantCpuCostModel(CortexMCostModel base, CpuCore core, KernelChoice choice) {
        this(base, core, choice, Map.of());
    }

    /**
     * Wraps {@code base}; {@code activationSparsity} maps operator indices to the fraction of their input that is
     * zero.
     */
    public VariantCpuCostModel(CortexMCostModel base, CpuCore core, KernelChoice choice,
            Map<Integer, Double> activationSparsity) {
        this(base, new KernelCostModel(core), choice, activationSparsity, false);
    }

    private VariantCpuCostModel(CortexMCostModel base, KernelCostModel model, KernelChoice choice,
            Map<Integer, Double> activationSparsity, boolean withinDense) {
        this.base = Objects.requireNonNull(base, "base");
        this.model = model;
        this.choice = Objects.requireNonNull(choice, "choice");
        this.activationSparsity = Map.copyOf(activationSparsity);
        this.withinDense = withinDense;
    }

    /**
     * For {@code auto}, the same choice among the variants that store no more weight bytes than dense (sparse
     * encodings that shrink, zero-skip), so that a model whose Winograd tiles do not fit runs with the fastest
     * kernels that do; a forced family is kept as the user asked.
     */
    @Override
    public CpuCostModel withinDenseWeights() {
        return choice == KernelChoice.AUTO && !withinDense
                ? new VariantCpuCostModel(base, model, choice, activationSparsity, true) : this;
    }

    /**
     * Returns the cost of {@code op} under the cheapest applicable variant of the choice, each costed in full by the
     * base model (instructions, and the memory waits of its own weight encoding), ties to the earlier variant; a
     * layer no variant of the choice applies to keeps the base cost.
     */
    @Override
    public CpuOpCost cost(Subgraph graph, Operator op) {
        return chosen(graph, op).cost();
    }

    /** Returns the chosen variant's weight bytes less the dense kernel's (0 where the base kernel runs). */
    @Override
    public long extraWeightBytes(Subgraph graph, Operator op) {
        return chosen(graph, op).extraWeightBytes();
    }

    /** The kernel a layer runs: its cost, and the weight bytes its encoding adds to the dense one's. */
    private record Chosen(CpuOpCost cost, long extraWeightBytes) {}

    private Chosen chosen(Subgraph graph, Operator op) {
        return chosenByOperator.computeIfAbsent(op, o -> choose(graph, o));
    }

    private Chosen choose(Subgraph graph, Operator op) {
        Optional<LayerShape> shape = choice == KernelChoice.DENSE ? Optional.empty() : LayerShape.of(graph, op);
        if (shape.isEmpty()) {
            return new Chosen(base.cost(graph, op), 0);
        }
        Sparsity s = sparsity(graph, op, shape.get());
        double dense = model.cost(shape.get(), KernelVariant.DENSE, s).cycles();
        long denseWeights = model.footprint(shape.get(), KernelVariant.DENSE, s).weightBytes();
        Set<KernelVariant> allowed = choice.variants();
        Chosen best = null;
        for (KernelVariant v : KernelVariant.values()) {
            if (!allowed.contains(v) || model.notApplicable(shape.get(), v, s).isPresent()) {
                continue;
            }
            Chosen c;
            if (v == KernelVariant.DENSE) {
                c = new Chosen(base.cost(graph, op), 0);
            } else {
                VariantCost vc = model.cost(shape.get(), v, s);
                long weights = vc.footprint().weightBytes();
                if (withinDense && weights > denseWeights) {
                    continue;
                }
                boolean int16Tiles = v == KernelVariant.WINOGRAD_F2 || v == KernelVariant.WINOGRAD_F4;
                c = new Chosen(base.cost(graph, op, new KernelSubstitution(vc.label(), vc.cycles() / dense, denseWeights,
                        weights, model.weightPasses(shape.get(), v, s), int16Tiles ? 2 : 1)), weights - denseWeights);
            }
            if (best == null || c.cost().cycles() < best.cost().cycles()) {
                best = c;
            }
        }
        return best == null ? new Chosen(base.cost(graph, op), 0) : best;
    }

    @Override
    public long npuInvocationCycles() {
        return base.npuInvocationCycles();
    }

    /** Returns the layer's measured weight sparsity, the tightest standard N:M pattern it follows, and its activations. */
    Sparsity sparsity(Subgraph graph, Operator op, LayerShape shape) {
        Tensor w = graph.tensor(op.input(1));
        int rows = shape.outC();
        int cols = shape.reduction();
        byte[] all = w.data().orElseThrow().toByteArray();
        byte[] weights = java.util.Arrays.copyOf(all, (int) Math.min(all.length, shape.weightCount()));
        Optional<NmPattern> pattern = Optional.empty();
        if ((long) rows * cols == weights.length) {
            for (NmPattern p : new NmPattern[] {new NmPattern(1, 8), new NmPattern(1, 4), new NmPattern(2, 4)}) {
                if (p.fits(weights, rows, cols)) {
                    pattern = Optional.of(p);
                    break;
                }
            }
        }
        double a = activationSparsity.getOrDefault(op.index(), 0.0);
        return new Sparsity(Pruning.zeroFraction(weights), Math.min(1, Math.max(0, a)), pattern);
    }
}
