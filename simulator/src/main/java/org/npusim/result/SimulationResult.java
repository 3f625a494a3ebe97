// SPDX-License-Identifier: Apache-2.0
package org.npusim.result;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The result of simulating a model on a hardware description.
 *
 * @param model what was simulated
 * @param hardware on what
 * @param total totals over the run
 * @param layers one entry per graph operator, in execution order
 * @param notes statements about how the result was obtained (e.g. "weights uncompressed")
 */
public record SimulationResult(ModelInfo model, HardwareInfo hardware, Totals total, List<LayerResult> layers, List<String> notes) {

    public SimulationResult {
        layers = List.copyOf(layers);
        notes = List.copyOf(notes);
    }

    /** The simulated model. */
    public record ModelInfo(String name, String path, long macs) {}

    /** The hardware, as the result header names it. */
    public record HardwareInfo(String name, String npu, long npuClockHz, String cpu, long cpuClockHz, String memoryMode,
            String simulationMode) {}

    /**
     * Totals of a run.
     *
     * @param cycles cycles of the whole inference (NPU clock, or CPU clock without an NPU)
     * @param seconds its time
     * @param npuActiveCycles cycles during which NPU layers alone extended the run (the NPU driver's work that starts
     *     them included)
     * @param cpuCycles cycles during which CPU layers alone extended the run (a CPU layer that starts while an earlier
     *     layer drains counts from that layer's end); counted, like every cycle figure, in the NPU clock when there is
     *     an NPU (the design brief's rule), so that this and {@code npuActiveCycles} add up to at most {@code cycles}
     * @param energyJoules energy of the inference
     * @param traffic bytes per memory
     * @param weights weight sizes
     * @param utilization busy share of every resource over the run
     * @param memory what every memory of the hardware holds, by name (empty in a result read back from JSON
     *     written before results had it)
     */
    public record Totals(long cycles, double seconds, long npuActiveCycles, long cpuCycles, double energyJoules,
            SortedMap<String, MemoryTraffic> traffic, WeightSizes weights, SortedMap<String, Double> utilization,
            SortedMap<String, MemoryUse> memory) {
        public Totals {
            traffic = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(traffic));
            utilization = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(utilization));
            memory = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(memory));
        }
    }
}
