// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.ToLongBiFunction;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.Shape4;

/**
 * Vela 3.10's cascading, for an NPU subgraph whose feature maps do not fit fast storage when every operation
 * keeps its whole IFM and OFM there (/work notes on Vela's lowering §4.3; {@code scheduler.py:
 * propose_minimal_schedule, build_cascades_for_min_schedule, optimize_schedule, optimize_sub_schedule,
 * propose_schedule_striping}, {@code cascade_builder.py}, {@code live_range.py}).
 *
 * <p>Consecutive operations are chained so that each produces its OFM in horizontal stripes that the next one
 * consumes from a small rolling buffer. Vela starts from the thinnest stripes (each operation's stripe as high as
 * the next operation's vertical stride), groups operations into cascades where that saves memory, then, for each
 * cascade, tries taller stripes for its last operation and keeps the tallest that still fits without splitting the
 * cascade. Three things of the result change the estimates:
 *
 * <ul>
 *   <li>a cascaded operation's block config is searched for its stripe, not its whole OFM (the cost is still
 *       computed for the whole OFM);
 *   <li>its weights are loaded whole, before the cascade runs, into one buffer;
 *   <li>fast storage taken by live feature maps, rolling buffers and those weight buffers at each operation
 *       limits the weight buffers of the other operations.
 * </ul>
 *
 * <p>Only the non-spilling modes (feature maps in fast storage) are modelled: in spilling mode Vela cascades only
 * operations whose own IFM and OFM exceed fast storage, which none of the reference models has.
 */
final class Cascading {

    /**
     * One NPU operation of the subgraph as the cascade builder sees it.
     *
     * @param op the operation (its IFM, OFM and kernel)
     * @param maxBlock its block config for the whole OFM
     * @param ifmTensor the tensor its IFM reads
     * @param ifm2Tensor the tensor its second IFM reads when that is a feature map, else -1
     * @param ofmTensor the tensor it writes
     * @param ifmBytes the IFM's storage size (format depth rounding, 16-byte allocation quantum)
     * @param ofmBytes the OFM's storage size
     * @param requiresFullIfm the IFM must be stored whole (a subgraph input or a linear tensor)
     * @param requiresFullOfm the OFM must be stored whole (a subgraph output, a linear tensor, several readers)
     * @param reusedInput the input tensor whose memory the OFM may overwrite ({@code ofm_can_reuse_ifm}), or -1
     * @param cascadable whether the operation can be striped at all: not a vector product, ReduceSum or DMA
     *     copy, no read offsets, and for a binary element-wise operation a full feature-map IFM with a constant
     *     IFM2
     * @param dependants the operations that read its OFM
     */
    record Op(NpuOperation op, BlockConfig maxBlock, int ifmTensor, int ifm2Tensor, int ofmTensor, long ifmBytes,
            long ofmBytes, boolean requiresFullIfm, boolean requiresFullOfm, int reusedInput, boolean cascadable,
            List<Integer> dependants) {}

    /** A proposal for one operation: the OFM stripe it produces per step and what that requires. */
    private record Cost(Shape4 stripe, Shape4 stripeInput, BlockConfig block, long weightBufferBytes) {}

    /** A cascade: operations {@code start..end}, the rolling buffer in front of each but the first, its memory. */
    private record Cascade(int start, int end, Map<Integer, Shape4> buffers, long memoryBytes) {}

    /**
     * The outcome.
     *
     * @param cascaded per operation, whether it is part of a cascade
     * @param blocks per operation, its block config
     * @param fastStorageBytes per operation, fast storage in use at its time (feature maps, rolling buffers and
     *     the weight buffers of cascaded operations), before its own weights are buffered
     * @param timeIndex per operation, its time step (operations of a cascade share one)
     */
    record Result(boolean[] cascaded, BlockConfig[] blocks, long[] fastStorageBytes, int[] timeIndex) {}

    private final List<Op> ops;
    private final int n;
    private final long limitBytes;
    private final Map<Integer, Long> tensorBytes;
    private final Map<Integer, Integer> tensorElementBytes;
    private final int[] outputs;
    /** By tensor, the tensor whose memory holds its data ({@link ExecutionPlan#storage}). */
    private final int[] storage;
    /** The block config of an operation with its OFM and IFM cut to a stripe (OFM stripe, IFM stripe). */
    private final BiFunction<Integer, Shape4[], Optional<BlockConfig>> stripeBlock;
    /** The bytes of the weight buffer an operation needs with a block config (0: its weights are not buffered). */
    private final ToLongBiFunction<Integer, BlockConfig> weightBuffer;

