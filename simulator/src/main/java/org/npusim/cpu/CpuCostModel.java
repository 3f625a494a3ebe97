// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /**
     * Returns the bytes {@code op}'s kernel stores its weights in beyond the weight tensor's own size (negative when
     * it stores fewer): a Winograd kernel keeps transformed int16 tiles, a sparse one values and indices. The
     * memory the layer's weights live in must hold them; 0 for kernels that read the model's weights as stored.
     */
    default long extraWeightBytes(Subgraph graph, Operator op) {
        return 0;
    }

    /**
     * Returns the bytes of the scratch buffers {@code op}'s kernel takes from the arena while it runs (im2col columns,
     * Winograd tiles): TensorFlow Lite Micro plans them with the tensors live at the operator, so they add to its
     * arena use; 0 when not modelled.
     */
    default long scratchBytes(Subgraph graph, Operator op) {
        return 0;
    }

    /**
     * Returns the bytes {@code op}'s kernel allocates in the arena's persistent part when the interpreter prepares it
     * (TensorFlow Lite Micro's {@code AllocatePersistentBuffer}, such as a Helium fully connected layer's kernel sums):
     * they stay for the whole run, beside every operator's tensors and scratch; 0 when not modelled. The bookkeeping
     * every operator keeps there (its op data, per-channel multipliers and shifts) is not counted.
     */
    default long persistentBytes(Subgraph graph, Operator op) {
        return 0;
    }

    /**
     * Returns the kernels {@code op} may run on the CPU, each with its cycles and the weight bytes it stores beyond
     * the weight tensor (as {@link #extraWeightBytes}); empty when the model offers no choice (dense kernels, or a
     * family the user forced).
     */
    default List<CpuKernelOption> kernelOptions(Subgraph graph, Operator op) {
        return List.of();
    }

    /**
     * Returns a model that, on each operator, runs the fastest of its kernels storing at most the given extra
     * weight bytes ({@code limitByOperator}, by operator index; an operator not in it gets 0: no more than the
     * dense kernel stores), for when this model's kernels do not all fit the memory; this model itself when it has
     * no other choice (dense kernels, or kernels the user forced).
     */
    default CpuCostModel withExtraWeightLimits(Map<Integer, Long> limitByOperator) {
        return this;
    }

    /**
     * Returns a note for the result on what the kernels the user chose did, where the result alone would mislead:
     * they changed no layer of a run whose CPU ran {@code cpuOperators} of {@code graph} on {@code system} (and why),
     * or a forced family made layers slower than dense; empty otherwise, or when the model offers no choice.
     */
    default Optional<String> choiceNote(Subgraph graph, List<Operator> cpuOperators, String system) {
        return Optional.empty();
    }

    /** Returns the CPU cycles the NPU driver spends to start each NPU subgraph (0 when not modelled). */
    default long npuInvocationCycles() {
        return 0;
    }
}
