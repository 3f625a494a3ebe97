// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one plan step did: when it ran, what bound it, how long each resource was busy for it, and the bytes it
 * moved per memory.
 *
 * @param step index of the step in the plan
 * @param startPs when the step started
 * @param endPs when its last transaction ended
 * @param bottleneck the resource the step was bound by: a {@link org.npusim.result.FixedResource} label or a channel
 *     ({@code axi0:sram})
 * @param bottleneckPs that resource's busy time within the step
 * @param busyPs busy time per resource for the step
 * @param hiddenPs the part of {@code busyPs} that ran before the step's layer started, under earlier layers (a
 *     prefetched weight or LUT transfer); the layer never waited on it
 * @param queuedPs per resource, the time the step's transactions waited for it behind other layers' transactions
 *     (the next layer's weight prefetch on a shared port), within its layer and counted once
 * @param criticalPs on the last step of a layer, the layer's critical path: its time from start to end by the resource
 *     it waited on ({@code idle} where no work of the layer ended); empty on other steps
 * @param streamPs per channel, its busy time per stream ({@code ifm}, {@code ofm}, {@code weights},
 *     {@code dma-write}, ...): which streams shared the port
 * @param readBytes bytes read per memory
 * @param writeBytes bytes written per memory
 * @param macs MACs executed
 */
public record StepOutcome(
        int step,
        long startPs,
        long endPs,
        String bottleneck,
        long bottleneckPs,
        Map<String, Long> busyPs,
        Map<String, Long> hiddenPs,
        Map<String, Long> queuedPs,
        Map<String, Long> criticalPs,
        Map<String, Map<String, Long>> streamPs,
        Map<String, Long> readBytes,
        Map<String, Long> writeBytes,
        long macs) {

    public StepOutcome {
        Objects.requireNonNull(bottleneck, "bottleneck");
        busyPs = new TreeMap<>(busyPs);
        hiddenPs = new TreeMap<>(hiddenPs);
        queuedPs = new TreeMap<>(queuedPs);
        criticalPs = new TreeMap<>(criticalPs);
        TreeMap<String, Map<String, Long>> streams = new TreeMap<>();
        streamPs.forEach((c, m) -> streams.put(c, java.util.Collections.unmodifiableMap(new TreeMap<>(m))));
        streamPs = java.util.Collections.unmodifiableMap(streams);
        readBytes = new TreeMap<>(readBytes);
        writeBytes = new TreeMap<>(writeBytes);
    }

    /**
     * Returns the resource busiest within its step or layer, with that time: the first (in name order) with the most
     * busy time less its time hidden under earlier layers; null when nothing was busy. It binds a layer that has no
     * critical path ({@link #mostOnPath}): a CPU step's outcome, or a run for totals only.
     */
    static Map.Entry<String, Long> busiestWithin(java.util.SortedMap<String, Long> busyPs, Map<String, Long> hiddenPs) {
        Map.Entry<String, Long> best = null;
        for (Map.Entry<String, Long> e : busyPs.entrySet()) {
            long exposed = e.getValue() - hiddenPs.getOrDefault(e.getKey(), 0L);
            if (best == null || exposed > best.getValue()) {
                best = Map.entry(e.getKey(), exposed);
            }
        }
        return best;
    }

    /**
     * Returns the resource with the most time on a critical path, with that time: the first in name order among the
     * largest, {@code idle} left out (it is no resource); null when the path has none.
     */
    static Map.Entry<String, Long> mostOnPath(Map<String, Long> criticalPs) {
        Map.Entry<String, Long> best = null;
        for (Map.Entry<String, Long> e : new TreeMap<>(criticalPs).entrySet()) {
            if (!e.getKey().equals(EventSimulator.IDLE) && (best == null || e.getValue() > best.getValue())) {
                best = e;
            }
        }
        return best;
    }

    /** Returns endPs - startPs. */
    public long durationPs() {
        return endPs - startPs;
    }
}