    /**
     * @param ops the subgraph's NPU operations in execution order
     * @param limitBytes fast storage available ({@code arena_cache_size})
     * @param tensorBytes storage size of every feature map the operations touch
     * @param tensorElementBytes element size of those feature maps
     * @param outputs the subgraph's output tensors
     * @param storage by tensor, the tensor whose memory holds its data ({@link ExecutionPlan#storage}): a removed
     *     reshape's output is its input's memory, one live range for both (Vela removes the reshape, and its
     *     consumers read the input tensor itself)
     * @param stripeBlock finds an operation's block config for an (OFM stripe, IFM stripe) pair
     * @param weightBuffer gives the size of an operation's whole weight stream when it is DMA-buffered, else 0
     */
    Cascading(List<Op> ops, long limitBytes, Map<Integer, Long> tensorBytes, Map<Integer, Integer> tensorElementBytes,
            int[] outputs, int[] storage, BiFunction<Integer, Shape4[], Optional<BlockConfig>> stripeBlock,
            ToLongBiFunction<Integer, BlockConfig> weightBuffer) {
        this.ops = List.copyOf(ops);
        this.n = ops.size();
        this.limitBytes = limitBytes;
        this.tensorBytes = tensorBytes;
        this.tensorElementBytes = tensorElementBytes;
        this.outputs = outputs.clone();
        this.storage = storage.clone();
        this.stripeBlock = stripeBlock;
        this.weightBuffer = weightBuffer;
    }

    /**
     * The fast-storage use of the maximum-performance schedule: whole feature maps.
     *
     * @param featureMapBytes per operation, the feature maps in fast storage while it runs
     * @param peakFeatureMapBytes the most over the schedule's time steps (those after the last operation included,
     *     where the outputs are kept)
     */
    record Usage(long[] featureMapBytes, long peakFeatureMapBytes) {

        /**
         * Returns the peak with each operation's weight buffers ({@code bufferBytes}) in use while it runs: every
         * operation has a time step of its own in this schedule, so a buffer adds to that step only.
         */
        long peakBytes(long[] bufferBytes) {
            long peak = peakFeatureMapBytes;
            for (int i = 0; i < featureMapBytes.length; i++) {
                if (bufferBytes[i] > 0) {
                    peak = Math.max(peak, featureMapBytes[i] + roundUp16(bufferBytes[i]));
                }
            }
            return peak;
        }
    }

    /** Returns the fast-storage use of the maximum-performance schedule. */
    Usage maxPerformanceUsage() {
        Snapshot snap = maxPerformanceSnapshot();
        long[] perOp = new long[n];
        for (int i = 0; i < n; i++) {
            perOp[i] = snap.usage[snap.time[i]];
        }
        long peak = 0;
        for (long u : snap.usage) {
            peak = Math.max(peak, u);
        }
        return new Usage(perOp, peak);
    }

    /**
     * A live range of the maximum-performance schedule (live_range.py's {@code LiveRange}): the time steps
     * {@code [start, end]} during which {@code bytes} of fast storage hold {@code tensors}.
     *
     * @param tensors the feature maps sharing the memory, the first the one that allocated it
     */
    record LiveRange(List<Integer> tensors, long bytes, int start, int end) {

        public LiveRange {
            tensors = List.copyOf(tensors);
        }
    }

    /**
     * The maximum-performance schedule's feature maps over time: their live ranges (those of tensors that take
     * fast storage), each operation's time step, and the number of time steps.
     */
    record Lifetimes(List<LiveRange> ranges, int[] time, int steps) {}

    /** Returns the feature maps' live ranges in the maximum-performance schedule (whole feature maps, no cascades). */
    Lifetimes maxPerformanceLifetimes() {
        Snapshot snap = maxPerformanceSnapshot();
        List<LiveRange> out = new ArrayList<>();
        for (Range r : snap.ranges()) {
            if (r.end >= 0 && r.bytes > 0 && !r.tensors.isEmpty()) {
                out.add(new LiveRange(r.tensors, r.bytes, r.start, Math.min(r.end, snap.usage().length - 1)));
            }
        }
        return new Lifetimes(out, snap.time(), snap.usage().length);
    }

