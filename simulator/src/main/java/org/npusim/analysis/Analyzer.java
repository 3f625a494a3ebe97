// SPDX-License-Identifier: Apache-2.0
package org.npusim.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.npusim.cpu.KernelSubstitution;
import org.npusim.errors.InputException;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.MemoryMode;
import org.npusim.hw.NpuVariant;
import org.npusim.hw.Placement;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.Overrides;
import org.npusim.result.FixedResource;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.WeightFootprint;
import org.npusim.units.DataSize;
import org.npusim.units.Frequency;

/**
 * Analyses a run: its slowest layers and what bound them, the busy share of every resource, the energy split, and
 * what-ifs. Each what-if is a change to the parsed description (the overrides a user would give on the command
 * line), resolved and simulated like the base run, so its effect is measured, not estimated. The what-ifs tried,
 * in this order, where they apply to the hardware:
 * <ol>
 *   <li>the next of Vela's memory modes towards on-chip memory (dedicated-sram → shared-sram → sram-only);
 *   <li>all weights in the on-chip memory behind an AXI port (on a CPU-only MCU: the arena's SRAM or TCM) instead
 *       of flash, MRAM or DRAM (a custom placement), unless the memory-mode change already places them exactly so;
 *   <li>the weights of the slowest layers waiting on that slow memory (NPU layers bound by it or the DMA, CPU
 *       layers reading their weights there) that fit in the on-chip memory beside what it already holds
 *       ({@code placement.layer_weights}), when the analyzer knows the model's graph;
 *   <li>the next larger Ethos-U configuration of the same family;
 *   <li>the NPU clock 25% faster (memories given by {@code clock_scale} follow it);
 *   <li>the CPU clock 25% faster, when layers run on the CPU.
 * </ol>
 * A change the description rejects, or on which the model does not fit, is listed with the reason. The analysis is
 * deterministic: the simulation is, and the what-ifs run one after the other in this order.
 */
public final class Analyzer {

    /** How many of the slowest layers the analysis lists. */
    public static final int TOP_LAYERS = 10;

    /** The CPU operators a kernel variant can replace (kernels.LayerShape: int8 CONV_2D and FULLY_CONNECTED). */
    private static final Set<String> VARIANT_OPS = Set.of("CONV_2D", "FULLY_CONNECTED");

    /** The clock what-ifs speed a clock up by this factor (25%). */
    static final double CLOCK_FACTOR = 1.25;

    private final Function<HardwareConfig, SimulationResult> simulation;
    /** The model's main graph, for the per-layer weight what-if (which needs each layer's constant bytes). */
    private final Optional<Subgraph> graph;
    /** The activations the base run keeps in its arena ({@link org.npusim.plan.ArenaUse}), for the same what-if. */
    private final long arenaBytes;
    /**
     * By layer, what the base run's stored weights take beyond the model's constants (NPU encoded streams, CPU
     * kernels' encodings: {@link org.npusim.sim.Simulator.Run#extraWeightBytes}), for the same what-if, which
     * sizes layers as the capacity check does.
     */
    private final Map<Integer, Long> extraWeightBytes;

    /**
     * Simulates the model with the CPU kernels chosen per layer ({@code --cpu-kernels auto}), for the kernel what-if;
     * empty when the run already chose them that way.
     */
    private final Optional<Function<HardwareConfig, SimulationResult>> chosenKernels;

    /** Creates an analyzer that measures what-ifs with {@code simulation} (the model on a description). */
    public Analyzer(Function<HardwareConfig, SimulationResult> simulation) {
        this(simulation, Optional.empty(), 0, Map.of(), Optional.empty());
    }

    private Analyzer(Function<HardwareConfig, SimulationResult> simulation, Optional<Subgraph> graph, long arenaBytes,
            Map<Integer, Long> extraWeightBytes, Optional<Function<HardwareConfig, SimulationResult>> chosenKernels) {
        this.simulation = Objects.requireNonNull(simulation, "simulation");
        this.graph = graph;
        this.arenaBytes = arenaBytes;
        this.extraWeightBytes = Map.copyOf(extraWeightBytes);
        this.chosenKernels = chosenKernels;
    }

