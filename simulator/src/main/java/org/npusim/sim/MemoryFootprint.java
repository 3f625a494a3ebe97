// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.Placement;
import org.npusim.plan.ArenaUse;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.NpuTarget;
import org.npusim.result.MemoryUse;

/**
 * What every memory of the hardware holds for a run ({@link MemoryUse}): the answer to "does my model fit, and
 * with how much to spare". Constants, the arena and inputs or outputs placed outside it are the figures the
 * capacity check compares with each memory's size; a spilling mode's cache is the plan's own peak
 * ({@link ExecutionPlan#fastStoragePeak}), shown with a note when it passes the cache ({@link #cacheNote}).
 */
public final class MemoryFootprint {

    private MemoryFootprint() {}

    /**
     * Returns the use of every memory of {@code hw}, by name, for {@code plan} with the stored weights' extra bytes
     * {@code extraWeightBytes} (by layer, {@link WeightFootprint#bytesByMemory}) and the arena {@code arena};
     * {@code g} is the model's graph, whose constants the memories store (a Vela-compiled model's, not its plan's).
     */
    static SortedMap<String, MemoryUse> of(HardwareConfig hw, Subgraph g, ExecutionPlan plan,
            Map<Integer, Long> extraWeightBytes, ArenaUse arena) {
        Placement p = hw.placement();
        SortedMap<String, Long> constants = WeightFootprint.bytesByMemory(g, p, extraWeightBytes);
        Optional<ExecutionPlan.FastStoragePeak> cache = plan.target().filter(NpuTarget::spilling)
                .flatMap(t -> plan.fastStoragePeak());
        SortedMap<String, Long> io = inputOutputBytes(g, p);
        SortedMap<String, MemoryUse> out = new TreeMap<>();
        for (MemoryConfig m : hw.memories()) {
            boolean isArena = m.name().equals(p.arena());
            boolean isCache = cache.isPresent() && m.name().equals(p.cache()) && !isArena;
            out.put(m.name(), new MemoryUse(m.sizeBytes(), constants.getOrDefault(m.name(), 0L),
                    isArena ? arena.bytes() : 0, isCache ? cache.get().bytes() : 0, io.getOrDefault(m.name(), 0L),
                    isArena ? arena.operator() : -1, isCache ? cache.get().operator() : -1));
        }
        return out;
    }

    /**
     * Returns a note when a dedicated-sram cache's peak passes {@code placement.cache_size} or its memory: the
     * planner promotes feature maps into the cache while they fit and sizes each weight buffer to the cache on its
     * own, as Vela does, so the two together can exceed it. The run is not refused, since the hardware would spill
     * rather than fail; the note says by how much.
     */
    static Optional<String> cacheNote(HardwareConfig hw, SortedMap<String, MemoryUse> memory) {
        Placement p = hw.placement();
        MemoryUse cache = memory.get(p.cache());
        if (cache == null || cache.cacheBytes() == 0) {
            return Optional.empty();
        }
        long limit = Math.min(p.cacheSizeBytes(), cache.sizeBytes() - cache.constantBytes() - cache.ioBytes());
        if (cache.cacheBytes() <= limit) {
            return Optional.empty();
        }
        return Optional.of("the cache in " + p.cache() + " peaks at " + cache.cacheBytes() + " bytes (feature maps promoted"
                + " into it and the running layer's weight buffers" + (cache.cachePeakLayer() >= 0 ? ", at layer "
                + cache.cachePeakLayer() : "") + "), more than the " + limit + " bytes it has ("
                + (limit == p.cacheSizeBytes() ? "placement.cache_size" : "the memory's size less what else it holds")
                + "): the planner sizes the two apart, as Vela does; a larger cache_size or fewer promoted feature maps"
                + " would keep it within");
    }

    /**
     * Returns, by memory, the bytes of the model's inputs and outputs that the placement puts outside the arena
     * ({@code placement.inputs}, {@code placement.outputs}): buffers the application fills and reads, held for the
     * whole inference. Those in the arena are among its live tensors ({@link ArenaUse}).
     */
    public static SortedMap<String, Long> inputOutputBytes(Subgraph g, Placement p) {
        SortedMap<String, Long> out = new TreeMap<>();
        java.util.Set<Integer> counted = new java.util.HashSet<>();
        for (int t : g.inputs()) {
            if (t >= 0 && !g.tensor(t).isConstant() && !p.inputs().equals(p.arena()) && counted.add(t)) {
                out.merge(p.inputs(), g.tensor(t).sizeBytes(), Long::sum);
            }
        }
        for (int t : g.outputs()) {
            if (t >= 0 && !g.tensor(t).isConstant() && !p.outputs().equals(p.arena()) && counted.add(t)) {
                out.merge(p.outputs(), g.tensor(t).sizeBytes(), Long::sum);
            }
        }
        return out;
    }
}
