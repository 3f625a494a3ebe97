// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;

/**
 * The NPU/CPU split of a graph, as Vela makes it: each operator goes to the NPU when the Ethos-U support rules
 * accept it ({@link SupportRules}), else to the CPU, with the rule's reason and the change that would move it;
 * consecutive NPU operators form one NPU subgraph, which the CPU invokes once (Vela's {@code ethos-u} custom
 * operators). Memory-only operators that Vela removes or fuses (RESHAPE, a PAD folded into a convolution, a LUT
 * activation folded into its producer) count as NPU operators, as in Vela's summary.
 *
 * <p>The split also records where npusim's own lowering ({@link Lowering}) differs: an operator the rules accept
 * but npusim cannot lower yet is simulated on the CPU, and says so in {@link Assignment#note()}.
 */
public final class Partitioning {

    /** Where an operator runs. */
    public enum Unit {
        NPU,
        CPU
    }

    /**
     * The decision for one operator.
     *
     * @param operator the operator
     * @param unit where Vela's rules put it
     * @param reason why (for the NPU: how it runs; for the CPU: the rule it fails)
     * @param remedy for a CPU operator, the change of the model that would satisfy the rule, when one would
     * @param note what npusim's simulation does differently, if anything
     */
    public record Assignment(Operator operator, Unit unit, String reason, Optional<String> remedy, Optional<String> note) {
        public Assignment {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(remedy, "remedy");
            Objects.requireNonNull(note, "note");
        }
    }

    /**
     * A run of consecutive NPU operators: one invocation of the NPU by the CPU.
     *
     * @param index position among the NPU subgraphs
     * @param firstOperator index of its first operator
     * @param lastOperator index of its last operator
     * @param operators how many operators it holds
     * @param macs their MACs
     */
    public record NpuSubgraph(int index, int firstOperator, int lastOperator, int operators, long macs) {}

    private final Subgraph graph;
    private final List<Assignment> assignments;
    private final List<NpuSubgraph> subgraphs;

    private Partitioning(Subgraph graph, List<Assignment> assignments, List<NpuSubgraph> subgraphs) {
        this.graph = graph;
        this.assignments = List.copyOf(assignments);
        this.subgraphs = List.copyOf(subgraphs);
    }

    /** Splits {@code graph} for {@code variant}; without a variant (no NPU) every operator is a CPU operator. */
    public static Partitioning of(Subgraph graph, Optional<NpuVariant> variant) {
        List<Assignment> out = new ArrayList<>();
        Lowering lowering = variant.map(v -> new Lowering(graph, Optional.of(v))).orElse(null);
        for (Operator op : graph.operators()) {
            if (lowering == null) {
                out.add(new Assignment(op, Unit.CPU, "the hardware has no NPU", Optional.empty(), Optional.empty()));
                continue;
            }
            SupportRules.Decision d = SupportRules.check(graph, op, variant.get());
            if (d instanceof SupportRules.Unsupported u) {
                out.add(new Assignment(op, Unit.CPU, u.reason(), u.remedy(), Optional.empty()));
                continue;
            }
            Lowering.Result r = lowering.lower(op);
            if (r instanceof Lowering.Result.NotLowered n) {
                out.add(new Assignment(op, Unit.NPU, "supported", Optional.empty(),
                        Optional.of("npusim simulates it on the CPU: " + n.reason())));
            } else {
                int ops = ((Lowering.Result.Npu) r).operations().size();
                String how = ops == 0 ? "supported; removed or fused by Vela's graph rewrites"
                        : "supported; " + ops + " NPU operation" + (ops == 1 ? "" : "s");
                out.add(new Assignment(op, Unit.NPU, how, Optional.empty(), Optional.empty()));
            }
        }
        return new Partitioning(graph, out, subgraphs(graph, out));
    }

    private static List<NpuSubgraph> subgraphs(Subgraph graph, List<Assignment> assignments) {
        List<NpuSubgraph> out = new ArrayList<>();
        int start = -1;
        long macs = 0;
        for (int i = 0; i <= assignments.size(); i++) {
            boolean npu = i < assignments.size() && assignments.get(i).unit() == Unit.NPU;
            if (npu) {
                if (start < 0) {
                    start = i;
                    macs = 0;
                }
                macs += graph.operatorFacts(i).macs();
            } else if (start >= 0) {
                out.add(new NpuSubgraph(out.size(), start, i - 1, i - start, macs));
                start = -1;
            }
        }
        return out;
    }

    /** Returns the graph split. */
    public Subgraph graph() {
        return graph;
    }

    /** Returns one assignment per operator, in execution order. */
    public List<Assignment> assignments() {
        return assignments;
    }

    /** Returns the NPU subgraphs in execution order. */
    public List<NpuSubgraph> subgraphs() {
        return subgraphs;
    }

    /** Returns how many operators run on {@code unit}. */
    public int operators(Unit unit) {
        int n = 0;
        for (Assignment a : assignments) {
            if (a.unit() == unit) {
                n++;
            }
        }
        return n;
    }

    /** Returns the MACs of the operators on {@code unit}. */
    public long macs(Unit unit) {
        long n = 0;
        for (Assignment a : assignments) {
            if (a.unit() == unit) {
                n += graph.operatorFacts(a.operator().index()).macs();
            }
        }
        return n;
    }

    /** Returns the share of operators on the NPU, in [0, 1] (0 for an empty graph). */
    public double npuOperatorShare() {
        return assignments.isEmpty() ? 0 : (double) operators(Unit.NPU) / assignments.size();
    }

    /** Returns the share of MACs on the NPU, in [0, 1] (1 when the graph has no MACs and every operator is NPU). */
    public double npuMacShare() {
        long total = graph.facts().totalMacs();
        if (total == 0) {
            return operators(Unit.CPU) == 0 && !assignments.isEmpty() ? 1 : 0;
        }
        return (double) macs(Unit.NPU) / total;
    }
}
