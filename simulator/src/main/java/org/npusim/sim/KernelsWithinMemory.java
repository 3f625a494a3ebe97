// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.CpuKernelOption;
import org.npusim.cpu.KernelSubstitution;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Step;

/**
 * Chooses, layer by layer, which CPU kernels that need more memory than dense (Winograd tiles, sparse indices, larger
 * scratch buffers) a run keeps when the fastest kernels do not all fit (for {@code --cpu-kernels auto}).
 *
 * <p>Every layer starts from its fastest kernel that stores no more weight bytes than dense, or from the dense kernel
 * itself when even those do not fit (a variant's scratch buffers can exceed dense's). Then, repeatedly, the upgrade
 * with the most cycles saved per extra weight byte (over every layer and every faster kernel; one storing no more is
 * taken first) is kept if the memories still hold the run, its weights and its arena with the kernels' scratch, and
 * dropped otherwise. This is the usual greedy for a knapsack with several choices per item: not optimal in every
 * case (a large upgrade can lose to small ones that used the room first, and the rate does not weigh scratch), but it
 * is never worse than where it starts, and exact when everything fits.
 */
final class KernelsWithinMemory {

    private KernelsWithinMemory() {}

    /**
     * What was chosen.
     *
     * @param model the cost model with the chosen per-layer limits
     * @param extraWeights by layer, what its kernel stores beyond its weight tensor ({@link #extraWeights})
     * @param fastest the layers that keep their fastest kernel, which stores more than dense
     * @param smaller the layers that run a kernel storing more than dense but less than their fastest one
     * @param leftOut the layers that run a kernel storing no more than dense, their faster ones not fitting
     * @param variants the kernels storing more than dense that the layers would run without the limit, by the
     *     variant their label names ({@code winograd-f4} of {@code arm_convolve_s8 [winograd-f4]})
     */
    record Choice(CpuCostModel model, Map<Integer, Long> extraWeights, SortedSet<Integer> fastest,
            SortedSet<Integer> smaller, SortedSet<Integer> leftOut, SortedSet<String> variants) {
        Choice {
            extraWeights = Map.copyOf(extraWeights);
            fastest = Collections.unmodifiableSortedSet(new TreeSet<>(fastest));
            smaller = Collections.unmodifiableSortedSet(new TreeSet<>(smaller));
            leftOut = Collections.unmodifiableSortedSet(new TreeSet<>(leftOut));
            variants = Collections.unmodifiableSortedSet(new TreeSet<>(variants));
        }

        /**
         * Says what was chosen, for the run's notes: "CPU kernels that need more memory than dense
         * (winograd-f4) do not all fit, so the fastest runs on layers 0, 1, 2, 5 and one storing no more than dense
         * on layer 9, chosen by cycles saved per byte: " and then {@code why}.
         */
        String note(String why) {
            List<String> parts = new ArrayList<>();
            if (!fastest.isEmpty()) {
                parts.add("the fastest runs on " + Simulator.layers(fastest));
            }
            if (!smaller.isEmpty()) {
                parts.add("a smaller, slower one on " + Simulator.layers(smaller));
            }
            if (!leftOut.isEmpty()) {
                parts.add((parts.isEmpty() ? "kernels storing no more than dense run on " : "one storing no more than"
                        + " dense on ") + Simulator.layers(leftOut));
            }
            boolean chose = !fastest.isEmpty() || !smaller.isEmpty();
            return NOTE_PREFIX + " (" + String.join(", ", variants) + ") do not " + (chose ? "all " : "") + "fit, so "
                    + String.join(parts.size() > 2 ? ", " : " and ", parts).replace(", one storing", ", and one storing")
                    + (chose ? ", chosen by cycles saved per byte" : "") + ": " + why;
        }

    }

    /** How the run's note on kernels that do not all fit begins (the what-ifs look for it). */
    static final String NOTE_PREFIX = "CPU kernels that need more memory than dense";

