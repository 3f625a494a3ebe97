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

    /** Vela's minimum OFM depth of a weight slice ({@code OFMSplitDepth}). */
    private static final int SLICE_DEPTH = 16;

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
        Channel[] homes = homes(g, tensors);

        List<Step> steps = new ArrayList<>();
        double previousCompute = 0;
        for (Operator op : g.operators()) {
            Lowering.Result r = lowered.get(op.index());
            if (r instanceof Lowering.Result.NotLowered n) {
                steps.add(new Step.Cpu(op.index(), op, n.reason()));
                previousCompute = 0;
                continue;
            }
            for (NpuOperation npu : ((Lowering.Result.Npu) r).operations()) {
                if (npu.type() == NpuBlockType.DMA) {
                    NpuOperation.TensorRefs refs = npu.tensors();
                    TensorPlacement src = new TensorPlacement(homes[refs.ifm()], formats[refs.ifm()]);
                    TensorPlacement dst = new TensorPlacement(homes[refs.ofm()], formats[refs.ofm()]);
                    long bytes = (npu.ifm().elements() * npu.ifmBits() / 8 + 15) / 16 * 16;
                    steps.add(new Step.Dma(op.index(), npu, src, dst, bytes));
                    continue;
                }
                Step.Npu step = planNpu(g, npu, formats, homes, previousCompute);
                steps.add(step);
                previousCompute = computeCycles(step);
            }
        }
        return new ExecutionPlan(model, java.util.Optional.of(target), steps, false);
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

    private double computeCycles(Step.Npu s) {
        return costOf(s.op(), s.blockConfig(), s.ifm(), s.ofm(), scaleLatency(s.weights())).cycles();
    }

    private OpCost costOf(NpuOperation op, BlockConfig bc, TensorPlacement ifm, TensorPlacement ofm, double scaleLatency) {
        return op.type() == NpuBlockType.ELEMENTWISE
                ? costs.elementwise(op, bc, ifm.stream(), ofm.stream())
                : costs.macOperation(op, bc, ifm.stream(), ofm.stream(), scaleLatency);
    }

    private double scaleLatency(Optional<WeightPlan> w) {
        if (w.isEmpty()) {
            return target.weights().timing().readLatencyCycles();
        }
        return (w.get().buffered() ? w.get().buffer() : w.get().source()).timing().readLatencyCycles();
    }

    private Step.Npu planNpu(Subgraph g, NpuOperation op, TensorFormat[] formats, Channel[] homes, double previousCompute) {
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
        Optional<WeightPlan> weights = Optional.empty();
        if (op.weights().isPresent()) {
            weights = Optional.of(planWeights(g, op, bc, ifm, ofm, previousCompute));
        }
        return new Step.Npu(op.sourceOperator(), op, bc, ifm, ifm2, ofm, weights, op.lutBytes());
    }

    /**
     * Decides weight buffering (ethos-u-facts.md §3.8, {@code propose_weight_buffering}): buffering is attempted
     * only when weights need a DMA and the operation is not a vector product. The part that can be fetched under
     * the previous operation's compute ({@code slack}) sets the first slice; later slices are sized so that each
     * one's transfer takes about the first slice's compute, so that double buffering hides them.
     */
    private WeightPlan planWeights(Subgraph g, NpuOperation op, BlockConfig bc, TensorPlacement ifm, TensorPlacement ofm,
            double slackPrevious) {
        int tensor = op.weights().get().tensor();
        int cout = op.ofm().c();
        List<int[]> whole = List.<int[]>of(new int[] {0, cout});
        if (!target.weightsNeedDma() || op.type() == NpuBlockType.VECTOR_PRODUCT) {
            return new WeightPlan(tensor, target.weights(), sizer.size(g, op, bc, target.variant(), whole),
                    WeightPlan.Buffering.DIRECT, target.cache(), whole);
        }
        EncodedWeights full = sizer.size(g, op, bc, target.variant(), whole);
        double fullTransfer = DmaModel.transferCycles(target.weights().timing(), target.cache().timing(), full.totalBytes());
        long limit = target.cacheSizeBytes();
        long prebuffer = fullTransfer > slackPrevious
                ? (long) Math.min(full.totalBytes() * slackPrevious / fullTransfer, limit / 2.0)
                : Math.min(full.totalBytes(), limit / 2);
        if (prebuffer >= full.totalBytes() || cout <= SLICE_DEPTH) {
            return new WeightPlan(tensor, target.weights(), full, WeightPlan.Buffering.SINGLE, target.cache(), whole);
        }
        double compute = costOf(op, bc, ifm, ofm, target.cache().timing().readLatencyCycles()).cycles();
        int first = Math.max(SLICE_DEPTH, (int) (cout * (double) prebuffer / full.totalBytes()) / SLICE_DEPTH * SLICE_DEPTH);
        first = Math.min(first, cout);
        double firstCompute = compute * first / cout;
        int granule = Math.max(SLICE_DEPTH, bc.ofmBlock().c());
        int later = (int) Math.round(cout * firstCompute / Math.max(1.0, fullTransfer));
        later = Math.max(SLICE_DEPTH, roundUp(later, granule));
        long halfLimitChannels = Math.max(SLICE_DEPTH, (long) (cout * (limit / 2.0) / full.totalBytes()) / SLICE_DEPTH * SLICE_DEPTH);
        later = (int) Math.min(later, halfLimitChannels);
        List<int[]> slices = new ArrayList<>();
        slices.add(new int[] {0, first});
        for (int c = first; c < cout; c += later) {
            slices.add(new int[] {c, Math.min(cout, c + later)});
        }
        EncodedWeights sliced = sizer.size(g, op, bc, target.variant(), slices);
        long even = 0;
        long odd = 0;
        for (int s = 0; s < sliced.sliceCount(); s++) {
            if (s % 2 == 0) {
                even = Math.max(even, sliced.slice(s));
            } else {
                odd = Math.max(odd, sliced.slice(s));
            }
        }
        boolean doubleBuffer = slices.size() > 1 && even + odd <= limit;
        return new WeightPlan(tensor, target.weights(), sliced,
                doubleBuffer ? WeightPlan.Buffering.DOUBLE : WeightPlan.Buffering.SINGLE, target.cache(), slices);
    }

    private static int roundUp(int a, int b) {
        return (a + b - 1) / b * b;
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
     * Model inputs, outputs and variables stay in the arena, as in Vela.
     */
    private Channel[] homes(Subgraph g, Tensors tensors) {
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
