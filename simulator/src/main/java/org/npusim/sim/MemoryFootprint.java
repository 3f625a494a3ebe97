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
     * Returns a note when a dedicated-sram cache's peak passes what its memory has room for: the planner keeps
     * feature maps in the cache within {@code placement.cache_size} (beside the weight buffers, as Vela does:
     * {@code plan.CachePromotion}), but a cache size larger than the memory less its constants and inputs or outputs
     * is not checked. The run is not refused; the note says by how much.
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
                + " into it, lowering intermediates and the running layer's weight buffers" + (cache.cachePeakLayer() >= 0 ? ", at layer "
                + cache.cachePeakLayer() : "") + "), more than the " + limit + " bytes it has ("
                + (limit == p.cacheSizeBytes() ? "placement.cache_size" : "the memory's size less what else it holds")
                + "): a placement.cache_size within the memory's room would make the planner keep fewer feature maps"
                + " there");
    }

    /**
     * Returns, by tensor, the memory outside the arena that holds each model input and output the placement puts
     * there ({@code placement.inputs}, {@code placement.outputs}; a tensor both input and output goes with the
     * inputs): buffers the application fills and reads, held for the whole inference. The arena leaves them out
     * ({@link ArenaUse}); those the placement keeps in the arena are among its live tensors.
     */
    static SortedMap<Integer, String> inputsAndOutputsElsewhere(Subgraph g, Placement p) {
        SortedMap<Integer, String> out = new TreeMap<>();
        place(out, g, g.inputs(), p.inputs(), p);
        place(out, g, g.outputs(), p.outputs(), p);
        return out;
    }

    private static void place(SortedMap<Integer, String> out, Subgraph g, int[] tensors, String memory, Placement p) {
        if (memory.equals(p.arena())) {
            return;
        }
        for (int t : tensors) {
            if (t >= 0 && !g.tensor(t).isConstant()) {
                out.putIfAbsent(t, memory);
            }
        }
    }

    /** Returns, by memory, the bytes of {@link #inputsAndOutputsElsewhere}. */
    public static SortedMap<String, Long> inputOutputBytes(Subgraph g, Placement p) {
        SortedMap<String, Long> out = new TreeMap<>();
        inputsAndOutputsElsewhere(g, p).forEach((t, memory) -> out.merge(memory, g.tensor(t).sizeBytes(), Long::sum));
        return out;
    }
}
