// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.BlockConfigSearch;
import org.npusim.npu.CostModel;
import org.npusim.npu.InternalTensor;
import org.npusim.npu.Shape4;
import org.npusim.npu.Lowering;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.OpCost;
import org.npusim.npu.TensorFormat;

/**
 * Plans a model for an NPU target, after Vela 3.10's scheduler where its decisions change the numbers
 * (ethos-u-facts.md §3.8):
 *
 * <ul>
 *   <li>feature maps produced and consumed only by NPU operations are stored as NHCWB16; model inputs and outputs
 *       and tensors shared with CPU operators or reinterpreted by reshapes stay NHWC;
 *   <li>feature maps live in the arena; in spilling mode (dedicated SRAM) intermediate feature maps are promoted
 *       into the fast-storage cache, greedily in execution order, while the live ones fit;
 *   <li>weights of convolutions and depthwise convolutions in a slow memory (flash, DRAM) are DMA-buffered into
 *       fast storage; fully connected weights are always read in place; when the whole stream cannot be fetched
 *       under the previous operation, the OFM depth is cut into slices fetched while earlier slices compute
 *       (Vela's {@code propose_weight_buffering}).
 * </ul>
 */
public final class Planner {

    private final NpuTarget target;
    private final WeightSizer sizer;
    private final CostModel costs;

    public Planner(NpuTarget target, WeightSizer sizer) {
        this.target = target;
        this.sizer = sizer;
        this.costs = new CostModel(target.variant());
    }

    /** Plans the main subgraph of {@code model}. */
    public ExecutionPlan plan(Model model) {
        Subgraph g = model.main();
        Lowering lowering = new Lowering(g, java.util.Optional.of(target.variant()));
        List<Lowering.Result> lowered = new ArrayList<>(g.operators().size());
        for (Operator op : g.operators()) {
            lowered.add(lowering.lower(op));
        }
        Tensors tensors = new Tensors(g, lowered, lowering.tensorIdLimit());
        TensorFormat[] formats = formats(g, lowered, tensors);
        Channel[] homes = homes(g, lowered, tensors);

        Channel[] scheduled = scheduledHomes(tensors);

        WeightBuffering buffering = new WeightBuffering(target, sizer);
        long limit = bufferLimitBytes();
        List<Step> steps = new ArrayList<>();
        boolean compressed = false;
        // Vela's slack chain: each NPU subgraph starts without slack; a CPU operator ends the subgraph.
        double slackPrevious = 0;
        for (Operator op : g.operators()) {
            Lowering.Result r = lowered.get(op.index());
            if (r instanceof Lowering.Result.NotLowered n) {
                steps.add(new Step.Cpu(op.index(), op, n.reason()));
                slackPrevious = 0;
                continue;
            }
            for (NpuOperation npu : ((Lowering.Result.Npu) r).operations()) {
                if (npu.type() == NpuBlockType.DMA) {
                    NpuOperation.TensorRefs refs = npu.tensors();
                    TensorPlacement src = new TensorPlacement(homes[refs.ifm()], formats[refs.ifm()]);
                    TensorPlacement dst = new TensorPlacement(homes[refs.ofm()], formats[refs.ofm()]);
                    long bytes = (npu.ifm().elements() * npu.ifmBits() / 8 + 15) / 16 * 16;
                    steps.add(new Step.Dma(op.index(), npu, src, dst, bytes));
                    // A memory copy has no NPU cycles under which a transfer could hide.
                    slackPrevious = 0;
                    continue;
                }
                Step.Npu step = planNpu(g, npu, formats, homes, scheduled, buffering, slackPrevious, limit);
                compressed |= step.weights().map(w -> w.encoded().compressed()).orElse(false);
                steps.add(step);
                slackPrevious = step.slackCycles();
            }
        }
        return new ExecutionPlan(model, java.util.Optional.of(target), steps, compressed);
    }

    /**
     * Returns the fast storage weight buffers may use: Vela's maximum-performance schedule, used when the
     * feature maps are not spilled to another memory, buffers with a limit of {@code 1 << 32} bytes (in
     * practice none); in spilling mode (dedicated SRAM) the limit is the cache size.
     */
    private long bufferLimitBytes() {
        return target.spilling() ? target.cacheSizeBytes() : 1L << 32;
    }

    /**
     * Returns where the scheduler sees every tensor when it estimates cycles for its buffering decisions:
     * constants with the weights, feature maps in the arena. In spilling mode feature maps are promoted to the
     * cache only after scheduling, so the scheduler's estimates (and hence the slack) use the arena's timing.
     */
    private Channel[] scheduledHomes(Tensors tensors) {
        Channel[] homes = new Channel[tensors.count];
        for (int t = 0; t < tensors.count; t++) {
            homes[t] = tensors.constant[t] ? target.weights() : target.arena();
        }
        return homes;
    }

    /** The tensors a plan refers to: the graph's, and those that lowerings created, with their shapes. */
    private static final class Tensors {
        final int count;
        final Shape4[] shapes;
        final int[] bits;
        final boolean[] constant;
        final boolean[] internal;
        final TensorFormat[] fixedFormat;

