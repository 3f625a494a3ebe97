// SPDX-License-Identifier: Apache-2.0
package org.npusim.analysis;

import java.util.Map;
import java.util.Objects;

/**
 * One of the layers that take the most time, and what bound it.
 *
 * @param index the layer's index in execution order
 * @param name the layer's name (its output tensor)
 * @param op the TFLite operator name
 * @param unit {@code npu} or {@code cpu}
 * @param cycles the layer's cycles (exclusive span, as in the result)
 * @param seconds the layer's time
 * @param shareOfRun the layer's share of the run's time
 * @param bottleneck the resource label that bound it ({@code mac}, {@code axi1:flash}, ...)
 * @param bottleneckShare that resource's share of the layer's time ({@link org.npusim.result.LayerResult#bottleneckShare})
 * @param bottleneckDescription the resource in words ({@code AXI1 port to flash (flash)})
 * @param bottleneckStreams when the bottleneck is a port that several streams shared (the "a port shared by
 *     two streams"), each stream's share of the layer's time there, largest first ({@code weights 0.41, ifm 0.30,
 *     ...}), with {@code other layers} for the time the layer queued behind other layers' transactions; else empty
 * @param criticalPath where the layer's time went, by resource on its critical path ({@code idle} where it waited on
 *     no work of its own), as shares of its time, largest first; empty in the Vela-compatible mode
 */
public record LayerBottleneck(int index, String name, String op, String unit, long cycles, double seconds, double shareOfRun,
        String bottleneck, double bottleneckShare, String bottleneckDescription, Map<String, Double> bottleneckStreams,
        Map<String, Double> criticalPath) {

    public LayerBottleneck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(bottleneck, "bottleneck");
        Objects.requireNonNull(bottleneckDescription, "bottleneckDescription");
        bottleneckStreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bottleneckStreams));
        criticalPath = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(criticalPath));
    }
}