    /** Returns the maximum-performance schedule's use over time: whole feature maps, no cascades, no buffers. */
    private Snapshot maxPerformanceSnapshot() {
        Cost[] costs = new Cost[n];
        for (int i = 0; i < n; i++) {
            Op o = ops.get(i);
            costs[i] = new Cost(o.op().ofm(), o.op().ifm(), o.maxBlock(), 0);
        }
        return snapshot(new int[n], costs, new HashMap<>());
    }

    /** Runs Vela's cascading and returns the final block configs, cascades and fast-storage use. */
    Result run() {
        Cost[] fallback = new Cost[n];
        Cost[] minimal = new Cost[n];
        for (int i = 0; i < n; i++) {
            Op o = ops.get(i);
            fallback[i] = new Cost(o.op().ofm(), o.op().ifm(), o.maxBlock(), 0);
            // The thinnest stripe the next operation can consume: as high as its vertical stride.
            int height = i + 1 < n ? ops.get(i + 1).op().kernel().strideY() : 1;
            minimal[i] = striped(i, o.op().ofm().withHeight(height), 0);
        }
        // Memory each operation's neighbours hold while it runs, in the minimal schedule without cascades.
        Snapshot plain = snapshot(new int[n], new Cost[n], new HashMap<>());
        long[] nonLocal = new long[n];
        for (int i = 0; i < n; i++) {
            Op o = ops.get(i);
            long own = o.ifmBytes() + (o.reusedInput() >= 0 ? 0 : o.ofmBytes());
            nonLocal[i] = plain.usage[plain.time[i]] - own;
        }
        Map<Integer, Cascade> cascades = new LinkedHashMap<>();
        Cost[] chosen = build(0, n - 1, minimal, fallback, limitBytes, nonLocal, cascades);
        int[] cascadeOf = cascadeIndex(cascades);
        Snapshot withCascades = snapshot(cascadeOf, chosen, cascades);

        for (Cascade c : new ArrayList<>(cascades.values())) {
            Optional<Proposal> better = optimise(c, chosen, fallback, withCascades);
            if (better.isPresent()) {
                cascades.remove(c.end());
                for (int i = c.start(); i <= c.end(); i++) {
                    chosen[i] = better.get().costs[i];
                }
                cascades.putAll(better.get().cascades);
            }
        }
        cascadeOf = cascadeIndex(cascades);
        // Cascaded operations hold their whole weight stream in a buffer for the cascade's duration.
        Cost[] buffered = new Cost[n];
        for (int i = 0; i < n; i++) {
            buffered[i] = cascadeOf[i] >= 0 ? withWeights(i, chosen[i]) : chosen[i];
        }
        Snapshot last = snapshot(cascadeOf, buffered, cascades);
        boolean[] cascaded = new boolean[n];
        BlockConfig[] blocks = new BlockConfig[n];
        long[] used = new long[n];
        for (int i = 0; i < n; i++) {
            cascaded[i] = cascadeOf[i] >= 0;
            blocks[i] = chosen[i].block();
            used[i] = last.usage[last.time[i]];
        }
        // Weight buffers of earlier operations in the same cascade are added as the buffering proceeds.
        for (int i = 0; i < n; i++) {
            if (cascaded[i]) {
                for (int j = i + 1; j < n && last.time[j] == last.time[i]; j++) {
                    used[j] += weightBuffer.applyAsLong(i, blocks[i]);
                }
            }
        }
        return new Result(cascaded, blocks, used, last.time);
    }

    private Cost withWeights(int i, Cost c) {
        return new Cost(c.stripe(), c.stripeInput(), c.block(), weightBuffer.applyAsLong(i, c.block()));
    }

    /**
     * Returns the proposal for operation {@code i} producing {@code stripe} ({@code create_scheduler_info}): the
     * IFM area that stripe needs (no padding, clamped to the IFM) and the block config searched for the stripe.
     */
    private Cost striped(int i, Shape4 stripe, long weightBufferBytes) {
        Op o = ops.get(i);
        Shape4 ifm = o.op().ifm();
        if (stripe.equals(o.op().ofm())) {
            return new Cost(stripe, ifm, o.maxBlock(), weightBufferBytes);
        }
        int upscale = o.op().resampling() == NpuOperation.Resampling.NONE ? 1 : 2;
        int nearest = o.op().resampling() == NpuOperation.Resampling.NEAREST ? 1 : 0;
        int h = Math.min(required(stripe.h(), o.op().kernel().strideY(), o.op().kernel().areaH(), upscale, nearest), ifm.h());
        int w = Math.min(required(stripe.w(), o.op().kernel().strideX(), o.op().kernel().areaW(), upscale, nearest), ifm.w());
        Shape4 input = new Shape4(ifm.n(), h, w, ifm.c());
        BlockConfig block = stripeBlock.apply(i, new Shape4[] {stripe, input}).orElse(o.maxBlock());
        return new Cost(stripe, input, block, weightBufferBytes);
    }

