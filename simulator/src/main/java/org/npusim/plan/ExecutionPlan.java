// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.List;
import java.util.Objects;
import org.npusim.graph.Model;

/**
 * An immutable plan: the model, the NPU target, and the steps in execution order. Graph operators that lower to
 * no NPU work (reshapes, concatenation by sliced writes) have no step.
 *
 * @param model the model planned
 * @param target the NPU system
 * @param steps the steps in execution order
 * @param weightsCompressed whether weight sizes come from the Ethos-U encoder
 */
public record ExecutionPlan(Model model, NpuTarget target, List<Step> steps, boolean weightsCompressed) {

    public ExecutionPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(target, "target");
        steps = List.copyOf(steps);
    }
}
