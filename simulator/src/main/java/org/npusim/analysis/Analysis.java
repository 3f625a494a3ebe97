// SPDX-License-Identifier: Apache-2.0
package org.npusim.analysis;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bottleneck analysis of a run.
 *
 * @param topLayers the layers that take the most time, slowest first
 * @param utilization the busy share of every resource over the run, busiest first (insertion-ordered)
 * @param energy the run's energy by component
 * @param whatIfs the changes tried, in a fixed order; empty when they were not asked for
 * @param whatIfsRun whether what-ifs were asked for
 */
public record Analysis(List<LayerBottleneck> topLayers, Map<String, Double> utilization, EnergySplit energy,
        List<WhatIf> whatIfs, boolean whatIfsRun) {

    public Analysis {
        topLayers = List.copyOf(topLayers);
        utilization = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(utilization));
        Objects.requireNonNull(energy, "energy");
        whatIfs = List.copyOf(whatIfs);
    }
}