    private static int required(int value, int stride, int border, int upscale, int nearest) {
        return (int) Math.ceil(((value - 1) * (double) stride + border + nearest) / upscale);
    }

    // ---- Cascade building (cascade_builder.py: CascadeBuilder.build_cascades, non-spilling) ----

    /**
     * Groups operations {@code from..to} into cascades using the stripes of {@code ref}; operations left out get
     * their {@code fallback} (whole-OFM) proposal. Fills {@code out} with the cascades by last operation.
     */
    private Cost[] build(int from, int to, Cost[] ref, Cost[] fallback, long guidingLimit, long[] nonLocal,
            Map<Integer, Cascade> out) {
        Cost[] cost = new Cost[n];
        long peak = guidingLimit;
        int idx = from;
        while (idx <= to) {
            if (cost[idx] != null) {
                idx++;
                continue;
            }
            if (!cascadable(idx, ref[idx])) {
                cost[idx] = fallback[idx];
                peak = Math.max(sramUsage(idx, fallback[idx], nonLocal), peak);
                idx++;
                continue;
            }
            int start = idx;
            List<Integer> inCascade = new ArrayList<>(List.of(idx));
            List<Integer> best = new ArrayList<>(inCascade);
            long cascadeIfm = ops.get(idx).ifmBytes();
            long buffers = roundUp16(ref[idx].weightBufferBytes());
            long bestSize = sramUsage(idx, fallback[idx], nonLocal);
            Map<Long, Long> bufferCache = new HashMap<>();
            int producer = idx;
            while (true) {
                List<Integer> dependants = ops.get(producer).dependants();
                if (dependants.size() != 1) {
                    break;
                }
                int current = dependants.get(0);
                if (current < from || current > to || cost[current] != null || !cascadable(current, ref[current])
                        || !ops.get(producer).op().ofm().equals(ops.get(current).op().ifm())
                        || ops.get(current).requiresFullIfm() || ops.get(producer).requiresFullOfm()
                        || producer + 1 != current) {
                    break;
                }
                long fullOfm = ops.get(current).ofmBytes();
                long ifmBuffer = rollingBytes(producer, current, ref);
                long weights = roundUp16(ref[current].weightBufferBytes());
                long uncascaded = sramUsage(current, fallback[current], nonLocal);
                inCascade.add(current);
                buffers += ifmBuffer + weights;
                long size = cascadeIfm + buffers + fullOfm + nonLocal[start];
                if ((uncascaded < peak && bestSize < peak) || cascadeIfm + buffers > bestSize) {
                    break;
                }
                if (size < bestSize || size < uncascaded) {
                    bestSize = size;
                    best = new ArrayList<>(inCascade);
                }
                producer = current;
            }
            if (best.size() > 1) {
                int end = start + best.size() - 1;
                Map<Integer, Shape4> rolling = new HashMap<>();
                Integer previous = null;
                for (int op : best) {
                    cost[op] = ref[op];
                    if (previous != null) {
                        rolling.put(op, rollingShape(ref[previous], ref[op]));
                    }
                    previous = op;
                }
                out.put(end, new Cascade(start, end, rolling, bestSize - nonLocal[start]));
                peak = Math.max(bestSize, peak);
            } else {
                cost[idx] = fallback[idx];
                peak = Math.max(sramUsage(idx, fallback[idx], nonLocal), peak);
            }
        }
        return cost;
    }

    /** {@code _is_cascadable}: a stripable operation whose stripe is lower than its OFM. */
    private boolean cascadable(int i, Cost c) {
        return ops.get(i).cascadable() && c.stripe().h() < ops.get(i).op().ofm().h();
    }

