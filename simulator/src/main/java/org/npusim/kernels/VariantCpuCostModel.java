// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.CpuOpCost;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.CpuCore;

/**
 * A {@link CpuCostModel} that re-costs the convolution and fully connected layers of another one with a chosen
 * kernel family: the base model's cycles are scaled by this package's ratio {@code variant cycles / dense cycles}
 * for the layer's shape, its measured weight sparsity and the N:M pattern its weights follow, if any. Scaling the
 * base cost (rather than replacing it) keeps whatever the base model knows that this one does not, such as memory
 * wait states; the memory traffic is the base model's. Other operators, and layers no variant applies to, keep
 * the base cost.
 *
 * <p>Activation sparsity is not known before a run; it is 0 unless given per operator (e.g. the zero fractions
 * of {@code npusim run --stats}), so zero-skip is chosen only where it is given.
 *
 * <p>Contract (that of {@link CpuCostModel}): deterministic, never throws for a valid graph.
 */
public final class VariantCpuCostModel implements CpuCostModel {

    private final CpuCostModel base;
    private final KernelCostModel model;
    private final KernelChoice choice;
    private final Map<Integer, Double> activationSparsity;

    /** Wraps {@code base} for {@code core} with {@code choice} and no activation sparsity. */
    public VariantCpuCostModel(CpuCostModel base, CpuCore core, KernelChoice choice) {
        this(base, core, choice, Map.of());
    }

    /**
     * Wraps {@code base}; {@code activationSparsity} maps operator indices to the fraction of their input that is
     * zero.
     */
    public VariantCpuCostModel(CpuCostModel base, CpuCore core, KernelChoice choice,
            Map<Integer, Double> activationSparsity) {
        this.base = Objects.requireNonNull(base, "base");
        this.model = new KernelCostModel(core);
        this.choice = Objects.requireNonNull(choice, "choice");
        this.activationSparsity = Map.copyOf(activationSparsity);
    }

    @Override
    public CpuOpCost cost(Subgraph graph, Operator op) {
        CpuOpCost b = base.cost(graph, op);
        if (choice == KernelChoice.DENSE) {
            return b;
        }
        Optional<LayerShape> shape = LayerShape.of(graph, op);
        if (shape.isEmpty()) {
            return b;
        }
        Sparsity s = sparsity(graph, op, shape.get());
        Optional<VariantCost> chosen = choose(shape.get(), s);
        if (chosen.isEmpty() || chosen.get().variant() == KernelVariant.DENSE) {
            return b;
        }
        double dense = model.cost(shape.get(), KernelVariant.DENSE, s).cycles();
        long cycles = Math.round(b.cycles() * (chosen.get().cycles() / dense));
        return new CpuOpCost(cycles, b.bottleneck(), b.kernel() + " [" + chosen.get().label() + "]", b.readBytes(),
                b.writeBytes());
    }

    /** Returns the variant {@link #cost} uses for {@code op}, or empty when the layer keeps the base cost. */
    public Optional<VariantCost> choose(Subgraph graph, Operator op, LayerShape shape) {
        return choose(shape, sparsity(graph, op, shape));
    }

    private Optional<VariantCost> choose(LayerShape shape, Sparsity s) {
        boolean any = choice.variants().stream().anyMatch(v -> model.notApplicable(shape, v, s).isEmpty());
        if (!any) {
            return Optional.empty();
        }
        return Optional.of(model.best(shape, s, choice.variants()));
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
