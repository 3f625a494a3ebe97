// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.npusim.graph.Model;

/**
 * An immutable plan: the model, the NPU target, and the steps in execution order. Graph operators that lower to
 * no NPU work (reshapes, concatenation by sliced writes) have no step.
 *
 * @param model the model planned
 * @param target the NPU system, absent on CPU-only hardware
 * @param steps the steps in execution order
 * @param weightsCompressed whether weight sizes come from the Ethos-U encoder
 */
public record ExecutionPlan(Model model, Optional<NpuTarget> target, List<Step> steps, boolean weightsCompressed) {

    public ExecutionPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(target, "target");
        steps = List.copyOf(steps);
    }

    /** Returns the NPU target; throws when the plan is for CPU-only hardware. */
    public NpuTarget npu() {
        return target.orElseThrow(() -> new IllegalStateException("the plan has no NPU"));
    }

    /**
     * Returns a plan that runs every operator of {@code model}'s main subgraph on the CPU, for hardware without
     * an NPU.
     */
    public static ExecutionPlan cpuOnly(Model model) {
        List<Step> steps = new java.util.ArrayList<>();
        for (org.npusim.graph.Operator op : model.main().operators()) {
            steps.add(new Step.Cpu(op.index(), op, "the hardware has no NPU"));
        }
        return new ExecutionPlan(model, Optional.empty(), steps, false);
    }
}
