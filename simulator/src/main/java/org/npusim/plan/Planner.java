// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.npusim.compression.WeightEncoder;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.BlockConfigSearch;
import org.npusim.npu.CostModel;
import org.npusim.npu.InternalTensor;
import org.npusim.npu.Lowering;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.OpCost;
import org.npusim.npu.Shape4;
import org.npusim.npu.TensorFormat;

/**
 * Plans a model for an NPU target, after Vela 3.10's scheduler where its decisions change the numbers
 * (ethos-u-facts.md §3.8; /work notes on Vela's lowering §4):
 *
 * <ul>
 *   <li>feature maps produced and consumed only by NPU operations are stored as NHCWB16; model inputs and outputs,
 *       variables (LSTM states) and tensors shared with CPU operators or seen through a reshaped view stay NHWC;
 *   <li>feature maps live in the arena; in spilling mode (dedicated SRAM) intermediate feature maps start in the
 *       fast-storage cache and, after each NPU subgraph is scheduled, compete for {@code placement.cache_size}
 *       beside its weight buffers ({@link CachePromotion}); NPU subgraph inputs and outputs (tensors shared with
 *       CPU operators or with another NPU subgraph, model inputs and outputs) and variables are not promoted;
 *   <li>each NPU subgraph (operations between CPU operators) is scheduled on its own: when its feature maps do
 *       not fit fast storage (non-spilling modes), operations are cascaded ({@link Cascading});
 *   <li>weights of convolutions and depthwise convolutions in a slow memory (flash, DRAM) are DMA-buffered into
 *       fast storage, fully connected weights are read in place ({@link WeightBuffering}); each step carries the
 *       slack under which the next step's transfers hide, as the scheduler estimated it.
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
        Channel[] constantHomes = constantHomes(g, lowered, tensors);
        // A removed reshape (lowered to no operation) writes nothing: its output is its input's memory.
        int[] storage = ExecutionPlan.storage(g, tensors.count,
                op -> !(lowered.get(op.index()) instanceof Lowering.Result.Npu n && n.operations().isEmpty()));
        Channel[] homes = homes(g, lowered, tensors, constantHomes, storage);

        Channel[] scheduled = scheduledHomes(tensors, constantHomes);
        // Buffering and cascading ask for the same encoding (operation, block config, slices) several times, and
        // encoding is costly (Vela caches encodings too): the sizer is used behind a cache of the sizes it gave.
        CachedWeightSizer cache = CachedWeightSizer.of(sizer);

        // Each NPU operation's block config (none for a DMA copy), in order; with them, the full-depth weight
        // streams are sized on all cores before scheduling asks for them one by one.
        List<BlockConfig> blocks = new ArrayList<>();
        List<EncodeAhead.Request> weighted = new ArrayList<>();
        for (Lowering.Result r : lowered) {
            if (r instanceof Lowering.Result.Npu n) {
                for (NpuOperation npu : n.operations()) {
                    BlockConfig bc = npu.type() == NpuBlockType.DMA ? null : blockConfig(npu, tensors);
                    blocks.add(bc);
                    if (bc != null && npu.type().hasWeights() && npu.weights().isPresent()) {
                        weighted.add(EncodeAhead.Request.fullDepth(npu, bc));
                    }
                }
            }
        }
        int known = cache.distinctStreams();
        EncodeAhead.sizeAll(g, cache, target.variant(), weighted);
        // The slices are sized ahead too only in a run that had to size full-depth streams: a run that found them
        // all cached (a sweep's later points, what-ifs) most likely finds its slices there too, and predicting
        // them would only plan each buffering pass twice.
        boolean slicesAhead = cache.distinctStreams() > known && WeightEncoder.sizesInParallel();
        Context ctx = new Context(g, lowered, tensors, formats, homes, scheduled, cache, storage, slicesAhead);

        List<Step> steps = new ArrayList<>();
        int nextBlock = 0;
        // Vela schedules each NPU subgraph (a run of NPU operations between CPU operators) on its own.
        List<Placed> run = new ArrayList<>();
        ExecutionPlan.FastStoragePeak fastStoragePeak = new ExecutionPlan.FastStoragePeak(0, -1);
        for (Operator op : g.operators()) {
            Lowering.Result r = lowered.get(op.index());
            if (r instanceof Lowering.Result.NotLowered n) {
                fastStoragePeak = fastStoragePeak.max(schedule(ctx, run, steps));
                run.clear();
                steps.add(new Step.Cpu(op.index(), op, n.reason()));
                continue;
            }
            for (NpuOperation npu : ((Lowering.Result.Npu) r).operations()) {
                BlockConfig bc = blocks.get(nextBlock++);
                if (bc == null) {
                    steps.add(dmaStep(ctx, npu));
                    run.add(new Placed(steps.size() - 1, npu, null));
                    continue;
                }
                steps.add(null);
                run.add(new Placed(steps.size() - 1, npu, bc));
            }
        }
        fastStoragePeak = fastStoragePeak.max(schedule(ctx, run, steps));
        boolean compressed = false;
        for (Step s : steps) {
            if (s instanceof Step.Npu n) {
                compressed |= n.weights().map(w -> w.encoded().compressed()).orElse(false);
            }
        }
        return new ExecutionPlan(model, java.util.Optional.of(target), steps, compressed,
                Optional.of(fastStoragePeak));
    }

    /**
     * What planning one model needs to know about its tensors.
     *
     * @param storage by tensor, the tensor whose memory holds its data ({@link ExecutionPlan#storage}: a removed
     *     reshape's output is its input's), so that both live in the same memory
     * @param slicesAhead whether each buffering pass sizes the slices it will cut on all cores first
     */
    private record Context(Subgraph graph, List<Lowering.Result> lowered, Tensors tensors, TensorFormat[] formats,
            Channel[] homes, Channel[] scheduled, CachedWeightSizer sizer, int[] storage, boolean slicesAhead) {}

    /** Returns a DMA copy's step, between where its source and destination live now. */
    private Step.Dma dmaStep(Context ctx, NpuOperation npu) {
        NpuOperation.TensorRefs refs = npu.tensors();
        TensorPlacement src = new TensorPlacement(ctx.homes()[refs.ifm()], ctx.formats()[refs.ifm()]);
        TensorPlacement dst = new TensorPlacement(ctx.homes()[refs.ofm()], ctx.formats()[refs.ofm()]);
        long bytes = (npu.ifm().elements() * npu.ifmBits() / 8 + 15) / 16 * 16;
        return new Step.Dma(npu.sourceOperator(), npu, src, dst, bytes);
    }

    /** An NPU operation (or DMA copy, without block config) of an NPU subgraph, and its slot in the step list. */
    private record Placed(int slot, NpuOperation op, BlockConfig block) {
        boolean dma() {
            return block == null;
        }
    }

    /**
     * Searches the block config of {@code op}. An operation that writes part of its OFM tensor (an LSTM row, a
     * concatenation's part) is searched with the whole tensor as its OFM, and one that reads part of its IFM or
     * IFM2 tensor (a split's or slice's part, an LSTM step's input row) with the whole tensor as that IFM, as Vela
     * does: the block config comes from the pass's IFM and OFM shapes ({@code ps.ifm_shapes}, which
     * {@code move_splitsliceread_to_consumer} sets to the whole input), the cost from the shapes read and written.
     */
    private BlockConfig blockConfig(NpuOperation op, Tensors tensors) {
        Shape4 ofmTensor = tensors.shapes[op.tensors().ofm()];
        Shape4 ifmTensor = tensors.shapes[op.tensors().ifm()];
        boolean partIfm2 = op.tensors().ifm2().isPresent() && !op.ifm2Scalar()
                && op.ifm2().get().elements() < tensors.shapes[op.tensors().ifm2().getAsInt()].elements();
        NpuOperation searched = op;
        if (op.ofm().elements() < ofmTensor.elements() || op.ifm().elements() < ifmTensor.elements() || partIfm2) {
            NpuOperation.Builder b = op.toBuilder();
            if (op.ofm().elements() < ofmTensor.elements()) {
                b.ofm(op.tensors().ofm(), ofmTensor, op.ofmBits());
            }
            if (op.ifm().elements() < ifmTensor.elements()) {
                b.ifm(op.tensors().ifm(), ifmTensor, op.ifmBits());
            }
            if (partIfm2) {
                int t2 = op.tensors().ifm2().getAsInt();
                b.ifm2(t2, tensors.shapes[t2], op.ifm2Bits());
            }
            searched = b.build();
        }
        return BlockConfigSearch.find(target.variant(), searched).orElseThrow(() -> new InputException("",
                "layer " + op.sourceOperator() + " (" + op.name() + ")",
                "no block config of " + target.variant().label() + " fits SHRAM for " + op.type() + " " + op.ofm()));
    }

    /**
     * Plans the weights of one NPU subgraph and fills its steps (scheduler.py: schedule_passes). Vela first
     * proposes its maximum-performance schedule: whole feature maps, weights buffered without a memory limit. It
     * keeps it when the feature maps are in fast storage and fit there; otherwise it cascades operations
     * ({@link Cascading}) and buffers weights again within what fast storage has left at each operation. In
     * spilling mode there is nothing to cascade in the models npusim is checked on, and buffers are limited by
     * the cache size (feature maps are promoted to the cache only after scheduling).
     *
     * <p>Returns the most fast storage the chosen schedule uses at one time (feature maps, a cascade's rolling
     * buffers and weight buffers, and the running operation's own weight buffers) and the graph operator at that
     * time; in spilling mode fast storage is the cache, and its feature maps those promoted into it ({@link #homes})
     * and the lowerings' intermediates.
     */
    private ExecutionPlan.FastStoragePeak schedule(Context ctx, List<Placed> run, List<Step> steps) {
        ExecutionPlan.FastStoragePeak peak = new ExecutionPlan.FastStoragePeak(0, -1);
        if (run.isEmpty()) {
            return peak;
        }
        int n = run.size();
        BlockConfig[] blocks = new BlockConfig[n];
        boolean[] cascaded = new boolean[n];
        long[] limits = new long[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = run.get(i).block();
            limits[i] = target.spilling() ? target.cacheSizeBytes() : 1L << 32;
        }
        Step.Npu[] planned = buffer(ctx, run, blocks, cascaded, limits);
        CascadeInput input = cascadeInput(ctx, run);
        if (target.spilling() && evictFromCache(ctx, input, planned)) {
            // The evicted feature maps are read and written in the arena: the steps are placed again (the
            // schedule's decisions saw feature maps in the arena and do not change).
            planned = buffer(ctx, run, blocks, cascaded, limits);
            input = cascadeInput(ctx, run);
        }
        int ops = input.ops().size();
        // Fast storage's feature maps at each operation, live as Vela's live ranges count them: in spilling mode
        // the cache's (the feature maps promoted into it and the lowerings' intermediates), otherwise the
        // arena's.
        Cascading.Usage usage = input.cascading().maxPerformanceUsage();
        long[] featureMaps = usage.featureMapBytes();
        // The peak may lie after the last operation (outputs kept): it is charged to that operation.
        long afterLast = usage.peakFeatureMapBytes();
        if (!target.spilling()) {
            long[] buffers = new long[ops];
            for (int k = 0; k < buffers.length; k++) {
                buffers[k] = planned[input.positions()[k]].weights().map(WeightPlan::bufferBytes).orElse(0L);
            }
            // The decision to cascade counts each operation's weight buffers beside its feature maps, as Vela's does.
            if (usage.peakBytes(buffers) >= target.cacheSizeBytes()) {
                Cascading.Result c = input.cascading().run();
                for (int k = 0; k < ops; k++) {
                    int i = input.positions()[k];
                    blocks[i] = c.blocks()[k];
                    cascaded[i] = c.cascaded()[k];
                    limits[i] = target.cacheSizeBytes() - c.fastStorageBytes()[k];
                }
                planned = buffer(ctx, run, blocks, cascaded, limits);
                featureMaps = c.fastStorageBytes();
                afterLast = 0;
            }
        }
        // Fast storage holds an operation's feature maps and, while it runs, its weight buffers (a cascaded
        // operation's are among its cascade's bytes already), as Vela's peakBytes counts them: the buffers were
        // sized to fit beside the feature maps (WeightBuffering's limit), so the two together are what the arena
        // must hold. In spilling mode the feature maps the cache keeps were chosen beside the buffers
        // (evictFromCache), so the two stay within placement.cache_size.
        for (int k = 0; k < ops; k++) {
            int i = input.positions()[k];
            long ownBuffers = cascaded[i] ? 0 : roundUp16(planned[i].weights().map(WeightPlan::bufferBytes).orElse(0L));
            peak = peak.max(new ExecutionPlan.FastStoragePeak(featureMaps[k] + ownBuffers,
                    input.ops().get(k).op().sourceOperator()));
        }
        if (ops > 0) {
            peak = peak.max(new ExecutionPlan.FastStoragePeak(afterLast, input.ops().get(ops - 1).op().sourceOperator()));
        }
        for (int i = 0; i < n; i++) {
            if (planned[i] != null) {
                steps.set(run.get(i).slot(), planned[i]);
            } else if (run.get(i).dma()) {
                // A copy's source or destination may have been evicted from the cache since its step was made.
                steps.set(run.get(i).slot(), dmaStep(ctx, run.get(i).op()));
            }
        }
        return peak;
    }

    /**
     * Decides which of the subgraph's feature maps stay in the cache in spilling mode, as Vela does after scheduling
     * ({@link CachePromotion}): every feature map {@link #homes} put there competes, over the maximum-performance
     * schedule's live ranges, beside the weight buffers (each live during its operation's two time steps, as
     * Vela's buffer tensors are), for {@code placement.cache_size}; a live range's accesses are the elements its
     * first tensor's operations, and those of a removed reshape's view of it, read or write ({@link CostModel#traffic},
     * Vela's {@code estimate_element_access}). Moves the evicted ones to the arena; returns whether any was.
     */
    private boolean evictFromCache(Context ctx, CascadeInput input, Step.Npu[] planned) {
        Cascading.Lifetimes lifetimes = input.cascading().maxPerformanceLifetimes();
        // The use without any candidate: the weight buffers, and the model's inputs and outputs placed here (below).
        long[] buffers = new long[lifetimes.steps()];
        // By storage: a removed reshape's input and output are one tensor to Vela, their accesses one count.
        Map<Integer, Long> accesses = new HashMap<>();
        int[] storage = ctx.storage();
        for (int k = 0; k < input.ops().size(); k++) {
            Step.Npu step = planned[input.positions()[k]];
            long bytes = roundUp16(step.weights().map(WeightPlan::bufferBytes).orElse(0L));
            int t = lifetimes.time()[k];
            for (int u = t; u <= Math.min(t + 1, buffers.length - 1); u++) {
                buffers[u] += bytes;
            }
            NpuOperation op = step.op();
            NpuOperation.TensorRefs refs = op.tensors();
            CostModel.Traffic traffic = costs.traffic(op, step.blockConfig(), ctx.formats()[refs.ifm()],
                    ctx.formats()[refs.ofm()]);
            accesses.merge(storage[refs.ifm()], traffic.ifmElements(), Long::sum);
            refs.ifm2().ifPresent(t2 -> accesses.merge(storage[t2], traffic.ifm2Elements(), Long::sum));
            accesses.merge(storage[refs.ofm()], traffic.ofmElements(), Long::sum);
        }
        // The model's inputs and outputs that placement.inputs or .outputs put in the cache's memory are not the
        // cache's to evict: like Vela's other live ranges in fast storage, they take their room beside the buffers.
        java.util.Set<Integer> placed = new java.util.HashSet<>();
        for (int t : ctx.graph().inputs()) {
            placed.add(t);
        }
        for (int t : ctx.graph().outputs()) {
            placed.add(t);
        }
        List<CachePromotion.Candidate> candidates = new ArrayList<>();
        List<Cascading.LiveRange> competing = new ArrayList<>();
        for (Cascading.LiveRange r : lifetimes.ranges()) {
            if (r.tensors().stream().anyMatch(placed::contains)) {
                for (int u = r.start(); u <= r.end(); u++) {
                    buffers[u] += r.bytes();
                }
                continue;
            }
            competing.add(r);
            candidates.add(new CachePromotion.Candidate(r.bytes(), r.start(), r.end(),
                    accesses.getOrDefault(storage[r.tensors().get(0)], 0L)));
        }
        boolean[] evicted = CachePromotion.evicted(buffers, candidates, target.cacheSizeBytes());
        // An evicted range's tensors leave the cache with every view of their memory (a removed reshape's output is
        // its input's memory; its reader or writer would otherwise see the data in the wrong memory).
        java.util.Set<Integer> evictedStorage = new java.util.HashSet<>();
        for (int i = 0; i < evicted.length; i++) {
            if (evicted[i]) {
                for (int t : competing.get(i).tensors()) {
                    evictedStorage.add(storage[t]);
                }
            }
        }
        for (int t = 0; t < ctx.homes().length; t++) {
            if (evictedStorage.contains(storage[t]) && ctx.homes()[t].equals(target.cache()) && !placed.contains(t)) {
                ctx.homes()[t] = target.arena();
            }
        }
        return !evictedStorage.isEmpty();
    }

    /** The NPU operations of a subgraph as {@link Cascading} sees them, with their positions in the run. */
    private record CascadeInput(List<Cascading.Op> ops, int[] positions, Cascading cascading) {}

    /**
     * Describes one NPU subgraph's operations for {@link Cascading}: storage sizes (NHCWB16 depth rounding,
     * 16-byte allocation quantum), which feature maps must be stored whole, which operations read each OFM, and
     * how to search a block config for a stripe and size a weight buffer.
     */
    private CascadeInput cascadeInput(Context ctx, List<Placed> run) {
        Tensors tensors = ctx.tensors();
        TensorFormat[] formats = ctx.formats();
        Subgraph g = ctx.graph();
        // Readers and writers of every tensor over the whole graph (CPU operators and model outputs included).
        int[] readers = new int[tensors.count];
        int[] writers = new int[tensors.count];
        boolean[] external = new boolean[tensors.count];
        for (int t : g.inputs()) {
            external[t] = true;
        }
        for (int t : g.outputs()) {
            readers[t]++;
            external[t] = true;
        }
        for (Operator op : g.operators()) {
            Lowering.Result r = ctx.lowered().get(op.index());
            if (r instanceof Lowering.Result.Npu npu) {
                for (NpuOperation o : npu.operations()) {
                    readers[o.tensors().ifm()]++;
                    o.tensors().ifm2().ifPresent(t -> readers[t]++);
                    writers[o.tensors().ofm()]++;
                }
            } else {
                for (int t : op.inputs()) {
                    if (t >= 0) {
                        readers[t]++;
                        external[t] = true;
                    }
                }
                for (int t : op.outputs()) {
                    writers[t]++;
                    external[t] = true;
                }
            }
        }
        List<NpuOperation> npus = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < run.size(); i++) {
            if (!run.get(i).dma()) {
                npus.add(run.get(i).op());
                positions.add(i);
            }
        }
        Map<Integer, Long> tensorBytes = new HashMap<>();
        Map<Integer, Integer> elementBytes = new HashMap<>();
        java.util.Set<Integer> produced = new java.util.HashSet<>();
        for (NpuOperation o : npus) {
            produced.add(o.tensors().ofm());
            int[] touched = {o.tensors().ifm(), o.tensors().ifm2().orElse(-1), o.tensors().ofm()};
            for (int t : touched) {
                if (t >= 0 && !tensors.constant[t]) {
                    Shape4 stored = tensors.shapes[t].withDepthRoundedTo(formats[t].depthQuantum());
                    // Only tensors in fast storage count: not an input or output the placement keeps in another
                    // memory, nor in spilling mode a feature map left in the arena.
                    boolean fast = ctx.homes()[t].equals(target.cache());
                    tensorBytes.put(t, fast ? roundUp16(stored.elements() * tensors.bits[t] / 8) : 0);
                    elementBytes.put(t, Math.max(1, tensors.bits[t] / 8));
                }
            }
        }
        List<Integer> outputs = new ArrayList<>();
        for (int t : produced) {
            if (external[t]) {
                outputs.add(t);
            }
        }
        List<Cascading.Op> ops = new ArrayList<>();
        for (int k = 0; k < npus.size(); k++) {
            NpuOperation o = npus.get(k);
            int ifm = o.tensors().ifm();
            int ifm2 = o.tensors().ifm2().isPresent() && !o.ifm2Scalar() && !tensors.constant[o.tensors().ifm2().getAsInt()]
                    ? o.tensors().ifm2().getAsInt() : -1;
            int ofm = o.tensors().ofm();
            boolean subgraphInput = !produced.contains(ifm) && !tensors.constant[ifm];
            boolean requiresFullIfm = subgraphInput || formats[ifm] == TensorFormat.NHWC;
            // A tensor several operations write parts of (a concatenation's, an LSTM's output rows: Vela's
            // ConcatSliceWrite) is only complete when all have run: it cannot be passed on in stripes.
            boolean requiresFullOfm = external[ofm] || formats[ofm] == TensorFormat.NHWC || readers[ofm] > 1 || writers[ofm] > 1;
            int reused = -1;
            if (o.type() == NpuBlockType.ELEMENTWISE && writers[ofm] == 1) {
                int[] inputs = {ifm, o.tensors().ifm2().orElse(-1)};
                Shape4[] shapes = {o.ifm(), o.ifm2().orElse(null)};
                for (int j = 0; j < 2 && reused < 0; j++) {
                    int t = inputs[j];
                    if (t >= 0 && !tensors.constant[t] && shapes[j] != null && shapes[j].equals(o.ofm())
                            && shapes[j].elements() == tensors.shapes[t].elements()
                            && formats[t] == formats[ofm] && tensors.bits[t] == tensors.bits[ofm] && readers[t] == 1
                            && !subgraphInputOf(t, produced, tensors)) {
                        reused = t;
                    }
                }
            }
            // _is_cascadable: an operation that reads a part of a tensor at an offset (a split's or slice's part,
            // read in place or copied out) is not striped.
            boolean partRead = o.ifm().elements() < tensors.shapes[ifm].elements() || (o.tensors().ifm2().isPresent()
                    && !o.ifm2Scalar() && o.ifm2().get().elements() < tensors.shapes[o.tensors().ifm2().getAsInt()].elements());
            boolean cascadable = !partRead && switch (o.type()) {
                case VECTOR_PRODUCT, REDUCE_SUM, DMA -> false;
                case ELEMENTWISE -> o.ifm2().isEmpty() || o.ifm2Scalar()
                        || (!tensors.constant[ifm] && o.ifm().elements() == o.ofm().elements()
                                && tensors.constant[o.tensors().ifm2().getAsInt()]);
                default -> o.resampling() != NpuOperation.Resampling.TRANSPOSE;
            };
            List<Integer> dependants = new ArrayList<>();
            for (int j = 0; j < npus.size(); j++) {
                NpuOperation d = npus.get(j);
                if (d.tensors().ifm() == ofm || d.tensors().ifm2().orElse(-1) == ofm) {
                    dependants.add(j);
                }
            }
            long ifmBytes = roundUp16(o.ifm().withDepthRoundedTo(formats[ifm].depthQuantum()).elements() * o.ifmBits() / 8);
            // Vela sizes the OFM from the pass's OFM shape, the whole tensor even when the operation writes a part.
            Shape4 ofmShape = o.ofm().elements() < tensors.shapes[ofm].elements() ? tensors.shapes[ofm] : o.ofm();
            long ofmBytes = roundUp16(ofmShape.withDepthRoundedTo(formats[ofm].depthQuantum()).elements() * o.ofmBits() / 8);
            ops.add(new Cascading.Op(o, run.get(positions.get(k)).block(), ifm, ifm2, ofm, ifmBytes, ofmBytes,
                    requiresFullIfm, requiresFullOfm, reused, cascadable, dependants));
        }
        java.util.function.BiFunction<Integer, Shape4[], Optional<BlockConfig>> stripeBlock = (k, stripes) -> {
            NpuOperation o = npus.get(k);
            Shape4 input = stripes[1];
            NpuOperation.Builder b = o.toBuilder().ofm(o.tensors().ofm(), stripes[0], o.ofmBits())
                    .ifm(o.tensors().ifm(), input, o.ifmBits());
            if (o.ifm2().isPresent() && !o.ifm2Scalar()) {
                Shape4 i2 = o.ifm2().get();
                Shape4 input2 = new Shape4(i2.n(), Math.min(input.h(), i2.h()), Math.min(input.w(), i2.w()), i2.c());
                b.ifm2(o.tensors().ifm2().getAsInt(), input2, o.ifm2Bits());
            }
            return BlockConfigSearch.find(target.variant(), b.build());
        };
        java.util.function.ToLongBiFunction<Integer, BlockConfig> weightBuffer = (k, bc) -> {
            NpuOperation o = npus.get(k);
            if (o.weights().isEmpty() || !target.weightsNeedDma(o.sourceOperator()) || o.type() == NpuBlockType.VECTOR_PRODUCT) {
                return 0;
            }
            return ctx.sizer().size(g, o, bc, target.variant(), WeightSizer.wholeDepth(o)).totalBytes();
        };
        int[] pos = positions.stream().mapToInt(Integer::intValue).toArray();
        Cascading cascading = new Cascading(ops, target.cacheSizeBytes(), tensorBytes, elementBytes,
                outputs.stream().mapToInt(Integer::intValue).sorted().toArray(), ctx.storage(), stripeBlock,
                weightBuffer);
        return new CascadeInput(ops, pos, cascading);
    }

    private static boolean subgraphInputOf(int t, java.util.Set<Integer> produced, Tensors tensors) {
        return !produced.contains(t) && !tensors.constant[t];
    }

    private static long roundUp16(long bytes) {
        return (bytes + 15) / 16 * 16;
    }

    /**
     * Runs Vela's weight buffering over one NPU subgraph in order (propose_schedule_buffering): each operation's
     * buffering depends on the previous one's slack, which is 0 at the start of the subgraph and after a DMA copy.
     */
    private Step.Npu[] buffer(Context ctx, List<Placed> run, BlockConfig[] blocks, boolean[] cascaded, long[] limits) {
        if (ctx.slicesAhead()) {
            // A rehearsal with estimated slice sizes learns which slices the pass will cut; they are sized on all
            // cores before the pass asks for them in turn.
            EncodeAhead.SlicePrediction prediction = new EncodeAhead.SlicePrediction(ctx.sizer());
            buffer(ctx, run, blocks, cascaded, limits, new WeightBuffering(target, prediction));
            EncodeAhead.sizeAll(ctx.graph(), ctx.sizer(), target.variant(), prediction.requests());
        }
        return buffer(ctx, run, blocks, cascaded, limits, new WeightBuffering(target, ctx.sizer()));
    }

    private Step.Npu[] buffer(Context ctx, List<Placed> run, BlockConfig[] blocks, boolean[] cascaded, long[] limits,
            WeightBuffering buffering) {
        Step.Npu[] out = new Step.Npu[run.size()];
        double slackPrevious = 0;
        for (int i = 0; i < run.size(); i++) {
            Placed p = run.get(i);
            if (p.dma()) {
                // A memory copy has no NPU cycles under which a transfer could hide.
                slackPrevious = 0;
                continue;
            }
            // Vela prebuffers an operation's weights under the previous operation only (slack_prev), and sizes the
            // buffers for that: the cache's space is reused by the operations around. So the DMA may start a step's
            // transfers once the step before it has started, the first step's once it has itself started.
            Step.TransferGate gate = new Step.TransferGate(OptionalInt.of(run.get(Math.max(0, i - 1)).slot()), OptionalInt.empty());
            out[i] = planNpu(ctx, p.op(), blocks[i], buffering, slackPrevious, limits[i], cascaded[i], gate);
            slackPrevious = out[i].slackCycles();
        }
        return out;
    }

    /**
     * Returns where the scheduler sees every tensor when it estimates cycles for its buffering decisions:
     * constants with the weights, feature maps in the arena. In spilling mode feature maps are promoted to the
     * cache only after scheduling, so the scheduler's estimates (and hence the slack) use the arena's timing.
     */
    private Channel[] scheduledHomes(Tensors tensors, Channel[] constantHomes) {
        Channel[] homes = new Channel[tensors.count];
        for (int t = 0; t < tensors.count; t++) {
            homes[t] = tensors.constant[t] ? constantHomes[t] : target.arena();
        }
        return homes;
    }

    /**
     * Returns where every constant lives, by tensor (null for the others): with the weights, unless a layer given
     * its own weight memory ({@code placement.layer_weights}) reads it: every constant input of such an operator
     * (weights, biases, LUT sources), and every constant its lowering created (a constant second IFM), goes with it.
     */
    private Channel[] constantHomes(Subgraph g, List<Lowering.Result> lowered, Tensors tensors) {
        Channel[] out = new Channel[tensors.count];
        for (int t = 0; t < tensors.count; t++) {
            if (tensors.constant[t]) {
                out[t] = target.weights();
            }
        }
        for (int op : target.layerWeights().keySet()) {
            if (op >= g.operators().size()) {
                continue;
            }
            Channel home = target.weightsOf(op);
            Operator o = g.operators().get(op);
            for (int slot = 0; slot < o.inputCount(); slot++) {
                int t = o.input(slot);
                if (t >= 0 && g.tensor(t).isConstant()) {
                    out[t] = home;
                }
            }
            if (lowered.get(op) instanceof Lowering.Result.Npu npu) {
                for (NpuOperation n : npu.operations()) {
                    int ifm = n.tensors().ifm();
                    if (tensors.constant[ifm]) {
                        out[ifm] = home;
                    }
                    n.tensors().ifm2().ifPresent(t -> {
                        if (tensors.constant[t]) {
                            out[t] = home;
                        }
                    });
                }
            }
        }
        return out;
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

    private Step.Npu planNpu(Context ctx, NpuOperation op, BlockConfig bc, WeightBuffering buffering, double slackPrevious,
            long limit, boolean cascaded, Step.TransferGate gate) {
        TensorFormat[] formats = ctx.formats();
        Channel[] homes = ctx.homes();
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
        TensorPlacement schedIfm = new TensorPlacement(ctx.scheduled()[refs.ifm()], formats[refs.ifm()]);
        TensorPlacement schedOfm = new TensorPlacement(ctx.scheduled()[refs.ofm()], formats[refs.ofm()]);
        double cacheLatency = target.cache().timing().readLatencyCycles();
        java.util.function.IntToDoubleFunction estimate = depth -> costOf(
                depth == op.ofm().c() ? op : op.toBuilder().ofm(refs.ofm(), op.ofm().withDepth(depth), op.ofmBits()).build(),
                bc, schedIfm, schedOfm, cacheLatency).cycles();
        Optional<WeightPlan> weights = Optional.empty();
        double slack;
        if (op.weights().isPresent()) {
            WeightBuffering.Decision d = buffering.decide(ctx.graph(), op, bc, estimate, slackPrevious, limit, cascaded);
            weights = Optional.of(d.plan());
            slack = d.slackCycles();
        } else {
            slack = estimate.applyAsDouble(op.ofm().c());
        }
        return new Step.Npu(op.sourceOperator(), op, bc, ifm, ifm2, ofm, weights, op.lutBytes(), slack, gate);
    }

    /**
     * Decides the storage format of every tensor (Vela's {@code check_format_restrictions} and
     * {@code avoid_nhcwb16_for_ofm}, simplified): a feature map is NHCWB16 when NPU operations produce and read it
     * with its own shape; it stays linear (NHWC) when it is a model input or output, when a CPU operator or a DMA
     * copy touches it, when an operation reads or writes it through a reshaped view, or when an element-wise
     * operation whose OFM depth is not a multiple of 16 would write it next to a same-shaped NHWC input, or when a
     * concatenation writes part of its depth at an offset that is not a multiple of 16. Tensors
     * that lowerings create carry the format Vela gives them.
     */
    private static TensorFormat[] formats(Subgraph g, List<Lowering.Result> lowered, Tensors tensors) {
        TensorFormat[] formats = new TensorFormat[tensors.count];
        java.util.Arrays.fill(formats, TensorFormat.NHWC);
        boolean[] producedByNpu = new boolean[tensors.count];
        boolean[] linear = new boolean[tensors.count];
        // Depth written so far into each tensor by operations that write only a part of its depth (a concatenation
        // along C), in execution order: the offset of the next such write.
        int[] depthOffset = new int[tensors.count];
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
            for (int t : n.linearTensors()) {
                linear[t] = true;
            }
            for (NpuOperation npu : n.operations()) {
                NpuOperation.TensorRefs refs = npu.tensors();
                if (npu.type() == NpuBlockType.DMA) {
                    linear[refs.ifm()] = true;
                    linear[refs.ofm()] = true;
                    continue;
                }
                producedByNpu[refs.ofm()] = true;
                Shape4 stored = tensors.shapes[refs.ofm()];
                if (npu.ofm().c() < stored.c() && npu.ofm().elements() < stored.elements()) {
                    // _avoid_nhcwb16_for_concat: a write at a depth offset that is not a multiple of 16 needs NHWC.
                    linear[refs.ofm()] |= depthOffset[refs.ofm()] % 16 != 0;
                    depthOffset[refs.ofm()] += npu.ofm().c();
                }
                linear[refs.ifm()] |= reshapedView(npu.ifm(), tensors.shapes[refs.ifm()]);
                linear[refs.ofm()] |= reshapedView(npu.ofm(), tensors.shapes[refs.ofm()]);
                if (refs.ifm2().isPresent()) {
                    int t2 = refs.ifm2().getAsInt();
                    linear[t2] |= reshapedView(npu.ifm2().get(), tensors.shapes[t2]);
                }
            }
            // A removed reshape makes its reader see the tensor with another shape: a reshaped view.
            if (n.operations().isEmpty() && Lowering.isMemoryOnly(op)
                    && !Shape4.of(g.tensor(op.output(0)).shape()).equals(tensors.shapes[op.input(0)])) {
                linear[op.input(0)] = true;
            }
        }
        // LSTM states and other variables are written in place by VariableTensorWrites: always linear.
        for (Tensor t : g.tensors()) {
            linear[t.index()] |= t.variable();
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

    /**
     * Returns whether an operation sees a tensor through a reshaped view (same elements, another 4-D shape). A
     * read or write of a part of the tensor (fewer elements, at an offset: LSTM rows) is not a view.
     */
    private static boolean reshapedView(Shape4 seen, Shape4 stored) {
        return !seen.equals(stored) && seen.elements() >= stored.elements();
    }

    private static boolean sameAs(Tensors tensors, TensorFormat[] formats, int t, Shape4 shape, int bits, Shape4 ofm, int ofmBits) {
        return shape.equals(ofm) && bits == ofmBits && formats[t] == TensorFormat.NHWC && !tensors.constant[t] && shape.elements() > 0;
    }

    /**
     * Decides where every tensor lives: constants with the weights; feature maps in the arena, or in spilling mode
     * (dedicated SRAM) in the cache, from which the schedule of each NPU subgraph evicts those that do not fit
     * ({@link #evictFromCache}). Model inputs, outputs, variables and tensors shared with CPU operators stay in the
     * arena, as in Vela.
     */
    private Channel[] homes(Subgraph g, List<Lowering.Result> lowered, Tensors tensors, Channel[] constantHomes,
            int[] storage) {
        Channel[] homes = new Channel[tensors.count];
        java.util.Arrays.fill(homes, target.arena());
        for (int t = 0; t < tensors.count; t++) {
            if (tensors.constant[t]) {
                homes[t] = constantHomes[t];
            } else if (tensors.internal[t] && target.spilling()) {
                homes[t] = target.cache();
            }
        }
        // The model's inputs and outputs live where the placement puts them (placement.inputs, .outputs).
        for (int t : g.inputs()) {
            if (t >= 0 && !tensors.constant[t]) {
                homes[t] = target.inputs();
            }
        }
        for (int t : g.outputs()) {
            if (t >= 0 && !tensors.constant[t]) {
                homes[t] = target.outputs();
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
        // A feature map one NPU subgraph writes and a later one reads (past a CPU operator that does not touch it)
        // is an output of the first and an input of the second in Vela's partition: it stays in the arena too.
        // (Each subgraph's evictions would otherwise decide its home apart, and the two could disagree.)
        int[] run = new int[g.operators().size()];
        int current = 0;
        for (Operator op : g.operators()) {
            current += lowered.get(op.index()) instanceof Lowering.Result.NotLowered ? 1 : 0;
            run[op.index()] = current;
        }
        int[] producerRun = new int[tensors.count];
        java.util.Arrays.fill(producerRun, -1);
        for (Operator op : g.operators()) {
            for (int t : op.outputs()) {
                if (t >= 0) {
                    producerRun[t] = run[op.index()];
                }
            }
        }
        for (Operator op : g.operators()) {
            for (int t : op.inputs()) {
                if (t >= 0 && producerRun[t] >= 0 && producerRun[t] != run[op.index()]) {
                    boundary[t] = true;
                }
            }
        }
        // A removed reshape's input and output are one memory: either at the boundary keeps both out of the cache.
        for (int t = 0; t < boundary.length; t++) {
            boundary[storage[t]] |= boundary[t];
        }
        // Every other feature map starts in the cache; each NPU subgraph's schedule then evicts those that do not
        // fit (evictFromCache), as Vela promotes after scheduling.
        for (Operator op : g.operators()) {
            for (int t : op.outputs()) {
                if (!boundary[storage[t]] && !g.tensor(t).variable()) {
                    homes[t] = target.cache();
                }
            }
        }
        return homes;
    }
}
