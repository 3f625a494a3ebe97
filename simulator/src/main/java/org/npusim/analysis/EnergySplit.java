// SPDX-License-Identifier: Apache-2.0
package org.npusim.analysis;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.result.FixedResource;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;

/**
 * A run's energy by component: NPU MACs, CPU cycles, accesses to each memory, and static power. The result gives
 * only each layer's total, so the split applies the simulator's energy terms (ARCHITECTURE.md, "Results") to the
 * result's counts: MACs × energy per MAC for NPU layers; the CPU's busy cycles × {@code µA/MHz × V} (a CPU layer's
 * kernel, an NPU layer's driver work, at the CPU clock); bytes × energy per byte per memory; static power (NPU and memories) over the time each
 * layer alone extends the run (layers may overlap). The four parts add up to the result's total up to the rounding
 * of cycles.
 *
 * @param npuMacJoules NPU MAC energy
 * @param cpuJoules CPU energy
 * @param memoryJoules energy of reads and writes per memory
 * @param staticJoules static (leakage) energy
 */
public record EnergySplit(double npuMacJoules, double cpuJoules, SortedMap<String, Double> memoryJoules, double staticJoules) {

    private static final double PJ = 1e-12;

    public EnergySplit {
        memoryJoules = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(memoryJoules));
    }

    /** Returns the sum of the parts. */
    public double totalJoules() {
        double t = npuMacJoules + cpuJoules + staticJoules;
        for (double m : memoryJoules.values()) {
            t += m;
        }
        return t;
    }

    /** Splits the energy of {@code r}, a run on {@code hw}. */
    public static EnergySplit of(SimulationResult r, HardwareConfig hw) {
        double referenceHz = hw.referenceClockHz();
        double staticMw = hw.npu().isPresent() ? hw.energy().npuStaticPowerMw() : 0;
        for (MemoryConfig m : hw.memories()) {
            staticMw += m.staticPowerMw();
        }
        double macPj = 0;
        double cpuPj = 0;
        long exclusiveCycles = 0;
        long previousEnd = 0;
        TreeMap<String, Double> memoryPj = new TreeMap<>();
        for (LayerResult l : r.layers()) {
            // Layers may overlap (the next starts while this one drains); static power counts the time each layer
            // alone extends the run, as the result does.
            exclusiveCycles += Math.max(0, l.endCycle() - Math.max(l.startCycle(), previousEnd));
            previousEnd = Math.max(previousEnd, l.endCycle());
            // The CPU's busy cycles (in the reference clock): a CPU layer's kernel, an NPU layer's driver work.
            cpuPj += l.busyCycles().getOrDefault(FixedResource.CPU.label(), 0L) / referenceHz * hw.cpu().clockHz()
                    * hw.energy().cpuEnergyPjPerCycle();
            if (l.unit() == Unit.NPU) {
                macPj += l.macs() * hw.energy().npuMacEnergyPj();
            }
            for (Map.Entry<String, MemoryTraffic> e : l.traffic().entrySet()) {
                MemoryConfig m = hw.memory(e.getKey());
                memoryPj.merge(e.getKey(), e.getValue().readBytes() * m.readEnergyPjPerByte()
                        + e.getValue().writeBytes() * m.writeEnergyPjPerByte(), Double::sum);
            }
        }
        double exclusiveSeconds = exclusiveCycles / referenceHz;
        TreeMap<String, Double> memoryJ = new TreeMap<>();
        memoryPj.forEach((m, pj) -> memoryJ.put(m, pj * PJ));
        // mW × s = mJ; × 1e-3 gives joules.
        return new EnergySplit(macPj * PJ, cpuPj * PJ, memoryJ, staticMw * 1e-3 * exclusiveSeconds);
    }
}
