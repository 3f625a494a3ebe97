// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.graph.TensorLifetime;
import org.npusim.npu.NpuOperation;

/**
 * The most activation memory a plan needs in the arena at one time. Only tensors the plan materialises count: a
 * tensor some step writes (an NPU operation's or DMA copy's output, a CPU operator's outputs), a model input, or a
 * variable. Tensors the lowering removes (a PAD the convolution after it takes as padding, a split's parts read in
 * place, a fused activation's input) need no memory, and a removed reshape's output shares its input's
 * ({@link ExecutionPlan#storage}), which then lives as long as either. Each tensor has its own buffer from its first
 * to its last use, as in {@link org.npusim.graph.SubgraphFacts}.
 *
 * <p>Where the planner scheduled fast storage for the NPU subgraphs and fast storage is the arena
 * ({@link ExecutionPlan#fastStoragePeak} in the non-spilling modes), the NPU operators need what that schedule
 * uses: feature maps stored as the NPU stores them (NHCWB16 rounds the depth up to 16), cut to stripes where the
 * planner cascaded, and the running operation's weight buffers. In spilling mode (dedicated SRAM) the arena leaves
 * out the feature maps the planner kept in the cache: those live there. The lowerings' intermediates the cache did
 * not keep (an LSTM's gate products) are the arena's while their operator runs. The CPU operators need the tensors
 * live at them and their kernel's scratch buffers, which TensorFlow Lite Micro plans in the arena for the
 * operator's call. The CPU kernels' persistent buffers (Micro's {@code AllocatePersistentBuffer}) stay in the arena
 * from the interpreter's preparation to its end, so their sum adds to the peak wherever it falls.
 *
 * @param bytes the peak, persistent buffers included
 * @param operator the graph operator at the peak (-1 for a plan without operators)
 * @param npuSchedule whether the peak is the NPU schedule's feature maps and weight buffers rather than whole tensors
 *     live at a CPU operator
 * @param scratchBytes the CPU kernel's scratch buffers in the peak (0 at an NPU peak)
 * @param persistentBytes the CPU kernels' persistent buffers, in the peak
 */
public record ArenaUse(long bytes, int operator, boolean npuSchedule, long scratchBytes, long persistentBytes) {