        Tensors(Subgraph g, List<Lowering.Result> lowered, int count) {
            this.count = count;
            this.shapes = new Shape4[count];
            this.bits = new int[count];
            this.constant = new boolean[count];
            this.internal = new boolean[count];
            this.fixedFormat = new TensorFormat[count];
            for (Tensor t : g.tensors()) {
                shapes[t.index()] = Shape4.of(t.shape());
                bits[t.index()] = t.type().sizeBits();
                constant[t.index()] = t.isConstant();
            }
            for (Lowering.Result r : lowered) {
                if (r instanceof Lowering.Result.Npu n) {
                    for (InternalTensor it : n.internals()) {
                        shapes[it.id()] = it.shape();
                        bits[it.id()] = it.bits();
                        constant[it.id()] = it.constant();
                        internal[it.id()] = true;
                        fixedFormat[it.id()] = it.format().orElse(null);
                    }
                }
            }
        }
    }

    private OpCost costOf(NpuOperation op, BlockConfig bc, TensorPlacement ifm, TensorPlacement ofm, double scaleLatency) {
        return op.type() == NpuBlockType.ELEMENTWISE
                ? costs.elementwise(op, bc, ifm.stream(), ofm.stream())
                : costs.macOperation(op, bc, ifm.stream(), ofm.stream(), scaleLatency);
    }

    private Step.Npu planNpu(Subgraph g, NpuOperation op, TensorFormat[] formats, Channel[] homes, Channel[] scheduled,
            WeightBuffering buffering, double slackPrevious, long limit) {
        BlockConfig bc = BlockConfigSearch.find(target.variant(), op).orElseThrow(() -> new InputException("",
                "layer " + op.sourceOperator() + " (" + op.name() + ")",
                "no block config of " + target.variant().label() + " fits SHRAM for " + op.type() + " " + op.ofm()));
        NpuOperation.TensorRefs refs = op.tensors();
        TensorPlacement ifm = new TensorPlacement(homes[refs.ifm()], formats[refs.ifm()]);
        Optional<TensorPlacement> ifm2 = Optional.empty();
        if (refs.ifm2().isPresent() && !op.ifm2Scalar()) {
            int t = refs.ifm2().getAsInt();
            ifm2 = Optional.of(new TensorPlacement(homes[t], formats[t]));
        }
        TensorPlacement ofm = new TensorPlacement(homes[refs.ofm()], formats[refs.ofm()]);
        // The scheduler's estimate (Scheduler.estimate_op_performance): feature maps where it sees them, the
        // scale stream read from fast storage, the OFM cut to a given depth.
        TensorPlacement schedIfm = new TensorPlacement(scheduled[refs.ifm()], formats[refs.ifm()]);
        TensorPlacement schedOfm = new TensorPlacement(scheduled[refs.ofm()], formats[refs.ofm()]);
        double cacheLatency = target.cache().timing().readLatencyCycles();
        java.util.function.IntToDoubleFunction estimate = depth -> costOf(
                depth == op.ofm().c() ? op : op.toBuilder().ofm(refs.ofm(), op.ofm().withDepth(depth), op.ofmBits()).build(),
                bc, schedIfm, schedOfm, cacheLatency).cycles();
        Optional<WeightPlan> weights = Optional.empty();
        double slack;
        if (op.weights().isPresent()) {
            WeightBuffering.Decision d = buffering.decide(g, op, bc, estimate, slackPrevious, limit, false);
            weights = Optional.of(d.plan());
            slack = d.slackCycles();
        } else {
            slack = estimate.applyAsDouble(op.ofm().c());
        }
        return new Step.Npu(op.sourceOperator(), op, bc, ifm, ifm2, ofm, weights, op.lutBytes(), slack);
    }

