// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;

/**
 * Costs graph operators on the CPU of a hardware description.
 *
 * <p>Contract: deterministic in its arguments; every operator gets a cost (operators without a kernel model are
 * costed by their data movement and say so in {@link CpuOpCost#kernel()}); never throws for a valid graph.
 */
@FunctionalInterface
public interface CpuCostModel {

    /** Returns the cost of running {@code op} of {@code graph} on the CPU. */
    CpuOpCost cost(Subgraph graph, Operator op);

    /** Returns the CPU cycles the NPU driver spends to start each NPU subgraph (0 when not modelled). */
    default long npuInvocationCycles() {
        return 0;
    }
}