    /**
     * Returns the arena use of {@code plan} whose CPU operator {@code op} takes {@code scratchBytes.applyAsLong(op)}
     * bytes of scratch buffers while it runs and keeps {@code persistentBytes.applyAsLong(op)} for the whole run,
     * leaving out the tensors for which {@code elsewhere} holds (model inputs and outputs that the placement puts in
     * another memory, which holds them).
     */
    public static ArenaUse of(ExecutionPlan plan, java.util.function.IntToLongFunction scratchBytes,
            java.util.function.IntToLongFunction persistentBytes, java.util.function.IntPredicate elsewhere) {
        Subgraph g = plan.model().main();
        int operators = g.operators().size();
        int[] storage = plan.storage();
        // In spilling mode the feature maps the planner promoted into the cache live there, not in the arena: the
        // NPU steps that write or read them do so through the cache's channel. The intermediates a lowering created
        // (ids past the graph's) that the cache had no room for are in the arena while their operator runs.
        boolean[] cached = new boolean[storage.length];
        long[] intermediates = new long[operators];
        plan.target().filter(t -> t.spilling() && !t.cache().memory().equals(t.arena().memory())).ifPresent(t -> {
            for (Step s : plan.steps()) {
                if (s instanceof Step.Npu n) {
                    markIfIn(cached, n.ofm(), n.op().tensors().ofm(), t.cache().memory());
                    markIfIn(cached, n.ifm(), n.op().tensors().ifm(), t.cache().memory());
                }
            }
            intermediatesInArena(plan.steps(), storage.length, t.arena().memory(), intermediates);
        });
        Optional<ExecutionPlan.FastStoragePeak> npuPeak = plan.target().isPresent() && !plan.target().get().spilling()
                ? plan.fastStoragePeak() : Optional.empty();
        boolean[] held = plan.written();
        for (int t : g.inputs()) {
            if (t >= 0) {
                held[t] = true;
            }
        }
        int[] first = new int[storage.length];
        int[] last = new int[storage.length];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -1);
        for (TensorLifetime l : g.facts().lifetimes()) {
            Tensor t = g.tensor(l.tensor());
            int root = storage[l.tensor()];
            if ((held[root] || t.variable()) && !elsewhere.test(root) && !cached[root]) {
                first[root] = Math.min(first[root], l.firstStep());
                last[root] = Math.max(last[root], l.lastStep());
            }
        }
        long[] delta = new long[operators + 1];
        for (int op = 0; op < operators; op++) {
            delta[op] += intermediates[op];
            delta[op + 1] -= intermediates[op];
        }
        for (int t = 0; t < storage.length; t++) {
            if (last[t] >= 0 && operators > 0) {
                delta[Math.max(0, first[t])] += g.tensor(t).sizeBytes();
                delta[Math.min(operators - 1, last[t]) + 1] -= g.tensor(t).sizeBytes();
            }
        }
        // With the NPU schedule's peak known, only the CPU operators' live tensors are counted besides it.
        boolean[] counts = new boolean[operators];
        boolean[] cpu = new boolean[operators];
        Arrays.fill(counts, npuPeak.isEmpty());
        for (Step s : plan.steps()) {
            if (s instanceof Step.Cpu && s.operator() >= 0) {
                counts[s.operator()] = true;
                cpu[s.operator()] = true;
            }
        }
        long persistent = 0;
        for (int op = 0; op < operators; op++) {
            persistent += cpu[op] ? persistentBytes.applyAsLong(op) : 0;
        }
        long live = 0;
        long peak = npuPeak.map(ExecutionPlan.FastStoragePeak::bytes).orElse(0L);
        int at = npuPeak.map(ExecutionPlan.FastStoragePeak::operator).orElse(-1);
        boolean npuSchedule = npuPeak.isPresent();
        long peakScratch = 0;
        for (int op = 0; op < operators; op++) {
            live += delta[op];
            long scratch = cpu[op] ? scratchBytes.applyAsLong(op) : 0;
            if (counts[op] && live + scratch > peak) {
                peak = live + scratch;
                at = op;
                npuSchedule = false;
                peakScratch = scratch;
            }
        }
        return new ArenaUse(peak + persistent, at, npuSchedule, peakScratch, persistent);
    }

    /**
     * Writes into {@code peakBytes}, by graph operator, the most bytes of its lowering's intermediates (tensor ids of
     * at least {@code graphTensors}) that live in {@code arena} at one time: each from the first of its operator's
     * steps that reads or writes it to the last.
     */
    private static void intermediatesInArena(List<Step> steps, int graphTensors, String arena, long[] peakBytes) {
        java.util.Map<Integer, int[]> span = new java.util.HashMap<>();
        java.util.Map<Integer, Long> bytes = new java.util.HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.Npu n && n.operator() >= 0 && n.operator() < peakBytes.length) {
                NpuOperation op = n.op();
                // An LSTM's element-wise steps read intermediates as their second IFM as often as their first.
                boolean ifm2 = op.tensors().ifm2().isPresent() && op.ifm2().isPresent() && n.ifm2().isPresent();
                int[] tensors = {op.tensors().ifm(), op.tensors().ofm(), ifm2 ? op.tensors().ifm2().getAsInt() : -1};
                TensorPlacement[] where = {n.ifm(), n.ofm(), ifm2 ? n.ifm2().get() : n.ifm()};
                long[] size = {op.ifm().elements() * op.ifmBits() / 8, op.ofm().elements() * op.ofmBits() / 8,
                    ifm2 ? op.ifm2().get().elements() * op.ifm2Bits() / 8 : 0};
                for (int k = 0; k < 3; k++) {
                    if (tensors[k] >= graphTensors && where[k].channel().memory().equals(arena)) {
                        int index = i;
                        span.merge(tensors[k], new int[] {i, i}, (a, b) -> new int[] {a[0], index});
                        bytes.merge(tensors[k], size[k], Math::max);
                    }
                }
            }
        }
        long[] delta = new long[steps.size() + 1];
        for (var e : span.entrySet()) {
            delta[e.getValue()[0]] += bytes.get(e.getKey());
            delta[e.getValue()[1] + 1] -= bytes.get(e.getKey());
        }
        long live = 0;
        for (int i = 0; i < steps.size(); i++) {
            live += delta[i];
            int op = steps.get(i).operator();
            if (op >= 0 && op < peakBytes.length) {
                peakBytes[op] = Math.max(peakBytes[op], live);
            }
        }
    }

    /** Marks graph tensor {@code tensor} in {@code marks} when {@code where} is in {@code memory}. */
    private static void markIfIn(boolean[] marks, TensorPlacement where, int tensor, String memory) {
        if (tensor >= 0 && tensor < marks.length && where.channel().memory().equals(memory)) {
            marks[tensor] = true;
        }
    }
}