    /**
     * Decides the storage format of every tensor (Vela's {@code check_format_restrictions} and
     * {@code avoid_nhcwb16_for_ofm}, simplified): a feature map is NHCWB16 when NPU operations produce and read it
     * with its own shape; it stays linear (NHWC) when it is a model input or output, when a CPU operator or a DMA
     * copy touches it, when an operation reads or writes it through a reshaped view, or when an element-wise
     * operation whose OFM depth is not a multiple of 16 would write it next to a same-shaped NHWC input. Tensors
     * that lowerings create carry the format Vela gives them.
     */
    private static TensorFormat[] formats(Subgraph g, List<Lowering.Result> lowered, Tensors tensors) {
        TensorFormat[] formats = new TensorFormat[tensors.count];
        java.util.Arrays.fill(formats, TensorFormat.NHWC);
        boolean[] producedByNpu = new boolean[tensors.count];
        boolean[] linear = new boolean[tensors.count];
        for (int t : g.inputs()) {
            linear[t] = true;
        }
        for (int t : g.outputs()) {
            linear[t] = true;
        }
        for (Operator op : g.operators()) {
            Lowering.Result r = lowered.get(op.index());
            if (!(r instanceof Lowering.Result.Npu n)) {
                for (int t : op.inputs()) {
                    if (t >= 0) {
                        linear[t] = true;
                    }
                }
                for (int t : op.outputs()) {
                    linear[t] = true;
                }
                continue;
            }
            for (NpuOperation npu : n.operations()) {
                NpuOperation.TensorRefs refs = npu.tensors();
                if (npu.type() == NpuBlockType.DMA) {
                    linear[refs.ifm()] = true;
                    linear[refs.ofm()] = true;
                    continue;
                }
                producedByNpu[refs.ofm()] = true;
                linear[refs.ifm()] |= !npu.ifm().equals(tensors.shapes[refs.ifm()]);
                linear[refs.ofm()] |= !npu.ofm().equals(tensors.shapes[refs.ofm()]);
                if (refs.ifm2().isPresent()) {
                    int t2 = refs.ifm2().getAsInt();
                    linear[t2] |= !npu.ifm2().get().equals(tensors.shapes[t2]);
                }
            }
        }
        for (int t = 0; t < tensors.count; t++) {
            if (tensors.fixedFormat[t] != null) {
                formats[t] = tensors.fixedFormat[t];
            } else if (producedByNpu[t] && !linear[t] && !tensors.constant[t]) {
                formats[t] = TensorFormat.NHCWB16;
            }
        }
        // avoid_nhcwb16_for_ofm, in execution order (earlier decisions are final when later ones are made).
        for (Lowering.Result r : lowered) {
            if (!(r instanceof Lowering.Result.Npu n)) {
                continue;
            }
            for (NpuOperation npu : n.operations()) {
                int o = npu.tensors().ofm();
                if (npu.type() != NpuBlockType.ELEMENTWISE || tensors.fixedFormat[o] != null || npu.ofm().c() % 16 == 0) {
                    continue;
                }
                int i1 = npu.tensors().ifm();
                boolean nhwcTwin = sameAs(tensors, formats, i1, npu.ifm(), npu.ifmBits(), npu.ofm(), npu.ofmBits());
                if (npu.tensors().ifm2().isPresent()) {
                    int i2 = npu.tensors().ifm2().getAsInt();
                    nhwcTwin |= sameAs(tensors, formats, i2, npu.ifm2().get(), npu.ifm2Bits(), npu.ofm(), npu.ofmBits());
                }
                if (nhwcTwin) {
                    formats[o] = TensorFormat.NHWC;
                }
            }
        }
        return formats;
    }

    private static boolean sameAs(Tensors tensors, TensorFormat[] formats, int t, Shape4 shape, int bits, Shape4 ofm, int ofmBits) {
        return shape.equals(ofm) && bits == ofmBits && formats[t] == TensorFormat.NHWC && !tensors.constant[t] && shape.elements() > 0;
    }

    /**
     * Decides where every tensor lives: constants with the weights; feature maps in the arena, or in spilling mode
     * (dedicated SRAM) in the cache for intermediate tensors while the live ones fit, greedily in execution order.
     * Model inputs, outputs, variables and tensors shared with CPU operators stay in the arena, as in Vela.
     */
    private Channel[] homes(Subgraph g, List<Lowering.Result> lowered, Tensors tensors) {
        Channel[] homes = new Channel[tensors.count];
        java.util.Arrays.fill(homes, target.arena());
        for (int t = 0; t < tensors.count; t++) {
            if (tensors.constant[t]) {
                homes[t] = target.weights();
            } else if (tensors.internal[t] && target.spilling()) {
                homes[t] = target.cache();
            }
        }
        if (!target.spilling()) {
            return homes;
        }
        boolean[] boundary = new boolean[tensors.count];
        for (int t : g.inputs()) {
            boundary[t] = true;
        }
        for (int t : g.outputs()) {
            boundary[t] = true;
        }
        // A tensor a CPU operator reads or writes is an input or output of an NPU subgraph in Vela's partition:
        // it stays in the arena.
        for (Operator op : g.operators()) {
            if (lowered.get(op.index()) instanceof Lowering.Result.NotLowered) {
                for (int t : op.inputs()) {
                    if (t >= 0) {
                        boundary[t] = true;
                    }
                }
                for (int t : op.outputs()) {
                    boundary[t] = true;
                }
            }
        }
        Map<Integer, Integer> lastUse = new HashMap<>();
        for (var life : g.facts().lifetimes()) {
            lastUse.put(life.tensor(), life.lastStep());
        }
        long live = 0;
        List<int[]> inCache = new ArrayList<>();
        for (Operator op : g.operators()) {
            for (java.util.Iterator<int[]> it = inCache.iterator(); it.hasNext(); ) {
                int[] e = it.next();
                if (e[1] < op.index()) {
                    live -= g.tensor(e[0]).sizeBytes();
                    it.remove();
                }
            }
            for (int t : op.outputs()) {
                Tensor tensor = g.tensor(t);
                if (boundary[t] || tensor.variable()) {
                    continue;
                }
                if (live + tensor.sizeBytes() <= target.cacheSizeBytes()) {
                    homes[t] = target.cache();
                    live += tensor.sizeBytes();
                    inCache.add(new int[] {t, lastUse.getOrDefault(t, op.index())});
                }
            }
        }
        return homes;
    }
}