    /** {@code _estimate_sram_usage}: IFM (stripe or whole), OFM (stripe, whole or none) and the neighbours. */
    private long sramUsage(int i, Cost c, long[] nonLocal) {
        Op o = ops.get(i);
        int ifmElementBytes = o.op().ifmBits() / 8;
        int ofmElementBytes = o.op().ofmBits() / 8;
        long ifm = o.requiresFullIfm() ? o.ifmBytes() : c.stripeInput().withDepthRoundedTo(16).elements() * ifmElementBytes;
        long ofm;
        if (o.reusedInput() >= 0) {
            ofm = 0;
        } else if (o.requiresFullOfm()) {
            ofm = o.ofmBytes();
        } else {
            ofm = c.stripe().withDepthRoundedTo(16).elements() * ofmElementBytes;
        }
        return ifm + ofm + nonLocal[i];
    }

    /** {@code rolling_buffer_shape}: producer stripe plus one consumer input stripe, rounded to the latter. */
    private static Shape4 rollingShape(Cost producer, Cost consumer) {
        int inputH = consumer.stripeInput().h();
        int h = (producer.stripe().h() + inputH + inputH - 1) / inputH * inputH;
        int w = Math.max(producer.stripe().w(), consumer.stripeInput().w());
        int c = (producer.stripe().c() + 15) / 16 * 16;
        return new Shape4(1, h, w, c);
    }

    private long rollingBytes(int producer, int consumer, Cost[] ref) {
        Op p = ops.get(producer);
        Op c = ops.get(consumer);
        if (p.requiresFullOfm() || c.requiresFullIfm()) {
            return Math.max(p.ofmBytes(), c.ifmBytes());
        }
        return rollingShape(ref[producer], ref[consumer]).elements() * (p.op().ofmBits() / 8);
    }

    private int[] cascadeIndex(Map<Integer, Cascade> cascades) {
        int[] of = new int[n];
        java.util.Arrays.fill(of, -1);
        for (Cascade c : cascades.values()) {
            for (int i = c.start(); i <= c.end(); i++) {
                of[i] = c.end();
            }
        }
        return of;
    }

    // ---- Sub-schedule optimisation (scheduler.py: optimize_sub_schedule, propose_schedule_striping) ----

    private record Proposal(Cost[] costs, Map<Integer, Cascade> cascades) {}

    private Optional<Proposal> optimise(Cascade cascade, Cost[] ref, Cost[] fallback, Snapshot snapshot) {
        int start = cascade.start();
        int end = cascade.end();
        long parallel = snapshot.usage[snapshot.time[start]] - cascade.memoryBytes();
        Op first = ops.get(start);
        int readers = 0;
        for (Op o : ops) {
            if (o.ifmTensor() == first.ifmTensor() || o.ifm2Tensor() == first.ifmTensor()) {
                readers++;
            }
        }
        long persistentIfm = readers > 1 ? first.ifmBytes() : 0;
        long[] nonLocal = new long[n];
        for (int i = start; i <= end; i++) {
            nonLocal[i] = parallel + (i != start ? persistentIfm : 0);
        }
        // The buffered sub-schedule: cascaded operations keep their whole weights in one buffer.
        boolean[] buffered = new boolean[n];
        for (int i = start; i <= end; i++) {
            buffered[i] = weightBuffer.applyAsLong(i, ref[i].block()) > 0;
        }
        Shape4 finalOfm = ops.get(end).op().ofm();
        Proposal best = null;
        int maxCascades = 0;
        boolean firstIteration = true;
        for (int h = ref[end].stripe().h() + 1; h <= finalOfm.h() / 2; h++) {
            Cost[] proposed = new Cost[n];
            Shape4 stripe = finalOfm.withHeight(h);
            for (int i = end; i >= start; i--) {
                Cost c = striped(i, stripe, 0);
                proposed[i] = buffered[i] ? withWeights(i, c) : c;
                NpuOperation.Resampling r = ops.get(i).op().resampling();
                int upscale = r == NpuOperation.Resampling.NONE ? 1 : 2;
                int height = stripe.h() + stripe.h() % upscale;
                stripe = ops.get(i).op().ifm().withHeight(height * ops.get(i).op().kernel().strideY());
            }
            Map<Integer, Cascade> found = new LinkedHashMap<>();
            Cost[] costs = build(start, end, proposed, fallback, limitBytes, nonLocal, found);
            int count = found.size();
            if (firstIteration) {
                maxCascades = count;
                firstIteration = false;
            }
            long peak = 0;
            int[] of = cascadeIndex(found);
            for (int i = start; i <= end; i++) {
                long use;
                if (of[i] >= 0) {
                    use = found.get(of[i]).memoryBytes() + nonLocal[i];
                } else {
                    use = ops.get(i).ifmBytes() + ops.get(i).ofmBytes() + roundUp16(costs[i].weightBufferBytes()) + nonLocal[i];
                }
                peak = Math.max(peak, use);
            }
            if (peak <= limitBytes && count <= maxCascades) {
                best = new Proposal(costs, found);
                if (found.isEmpty()) {
                    break;
                }
            } else {
                break;
            }
        }
        return Optional.ofNullable(best);
    }

