// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.npu.Lowering;

/**
 * An immutable plan: the model, the NPU target, and the steps in execution order. Graph operators that lower to
 * no NPU work (reshapes, concatenation by sliced writes) have no step.
 *
 * @param model the model planned
 * @param target the NPU system, absent on CPU-only hardware
 * @param steps the steps in execution order
 * @param weightsCompressed whether weight sizes come from the Ethos-U encoder
 * @param fastStoragePeak the most bytes fast storage holds at one time, as Vela's scheduler counts them: where it is
 *     the arena (the non-spilling modes), the NPU subgraphs' feature maps after lowering and cascading, rolling
 *     buffers and the running operation's weight buffers; in spilling mode (dedicated SRAM), the cache's: the
 *     feature maps promoted into it and the lowerings' intermediates, with the running operation's weight buffers. Empty where the planner does not schedule fast storage (a compiled command
 *     stream, no NPU)
 */
public record ExecutionPlan(Model model, Optional<NpuTarget> target, List<Step> steps, boolean weightsCompressed,
        Optional<ExecutionPlan.FastStoragePeak> fastStoragePeak) {

    public ExecutionPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(fastStoragePeak, "fastStoragePeak");
        steps = List.copyOf(steps);
    }

    /**
     * Returns, for every tensor of the main subgraph, the tensor whose memory holds its data: itself, or for the
     * output of a reshape that no step writes (a removed RESHAPE, SQUEEZE or EXPAND_DIMS: its producer writes the
     * reshaped tensor) the storage of its input. Two steps touch the same data exactly when their tensors have the
     * same storage.
     */
    public int[] storage() {
        Subgraph g = model.main();
        boolean[] written = written();
        return storage(g, g.tensors().size(), op -> written[op.output(0)]);
    }

    /**
     * Returns, for tensor ids below {@code count} (the graph's, and those lowerings create past them), the tensor
     * whose memory holds each one's data: itself, or for the output of a RESHAPE, SQUEEZE or EXPAND_DIMS that
     * {@code writesOutput} says writes nothing (its producer writes the reshaped tensor) its input's storage. The
     * planner asks it before there are steps, from the lowerings; {@link #storage()} from the steps.
     */
    static int[] storage(Subgraph g, int count, java.util.function.Predicate<Operator> writesOutput) {
        int[] storage = new int[count];
        for (int t = 0; t < storage.length; t++) {
            storage[t] = t;
        }
        for (Operator op : g.operators()) {
            if (Lowering.isMemoryOnly(op) && op.inputCount() > 0 && op.outputCount() > 0 && op.input(0) >= 0 && op.output(0) >= 0
                    && !writesOutput.test(op)) {
                storage[op.output(0)] = storage[op.input(0)];
            }
        }
        return storage;
    }

    /**
     * Returns, for every tensor of the main subgraph, whether a step writes it: an NPU operation's or a DMA copy's
     * output, or a CPU operator's outputs.
     */
    public boolean[] written() {
        boolean[] written = new boolean[model.main().tensors().size()];
        for (Step s : steps) {
            if (s instanceof Step.Npu n) {
                mark(written, n.op().tensors().ofm());
            } else if (s instanceof Step.Dma d) {
                mark(written, d.op().tensors().ofm());
            } else if (s instanceof Step.Cpu c) {
                for (int t : c.graphOperator().outputs()) {
                    mark(written, t);
                }
            }
        }
        return written;
    }

    private static void mark(boolean[] written, int t) {
        if (t >= 0 && t < written.length) {
            written[t] = true;
        }
    }

    /**
     * The most fast storage an NPU schedule uses at one time, and the graph operator then running.
     *
     * @param bytes the bytes in use
     * @param operator the graph operator, or -1 when there is none
     */
    public record FastStoragePeak(long bytes, int operator) {

        /** Returns the greater of the two (this one on a tie: the earlier operator). */
        public FastStoragePeak max(FastStoragePeak other) {
            return other.bytes > bytes ? other : this;
        }
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
        for (Operator op : model.main().operators()) {
            steps.add(new Step.Cpu(op.index(), op, "the hardware has no NPU"));
        }
        return new ExecutionPlan(model, Optional.empty(), steps, false, Optional.empty());
    }
}
