// SPDX-License-Identifier: Apache-2.0
package org.npusim.result;

import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One layer (graph operator) of a simulation.
 *
 * @param index the operator's index in execution order
 * @param name the operator's output tensor name
 * @param op the TFLite operator name
 * @param unit NPU or CPU
 * @param macs multiply-accumulates (counted as Vela counts them)
 * @param startCycle first cycle (NPU clock, or CPU clock on CPU-only systems)
 * @param endCycle the cycle the layer ends at, exclusive (its last cycle is {@code endCycle - 1})
 * @param cycles endCycle - startCycle
 * @param overlapCycles the part of {@code cycles} during which an earlier layer was still running (the layer starts
 *     while the one before drains its output stage, or a layer lowered beside another): the layers' cycles less
 *     their overlap add up to the run, and the overlap is time a layer-by-layer estimate such as Vela's adds up
 *     where the simulation does not
 * @param stepOverlapCycles for a layer lowered to several steps (an LSTM's gate products, a softmax's passes), the
 *     cycles its steps ran beside one another: their spans add up to {@code cycles} plus this, where a layer-by-layer
 *     estimate such as Vela's adds the steps up one after the other
 * @param bottleneck the resource that bound the layer: a {@link FixedResource} label ({@code mac}, {@code dma}, …), or a
 *     channel ({@code axi1:flash})
 * @param bottleneckShare that resource's cycles on the layer's critical path over the layer's cycles (in the
 *     Vela-compatible mode, its time in Vela's estimate over the layer's)
 * @param utilization MACs / (cycles × MACs per cycle of the unit): for an NPU layer the array's MACs per cycle, for a
 *     CPU layer the core's peak ({@link org.npusim.hw.CpuCore#peakMacsPerCycle}) over the CPU's own cycles, the
 *     MACs being the layer's dense count: a sparse or zero-skipping kernel, which skips MACs, can show more than 1
 *     (its effective rate)
 * @param traffic bytes per memory
 * @param energyJoules dynamic and static energy attributed to the layer
 * @param weights weight sizes of the layer
 * @param busyCycles busy cycles of every resource for the layer
 * @param hiddenCycles the part of {@code busyCycles} that ran before the layer started, overlapped with earlier
 *     layers (weights or a LUT prefetched by the DMA, and the ports it used): work the
 *     layer did not wait on, and why it can be faster than a layer-by-layer estimate such as Vela's
 * @param queuedCycles per resource, the cycles the layer's transactions waited for it behind other layers'
 *     transactions (behind the next layer's weight prefetch on a shared port, say), counted once: time the layer
 *     spent on that resource beyond its own busy time, and why it can be slower than its own work explains
 * @param criticalCycles the layer's critical path: its cycles from start to end by the resource it waited on there,
 *     walking back from its end through the work that ended last ({@code idle} where none of its work ended: a
 *     dependency or a latency); it adds up to {@code cycles}. For a CPU layer its instructions ({@code cpu}) and each
 *     memory's stalls, one after the other on an in-order core. Empty for NPU layers in the Vela-compatible mode
 * @param streamCycles per channel (AXI port and memory), its busy cycles per stream ({@code ifm}, {@code ifm2},
 *     {@code ofm}, {@code weights}, {@code dma-read}, {@code dma-write}): which streams shared the port
 * @param kernel the CPU kernel that runs a CPU layer ({@code arm_convolve_s8 [zero-skip]}); empty for NPU layers
 */
public record LayerResult(
        int index,
        String name,
        String op,
        Unit unit,
        long macs,
        long startCycle,
        long endCycle,
        long cycles,
        long overlapCycles,
        long stepOverlapCycles,
        String bottleneck,
        double bottleneckShare,
        double utilization,
        SortedMap<String, MemoryTraffic> traffic,
        double energyJoules,
        WeightSizes weights,
        SortedMap<String, Long> busyCycles,
        SortedMap<String, Long> hiddenCycles,
        SortedMap<String, Long> queuedCycles,
        SortedMap<String, Long> criticalCycles,
        SortedMap<String, SortedMap<String, Long>> streamCycles,
        String kernel) {

    public LayerResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bottleneck, "bottleneck");
        Objects.requireNonNull(kernel, "kernel");
        traffic = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(traffic));
        busyCycles = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(busyCycles));
        hiddenCycles = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(hiddenCycles));
        queuedCycles = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(queuedCycles));
        criticalCycles = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(criticalCycles));
        TreeMap<String, SortedMap<String, Long>> streams = new TreeMap<>();
        streamCycles.forEach((c, m) -> streams.put(c, java.util.Collections.unmodifiableSortedMap(new TreeMap<>(m))));
        streamCycles = java.util.Collections.unmodifiableSortedMap(streams);
    }
}
