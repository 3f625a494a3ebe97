// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.CpuKernelOption;
import org.npusim.cpu.CpuOpCost;
import org.npusim.cpu.KernelSubstitution;
import org.npusim.graph.OpKind;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.CpuCore;
import org.npusim.hw.HardwareConfig;

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
    /**
     * The most weight bytes beyond the dense kernel's each operator's kernel may store, by operator index (absent:
     * 0); null for no limit ({@link #withExtraWeightLimits}).
     */
    private final Map<Integer, Long> extraLimits;

    /**
     * The kernels each operator may run, costed once and shared by the models derived with other limits: a run asks
     * for a layer's extra weight bytes (capacity) and later for its cost, each variant is costed in full and the
     * weights are scanned for their sparsity. Keyed by the operator object, which belongs to one graph.
     */
    private final Map<Operator, List<Option>> optionsByOperator;

    /**
     * Returns the CPU cost model of a description with {@code choice} on its convolution and fully connected layers:
     * the Cortex-M model itself for dense, else this model around it.
     */
    public static Function<HardwareConfig, CpuCostModel> forChoice(KernelChoice choice,
            Map<Integer, Double> activationSparsity) {
        return h -> choice == KernelChoice.DENSE ? CortexMCostModel.of(h)
                : new VariantCpuCostModel(CortexMCostModel.of(h), h.cpu().core(), choice, activationSparsity);
    }

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
        this(base, new KernelCostModel(core), choice, activationSparsity, null,
                Collections.synchronizedMap(new IdentityHashMap<>()));
    }

    private VariantCpuCostModel(CortexMCostModel base, KernelCostModel model, KernelChoice choice,
            Map<Integer, Double> activationSparsity, Map<Integer, Long> extraLimits,
            Map<Operator, List<Option>> optionsByOperator) {
        this.base = Objects.requireNonNull(base, "base");
        this.model = model;
        this.choice = Objects.requireNonNull(choice, "choice");
        this.activationSparsity = Map.copyOf(activationSparsity);
        this.extraLimits = extraLimits == null ? null : Map.copyOf(extraLimits);
        this.optionsByOperator = optionsByOperator;
    }

    /**
     * For {@code auto}, the same choice among the variants that store at most the given extra weight bytes per
     * operator (0 where not given: sparse encodings that shrink, zero-skip), so that a model whose Winograd tiles do
     * not all fit runs with the fastest kernels that do; a forced family is kept as the user asked.
     */
    @Override
    public CpuCostModel withExtraWeightLimits(Map<Integer, Long> limitByOperator) {
        return choice == KernelChoice.AUTO
                ? new VariantCpuCostModel(base, model, choice, activationSparsity, limitByOperator, optionsByOperator)
                : this;
    }

    /**
     * Returns, for {@code auto}, every variant {@code op} may run, in the variants' order (its base kernel alone when
     * no variant applies); empty for a forced family.
     */
    @Override
    public List<CpuKernelOption> kernelOptions(Subgraph graph, Operator op) {
        if (choice != KernelChoice.AUTO) {
            return List.of();
        }
        List<CpuKernelOption> out = new ArrayList<>();
        for (Option o : options(graph, op)) {
            out.add(new CpuKernelOption(o.cost().kernel(), o.cost().cycles(), o.extraWeightBytes()));
        }
        return out;
    }

    /**
     * Returns the cost of {@code op} under the cheapest applicable variant of the choice within the operator's
     * extra-byte limit, each costed in full by the base model (instructions, and the memory waits of its own weight
     * encoding), ties to the earlier variant; a layer no variant of the choice applies to keeps the base cost.
     */
    @Override
    public CpuOpCost cost(Subgraph graph, Operator op) {
        return chosen(graph, op).cost();
    }

    /**
     * Returns the chosen kernel's scratch bytes: the base model's for its own kernel, and for a variant the base's
     * scaled by this package's ratio of the variant's scratch to dense ({@link KernelCostModel#footprint}: a
     * Winograd kernel's input and product tiles against dense im2col columns), as its instructions are.
     */
    @Override
    public long scratchBytes(Subgraph graph, Operator op) {
        return chosen(graph, op).scratchBytes();
    }

    /**
     * Returns the base model's persistent bytes where its own kernel runs; a variant, this package's kernel whose
     * footprint is its weights and scratch ({@link KernelCostModel#footprint}), keeps none.
     */
    @Override
    public long persistentBytes(Subgraph graph, Operator op) {
        return chosen(graph, op).variant() == KernelVariant.DENSE ? base.persistentBytes(graph, op) : 0;
    }

    /** Returns the chosen variant's weight bytes less the dense kernel's (0 where the base kernel runs). */
    @Override
    public long extraWeightBytes(Subgraph graph, Operator op) {
        return chosen(graph, op).extraWeightBytes();
    }

    /**
     * Says when the choice changed no layer, and why: no layer a variant computes runs on the CPU (they run on the
     * NPU, or the model has none), the family applies to none of those that do, or auto found dense the fastest on
     * each. The result would otherwise read as the chosen kernels' while every CPU layer ran its dense kernel. Auto
     * limited by the memory says nothing here: the run's note on the kernels that did not fit names its layers.
     */
    @Override
    public Optional<String> choiceNote(Subgraph graph, List<Operator> cpuOperators, String system) {
        if (choice == KernelChoice.DENSE || extraLimits != null) {
            return Optional.empty();
        }
        String asked = "--cpu-kernels " + choice.label()
                + (activationSparsity.isEmpty() ? "" : ", with the activation sparsity measured on the inputs,");
        Set<Integer> onCpu = new HashSet<>();
        cpuOperators.forEach(op -> onCpu.add(op.index()));
        List<Operator> layers = cpuOperators.stream().filter(op -> LayerShape.of(graph, op).isPresent()).toList();
        if (layers.isEmpty()) {
            boolean onNpu = graph.operators().stream()
                    .anyMatch(op -> !onCpu.contains(op.index()) && LayerShape.of(graph, op).isPresent());
            boolean otherTypes = cpuOperators.stream().anyMatch(op -> op.options().kind() == OpKind.CONV_2D
                    || op.options().kind() == OpKind.FULLY_CONNECTED);
            String where = otherTypes ? " (its convolution and fully connected layers there are not int8, which the"
                    + " variants need)" : onNpu ? " (every such layer runs on the NPU)"
                    : onCpu.size() == graph.operators().size() ? " (the model has none)" : "";
            return Optional.of(asked + " changed nothing: no int8 convolution or fully connected layer runs on the CPU"
                    + " of " + system + where);
        }
        if (layers.stream().anyMatch(op -> chosen(graph, op).variant() != KernelVariant.DENSE)) {
            return slowerNote(graph, layers, asked);
        }
        if (choice == KernelChoice.AUTO) {
            return Optional.of(asked + " changed nothing: on each int8 convolution and fully connected layer on the CPU"
                    + " of " + system + " (" + layerList(layers.stream().map(Operator::index).toList()) + ") the dense"
                    + " kernel is the fastest" + (activationSparsity.isEmpty() ? ", with activations taken as dense"
                            + " (--input or --random measures their zeros, which zero-skipping kernels use)" : ""));
        }
        // A forced family runs wherever it applies, so here it applies to none: say why, layers grouped by reason.
        Map<String, List<Integer>> layersByReason = new LinkedHashMap<>();
        for (Operator op : layers) {
            LayerShape shape = LayerShape.of(graph, op).orElseThrow();
            Sparsity s = sparsity(graph, op, shape);
            Set<String> reasons = new LinkedHashSet<>();
            for (KernelVariant v : choice.variants()) {
                model.notApplicable(shape, v, s).ifPresent(reasons::add);
            }
            layersByReason.computeIfAbsent(String.join("; ", reasons), r -> new ArrayList<>()).add(op.index());
        }
        StringBuilder why = new StringBuilder();
        layersByReason.forEach((reason, indices) -> why.append(why.length() == 0 ? "" : "; ").append(layerList(indices))
                .append(": ").append(reason));
        return Optional.of(asked + " changed nothing: no " + choice.label() + " kernel applies to the int8 convolution"
                + " and fully connected layers on the CPU of " + system + " (" + why + ")");
    }

    /**
     * Says so when a forced family runs layers slower than their dense kernels (it runs wherever it applies, so that
     * its cost shows), with the run's cycles on those layers against dense; auto never does.
     */
    private Optional<String> slowerNote(Subgraph graph, List<Operator> layers, String asked) {
        if (choice == KernelChoice.AUTO) {
            return Optional.empty();
        }
        List<Integer> slower = new ArrayList<>();
        long chosenCycles = 0;
        long denseCycles = 0;
        for (Operator op : layers) {
            long c = chosen(graph, op).cost().cycles();
            long d = base.cost(graph, op).cycles();
            if (c > d) {
                slower.add(op.index());
                chosenCycles += c;
                denseCycles += d;
            }
        }
        if (slower.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(java.util.Locale.ROOT, "%s runs %s slower than dense: %,d CPU cycles"
                + " against %,d (%+.1f%%); --cpu-kernels auto keeps each layer's fastest", asked, layerList(slower),
                chosenCycles, denseCycles, 100.0 * (chosenCycles - denseCycles) / denseCycles));
    }

    /** Returns "layer 3" or "layers 1, 3, 5", as the simulator's notes name layers. */
    private static String layerList(List<Integer> indices) {
        return (indices.size() > 1 ? "layers " : "layer ")
                + String.join(", ", indices.stream().map(String::valueOf).toList());
    }

    /**
     * A kernel a layer may run: its cost, the weight bytes its encoding adds to the dense one's, and its variant
     * ({@link KernelVariant#DENSE} where the base kernel runs).
     */
    private record Option(CpuOpCost cost, long extraWeightBytes, KernelVariant variant, long scratchBytes) {}

    private Option chosen(Subgraph graph, Operator op) {
        long limit = extraLimits == null ? Long.MAX_VALUE : extraLimits.getOrDefault(op.index(), 0L);
        Option best = null;
        for (Option o : options(graph, op)) {
            if (o.extraWeightBytes() <= limit && (best == null || o.cost().cycles() < best.cost().cycles())) {
                best = o;
            }
        }
        return best == null ? new Option(base.cost(graph, op), 0, KernelVariant.DENSE, base.scratchBytes(graph, op)) : best;
    }

    private List<Option> options(Subgraph graph, Operator op) {
        return optionsByOperator.computeIfAbsent(op, o -> costEveryVariant(graph, o));
    }

    /**
     * Returns the base kernel's scratch scaled by the variant's to dense (a base kernel without scratch, such as
     * CMSIS-NN's 1x1 convolution, keeps none); the variant's own where dense has none (a fully connected layer).
     */
    private static long scaledScratch(long baseScratch, long denseScratch, long variantScratch) {
        return denseScratch > 0 ? (long) Math.ceil((double) baseScratch * variantScratch / denseScratch) : variantScratch;
    }

    /** Costs every variant of the choice that applies to {@code op}, in the variants' order. */
    private List<Option> costEveryVariant(Subgraph graph, Operator op) {
        Optional<LayerShape> shape = choice == KernelChoice.DENSE ? Optional.empty() : LayerShape.of(graph, op);
        if (shape.isEmpty()) {
            // The base kernel, costed once: a run asks for the layer's cost and extra bytes more than once.
            return List.of(new Option(base.cost(graph, op), 0, KernelVariant.DENSE, base.scratchBytes(graph, op)));
        }
        Sparsity s = sparsity(graph, op, shape.get());
        double dense = model.cost(shape.get(), KernelVariant.DENSE, s).cycles();
        Footprint denseFootprint = model.footprint(shape.get(), KernelVariant.DENSE, s);
        long denseWeights = denseFootprint.weightBytes();
        long baseScratch = base.scratchBytes(graph, op);
        Set<KernelVariant> allowed = choice.variants();
        List<Option> out = new ArrayList<>();
        for (KernelVariant v : KernelVariant.values()) {
            if (!allowed.contains(v) || model.notApplicable(shape.get(), v, s).isPresent()) {
                continue;
            }
            if (v == KernelVariant.DENSE) {
                out.add(new Option(base.cost(graph, op), 0, v, baseScratch));
            } else {
                VariantCost vc = model.cost(shape.get(), v, s);
                long weights = vc.footprint().weightBytes();
                boolean int16Tiles = v == KernelVariant.WINOGRAD_F2 || v == KernelVariant.WINOGRAD_F4;
                out.add(new Option(base.cost(graph, op, new KernelSubstitution(vc.label(), vc.cycles() / dense,
                        denseWeights, weights, model.weightPasses(shape.get(), v, s), int16Tiles ? 2 : 1)),
                        weights - denseWeights, v, scaledScratch(baseScratch, denseFootprint.scratchBytes(),
                        vc.footprint().scratchBytes())));
            }
        }
        return List.copyOf(out);
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
