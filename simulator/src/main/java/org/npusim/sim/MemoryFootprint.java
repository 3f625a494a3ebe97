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
 * with how much to spare". Constants and the arena are the figures the capacity check compares with each memory's
 * size; a spilling mode's cache is the plan's own peak ({@link ExecutionPlan#fastStoragePeak}).
 */
final class MemoryFootprint {

    private MemoryFootprint() {}

    /**
     * Returns the use of every memory of {@code hw}, by name, for {@code plan} with the stored weights' extra bytes
     * {@code extraWeightBytes} (by layer, {@link WeightFootprint#bytesByMemory}) and the arena {@code arena}.
     */
    static SortedMap<String, MemoryUse> of(HardwareConfig hw, Subgraph g, ExecutionPlan plan,
            Map<Integer, Long> extraWeightBytes, ArenaUse arena) {
        Placement p = hw.placement();
        SortedMap<String, Long> constants = WeightFootprint.bytesByMemory(g, p, extraWeightBytes);
        Optional<ExecutionPlan.FastStoragePeak> cache = plan.target().filter(NpuTarget::spilling)
                .flatMap(t -> plan.fastStoragePeak());
        SortedMap<String, MemoryUse> out = new TreeMap<>();
        for (MemoryConfig m : hw.memories()) {
            boolean isArena = m.name().equals(p.arena());
            boolean isCache = cache.isPresent() && m.name().equals(p.cache()) && !isArena;
            out.put(m.name(), new MemoryUse(m.sizeBytes(), constants.getOrDefault(m.name(), 0L),
                    isArena ? arena.bytes() : 0, isCache ? cache.get().bytes() : 0,
                    isArena ? arena.operator() : -1, isCache ? cache.get().operator() : -1));
        }
        return out;
    }
}