    // ---- Fast-storage use over time (live_range.py: extract_live_ranges_from_schedule) ----

    private static final class Range {
        long bytes;
        int start = Integer.MAX_VALUE;
        int end = -1;
        /** The feature maps stored in this range's memory (an element-wise OFM shares its input's); none for buffers. */
        final List<Integer> tensors = new ArrayList<>();

        Range(long bytes) {
            this.bytes = bytes;
        }

        void mark(int time) {
            start = Math.min(start, time);
            end = Math.max(end, time + 1);
        }
    }

    /** Memory in use at every time step, each operation's time step, and the live ranges behind the use. */
    private record Snapshot(long[] usage, int[] time, List<Range> ranges) {}

    /**
     * Returns fast-storage use over time: every feature map lives from its first to its last use (an
     * element-wise OFM outside a cascade shares its input's memory), the IFM of a cascaded operation other than
     * the first is its rolling buffer, weight buffers live during their operation. A non-cascaded operation takes
     * two time steps; a cascade takes two in all.
     */
    private Snapshot snapshot(int[] cascadeOf, Cost[] costs, Map<Integer, Cascade> cascades) {
        Map<Integer, Range> ranges = new HashMap<>();
        List<Range> all = new ArrayList<>();
        // Ranges are keyed by storage: a tensor that is a view of another's memory joins its range.
        java.util.function.IntFunction<Range> rangeOf = t -> {
            Range range = ranges.computeIfAbsent(storage[t], k -> {
                Range r = new Range(tensorBytes.getOrDefault(t, 0L));
                all.add(r);
                return r;
            });
            if (!range.tensors.contains(t)) {
                range.tensors.add(t);
            }
            return range;
        };
        int current = 0;
        Map<Integer, Integer> timeForCascade = new HashMap<>();
        int[] time = new int[n];
        for (int i = 0; i < n; i++) {
            Op o = ops.get(i);
            int c = cascadeOf.length == 0 ? -1 : cascadeOf[i];
            boolean inCascade = c >= 0 && cascades.containsKey(c);
            if (!inCascade && o.reusedInput() >= 0 && !ranges.containsKey(storage[o.ofmTensor()])) {
                Range shared = rangeOf.apply(o.reusedInput());
                shared.tensors.add(o.ofmTensor());
                ranges.put(storage[o.ofmTensor()], shared);
            }
            int t = inCascade ? timeForCascade.getOrDefault(c, current) : current;
            time[i] = t;
            int[] touched = {o.ifmTensor(), o.ifm2Tensor(), o.ofmTensor()};
            for (int k = 0; k < touched.length; k++) {
                int tensor = touched[k];
                if (tensor < 0 || !tensorBytes.containsKey(tensor)) {
                    continue;
                }
                Range r = rangeOf.apply(tensor);
                if (k == 0 && inCascade && cascades.get(c).buffers().containsKey(i)) {
                    r.bytes = cascades.get(c).buffers().get(i).elements() * tensorElementBytes.get(tensor);
                }
                r.mark(t);
            }
            Cost cost = costs[i];
            if (cost != null && cost.weightBufferBytes() > 0) {
                Range r = new Range(roundUp16(cost.weightBufferBytes()));
                all.add(r);
                r.mark(t);
            }
            if (t == current) {
                current += 2;
            }
            if (inCascade) {
                timeForCascade.put(c, t);
            }
        }
        for (int t : outputs) {
            if (tensorBytes.containsKey(t)) {
                rangeOf.apply(t).mark(current);
            }
        }
        long[] usage = new long[current + 3];
        for (Range r : all) {
            if (r.end < 0) {
                continue;
            }
            for (int t = r.start; t <= Math.min(r.end, usage.length - 1); t++) {
                usage[t] += r.bytes;
            }
        }
        return new Snapshot(usage, time, all);
    }

    private static long roundUp16(long bytes) {
        return (bytes + 15) / 16 * 16;
    }
}