    /**
     * Returns this analyzer with the kernel what-if: {@code chosenKernels} simulates the model on a description with
     * each CPU convolution and fully connected layer on its fastest kernel (Winograd, sparse) instead of dense.
     */
    public Analyzer withKernelChoice(Function<HardwareConfig, SimulationResult> chosenKernels) {
        return new Analyzer(simulation, graph, arenaBytes, extraWeightBytes, Optional.of(chosenKernels));
    }

    /**
     * Creates an analyzer that measures what-ifs with {@code simulation} of the model {@code base} ran, the
     * per-layer weight placement among them: it sizes layers as the capacity check does, with the base run's arena
     * (moving weights does not change it) and its stored weights' bytes.
     */
    public Analyzer(Function<HardwareConfig, SimulationResult> simulation, org.npusim.sim.Simulator.Run base) {
        this(simulation, Optional.of(base.plan().model().main()), base.arena().bytes(), base.extraWeightBytes(),
                Optional.empty());
    }

    /** Analyses {@code base}, a run on {@code hw}, without what-ifs. */
    public Analysis analyze(SimulationResult base, HardwareConfig hw) {
        return new Analysis(topLayers(base, hw), utilization(base), EnergySplit.of(base, hw), List.of(), false);
    }

    /**
     * Analyses {@code base}, a run on {@code hw}, which is {@code document} resolved with {@code overrides}, and
     * measures the what-ifs that apply.
     */
    public Analysis analyze(SimulationResult base, HardwareConfig hw, HardwareDocument document, Overrides overrides) {
        List<WhatIf> whatIfs = new ArrayList<>();
        List<HardwareConfig> tried = new ArrayList<>();
        for (Candidate c : candidates(base, hw, overrides, graph)) {
            HardwareConfig changed;
            try {
                changed = document.resolve(c.overrides());
            } catch (InputException e) {
                whatIfs.add(c.with(new WhatIf.Infeasible(e.getMessage())));
                continue;
            }
            HardwareConfig key = withoutMode(changed);
            if (tried.contains(key)) {
                continue;
            }
            tried.add(key);
            boolean placementKind = c.kind() == WhatIf.Kind.MEMORY_MODE || c.kind() == WhatIf.Kind.WEIGHTS_ON_CHIP
                    || c.kind() == WhatIf.Kind.LAYER_WEIGHTS_ON_CHIP;
            boolean layersMoved = !changed.placement().layerWeights().equals(hw.placement().layerWeights());
            boolean weightsMoved = !changed.placement().weights().equals(hw.placement().weights());
            List<String> detail = new ArrayList<>();
            String moved = placementChange(hw, changed);
            if (!moved.isEmpty()) {
                detail.add(moved);
            }
            if (!c.detail().isEmpty() && (!placementKind || weightsMoved || layersMoved)) {
                detail.add(c.detail());
            }
            SimulationResult r;
            try {
                r = simulation.apply(changed);
            } catch (InputException e) {
                whatIfs.add(new WhatIf(c.kind(), c.label(), String.join("; ", detail), c.arguments(),
                        new WhatIf.Infeasible(e.getMessage())));
                continue;
            }
            String kernels = kernelChanges(base, r);
            if (!kernels.isEmpty()) {
                detail.add("other CPU kernels: " + kernels);
            }
            if (c.kind() == WhatIf.Kind.FASTER_NPU_CLOCK || c.kind() == WhatIf.Kind.FASTER_CPU_CLOCK) {
                String replanned = replanned(base, r);
                if (!replanned.isEmpty()) {
                    detail.add(replanned);
                }
            }
            whatIfs.add(new WhatIf(c.kind(), c.label(), String.join("; ", detail), c.arguments(),
                    new WhatIf.Measured(r.total().seconds(), r.total().energyJoules(), change(base.total().seconds(),
                            r.total().seconds()), change(base.total().energyJoules(), r.total().energyJoules()))));
        }
        chosenKernels.flatMap(f -> kernelWhatIf(base, hw, f)).ifPresent(whatIfs::add);
        return new Analysis(topLayers(base, hw), utilization(base), EnergySplit.of(base, hw), whatIfs, true);
    }

