// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.npusim.cmdstream.CommandStream;
import org.npusim.cmdstream.CompiledOperator;
import org.npusim.cmdstream.CompiledPlan;
import org.npusim.compression.WeightDecoderModel;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.CpuOpCost;
import org.npusim.des.ClockDomain;
import org.npusim.des.TimeLimitExceeded;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.TechnologyProfile;
import org.npusim.hw.MemoryKind;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.Placement;
import org.npusim.plan.ArenaUse;
import org.npusim.plan.CachedWeightSizer;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.NpuTarget;
import org.npusim.plan.NpuTargets;
import org.npusim.plan.PlanCache;
import org.npusim.plan.Planner;
import org.npusim.plan.Step;
import org.npusim.plan.WeightSizer;
import org.npusim.result.FixedResource;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.MemoryUse;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.result.WeightSizes;

/**
 * Simulates a model on a hardware description: plans it, runs the plan (event-driven by default; Vela-compatible
 * when the description turns both overlap and contention off), and assembles the per-layer and total result with
 * energy. Each call is a pure function of its arguments.
 */
public final class Simulator {

    /** How the note begins that says a run's CPU kernels storing more than dense did not all fit. */
    public static final String KERNELS_NOT_ALL_FIT = KernelsWithinMemory.NOTE_PREFIX;

    private final Function<HardwareConfig, CpuCostModel> cpuModels;
    private final WeightSizer weights;
    /** Plans shared with other simulators (a sweep's points); absent: each run plans. */
    private final Optional<PlanCache> plans;
    /**
     * Whether each layer gets its queued time and critical path (and the bottleneck from it); off for runs whose
     * totals alone are used ({@link #totalsOnly}).
     */
    private final boolean layerDetail;

    /**
     * Creates a simulator costing CPU operators with the model {@code cpuModels} gives for each hardware description,
     * and sizing weight streams with {@code weights}.
     */
    public Simulator(Function<HardwareConfig, CpuCostModel> cpuModels, WeightSizer weights) {
        this(cpuModels, weights, Optional.empty(), true);
    }

    private Simulator(Function<HardwareConfig, CpuCostModel> cpuModels, WeightSizer weights, Optional<PlanCache> plans,
            boolean layerDetail) {
        this.cpuModels = cpuModels;
        this.weights = weights;
        this.plans = plans;
        this.layerDetail = layerDetail;
    }

    /**
     * Creates a simulator as {@link #Simulator(Function, WeightSizer)} that takes its plans from {@code plans}, and
     * sizes weight streams with the cache's sizer: runs whose NPU targets are equal share one plan.
     */
    public Simulator(Function<HardwareConfig, CpuCostModel> cpuModels, PlanCache plans) {
        this(cpuModels, plans.sizer(), Optional.of(plans), true);
    }

    /**
     * Returns this simulator keeping no per-layer queue or critical-path records: the same times, energy and traffic,
     * but no {@code queued_cycles} or {@code critical_cycles}, and each layer's bottleneck by its busy time. For runs
     * whose totals alone are used (a sweep's points): the records cost about a third of a cached run.
     */
    public Simulator totalsOnly() {
        return new Simulator(cpuModels, weights, plans, false);
    }

    /** Returns the standard simulator: the Cortex-M kernel cost model and the Ethos-U weight encoder. */
    public static Simulator standard() {
        return new Simulator(org.npusim.cpu.CortexMCostModel::of, new org.npusim.plan.EthosUWeightSizer());
    }

    /**
     * A run: its result, the plan it executed, the transactions of the timeline when they were asked for (the
     * Vela-compatible mode has one transaction per layer, on the {@code npu} track), and by layer what its stored
     * weights take beyond the model's constants ({@link WeightFootprint#bytesByMemory}'s extras): an NPU layer's
     * encoded streams ({@link WeightFootprint#npuStreamExtraBytes}), a CPU kernel's own encoding (Winograd tiles,
     * sparse indices; {@link CpuCostModel#extraWeightBytes}), and the arena it needs (its CPU kernels' scratch
     * buffers included).
     */
    public record Run(SimulationResult result, ExecutionPlan plan, Timeline timeline,
            Map<Integer, Long> extraWeightBytes, ArenaUse arena) {
        public Run {
            extraWeightBytes = Map.copyOf(extraWeightBytes);
        }
    }

    /** Simulates {@code model} (read from {@code modelPath}) on {@code hw}. */
    public SimulationResult simulate(Model model, String modelPath, HardwareConfig hw) {
        return run(model, modelPath, hw, false).result();
    }

    /** Simulates {@code model} on {@code hw}, recording the timeline's transactions when {@code withTimeline}. */
    public Run run(Model model, String modelPath, HardwareConfig hw, boolean withTimeline) {
        try {
            return runWithinTimeLimit(model, modelPath, hw, withTimeline);
        } catch (TimeLimitExceeded e) {
            // Only a clock, latency or bandwidth far too slow for the work gets here (a clock of 1 Hz): bad input.
            String clocks = hw.npu().map(n -> "npu.clock " + n.clockHz() + " Hz, ").orElse("") + "cpu.clock "
                    + hw.cpu().clockHz() + " Hz";
            throw new InputException(hw.name(), "", "the run passes the simulated-time limit of " + TimeLimitExceeded.LIMIT_PS
                    + " ps (about 28 hours; " + e.what() + "): the clocks (" + clocks + "), the memories' latencies or"
                    + " their bandwidths are far too slow for " + model.name(), e);
        }
    }

