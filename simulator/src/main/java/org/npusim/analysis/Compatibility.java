// SPDX-License-Identifier: Apache-2.0
package org.npusim.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import org.npusim.graph.Operator;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Step;

/**
 * Where each graph operator of a plan runs and why: on the NPU (as how many NPU operations of which kinds), as an
 * NPU DMA copy, on the CPU (with the planner's reason), or nowhere (lowered to no work, such as a reshape done in
 * place).
 *
 * @param index the operator's index
 * @param op the TFLite operator name
 * @param where {@code npu}, {@code dma}, {@code cpu} or {@code none}
 * @param reason how or why, in words
 */
public record Compatibility(int index, String op, String where, String reason) {

    public Compatibility {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(reason, "reason");
    }

    /** Returns one entry per operator of the plan's model, in execution order. */
    public static List<Compatibility> of(ExecutionPlan plan) {
        List<Operator> ops = plan.model().main().operators();
        List<List<Step>> byOperator = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            byOperator.add(new ArrayList<>());
        }
        for (Step s : plan.steps()) {
            byOperator.get(s.operator()).add(s);
        }
        List<Compatibility> out = new ArrayList<>(ops.size());
        for (Operator op : ops) {
            out.add(entry(op, byOperator.get(op.index())));
        }
        return out;
    }

    private static Compatibility entry(Operator op, List<Step> steps) {
        if (steps.isEmpty()) {
            return new Compatibility(op.index(), op.opName(), "none", "no work: removed when lowered (done in place)");
        }
        TreeMap<String, Integer> kinds = new TreeMap<>();
        String cpuReason = null;
        int npuOps = 0;
        boolean dma = false;
        for (Step s : steps) {
            switch (s.kind()) {
                case CPU -> cpuReason = ((Step.Cpu) s).reason();
                case DMA -> dma = true;
                case NPU -> {
                    npuOps++;
                    kinds.merge(((Step.Npu) s).op().type().name().toLowerCase(Locale.ROOT).replace('_', ' '), 1, Integer::sum);
                }
            }
        }
        if (cpuReason != null) {
            return new Compatibility(op.index(), op.opName(), "cpu", cpuReason);
        }
        if (npuOps == 0 && dma) {
            return new Compatibility(op.index(), op.opName(), "dma", "a copy by the NPU's DMA");
        }
        StringBuilder b = new StringBuilder(npuOps == 1 ? "1 NPU operation: " : npuOps + " NPU operations: ");
        boolean first = true;
        for (var e : kinds.entrySet()) {
            b.append(first ? "" : ", ").append(e.getKey()).append(e.getValue() > 1 ? " ×" + e.getValue() : "");
            first = false;
        }
        if (dma) {
            b.append(", and a DMA copy");
        }
        return new Compatibility(op.index(), op.opName(), "npu", b.toString());
    }
}