    /**
     * The kernel what-if: the run with each CPU convolution and fully connected layer on its fastest kernel, which
     * answers "when do Winograd or sparse kernels beat dense ones" for this model and core. Empty when no such layer
     * runs on the CPU, or when none changes kernel (dense is already the fastest everywhere).
     */
    private static Optional<WhatIf> kernelWhatIf(SimulationResult base, HardwareConfig hw,
            Function<HardwareConfig, SimulationResult> chosen) {
        if (base.layers().stream().noneMatch(l -> l.unit() == Unit.CPU && VARIANT_OPS.contains(l.op()))) {
            return Optional.empty();
        }
        String label = "CPU kernels chosen per layer instead of dense";
        List<String> arguments = List.of("--cpu-kernels", "auto");
        SimulationResult r;
        try {
            r = chosen.apply(hw);
        } catch (InputException e) {
            return Optional.of(new WhatIf(WhatIf.Kind.CPU_KERNELS, label, "", arguments,
                    new WhatIf.Infeasible(e.getMessage())));
        }
        String changed = kernelChanges(base, r);
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        List<String> detail = new ArrayList<>(List.of(changed));
        r.notes().stream().filter(x -> x.startsWith(org.npusim.sim.Simulator.KERNELS_NOT_ALL_FIT)).findFirst()
                .ifPresent(x -> detail.add("not all fit: the others keep dense-sized kernels"));
        return Optional.of(new WhatIf(WhatIf.Kind.CPU_KERNELS, label, String.join("; ", detail), arguments,
                new WhatIf.Measured(r.total().seconds(), r.total().energyJoules(), change(base.total().seconds(),
                        r.total().seconds()), change(base.total().energyJoules(), r.total().energyJoules()))));
    }

    /**
     * Names the CPU layers whose kernel differs in {@code changed} from {@code base}, by the kernel they moved to
     * (the variant a layer's kernel names in brackets, {@code arm_convolve_s8 [winograd-f4]}, or dense):
     * "winograd-f4 on layers 0-2, 5, 9"; empty when none. A what-if on other hardware can move layers to other
     * kernels (--cpu-kernels auto keeps the larger ones where they fit), which its detail then says.
     */
    static String kernelChanges(SimulationResult base, SimulationResult changed) {
        SortedMap<String, List<Integer>> byVariant = new TreeMap<>();
        int n = Math.min(base.layers().size(), changed.layers().size());
        for (int i = 0; i < n; i++) {
            String kernel = changed.layers().get(i).kernel();
            if (changed.layers().get(i).unit() == Unit.CPU && !kernel.equals(base.layers().get(i).kernel())) {
                String variant = KernelSubstitution.variantOf(kernel).orElse("dense");
                byVariant.computeIfAbsent(variant, v -> new ArrayList<>()).add(changed.layers().get(i).index());
            }
        }
        List<String> parts = new ArrayList<>();
        byVariant.forEach((variant, layers) -> parts.add(variant + " on layer" + (layers.size() > 1 ? "s " : " ")
                + ranges(layers)));
        return String.join(", ", parts);
    }

    /**
     * Names the layers that a clock change planned differently: those whose bytes per memory or encoded weights
     * differ from the base run's. A clock moves no bytes by itself, but the planner's choices follow Vela's scheduler,
     * whose cycle estimates (a memory's bytes per NPU cycle fall as the NPU clock rises) decide how weights are sliced
     * and buffered; a run can then be slower at a faster clock, and the what-if says why instead of leaving a bare
     * slowdown. Empty when no layer changed.
     */
    static String replanned(SimulationResult base, SimulationResult changed) {
        List<Integer> layers = new ArrayList<>();
        int n = Math.min(base.layers().size(), changed.layers().size());
        for (int i = 0; i < n; i++) {
            LayerResult a = base.layers().get(i);
            LayerResult b = changed.layers().get(i);
            if (!a.traffic().equals(b.traffic()) || !a.weights().equals(b.weights())) {
                layers.add(a.index());
            }
        }
        if (layers.isEmpty()) {
            return "";
        }
        return "planned differently at this clock (other bytes moved, as Vela's scheduler weighs transfers against"
                + " its cycle estimates): layer" + (layers.size() > 1 ? "s " : " ") + ranges(layers);
    }