    /**
     * Chooses the kernels of {@code wide}'s CPU layers in {@code plan} under {@code fits} (whether the memories hold
     * the run with a candidate model: its weights, with the given extra bytes by layer, and its kernels' scratch
     * buffers); returns {@code wide} itself, unchanged, when it offers no smaller kernels.
     */
    static Choice choose(CpuCostModel wide, Subgraph g, ExecutionPlan plan,
            BiPredicate<CpuCostModel, Map<Integer, Long>> fits) {
        CpuCostModel narrow = wide.withExtraWeightLimits(Map.of());
        if (narrow == wide) {
            return new Choice(wide, extraWeights(wide, g, plan), new TreeSet<>(), new TreeSet<>(), new TreeSet<>(),
                    new TreeSet<>());
        }
        Map<Integer, Operator> cpuLayers = new TreeMap<>();
        for (Step s : plan.steps()) {
            if (s instanceof Step.Cpu c) {
                cpuLayers.putIfAbsent(c.graphOperator().index(), c.graphOperator());
            }
        }
        Map<Integer, Long> limits = new TreeMap<>();
        if (!fits.test(narrow, extraWeights(narrow, g, plan))) {
            // A limit below every kernel's extra bytes leaves a layer its base (dense) kernel.
            cpuLayers.keySet().forEach(layer -> limits.put(layer, Long.MIN_VALUE));
        }
        CpuCostModel chosen = wide.withExtraWeightLimits(limits);
        Map<Integer, Long> extras = extraWeights(chosen, g, plan);
        Map<Integer, Long> cyclesNow = new HashMap<>();
        Map<Integer, Long> extraNow = new HashMap<>();
        Map<Integer, List<CpuKernelOption>> upgrades = new HashMap<>();
        SortedSet<Integer> wanted = new TreeSet<>();
        for (Map.Entry<Integer, Operator> e : cpuLayers.entrySet()) {
            int layer = e.getKey();
            cyclesNow.put(layer, chosen.cost(g, e.getValue()).cycles());
            extraNow.put(layer, chosen.extraWeightBytes(g, e.getValue()));
            List<CpuKernelOption> faster = new ArrayList<>();
            for (CpuKernelOption o : wide.kernelOptions(g, e.getValue())) {
                if (o.cycles() < cyclesNow.get(layer)) {
                    faster.add(o);
                }
            }
            upgrades.put(layer, faster);
            if (!faster.isEmpty()) {
                wanted.add(layer);
            }
        }
        while (true) {
            int bestLayer = -1;
            CpuKernelOption best = null;
            double bestRate = 0;
            for (int layer : wanted) {
                for (CpuKernelOption o : upgrades.get(layer)) {
                    long moreBytes = o.extraWeightBytes() - extraNow.get(layer);
                    long fewerCycles = cyclesNow.get(layer) - o.cycles();
                    if (fewerCycles <= 0) {
                        continue;
                    }
                    // An upgrade that stores no more costs no weight bytes: first, as long as its scratch fits.
                    double rate = moreBytes <= 0 ? Double.POSITIVE_INFINITY : (double) fewerCycles / moreBytes;
                    if (rate > bestRate) {
                        bestRate = rate;
                        bestLayer = layer;
                        best = o;
                    }
                }
            }
            if (best == null) {
                break;
            }
            Long before = limits.put(bestLayer, best.extraWeightBytes());
            CpuCostModel candidate = wide.withExtraWeightLimits(limits);
            Map<Integer, Long> candidateExtras = extraWeights(candidate, g, plan);
            if (fits.test(candidate, candidateExtras)) {
                chosen = candidate;
                extras = candidateExtras;
                cyclesNow.put(bestLayer, best.cycles());
                extraNow.put(bestLayer, best.extraWeightBytes());
            } else if (before == null) {
                limits.remove(bestLayer);
            } else {
                limits.put(bestLayer, before);
            }
            upgrades.get(bestLayer).remove(best);
        }
        SortedSet<Integer> fastest = new TreeSet<>();
        SortedSet<Integer> smaller = new TreeSet<>();
        SortedSet<Integer> leftOut = new TreeSet<>();
        SortedSet<String> variants = new TreeSet<>();
        for (int layer : wanted) {
            Operator op = cpuLayers.get(layer);
            String kernel = wide.cost(g, op).kernel();
            variants.add(KernelSubstitution.variantOf(kernel).orElse(kernel));
            if (chosen.extraWeightBytes(g, op) <= 0) {
                leftOut.add(layer);
            } else if (chosen.cost(g, op).cycles() > wide.cost(g, op).cycles()) {
                smaller.add(layer);
            } else {
                fastest.add(layer);
            }
        }
        return new Choice(chosen, extras, fastest, smaller, leftOut, variants);
    }

    /**
     * Returns, by layer, what the CPU layers' kernels store beyond their weight tensors (Winograd tiles, sparse
     * indices), charged to the first layer of each weight tensor whose kernel re-encodes it.
     *
     * <p>A tensor that several layers read is stored once per encoding their kernels read it in: the model's own form
     * (counted by {@link WeightFootprint} with the tensor) when a layer's kernel reads it as stored, and each other
     * encoding (named by the kernel's label) once, at the tensor's bytes plus that kernel's extra. So with readers on
     * the stored form, each other encoding adds its full size; with none, the stored form is not kept and the extra
     * is the other encodings' sizes less the tensor's.
     */
    static Map<Integer, Long> extraWeights(CpuCostModel cpu, Subgraph g, ExecutionPlan plan) {
        // Per weight tensor, in plan order: whether a reader keeps the stored form, each other encoding's extra
        // bytes by kernel label, and the first layer that re-encodes it.
        Map<Integer, Boolean> storedFormRead = new HashMap<>();
        Map<Integer, Map<String, Long>> encodings = new LinkedHashMap<>();
        Map<Integer, Integer> chargedTo = new HashMap<>();
        Set<Integer> seen = new HashSet<>();
        for (Step s : plan.steps()) {
            if (!(s instanceof Step.Cpu c) || !seen.add(c.graphOperator().index())) {
                continue;
            }
            Operator op = c.graphOperator();
            long extra = cpu.extraWeightBytes(g, op);
            if (op.inputCount() < 2 || op.input(1) < 0) {
                continue;
            }
            int tensor = op.input(1);
            if (extra == 0) {
                storedFormRead.put(tensor, true);
            } else {
                encodings.computeIfAbsent(tensor, t -> new LinkedHashMap<>()).putIfAbsent(cpu.cost(g, op).kernel(), extra);
                chargedTo.putIfAbsent(tensor, op.index());
            }
        }
        Map<Integer, Long> out = new HashMap<>();
        encodings.forEach((tensor, byKernel) -> {
            long tensorBytes = g.tensor(tensor).sizeBytes();
            long bytes = storedFormRead.getOrDefault(tensor, false) ? 0 : -tensorBytes;
            for (long extra : byKernel.values()) {
                bytes += tensorBytes + extra;
            }
            if (bytes != 0) {
                out.merge(chargedTo.get(tensor), bytes, Long::sum);
            }
        });
        return out;
    }
}