    private Run runWithinTimeLimit(Model model, String modelPath, HardwareConfig hw, boolean withTimeline) {
        Optional<NpuTarget> target = NpuTargets.from(hw);
        WeightSizer sizer = CachedWeightSizer.of(weights.forRun());
        // A Vela-compiled model runs its command streams as compiled; any other is planned here.
        Optional<CompiledPlan> compiled = CompiledOperator.any(model)
                ? Optional.of(CompiledPlan.of(model, modelPath, target, hw.name()))
                : Optional.empty();
        ExecutionPlan plan;
        if (compiled.isPresent()) {
            if (!hw.placement().layerWeights().isEmpty()) {
                throw new InputException(hw.name(), "placement.layer_weights", "a Vela-compiled model reads its weights"
                        + " where its command stream says; give the uncompiled model to place layers' weights");
            }
            plan = compiled.get().plan();
        } else {
            checkLayerWeights(model, hw);
            plan = target.map(t -> plans.isPresent()
                            ? plans.get().plan(model, t, () -> plan(model, t, sizer))
                            : plan(model, t, sizer))
                    .orElseGet(() -> ExecutionPlan.cpuOnly(model));
        }
        Model planned = plan.model();
        Subgraph g = planned.main();
        CpuCostModel chosenCpu = cpuModels.apply(hw);
        Map<Integer, Long> cpuExtraWeights = KernelsWithinMemory.extraWeights(chosenCpu, g, plan);
        // A compiled model's constants are its command streams' buffers, already encoded.
        Map<Integer, Long> npuExtraWeights = compiled.isPresent() ? Map.of() : WeightFootprint.npuStreamExtraBytes(g, plan);
        if (plan.target().isPresent() && !g.operators().isEmpty()
                && plan.steps().stream().allMatch(s -> s instanceof Step.Cpu)) {
            Step.Cpu first = (Step.Cpu) plan.steps().get(0);
            throw new InputException(modelPath.isEmpty() ? model.name() : modelPath, "layer 0 ("
                    + g.tensor(first.graphOperator().output(0)).name() + ")", "no operator runs on the NPU of " + hw.name()
                    + " (" + first.reason() + "); simulate on a CPU-only description instead");
        }
        String kernelNote = null;
        ArenaUse arena = arenaUse(plan, chosenCpu, hw.placement(), compiled);
        Optional<InputException> tooLarge = capacityProblem(model, hw, plan, npuExtraWeights, arena, cpuExtraWeights);
        if (tooLarge.isPresent()) {
            // Kernels chosen for speed alone may need more than the memories hold where dense kernels fit: a
            // model that offers other kernels (--cpu-kernels auto) keeps the larger ones on the layers where they
            // fit and gain most (choose returns the model itself when it offers none).
            KernelsWithinMemory.Choice c = KernelsWithinMemory.choose(chosenCpu, g, plan,
                    (candidate, extras) -> capacityProblem(model, hw, plan, npuExtraWeights,
                            arenaUse(plan, candidate, hw.placement(), compiled), extras).isEmpty());
            if (c.model() != chosenCpu) {
                InputException all = tooLarge.get();
                chosenCpu = c.model();
                cpuExtraWeights = c.extraWeights();
                arena = arenaUse(plan, chosenCpu, hw.placement(), compiled);
                tooLarge = capacityProblem(model, hw, plan, npuExtraWeights, arena, cpuExtraWeights);
                kernelNote = c.note(all.place() + " " + all.problem());
            }
        }
        if (tooLarge.isPresent()) {
            throw tooLarge.get();
        }
        CpuCostModel cpu = chosenCpu;
        boolean velaMode = !hw.simulation().overlap() && !hw.simulation().contention();
        ClockDomain reference = new ClockDomain(target.isPresent() ? "npu" : "cpu", hw.referenceClockHz());
        ClockDomain cpuClock = new ClockDomain("cpu", hw.cpu().clockHz());
        // The kernel each CPU layer runs, for the result; filled as CPU steps are costed.
        Map<Integer, String> cpuKernels = new HashMap<>();
        CpuCost cpuCost = step -> {
            CpuOpCost c = cpu.cost(g, step.graphOperator());
            cpuKernels.put(step.graphOperator().index(), c.kernel());
            // Each part is the difference of its running sum's picoseconds, so that they add up to the duration.
            TreeMap<String, Long> partsPs = new TreeMap<>();
            long cyclesBefore = 0;
            for (Map.Entry<String, Long> e : c.partCycles().entrySet()) {
                partsPs.put(e.getKey(), cpuClock.toPs(cyclesBefore + e.getValue()) - cpuClock.toPs(cyclesBefore));
                cyclesBefore += e.getValue();
            }
            return new CpuCost.Cost(cpuClock.toPs(c.cycles()), c.bottleneck(), c.readBytes(), c.writeBytes(), partsPs);
        };
        List<StepOutcome> outcomes;
        Timeline timeline = withTimeline ? new Timeline() : null;
        if (velaMode && target.isPresent()) {
            outcomes = velaOutcomes(plan, reference, cpuCost);
            if (timeline != null) {
                for (StepOutcome o : outcomes) {
                    Step s = plan.steps().get(o.step());
                    timeline.add(new Timeline.Slice((s instanceof Step.Cpu ? FixedResource.CPU : FixedResource.NPU).label(), o.step(), "layer", -1, o.startPs(),
                            o.endPs(), 0));
                }
            }
        } else {
            // The weight decoder's rate (compression.WeightDecoderModel: 8 weights per cycle per core, derived from
            // Vela's weight-step floor; no public figure).
            double decoder = target.map(t -> WeightDecoderModel.of(t.variant()).weightsPerCyclePerCore() * t.variant().cores())
                    .orElse(1.0);
            outcomes = new EventSimulator(plan, hw.simulation().overlap(), hw.simulation().contention(), reference, cpuCost,
                    decoder, hw.simulation().driverOverhead() ? cpuClock.toPs(cpu.npuInvocationCycles()) : 0, timeline,
                    layerDetail).run();
        }
        long modelMacs = compiled.map(CompiledPlan::macs).orElse(g.facts().totalMacs());
        List<String> notes = new ArrayList<>(compiled.map(Simulator::compiledNotes).orElse(List.of()));
        if (kernelNote != null) {
            notes.add(kernelNote);
        }
        cpu.choiceNote(g, cpuOperators(plan), hw.name()).ifPresent(notes::add);
        if (target.isPresent()) {
            notes.addAll(cpuLayerNotes(plan));
            notes.addAll(noWorkNotes(plan));
            if (sizer.compressed()) {
                notes.addAll(uncompressedNotes(plan));
            }
        }
        SortedMap<String, MemoryUse> memory = MemoryFootprint.of(hw, model.main(), plan,
                merged(npuExtraWeights, cpuExtraWeights), arena);
        MemoryFootprint.cacheNote(hw, memory).ifPresent(notes::add);
        SimulationResult result = new ResultAssembler(planned, modelPath, hw, plan, reference, cpuClock, velaMode,
                compiled.isPresent() || sizer.compressed(), cpuKernels, cpuExtraWeights, modelMacs, notes, memory)
                .assemble(outcomes);
        return new Run(result, plan, timeline, merged(npuExtraWeights, cpuExtraWeights), arena);
    }