    private static double change(double base, double changed) {
        return base == 0 ? 0 : (changed - base) / base;
    }

    /** Returns the slowest layers, slowest first (ties by index). */
    static List<LayerBottleneck> topLayers(SimulationResult r, HardwareConfig hw) {
        double secondsPerCycle = r.total().cycles() == 0 ? 0 : r.total().seconds() / r.total().cycles();
        return r.layers().stream()
                .filter(l -> l.cycles() > 0)
                .sorted(Comparator.comparingLong(LayerResult::cycles).reversed().thenComparingInt(LayerResult::index))
                .limit(TOP_LAYERS)
                .map(l -> new LayerBottleneck(l.index(), l.name(), l.op(), l.unit().label(), l.cycles(),
                        l.cycles() * secondsPerCycle, r.total().cycles() == 0 ? 0 : (double) l.cycles() / r.total().cycles(),
                        l.bottleneck(), l.bottleneckShare(), Resources.describeBottleneck(l, hw), streamsOf(l),
                        criticalPathOf(l)))
                .toList();
    }

    /**
     * The streams that shared a layer's bottleneck port, each with its share of the layer's time there, largest first
     * (ties by name): its own streams' busy time, and as {@link #OTHER_LAYERS} the time it queued behind other layers'
     * transactions on the port; empty when the bottleneck is not a port or one stream had it to itself.
     */
    static Map<String, Double> streamsOf(LayerResult l) {
        TreeMap<String, Long> streams = new TreeMap<>(l.streamCycles().getOrDefault(l.bottleneck(), java.util.Collections.emptySortedMap()));
        long queued = l.queuedCycles().getOrDefault(l.bottleneck(), 0L);
        if (!streams.isEmpty() && queued > 0) {
            streams.put(OTHER_LAYERS, queued);
        }
        long total = streams.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        if (streams.size() < 2 || total == 0) {
            return out;
        }
        byValueDescending(streams).forEach((stream, cycles) -> out.put(stream, (double) cycles / total));
        return out;
    }

    /** A layer's critical path as shares of its time, largest first (ties by name); empty without one. */
    static Map<String, Double> criticalPathOf(LayerResult l) {
        long total = l.criticalCycles().values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        if (total > 0) {
            byValueDescending(l.criticalCycles()).forEach((r, cycles) -> out.put(r, (double) cycles / total));
        }
        return out;
    }

    /** The name under which a port's time spent on other layers while the layer waited is listed among its streams. */
    static final String OTHER_LAYERS = "other layers";

    /** Returns the run's utilization, busiest first (ties by name). */
    static Map<String, Double> utilization(SimulationResult r) {
        return byValueDescending(r.total().utilization());
    }

