// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.npusim.graph.Subgraph;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;

/**
 * Decides how one operation's weights reach the NPU, as Vela 3.10's scheduler does ({@code scheduler.py:
 * propose_weight_buffering}; /work notes on Vela's lowering §4.4): whether they are read in place or DMA-copied
 * into fast storage, whether the OFM depth is cut into slices, and whether the slices alternate between two
 * buffers. It also gives the operation's <em>slack</em>: the cycles the scheduler expects it to run, under which
 * the next operation's weight and LUT transfers can hide (Vela's {@code slack_buffering_cycles}).
 *
 * <p>The decision depends on the previous operation's slack ({@code slack_prev}): the part of the full weight
 * stream that can be fetched under it is prebuffered; if that is not all of it, the OFM depth is split into a
 * first slice of that size and later slices whose transfer takes about as long as one slice computes. The buffer
 * limit is what fast storage has left at the operation (Vela: {@code 1 << 32} bytes in its maximum-performance
 * schedule, {@code arena_cache_size} otherwise), so slicing is bounded by half the limit per buffer.
 */
final class WeightBuffering {

    /** Vela's minimum OFM depth of a weight slice ({@code ArchitectureFeatures.OFMSplitDepth}). */
    static final int SLICE_DEPTH = 16;

    private final NpuTarget target;
    private final WeightSizer sizer;

    WeightBuffering(NpuTarget target, WeightSizer sizer) {
        this.target = target;
        this.sizer = sizer;
    }

    /**
     * The outcome for one operation.
     *
     * @param plan how the weights reach the NPU
     * @param slackCycles the operation's slack for the next one: the scheduler's estimate at full depth, or of
     *     the last depth slice when the weights are sliced
     */
    record Decision(WeightPlan plan, double slackCycles) {}

    /**
     * Decides the weight plan of {@code op}.
     *
     * @param bc the block config (the weight stream is grouped by its OFM block depth)
     * @param estimateAtDepth the scheduler's cycle estimate of the operation with its OFM cut to a depth
     *     ({@code Scheduler.estimate_op_performance}: feature maps where the scheduler sees them, scales read from
     *     fast storage)
     * @param slackPrevious the previous operation's slack (0 for the first operation of an NPU subgraph)
     * @param limitBytes fast storage left for weight buffers at this operation
     * @param cascaded whether the operation is part of a cascade (its weights then stay whole in one buffer,
     *     fetched before the cascade starts)
     */
    Decision decide(Subgraph g, NpuOperation op, BlockConfig bc, IntToDoubleFunction estimateAtDepth, double slackPrevious,
            long limitBytes, boolean cascaded) {
        int tensor = op.weights().get().tensor();
        Channel source = target.weightsOf(op.sourceOperator());
        int depth = op.ofm().c();
        double slack = estimateAtDepth.applyAsDouble(depth);
        List<int[]> whole = WeightSizer.wholeDepth(op);
        EncodedWeights full = sizer.size(g, op, bc, target.variant(), whole);
        // Fully connected weights (vector products) and weights already in fast storage are read in place.
        if (!target.weightsNeedDma(op.sourceOperator()) || op.type() == NpuBlockType.VECTOR_PRODUCT) {
            return new Decision(direct(tensor, source, full, whole), slack);
        }
        if (cascaded) {
            // A cascaded operation keeps its whole weight stream in one buffer, loaded before the cascade runs:
            // no transfer is charged to it (full_weight_transfer_cycles stays 0).
            return new Decision(new WeightPlan(tensor, source, full, WeightPlan.Buffering.SINGLE,
                    target.cache(), whole, 0), slack);
        }
        long fullBytes = full.totalBytes();
        double fullTransfer = DmaModel.transferCycles(source.timing(), target.cache().timing(), fullBytes);
        long halfLimit = Math.floorDiv(limitBytes, 2);
        double prebufferBytes = fullTransfer > slackPrevious
                ? Math.min(slackPrevious / fullTransfer * fullBytes, halfLimit)
                : Math.min(fullBytes, halfLimit);
        double ratio = prebufferBytes / fullBytes;
        List<int[]> slices = whole;
        EncodedWeights encoded = full;
        if (prebufferBytes < fullBytes) {
            int blockDepth = bc.ofmBlock().c();
            int prebufferDepth = (int) Math.max(SLICE_DEPTH, roundDown(depth * ratio, SLICE_DEPTH));
            double bufferingDepth = depth * (estimateAtDepth.applyAsDouble(prebufferDepth) / fullTransfer);
            bufferingDepth = roundUp(bufferingDepth, blockDepth);
            if (bufferingDepth / depth * fullBytes > halfLimit) {
                bufferingDepth = (double) halfLimit / fullBytes * depth;
            }
            int step;
            while (true) {
                bufferingDepth = bufferingDepth > blockDepth
                        ? roundDown(bufferingDepth, blockDepth)
                        : roundDown(bufferingDepth, SLICE_DEPTH);
                step = (int) Math.max(bufferingDepth, SLICE_DEPTH);
                bufferingDepth = step;
                slices = slices(depth, prebufferDepth, step);
                encoded = sizer.size(g, op, bc, target.variant(), slices);
                if (encoded.doubleBufferBytes() <= limitBytes || prebufferDepth == SLICE_DEPTH) {
                    break;
                }
                if (step > prebufferDepth) {
                    bufferingDepth = roundUp(step / 2, SLICE_DEPTH);
                } else {
                    prebufferDepth = (int) roundUp(prebufferDepth / 2, SLICE_DEPTH);
                }
            }
            int[] last = slices.get(slices.size() - 1);
            slack = estimateAtDepth.applyAsDouble(last[1] - last[0]);
        }
        long bufferBytes = encoded.singleBufferBytes();
        if (bufferBytes > limitBytes) {
            // No room for a buffer: the whole stream is read from where it is stored.
            return new Decision(direct(tensor, source, full, whole), slack);
        }
        boolean twoBuffers = encoded.doubleBufferBytes() <= limitBytes && bufferBytes < encoded.totalBytes();
        return new Decision(new WeightPlan(tensor, source, encoded,
                twoBuffers ? WeightPlan.Buffering.DOUBLE : WeightPlan.Buffering.SINGLE, target.cache(), slices, fullTransfer),
                slack);
    }

    private WeightPlan direct(int tensor, Channel source, EncodedWeights full, List<int[]> whole) {
        return new WeightPlan(tensor, source, full, WeightPlan.Buffering.DIRECT, target.cache(), whole, 0);
    }

    /** Returns the slices {@code [0, first), [first, first + step), ..., [.., depth)}. */
    static List<int[]> slices(int depth, int first, int step) {
        List<int[]> out = new ArrayList<>();
        int from = 0;
        for (int to = first; to < depth; to += step) {
            out.add(new int[] {from, to});
            from = to;
        }
        out.add(new int[] {from, depth});
        return out;
    }

    /** Python's {@code (a // b) * b} on a float. */
    private static double roundDown(double a, int b) {
        return Math.floor(a / b) * b;
    }

    /** Python's {@code ((a + b - 1) // b) * b} on a float. */
    private static double roundUp(double a, int b) {
        return Math.floor((a + b - 1) / b) * b;
    }
}
