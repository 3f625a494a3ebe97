// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.Placement;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Step;

/**
 * The bytes of weights and other constants each memory holds under a placement: a layer listed in
 * {@code placement.layer_weights} keeps its constant inputs in its own memory, every other constant sits in
 * {@code placement.weights}. A constant counts once, with the first layer that reads it (as
 * {@link org.npusim.graph.SubgraphFacts#parameterBytes} counts it), so the memories add up to the model's
 * parameter bytes.
 */
public final class WeightFootprint {

    private WeightFootprint() {}

    /**
     * Returns the bytes memory {@code memory} has for constants under {@code hw}'s placement: its size, less the
     * arena's activations ({@code arenaBytes}, {@link org.npusim.plan.ArenaUse}) when it is also the arena. The
     * simulation refuses a placement whose constants in a memory exceed this, and the what-ifs only propose
     * placements within it.
     */
    public static long capacityBytes(HardwareConfig hw, String memory, long arenaBytes) {
        return hw.memory(memory).sizeBytes() - (hw.placement().arena().equals(memory) ? arenaBytes : 0);
    }

    /** Returns the constant bytes per memory name; memories holding none are left out. */
    public static SortedMap<String, Long> bytesByMemory(Subgraph g, Placement p) {
        return bytesByMemory(g, p, Map.of());
    }

    /**
     * Returns the constant bytes per memory name, with {@code extraBytes} (by operator index) added in the memory
     * of each layer's weights: what a CPU kernel stores beyond the weight tensor's size (Winograd tiles, sparse
     * indices; {@link org.npusim.cpu.CpuCostModel#extraWeightBytes}).
     */
    public static SortedMap<String, Long> bytesByMemory(Subgraph g, Placement p, Map<Integer, Long> extraBytes) {
        SortedMap<String, Long> out = new TreeMap<>();
        long[] byLayer = bytesByLayer(g, extraBytes);
        for (Operator op : g.operators()) {
            if (byLayer[op.index()] > 0) {
                out.merge(p.weightsOf(op.index()), byLayer[op.index()], Long::sum);
            }
        }
        return out;
    }

    /**
     * Returns the layer whose constants take the most bytes of {@code memory} (the first on a tie), with those
     * bytes; or null when no layer keeps constants there. A capacity error names it, so that a user knows which
     * layer's weights to move ({@code placement.layer_weights}) or prune.
     */
    public static Map.Entry<Integer, Long> largestLayerIn(Subgraph g, Placement p, Map<Integer, Long> extraBytes, String memory) {
        long[] byLayer = bytesByLayer(g, extraBytes);
        Map.Entry<Integer, Long> best = null;
        for (Operator op : g.operators()) {
            long b = byLayer[op.index()];
            if (b > 0 && p.weightsOf(op.index()).equals(memory) && (best == null || b > best.getValue())) {
                best = Map.entry(op.index(), b);
            }
        }
        return best;
    }

    /** Returns, by operator index, the constant bytes counted with each layer (the first that reads a constant), extras included. */
    private static long[] bytesByLayer(Subgraph g, Map<Integer, Long> extraBytes) {
        long[] out = new long[g.operators().size()];
        extraBytes.forEach((op, extra) -> out[op] += extra);
        int[] reader = firstReaders(g);
        for (int t = 0; t < reader.length; t++) {
            if (reader[t] >= 0) {
                out[reader[t]] += g.tensor(t).sizeBytes();
            }
        }
        return out;
    }

    /** Returns, by tensor index, the first operator that reads the constant tensor; -1 for other tensors. */
    private static int[] firstReaders(Subgraph g) {
        int[] out = new int[g.tensors().size()];
        java.util.Arrays.fill(out, -1);
        for (Operator op : g.operators()) {
            for (int t : op.inputs()) {
                if (t >= 0 && out[t] < 0 && g.tensor(t).isConstant()) {
                    out[t] = op.index();
                }
            }
        }
        return out;
    }

    /**
     * Returns, by operator index, the bytes an NPU layer's stored weight streams take beyond the constants they
     * replace, for {@link #bytesByMemory}: the NPU reads a convolution's or fully connected layer's weights and
     * biases as encoded streams (compressed weights and 10-byte scale/bias records per output channel,
     * ethos-u-facts.md §5), which the weights memory holds instead of the tensors. Each distinct stream
     * ({@link StoredStream}) counts once, with the first layer that reads it; the constants it replaces are the
     * layer's constant inputs that it counts ({@link #bytesByMemory}'s rule) and that no step of it reads as a
     * feature map. Streams are usually larger than the tensors (person_detect: 232,208 encoded bytes against
     * 207,968), so a memory sized to the tensors does not hold them. Empty for a plan without an NPU target.
     */
    public static Map<Integer, Long> npuStreamExtraBytes(Subgraph g, ExecutionPlan plan) {
        Map<Integer, Long> out = new HashMap<>();
        if (plan.target().isEmpty()) {
            return out;
        }
        Set<StoredStream> stored = new HashSet<>();
        Map<Integer, Set<Integer>> readAsFeatureMap = new HashMap<>();
        for (Step s : plan.steps()) {
            if (s instanceof Step.Npu n) {
                Set<Integer> fm = readAsFeatureMap.computeIfAbsent(n.operator(), k -> new HashSet<>());
                fm.add(n.op().tensors().ifm());
                n.op().tensors().ifm2().ifPresent(fm::add);
                Optional<StoredStream> stream = StoredStream.of(n, plan.target().get().variant());
                if (stream.isPresent() && stored.add(stream.get())) {
                    out.merge(n.operator(), n.weights().get().encoded().totalBytes(), Long::sum);
                }
            }
        }
        int[] reader = firstReaders(g);
        for (int t = 0; t < reader.length; t++) {
            if (reader[t] >= 0 && out.containsKey(reader[t]) && !readAsFeatureMap.get(reader[t]).contains(t)) {
                out.merge(reader[t], -g.tensor(t).sizeBytes(), Long::sum);
            }
        }
        return out;
    }
}