    /** Returns {@code m}'s entries largest value first (ties by key), in a map that keeps that order. */
    private static <V extends Comparable<? super V>> Map<String, V> byValueDescending(Map<String, V> m) {
        Map<String, V> out = new LinkedHashMap<>();
        m.entrySet().stream()
                .sorted(Map.Entry.<String, V>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** A what-if before it is measured. */
    private record Candidate(WhatIf.Kind kind, String label, String detail, List<String> arguments, Overrides overrides) {
        WhatIf with(WhatIf.Outcome outcome) {
            return new WhatIf(kind, label, detail, arguments, outcome);
        }
    }

    private List<Candidate> candidates(SimulationResult base, HardwareConfig hw, Overrides overrides,
            Optional<Subgraph> graph) {
        List<Candidate> out = new ArrayList<>();
        Placement p = hw.placement();
        String weightsBound = boundBy(base, l -> weightBound(l, p));
        String weightsDetail = weightsBound.isEmpty() ? ""
                : (hw.npu().isPresent() ? "layers bound by " + p.weights() + " or the DMA: "
                        : "layers reading their weights from " + p.weights() + ": ") + weightsBound;
        if (hw.npu().isPresent()) {
            nextMode(p.mode()).ifPresent(mode -> out.add(new Candidate(WhatIf.Kind.MEMORY_MODE,
                    "memory mode " + mode.label() + " instead of " + p.mode().label(), weightsDetail, List.of("--memory-mode", mode.label()),
                    new Overrides(overrides.set(), overrides.npu(), Optional.of(mode.label())))));
        }
        // On-chip memory to move the weights to, when they now sit in slow memory (all of them, or some layers').
        Optional<String> onChip = onChipMemory(hw).filter(m -> !hw.memory(p.weights()).kind().onChip());
        onChip.ifPresent(m -> {
            List<String> set = List.of("placement.mode=custom", "placement.weights=" + m, "placement.arena=" + p.arena(),
                    "placement.cache=" + p.cache(), "placement.cache_size=" + new DataSize(p.cacheSizeBytes()));
            List<String> args = new ArrayList<>();
            set.forEach(s -> {
                args.add("--set");
                args.add(s);
            });
            out.add(new Candidate(WhatIf.Kind.WEIGHTS_ON_CHIP, "weights in " + m + " instead of " + p.weights(),
                    weightsDetail, args, new Overrides(overrides.plus(set).set(), overrides.npu(), Optional.empty())));
        });
        if (graph.isPresent()) {
            onChip.flatMap(m -> layerWeightsOnChip(base, hw, overrides, graph.get(), m)).ifPresent(out::add);
        }
        if (hw.npu().isPresent()) {
            NpuVariant variant = hw.npu().get().variant();
            largerVariant(variant).ifPresent(v -> out.add(new Candidate(WhatIf.Kind.LARGER_NPU,
                    v.label() + " instead of " + variant.label(),
                    count(base, l -> FixedResource.MAC.is(l.bottleneck()) || FixedResource.OUTPUT.is(l.bottleneck()),
                            "bound by the MAC array or output stage"),
                    List.of("--npu", v.label()), new Overrides(overrides.set(), Optional.of(v.label()), overrides.memoryMode()))));
            long hz = hw.npu().get().clockHz();
            Frequency faster = new Frequency(Math.round(hz * CLOCK_FACTOR));
            out.add(new Candidate(WhatIf.Kind.FASTER_NPU_CLOCK, "NPU clock " + faster + " instead of " + new Frequency(hz),
                    "", List.of("--set", "npu.clock=" + faster), overrides.plus(List.of("npu.clock=" + faster))));
        }
        boolean cpuLayers = base.layers().stream().anyMatch(l -> l.unit() == Unit.CPU && l.cycles() > 0);
        if (cpuLayers) {
            long hz = hw.cpu().clockHz();
            Frequency faster = new Frequency(Math.round(hz * CLOCK_FACTOR));
            out.add(new Candidate(WhatIf.Kind.FASTER_CPU_CLOCK, "CPU clock " + faster + " instead of " + new Frequency(hz),
                    count(base, l -> l.unit() == Unit.CPU, "on the CPU"), List.of("--set", "cpu.clock=" + faster),
                    overrides.plus(List.of("cpu.clock=" + faster))));
        }
        return out;
    }

    /**
     * The per-layer weight what-if: the layers waiting on their weights ({@link #weightBound}), slowest first, each
     * moved to on-chip memory {@code m} while the constants there, and the peak activations when the arena is
     * there too, still fit in it (the rule the simulation's capacity check applies). Empty when none fits, or when
     * (almost) every constant would move (the all-weights what-if covers that).
     */
    private Optional<Candidate> layerWeightsOnChip(SimulationResult base, HardwareConfig hw, Overrides overrides,
            Subgraph g, String m) {
        Placement p = hw.placement();
        List<LayerResult> bound = base.layers().stream()
                .filter(l -> l.cycles() > 0 && l.weights().originalBytes() > 0 && p.weightsOf(l.index()).equals(p.weights())
                        && weightBound(l, p))
                .sorted(Comparator.comparingLong(LayerResult::cycles).reversed().thenComparingInt(LayerResult::index))
                .toList();
        // Inputs and outputs placed in m take their room there too, as the capacity check counts them.
        long capacity = WeightFootprint.capacityBytes(hw, m, arenaBytes)
                - org.npusim.sim.MemoryFootprint.inputOutputBytes(g, p).getOrDefault(m, 0L);
        SortedMap<Integer, String> layers = new TreeMap<>(p.layerWeights());
        SortedSet<Integer> moved = new TreeSet<>();
        for (LayerResult l : bound) {
            layers.put(l.index(), m);
            Placement trial = new Placement(p.mode(), p.weights(), p.arena(), p.cache(), p.cacheSizeBytes(), p.inputs(),
                    p.outputs(), layers);
            if (WeightFootprint.bytesByMemory(g, trial, extraWeightBytes).getOrDefault(m, 0L) <= capacity) {
                moved.add(l.index());
            } else {
                layers.remove(l.index());
            }
        }
        // Moving (almost) every constant is the all-weights what-if, measured already: under 1% of the model's
        // constants left behind (a reshape's shape, a softmax table) does not make another system worth listing.
        Placement chosen = new Placement(p.mode(), p.weights(), p.arena(), p.cache(), p.cacheSizeBytes(), p.inputs(),
                p.outputs(), layers);
        long left = WeightFootprint.bytesByMemory(g, chosen, extraWeightBytes).getOrDefault(p.weights(), 0L);
        if (moved.isEmpty() || left < g.facts().parameterBytes() / 100) {
            return Optional.empty();
        }
        String set = "placement.layer_weights." + m + "=" + chosen.layerWeightsByMemory().get(m);
        return Optional.of(new Candidate(WhatIf.Kind.LAYER_WEIGHTS_ON_CHIP, "weights of layers " + Placement.ranges(moved)
                + " in " + m + " instead of " + p.weights(),
                "the slowest layers waiting on " + p.weights() + " whose weights fit in " + m,
                List.of("--set", set), overrides.plus(List.of(set))));
    }

    /**
     * Whether layer {@code l} waits on its weights: an NPU layer bound by the weight memory or the DMA; a CPU layer
     * that reads from the weight memory (the kernel's loads wait there: its wait states are in the CPU's cycles).
     */
    private static boolean weightBound(LayerResult l, Placement p) {
        if (l.unit() == Unit.CPU) {
            MemoryTraffic t = l.traffic().get(p.weightsOf(l.index()));
            return t != null && t.readBytes() > 0 && l.weights().originalBytes() > 0;
        }
        // The scale/bias fetch takes the latency of the memory the records are read from: the weights' home, or the
        // SRAM buffer they were copied to (then moving the weights changes little, which re-simulation shows).
        return FixedResource.DMA.is(l.bottleneck()) || FixedResource.SCALE_FETCH.is(l.bottleneck())
                || Resources.channelMemory(l.bottleneck()).equals(p.weights());
    }

    /** Returns the next of Vela's modes towards on-chip memory, if there is one. */
    static Optional<MemoryMode> nextMode(MemoryMode mode) {
        return switch (mode) {
            case DEDICATED_SRAM -> Optional.of(MemoryMode.SHARED_SRAM);
            case SHARED_SRAM -> Optional.of(MemoryMode.SRAM_ONLY);
            case SRAM_ONLY, CUSTOM -> Optional.empty();
        };
    }

    /** Returns the variant of the same family with the next larger MAC count, if there is one. */
    static Optional<NpuVariant> largerVariant(NpuVariant v) {
        NpuVariant best = null;
        for (NpuVariant c : NpuVariant.values()) {
            if (c.family() == v.family() && c.macsPerCycle() > v.macsPerCycle()
                    && (best == null || c.macsPerCycle() < best.macsPerCycle())) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Returns the on-chip (SRAM or TCM) memory that weights could move to: with an NPU, one behind an NPU port, the
     * arena's first, else AXI0's, else AXI1's; without, the arena's if it is on chip, else the first on-chip memory
     * the CPU reaches.
     */
    private static Optional<String> onChipMemory(HardwareConfig hw) {
        boolean npu = hw.npu().isPresent();
        String axi0 = hw.ports().axi0().orElse("");
        String axi1 = hw.ports().axi1().orElse("");
        List<String> order = new ArrayList<>();
        order.add(hw.placement().arena());
        if (npu) {
            hw.ports().axi0().ifPresent(order::add);
            hw.ports().axi1().ifPresent(order::add);
        } else {
            hw.memories().forEach(m -> order.add(m.name()));
        }
        return order.stream()
                .filter(n -> npu ? n.equals(axi0) || n.equals(axi1) : hw.ports().cpuAccess(n).isPresent())
                .filter(n -> hw.memory(n).kind().onChip())
                .findFirst();
    }

    /** Says which roles a changed description moves, and which memory clocks follow a changed NPU clock. */
    private static String placementChange(HardwareConfig base, HardwareConfig changed) {
        List<String> parts = new ArrayList<>();
        Placement a = base.placement();
        Placement b = changed.placement();
        role(parts, "weights", a.weights(), b.weights());
        role(parts, "arena", a.arena(), b.arena());
        role(parts, "cache", a.cache(), b.cache());
        if (a.cacheSizeBytes() != b.cacheSizeBytes()) {
            parts.add("cache size " + new DataSize(a.cacheSizeBytes()) + " → " + new DataSize(b.cacheSizeBytes()));
        }
        List<String> following = new ArrayList<>();
        for (MemoryConfig m : base.memories()) {
            MemoryConfig n = changed.memory(m.name());
            if (m.clockHz() != n.clockHz() && base.npu().isPresent() && changed.npu().isPresent()
                    && base.npu().get().clockHz() != changed.npu().get().clockHz()) {
                following.add(m.name());
            }
        }
        if (!following.isEmpty()) {
            parts.add("memory clocks that follow the NPU clock (clock_scale): " + String.join(", ", following));
        }
        return String.join("; ", parts);
    }

    private static void role(List<String> parts, String role, String from, String to) {
        if (!from.equals(to)) {
            parts.add(role + " " + from + " → " + to);
        }
    }

    /** Returns {@code hw} with its placement mode set aside, so that equal placements compare equal. */
    private static HardwareConfig withoutMode(HardwareConfig hw) {
        Placement p = hw.placement();
        return new HardwareConfig(hw.name(), hw.description(), hw.npu(), hw.cpu(), hw.memories(), hw.ports(),
                new Placement(MemoryMode.CUSTOM, p.weights(), p.arena(), p.cache(), p.cacheSizeBytes(), p.inputs(), p.outputs(),
                        p.layerWeights()),
                hw.energy(), hw.simulation());
    }

    private static String count(SimulationResult r, java.util.function.Predicate<LayerResult> which, String what) {
        String layers = boundBy(r, which);
        return layers.isEmpty() ? "" : "layers " + what + ": " + layers;
    }

    /** Returns the indices of the layers (with time) that {@code which} selects, as ranges: {@code 3-5, 9}. */
    static String boundBy(SimulationResult r, java.util.function.Predicate<LayerResult> which) {
        List<Integer> idx = new ArrayList<>();
        for (LayerResult l : r.layers()) {
            if (l.cycles() > 0 && which.test(l)) {
                idx.add(l.index());
            }
        }
        return ranges(idx);
    }

    /** Writes sorted indices as ranges: [1, 2, 3, 5] → {@code 1-3, 5}. */
    static String ranges(List<Integer> sorted) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(sorted.get(i));
            if (j > i) {
                b.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return b.toString();
    }
}
