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

    /** What a CPU step costs. */
    record Cost(long durationPs, String bottleneck, java.util.Map<String, Long> readBytes, java.util.Map<String, Long> writeBytes) {}

    Cost of(Step.Cpu step);
}