    /** Returns the operators the plan runs on the CPU, once each, in order. */
    private static List<Operator> cpuOperators(ExecutionPlan plan) {
        Map<Integer, Operator> byIndex = new LinkedHashMap<>();
        for (Step s : plan.steps()) {
            if (s instanceof Step.Cpu c) {
                byIndex.putIfAbsent(c.operator(), c.graphOperator());
            }
        }
        return List.copyOf(byIndex.values());
    }

    /** Says what ran for each {@code ethos-u} operator of a compiled model. */
    private static List<String> compiledNotes(CompiledPlan c) {
        List<String> out = new ArrayList<>();
        for (CompiledOperator op : c.operators()) {
            CommandStream s = op.stream();
            out.add("Vela-compiled: operator " + op.operator() + " (ethos-u) runs its command stream as compiled for "
                    + op.compiledFor().variant().label() + ": " + s.kernels().size() + " kernel commands and " + s.dmas().size()
                    + " DMA transfers, one layer per kernel command (weight and LUT transfers with the command they feed)");
        }
        return out;
    }

    /** Plans {@code model} on {@code target}. */
    private static ExecutionPlan plan(Model model, NpuTarget target, WeightSizer sizer) {
        return new Planner(target, sizer).plan(model);
    }

    /**
     * Names the layers whose weights the Ethos-U encoder did not take (weights that are not constant 8-bit values,
     * or a stream it cannot code) and that are therefore sized as uncompressed int8: their weight bytes and the time
     * to fetch them are an estimate, not the encoder's.
     */
    private static List<String> uncompressedNotes(ExecutionPlan plan) {
        List<Integer> layers = new ArrayList<>();
        for (Step s : plan.steps()) {
            if (s instanceof Step.Npu n && n.weights().isPresent() && !n.weights().get().encoded().compressed()
                    && !layers.contains(n.operator())) {
                layers.add(n.operator());
            }
        }
        if (layers.isEmpty()) {
            return List.of();
        }
        return List.of("weights sized as uncompressed int8, the Ethos-U encoder not taking them: " + layers(layers));
    }

    /**
     * Names the layers that have no step of their own (0 cycles, bottleneck {@code none}): an activation fused into
     * the operation before it, a PAD folded into the next one's padding, a reshape removed. Without this they look
     * like layers that did nothing.
     */
    private static List<String> noWorkNotes(ExecutionPlan plan) {
        boolean[] hasStep = new boolean[plan.model().main().operators().size()];
        for (Step s : plan.steps()) {
            if (s.operator() >= 0 && s.operator() < hasStep.length) {
                hasStep[s.operator()] = true;
            }
        }
        List<Integer> none = new ArrayList<>();
        for (int op = 0; op < hasStep.length; op++) {
            if (!hasStep[op]) {
                none.add(op);
            }
        }
        if (none.isEmpty()) {
            return List.of();
        }
        return List.of("no work of their own, fused into a neighbouring layer or removed when lowered: " + layers(none));
    }

    /** Returns "layer 3" or "layers 1, 3, 5": layer indices, in order, for a note. */
    static String layers(Collection<Integer> indices) {
        return (indices.size() > 1 ? "layers " : "layer ")
                + String.join(", ", indices.stream().map(String::valueOf).toList());
    }

