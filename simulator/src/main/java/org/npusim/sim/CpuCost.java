// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import org.npusim.plan.Step;

/**
 * The cost of a CPU step: its duration and the bytes it moves per memory.
 *
 * <p>Contract: deterministic in its arguments.
 */
@FunctionalInterface
public interface CpuCost {

    /**
     * What a CPU step costs.
     *
     * @param durationPs how long it runs
     * @param bottleneck what bound it: {@code cpu} or a memory
     * @param readBytes bytes read per memory
     * @param writeBytes bytes written per memory
     * @param partsPs where its time went (the instructions as {@code cpu}, each memory's stalls), adding up to
     *     {@code durationPs}: the critical path of a layer on an in-order core
     */
    record Cost(long durationPs, String bottleneck, java.util.Map<String, Long> readBytes,
            java.util.Map<String, Long> writeBytes, java.util.Map<String, Long> partsPs) {}

    Cost of(Step.Cpu step);
}