    /**
     * Says why the CPU layers of a system with an NPU are not on it, one note per reason with its layers in order
     * ("on the CPU: layers 3, 7: CONCATENATION has no NPU lowering in npusim yet"): the table shows where a layer ran,
     * and a user moving work to the NPU needs the why.
     */
    private static List<String> cpuLayerNotes(ExecutionPlan plan) {
        Map<String, List<Integer>> layersByReason = new LinkedHashMap<>();
        for (Step s : plan.steps()) {
            if (s instanceof Step.Cpu c) {
                List<Integer> layers = layersByReason.computeIfAbsent(c.reason(), r -> new ArrayList<>());
                if (layers.isEmpty() || layers.get(layers.size() - 1) != c.operator()) {
                    layers.add(c.operator());
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : layersByReason.entrySet()) {
            out.add("on the CPU: " + layers(e.getValue()) + ": " + e.getKey());
        }
        return out;
    }

    /**
     * Checks, before anything is planned (and a plan cached), that {@code placement.layer_weights} names layers the
     * model has.
     */
    private static void checkLayerWeights(Model model, HardwareConfig hw) {
        Placement placement = hw.placement();
        int layers = model.main().operators().size();
        for (int layer : placement.layerWeights().keySet()) {
            if (layer >= layers) {
                throw new InputException(hw.name(), "placement.layer_weights." + placement.weightsOf(layer),
                        "names layer " + layer + ", but " + model.name() + " has layers 0-" + (layers - 1));
            }
        }
    }

    /** Places the Vela-compatible estimates one after the other on the timeline; CPU steps in between. */
    private static List<StepOutcome> velaOutcomes(ExecutionPlan plan, ClockDomain npu, CpuCost cpuCost) {
        List<VelaEstimator.Estimate> estimates = new VelaEstimator(plan).estimateAll();
        List<StepOutcome> out = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < plan.steps().size(); i++) {
            Step s = plan.steps().get(i);
            if (s instanceof Step.Cpu c) {
                CpuCost.Cost cost = cpuCost.of(c);
                out.add(new StepOutcome(i, t, t + cost.durationPs(), cost.bottleneck(),
                        cost.partsPs().getOrDefault(cost.bottleneck(), 0L), Map.of(FixedResource.CPU.label(), cost.durationPs()),
                        Map.of(), Map.of(), cost.partsPs(), Map.of(), cost.readBytes(), cost.writeBytes(), 0));
                t += cost.durationPs();
            } else {
                long macs = s instanceof Step.Npu n ? n.op().macs() : 0;
                StepOutcome o = VelaEstimator.outcome(i, t, estimates.get(i), npu, macs);
                out.add(o);
                t = o.endPs();
            }
            TimeLimitExceeded.check(t, "the run's end", "");
        }
        return out;
    }

    /**
     * Returns why the memories do not hold what the plan puts in them, if they do not: the weights in the weights
     * memory (the NPU layers' as their encoded streams, {@code npuExtraWeights}; the CPU kernels' encodings,
     * {@code cpuExtraWeights}), and the arena {@code use} with the weights there (a memory too small is bad input,
     * named with the layer at the peak).
     */
    private static Optional<InputException> capacityProblem(Model model, HardwareConfig hw, ExecutionPlan plan,
            Map<Integer, Long> npuExtraWeights, ArenaUse use, Map<Integer, Long> cpuExtraWeights) {
        Subgraph g = model.main();
        Placement placement = hw.placement();
        Map<Integer, Long> extras = merged(npuExtraWeights, cpuExtraWeights);
        SortedMap<String, Long> weightBytes = WeightFootprint.bytesByMemory(g, placement, extras);
        for (Map.Entry<String, Long> e : weightBytes.entrySet()) {
            MemoryConfig m = hw.memory(e.getKey());
            if (e.getValue() > m.sizeBytes()) {
                List<String> counted = new ArrayList<>();
                if (extraIn(npuExtraWeights, placement, m) != 0) {
                    counted.add("the NPU layers' weights and biases as their encoded streams");
                }
                if (!cpuExtraWeights.isEmpty()) {
                    counted.add("the CPU kernel variants' weight encodings included: --cpu-kernels dense stores "
                            + (e.getValue() - extraIn(cpuExtraWeights, placement, m)) + " bytes");
                }
                String what = (placement.layerWeights().isEmpty()
                        ? "the model's weights and constants need " + e.getValue() + " bytes"
                        : "the weights and constants placed there need " + e.getValue() + " bytes")
                        + (counted.isEmpty() ? "" : ", " + String.join("; ", counted))
                        + (placement.layerWeights().isEmpty() ? " (placement.weights)"
                                : " (placement.weights, placement.layer_weights)")
                        + largestLayer(g, placement, extras, m.name());
                return Optional.of(new InputException(hw.name(), "memory " + m.name(), "holds " + m.sizeBytes() + " bytes but " + what));
            }
        }
        // Inputs and outputs placed outside the arena take their memory for the whole inference, beside its weights.
        for (Map.Entry<String, Long> e : MemoryFootprint.inputOutputBytes(g, placement).entrySet()) {
            MemoryConfig m = hw.memory(e.getKey());
            long weights = weightBytes.getOrDefault(m.name(), 0L);
            if (weights + e.getValue() > m.sizeBytes()) {
                String keys = (placement.inputs().equals(m.name()) ? "placement.inputs" : "")
                        + (placement.inputs().equals(m.name()) && placement.outputs().equals(m.name()) ? ", " : "")
                        + (placement.outputs().equals(m.name()) ? "placement.outputs" : "");
                return Optional.of(new InputException(hw.name(), "memory " + m.name(), "holds " + m.sizeBytes()
                        + " bytes but the model's inputs and outputs placed there need " + e.getValue() + " bytes"
                        + (weights == 0 ? "" : ", beside " + weights + " bytes of weights and constants") + " (" + keys + ")"));
            }
        }
        MemoryConfig arena = hw.memory(placement.arena());
        long weightsThere = weightBytes.getOrDefault(arena.name(), 0L);
        if (weightsThere > WeightFootprint.capacityBytes(hw, arena.name(), use.bytes())) {
            long need = use.bytes() + weightsThere;
            // The arena's layers are the plan's (a Vela-compiled operator's are its commands), its constants the model's.
            Subgraph planned = plan.model().main();
            String layer = use.operator() < 0 ? "the model" : "layer " + use.operator() + " ("
                    + planned.tensor(planned.operators().get(use.operator()).output(0)).name() + ")";
            String what = layer + " needs " + need + " bytes of live activations" + (use.npuSchedule()
                    ? " (the NPU schedule's feature maps, after cascading, and weight buffers)" : "")
                    + (use.scratchBytes() > 0 ? " (its CPU kernel's " + use.scratchBytes() + " bytes of scratch buffers"
                            + " included)" : "")
                    + (use.persistentBytes() > 0 ? " (with the CPU kernels' " + use.persistentBytes()
                            + " bytes of persistent buffers)" : "");
            return Optional.of(new InputException(hw.name(), "memory " + arena.name(), "holds " + arena.sizeBytes() + " bytes but "
                    + what + (weightsThere == 0 ? "" : extraIn(npuExtraWeights, placement, arena) != 0
                            ? " and weights (the NPU layers' as their encoded streams)" : " and weights")
                    + " (placement.arena)"));
        }
        return Optional.empty();
    }

    /**
     * Returns the arena {@code plan} needs with {@code cpu}'s kernels, their scratch buffers included, without the
     * model inputs and outputs the placement keeps in another memory; for a Vela-compiled model at least what its
     * operators' command streams address ({@link CompiledPlan#arenaFloorBytes}).
     */
    private static ArenaUse arenaUse(ExecutionPlan plan, CpuCostModel cpu, Placement placement,
            Optional<CompiledPlan> compiled) {
        Subgraph g = plan.model().main();
        java.util.Set<Integer> elsewhere = MemoryFootprint.inputsAndOutputsElsewhere(g, placement).keySet();
        ArenaUse use = ArenaUse.of(plan, op -> cpu.scratchBytes(g, g.operators().get(op)),
                op -> cpu.persistentBytes(g, g.operators().get(op)), elsewhere::contains);
        // The command streams' floor is activations; the CPU kernels' persistent buffers come on top of it.
        long floor = compiled.map(c -> c.arenaFloorBytes(elsewhere::contains)).orElse(0L);
        return floor > use.bytes() - use.persistentBytes()
                ? new ArenaUse(floor + use.persistentBytes(), -1, true, 0, use.persistentBytes()) : use;
    }

    /** Returns the sum of {@code extras} of the layers whose weights {@code placement} puts in {@code memory}. */
    private static long extraIn(Map<Integer, Long> extras, Placement placement, MemoryConfig memory) {
        return extras.entrySet().stream().filter(x -> placement.weightsOf(x.getKey()).equals(memory.name()))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Returns the extras of NPU and CPU layers in one map (a layer runs on one of the two). */
    private static Map<Integer, Long> merged(Map<Integer, Long> npu, Map<Integer, Long> cpu) {
        Map<Integer, Long> out = new HashMap<>(npu);
        cpu.forEach((layer, bytes) -> out.merge(layer, bytes, Long::sum));
        return out;
    }

    /** Returns the capacity error's words for the layer with most constants in {@code memory}: "; the largest, ...". */
    private static String largestLayer(Subgraph g, Placement placement, Map<Integer, Long> extras, String memory) {
        Map.Entry<Integer, Long> largest = WeightFootprint.largestLayerIn(g, placement, extras, memory);
        return largest == null ? "" : "; the largest is layer " + largest.getKey() + " ("
                + g.tensor(g.operators().get(largest.getKey()).output(0)).name() + "), " + largest.getValue() + " bytes";
    }

    /** Builds the result records from the step outcomes. */
    private static final class ResultAssembler {
        private final Model model;
        private final String path;
        private final HardwareConfig hw;
        private final ExecutionPlan plan;
        private final ClockDomain reference;
        private final ClockDomain cpuClock;
        private final boolean velaMode;
        private final boolean weightsCompressed;
        private final Map<Integer, String> cpuKernels;
        /** Per CPU layer, what its kernel stores beyond its weight tensor (CpuCostModel.extraWeightBytes). */
        private final Map<Integer, Long> cpuExtraWeights;
        private final long modelMacs;
        private final List<String> planNotes;
        private final SortedMap<String, MemoryUse> memory;

        ResultAssembler(Model model, String path, HardwareConfig hw, ExecutionPlan plan, ClockDomain reference,
                ClockDomain cpuClock, boolean velaMode, boolean weightsCompressed, Map<Integer, String> cpuKernels,
                Map<Integer, Long> cpuExtraWeights, long modelMacs, List<String> planNotes,
                SortedMap<String, MemoryUse> memory) {
            this.memory = memory;
            this.cpuExtraWeights = Map.copyOf(cpuExtraWeights);
            this.modelMacs = modelMacs;
            this.planNotes = List.copyOf(planNotes);
            this.weightsCompressed = weightsCompressed;
            this.cpuKernels = Map.copyOf(cpuKernels);
            this.model = model;
            this.path = path;
            this.hw = hw;
            this.plan = plan;
            this.reference = reference;
            this.cpuClock = cpuClock;
            this.velaMode = velaMode;
        }

        SimulationResult assemble(List<StepOutcome> outcomes) {
            Subgraph g = model.main();
            int ops = g.operators().size();
            List<List<StepOutcome>> byOperator = new ArrayList<>(ops);
            for (int i = 0; i < ops; i++) {
                byOperator.add(new ArrayList<>(1));
            }
            for (StepOutcome o : outcomes) {
                byOperator.get(plan.steps().get(o.step()).operator()).add(o);
            }
            double staticMw = hw.npu().isPresent() ? hw.energy().npuStaticPowerMw() : 0;
            for (MemoryConfig m : hw.memories()) {
                staticMw += m.staticPowerMw();
            }
            long makespan = 0;
            for (StepOutcome o : outcomes) {
                makespan = Math.max(makespan, o.endPs());
            }
            List<LayerResult> layers = new ArrayList<>(ops);
            TreeMap<String, MemoryTraffic> totalTraffic = new TreeMap<>();
            TreeMap<String, Long> totalBusy = new TreeMap<>();
            // Streams counted so far, for the total: a weight stream that several layers read is stored once.
            Set<StreamKey> storedStreams = new HashSet<>();
            WeightSizes totalWeights = WeightSizes.NONE;
            double totalEnergy = 0;
            long npuActiveCycles = 0;
            long cpuCycles = 0;
            long previousEnd = 0;
            long macsPerCycle = plan.target().map(t -> (long) t.variant().macsPerCycle()).orElse(1L);
            double cpuPeakMacsPerCycle = hw.cpu().core().peakMacsPerCycle();
            List<List<Step>> stepsOf = new ArrayList<>(ops);
            for (int i = 0; i < ops; i++) {
                stepsOf.add(new ArrayList<>());
            }
            for (Step s : plan.steps()) {
                if (s.operator() >= 0 && s.operator() < ops) {
                    stepsOf.get(s.operator()).add(s);
                }
            }
            // Per operator, the earliest start of the layers from it on that have work: a layer without work of its
            // own sits at the end of the work before it, but no later than the next layer's start (which may begin
            // while the one before drains), so that start cycles never go down.
            long[] laterStartPs = new long[ops + 1];
            laterStartPs[ops] = Long.MAX_VALUE;
            for (int i = ops - 1; i >= 0; i--) {
                laterStartPs[i] = laterStartPs[i + 1];
                for (StepOutcome o : byOperator.get(i)) {
                    laterStartPs[i] = Math.min(laterStartPs[i], o.startPs());
                }
            }
            for (Operator op : g.operators()) {
                List<StepOutcome> parts = byOperator.get(op.index());
                List<Step> steps = stepsOf.get(op.index());
                boolean cpu = steps.stream().anyMatch(s -> s instanceof Step.Cpu);
                long placed = Math.min(previousEnd, laterStartPs[op.index() + 1]);
                long start = parts.isEmpty() ? placed : Long.MAX_VALUE;
                long end = parts.isEmpty() ? placed : 0;
                TreeMap<String, MemoryTraffic> traffic = new TreeMap<>();
                TreeMap<String, Long> busyPs = new TreeMap<>();
                TreeMap<String, Long> hiddenPs = new TreeMap<>();
                TreeMap<String, Long> queuedPs = new TreeMap<>();
                TreeMap<String, Long> criticalPs = new TreeMap<>();
                TreeMap<String, TreeMap<String, Long>> streamPs = new TreeMap<>();
                long macs = 0;
                String bottleneck = parts.isEmpty() ? FixedResource.NONE.label() : parts.get(0).bottleneck();
                long bottleneckPs = -1;
                // The steps' spans beyond their union: the time steps of this layer ran beside one another.
                long stepsPs = 0;
                long unionPs = 0;
                long coveredUntil = Long.MIN_VALUE;
                for (StepOutcome o : parts) {
                    stepsPs += o.durationPs();
                    unionPs += Math.max(0, o.endPs() - Math.max(o.startPs(), coveredUntil));
                    coveredUntil = Math.max(coveredUntil, o.endPs());
                    start = Math.min(start, o.startPs());
                    end = Math.max(end, o.endPs());
                    macs += o.macs();
                    o.readBytes().forEach((m, b) -> traffic.merge(m, new MemoryTraffic(b, 0), MemoryTraffic::plus));
                    o.writeBytes().forEach((m, b) -> traffic.merge(m, new MemoryTraffic(0, b), MemoryTraffic::plus));
                    o.busyPs().forEach((r, b) -> busyPs.merge(r, b, Long::sum));
                    o.hiddenPs().forEach((r, b) -> hiddenPs.merge(r, b, Long::sum));
                    o.queuedPs().forEach((r, b) -> queuedPs.merge(r, b, Long::sum));
                    o.criticalPs().forEach((r, b) -> criticalPs.merge(r, b, Long::sum));
                    o.streamPs().forEach((c, m) -> m.forEach((st, b) ->
                            streamPs.computeIfAbsent(c, x -> new TreeMap<>()).merge(st, b, Long::sum)));
                    if (o.bottleneckPs() > bottleneckPs) {
                        bottleneckPs = o.bottleneckPs();
                        bottleneck = o.bottleneck();
                    }
                }
                if (!cpu && parts.size() > 1) {
                    // A layer lowered to several NPU steps (an LSTM's hundreds of gate products, a softmax's
                    // passes) is bound by what is busiest over all of them within the layer, not by the busiest
                    // resource of its busiest step: that one step is a small part of the layer, so its share said
                    // nothing. With one step this is the step's own choice (same maps, same first-largest rule).
                    Map.Entry<String, Long> busiest = StepOutcome.busiestWithin(busyPs, hiddenPs);
                    bottleneck = busiest == null ? FixedResource.NONE.label() : busiest.getKey();
                    bottleneckPs = busiest == null ? -1 : busiest.getValue();
                }
                if (cpu) {
                    macs = g.operatorFacts(op.index()).macs();
                }
                // A layer may start while the previous one drains its output stage (block dependency), so spans can
                // overlap and layer cycles can add up to more than the run. Static energy is attributed by the time
                // each layer alone extends the run, so that layer energies add up to the total.
                long durationPs = Math.max(0, end - start);
                long exclusivePs = Math.max(0, end - Math.max(start, previousEnd));
                previousEnd = Math.max(previousEnd, end);
                // Counted in rounded cycles, from rounded boundaries: the exclusive spans then add up to at most the
                // run's cycles, and a CPU layer's to at most its own.
                long exclusiveCycles = exclusivePs == 0 ? 0
                        : Math.round(reference.toCycles(end)) - Math.round(reference.toCycles(end - exclusivePs));
                if (cpu) {
                    cpuCycles += exclusiveCycles;
                } else {
                    npuActiveCycles += exclusiveCycles;
                }
                // Cycles are the span of the rounded start and end, so that end − start = cycles in every output.
                long startCycle = Math.round(reference.toCycles(start));
                long endCycle = Math.round(reference.toCycles(end));
                long cycles = Math.max(0, endCycle - startCycle);
                // A CPU layer's utilization counts its own clock's cycles against the core's peak MAC rate.
                double utilization = cycles == 0 || durationPs == 0 ? 0
                        : cpu ? macs / (cpuClock.toCycles(durationPs) * cpuPeakMacsPerCycle)
                        : (double) macs / ((double) cycles * macsPerCycle);
                double share = durationPs == 0 ? 0 : Math.min(1.0, (double) Math.max(0, bottleneckPs) / durationPs);
                // The CPU's energy is its busy time: a CPU layer's kernel, and for an NPU layer the driver's work that
                // invokes the NPU (charged to the layer it starts).
                double energyPj = cpuClock.toCycles(busyPs.getOrDefault(FixedResource.CPU.label(), 0L))
                        * hw.energy().cpuEnergyPjPerCycle();
                if (!cpu) {
                    energyPj += macs * hw.energy().npuMacEnergyPj();
                }
                for (Map.Entry<String, MemoryTraffic> e : traffic.entrySet()) {
                    MemoryConfig m = hw.memory(e.getKey());
                    energyPj += e.getValue().readBytes() * m.readEnergyPjPerByte() + e.getValue().writeBytes() * m.writeEnergyPjPerByte();
                    totalTraffic.merge(e.getKey(), e.getValue(), MemoryTraffic::plus);
                }
                // Static power over the time only this layer runs (so that layers sum to the run).
                energyPj += staticMw * 1e-3 * exclusivePs * 1e-12 * 1e12;
                double energyJ = energyPj * 1e-12;
                totalEnergy += energyJ;
                LayerWeights w = weights(op, steps, storedStreams);
                totalWeights = totalWeights.plus(w.newToRun());
                TreeMap<String, Long> busyCycles = new TreeMap<>();
                busyPs.forEach((r, b) -> {
                    busyCycles.put(r, Math.round(reference.toCycles(b)));
                    totalBusy.merge(r, b, Long::sum);
                });
                TreeMap<String, Long> hiddenCycles = new TreeMap<>();
                hiddenPs.forEach((r, b) -> hiddenCycles.put(r, Math.round(reference.toCycles(b))));
                TreeMap<String, Long> queuedCycles = new TreeMap<>();
                queuedPs.forEach((r, b) -> queuedCycles.put(r, Math.round(reference.toCycles(b))));
                // Each part of the path is the difference of the rounded cycles of its running sum from the layer's
                // start, so that the parts add up to the layer's cycles (its rounded end less its rounded start),
                // which rounding each part on its own misses by a cycle or two on about a fifth of the layers.
                TreeMap<String, Long> criticalCycles = new TreeMap<>();
                long pathPs = start;
                long pathCycles = startCycle;
                for (Map.Entry<String, Long> e : criticalPs.entrySet()) {
                    pathPs += e.getValue();
                    long upTo = Math.round(reference.toCycles(pathPs));
                    criticalCycles.put(e.getKey(), upTo - pathCycles);
                    pathCycles = upTo;
                }
                Map.Entry<String, Long> onPath = StepOutcome.mostOnPath(criticalCycles);
                if (onPath != null && cycles > 0) {
                    // What the layer waited on most is the resource with most time on its critical path: a port that
                    // was busy beneath the MAC array's compute is not, a port whose late write held up the end is (a
                    // CPU layer's path is the CPU model's parts, of which it chose the largest). Read off the path as
                    // printed, so that the bottleneck is its largest entry and the share that entry over the cycles.
                    bottleneck = onPath.getKey();
                    share = Math.min(1.0, (double) onPath.getValue() / cycles);
                }
                TreeMap<String, java.util.SortedMap<String, Long>> streamCycles = new TreeMap<>();
                streamPs.forEach((c, m) -> {
                    TreeMap<String, Long> perStream = new TreeMap<>();
                    m.forEach((st, b) -> perStream.put(st, Math.round(reference.toCycles(b))));
                    streamCycles.put(c, perStream);
                });
                layers.add(new LayerResult(op.index(), g.tensor(op.output(0)).name(), op.opName(), cpu ? Unit.CPU : Unit.NPU,
                        macs, startCycle, endCycle, cycles, Math.max(0, cycles - exclusiveCycles),
                        Math.round(reference.toCycles(stepsPs - unionPs)),
                        bottleneck, share, utilization, traffic, energyJ, w.layer(), busyCycles, hiddenCycles, queuedCycles,
                        criticalCycles, streamCycles,
                        cpu ? cpuKernels.getOrDefault(op.index(), "") : ""));
            }
            // Conservation (design brief): the layers' steps did at least the model's MACs, in either mode; fewer
            // means work was lost, a simulator bug. More is the lowering's own copies (a SPLIT part that a RESHAPE
            // reads is copied by an average pool, one MAC per element as Vela counts it), which the model's count,
            // taken from the graph, does not see: a note says which layers.
            long simulatedMacs = layers.stream().mapToLong(LayerResult::macs).sum();
            if (simulatedMacs < modelMacs) {
                throw new IllegalStateException("the layers did " + simulatedMacs + " MACs, the model has " + modelMacs);
            }
            List<String> resultNotes = new ArrayList<>();
            if (simulatedMacs > modelMacs) {
                List<Integer> copying = new ArrayList<>();
                for (LayerResult l : layers) {
                    if (l.unit() == Unit.NPU && l.macs() > g.operatorFacts(l.index()).macs()) {
                        copying.add(l.index());
                    }
                }
                resultNotes.add(String.format(Locale.ROOT, "the layers do %,d MACs, %,d more than the model counts: copies"
                        + " that their lowering adds (average pools, one MAC per element) in %s", simulatedMacs,
                        simulatedMacs - modelMacs, layers(copying)));
            }
            resultNotes.addAll(defaultFlashEnergyNotes(totalTraffic, totalEnergy));
            TreeMap<String, Double> utilization = new TreeMap<>();
            for (Map.Entry<String, Long> e : totalBusy.entrySet()) {
                utilization.put(e.getKey(), makespan == 0 ? 0 : Math.min(1.0, (double) e.getValue() / makespan));
            }
            long totalCycles = Math.round(reference.toCycles(makespan));
            SimulationResult.Totals totals = new SimulationResult.Totals(totalCycles, makespan * 1e-12,
                    npuActiveCycles, cpuCycles, totalEnergy,
                    totalTraffic, totalWeights, utilization, memory);
            List<String> notes = new ArrayList<>(planNotes);
            notes.addAll(resultNotes);
            if (!weightsCompressed && plan.target().isPresent()) {
                notes.add("weight sizes are uncompressed int8 (the Ethos-U weight encoder is not applied yet)");
            }
            if (velaMode) {
                notes.add("Vela-compatible mode: each layer costs max(compute + unhidden DMA, access time per memory), "
                        + "one layer after another, without port contention");
            }
            SimulationResult.HardwareInfo hi = new SimulationResult.HardwareInfo(hw.name(),
                    hw.npu().map(n -> n.variant().label()).orElse(""), hw.npu().map(n -> n.clockHz()).orElse(0L),
                    hw.cpu().core().label(), hw.cpu().clockHz(),
                    hw.npu().isPresent() ? hw.placement().mode().label() : "",
                    velaMode ? "vela-compatible" : (hw.simulation().overlap() && hw.simulation().contention() ? "event-driven"
                            : "event-driven (overlap " + onOff(hw.simulation().overlap()) + ", contention "
                                    + onOff(hw.simulation().contention()) + ")"));
            return new SimulationResult(new SimulationResult.ModelInfo(model.name(), path, modelMacs), hi, totals,
                    layers, notes);
        }

        /**
         * Says so when a flash memory read at the profiles' default energy, a 20 MHz serial NOR's (AT45DB081B, 4,300
         * pJ/B: no public figure exists for on-chip, quad or octal flash), makes up at least half of the run's energy:
         * the energy then mostly measures that assumption, which the part's datasheet should replace.
         */
        private List<String> defaultFlashEnergyNotes(SortedMap<String, MemoryTraffic> traffic, double totalEnergyJ) {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, MemoryTraffic> e : traffic.entrySet()) {
                MemoryConfig m = hw.memory(e.getKey());
                double readJ = e.getValue().readBytes() * m.readEnergyPjPerByte() * 1e-12;
                if (m.kind() == MemoryKind.FLASH && m.readEnergyPjPerByte() == TechnologyProfile.FLASH_PJ_PER_BYTE
                        && totalEnergyJ > 0 && readJ >= 0.5 * totalEnergyJ) {
                    out.add(String.format(Locale.ROOT, "%s reads are %.0f%% of the energy at the default %,.0f pJ/B of"
                            + " a 20 MHz serial NOR flash (AT45DB081B); set memories.%s.read_energy from the part's"
                            + " datasheet (read current x voltage / bytes per second)", m.name(), 100 * readJ / totalEnergyJ,
                            TechnologyProfile.FLASH_PJ_PER_BYTE, m.name()));
                }
            }
            return out;
        }

        private static String onOff(boolean b) {
            return b ? "on" : "off";
        }

        /**
         * Returns the weights of {@code op}'s steps ({@code steps}, in plan order): the layer's own, and those not
         * in {@code stored} yet (the run's total counts those), which it adds to {@code stored}. Sizes are of what
         * is stored: the steps of an unrolled LSTM read the same gate weights at every time step, one
         * stream that the NPU fetches again at each step (the traffic counts every fetch) but that the model holds
         * once ({@link StoredStream}); a step without a graph weight tensor (a compiled command stream's) is a
         * stream of its own. A CPU layer's weights are its constant inputs, stored
         * unencoded (original and encoded bytes equal), unless a kernel variant keeps its weight tensor in its own
         * encoding (encoded bytes then the variant's: Winograd tiles, sparse values and indices).
         */
        private LayerWeights weights(Operator op, List<Step> steps, Set<StreamKey> stored) {
            Set<StreamKey> layer = new HashSet<>();
            WeightCount count = new WeightCount();
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                if (s instanceof Step.Npu n && n.weights().isPresent()) {
                    Optional<StoredStream> stream = plan.target().flatMap(t -> StoredStream.of(n, t.variant()));
                    StreamKey key = stream.isPresent() ? new StreamKey.Encoded(stream.get())
                            : new StreamKey.Unidentified(op.index(), i);
                    count.add(key, layer, stored, n.weights().get().encoded().originalElements(),
                            n.weights().get().encoded().totalBytes());
                } else if (s instanceof Step.Cpu) {
                    // A CPU kernel reads its constants (weights, biases, tables) as they are stored, unencoded; a
                    // kernel variant keeps the weight tensor (input 1) in its own encoding, extra bytes beyond it.
                    Subgraph g = model.main();
                    long extra = cpuExtraWeights.getOrDefault(op.index(), 0L);
                    for (int slot = 0; slot < op.inputCount(); slot++) {
                        int t = op.input(slot);
                        if (t >= 0 && g.tensor(t).isConstant()) {
                            long bytes = g.tensor(t).sizeBytes();
                            count.add(new StreamKey.Constant(t), layer, stored, bytes, bytes + (slot == 1 ? extra : 0));
                        }
                    }
                }
            }
            return new LayerWeights(new WeightSizes(count.layerOriginal, count.layerEncoded),
                    new WeightSizes(count.runOriginal, count.runEncoded));
        }

        /**
         * What identifies a stored weight stream: an encoded stream by its encoder inputs and slices, a CPU layer's
         * constant by its tensor; a stream without a graph weight tensor (a compiled command stream's) is one of its
         * own, identified by its layer and step.
         */
        private sealed interface StreamKey {
            record Encoded(StoredStream stream) implements StreamKey {}

            record Constant(int tensor) implements StreamKey {}

            record Unidentified(int layer, int step) implements StreamKey {}
        }

        /** A layer's weights, and the part of them new to the run (the run's total counts that). */
        private record LayerWeights(WeightSizes layer, WeightSizes newToRun) {}

        /** Sums a layer's streams: its own, and those new to the run. */
        private static final class WeightCount {
            long layerOriginal;
            long layerEncoded;
            long runOriginal;
            long runEncoded;

            /** Adds a stream to the layer's sizes unless the layer has it, and to the run's unless the run has it. */
            void add(StreamKey key, Set<StreamKey> layer, Set<StreamKey> stored, long original, long encoded) {
                if (layer.add(key)) {
                    layerOriginal += original;
                    layerEncoded += encoded;
                }
                if (stored.add(key)) {
                    runOriginal += original;
                    runEncoded += encoded;
                }
            }
        }
    }
}
