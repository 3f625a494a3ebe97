// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import it.unimi.dsi.fastutil.ints.IntArrayFIFOQueue;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.npusim.des.ClockDomain;
import org.npusim.des.Handler;
import org.npusim.des.Resource;
import org.npusim.des.Simulation;
import org.npusim.npu.CostModel;
import org.npusim.npu.MemoryTiming;
import org.npusim.npu.NpuBlockType;
import org.npusim.plan.Channel;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Step;
import org.npusim.plan.WeightPlan;
import org.npusim.result.FixedResource;

/**
 * The event-driven simulation of a plan. Each NPU step is a pipeline of OFM blocks: the IFM (and directly-read
 * weights) of block k+1 are fetched while the MAC array computes block k (SHRAM double-buffers the IFM); the MAC
 * array waits for its block's input, for the weight slice it needs (DMA-buffered, then decoded: weights in a DMA
 * buffer are read only once their slice's copy is done, as the command stream waits for the DMA) and for a free
 * accumulator buffer (two); the output stage drains accumulators and the OFM block is written. Each fetch and
 * write reserves the channel (AXI port and memory) it uses for its bytes (burst-inflated) over the channel's
 * bandwidth, so streams that share a channel queue behind each other: that is the contention Vela leaves out. A
 * block's transfer moves in burst trains of about a KiB ({@link BlockStream}), as the DMA's do, so the streams on
 * a port take turns train by train instead of one waiting for the other's whole block; the MAC array, having
 * taken a block, is held until the block's last operand arrives.
 *
 * <p>Per-block memory latency is not charged on every fetch: the NPU keeps several AXI transactions in flight, and
 * the stage times carry Vela's per-block command-overhead floor {@code (T_ifm + T_ofm + out + dpu) / 4}
 * (ethos-u-facts.md §3.3 step 10), which is where latency enters Vela's model too. DMA transfers pay the source's
 * read latency once, as {@code mem2mem} does. The scale/bias records of a block are fetched by a unit of their own
 * from the block's issue (once their DMA-buffered slice has arrived), taking Vela's latency-bound time for them
 * (step 9), and the block's output stage waits for them; Vela puts that time in the output stage itself. Where
 * the fetch runs is a modelling choice, not a documented fact of the hardware: Vela's formula charges each block's
 * records a serial latency (unlike the pipelined streams above), and its max() of totals treats that time as
 * overlapping everything else; a fetch beside the MAC stage is the reading of it that a pipeline can realise.
 *
 * <p>The NPU DMA copies weight slices and LUTs in plan order. With overlap on, it starts the next step's first
 * transfer as soon as it is free, so weight fetch hides under the current step's compute, and the next step's
 * first IFM fetch starts when the MAC array finishes the last block (the Ethos-U's block dependency lets a command
 * start while the previous one drains its output stage). With overlap off, a step starts, DMA included, only when
 * the previous one has written its last block. With contention off, every stream has a channel of its own.
 */
final class EventSimulator {

    /** MAC-array block cycles come without Vela's command-overhead floor: latencies are simulated instead. */
    private static final int MAC = 0;
    private static final int OUTPUT = 1;
    private static final int DMA = 2;
    private static final int DECODER = 3;
    private static final int CPU = 4;
    private static final int SCALES = 5;

    private final ExecutionPlan plan;
    private final boolean overlap;
    private final boolean contention;
    private final ClockDomain clock;
    private final CpuCost cpuCost;
    private final double decoderWeightsPerCycle;
    private final CostModel costs;

    private final Simulation sim = new Simulation();
    /** Where transactions are recorded, or null when no timeline is asked for (checked once per reservation). */
    private final Timeline timeline;
    /** CPU time the driver spends to start an NPU subgraph (a run of NPU steps after a CPU step or at the start). */
    private final long npuInvocationPs;
    private final List<Resource> resources = new ArrayList<>();
    /** Per resource, its track: the channel's label without the stream a resource of its own carries without contention. */
    private final List<String> resourceTracks = new ArrayList<>();
    private final Map<String, Integer> resourceIds = new HashMap<>();

    private final int stepCount;
    private final StepWork[] work;
    private final long[] stepStart;
    private final long[] stepEnd;
    private final long[][] busy;
    /**
     * Per step and stream, the bytes its block transfers moved (burst-efficiency scaled, as they occupy the
     * channel): the end-of-run check compares them with the step's whole streams, so that a block that never
     * fetched its share cannot go unnoticed.
     */
    private final double[][] streamBytes;
    /** Per step, busy time per channel resource and stream, at {@code resource * STREAMS.size() + stream}. */
    private final long[][] streamBusy;
    /**
     * Reservations made for a step before its layer (the operator it belongs to) started, flattened as (step,
     * resource, slot start, slot end): a weight or LUT prefetch by the DMA (the NPU's own fetches start with their
     * step), hidden under earlier layers for the part that ran before the layer's start ({@link #hiddenBusy}).
     */
    private final LongArrayList aheadSlots = new LongArrayList();
    /**
     * Per step and resource, the time its transactions waited in the resource's queue behind other layers'
     * transactions, counted once however many of its own transactions waited (the union of those waits), within
     * its layer: a layer that waits behind the next layer's weight prefetch on a shared port is bound by that port
     * though its own busy time there is small. Waits behind its own layer's transactions are not counted: that
     * time is already the layer's busy time of the resource.
     */
    private final long[][] queued;
    /** Per step and resource, up to when its waits are counted in {@link #queued} (so that none counts twice). */
    private final long[][] queueCountedUntil;
    /**
     * Waits behind other layers that may have begun before the waiting step's layer started (a prefetch queued
     * under an earlier layer), flattened as (step, resource, from, to): clipped to the layer's start at the end of
     * the run, as {@link #aheadSlots} are.
     */
    private final LongArrayList earlyWaits = new LongArrayList();
    /**
     * Every reservation, for the layers' critical paths ({@link #criticalPaths}), flattened as (layer × resources +
     * resource, ready, end of its work): for the MAC array, held while its operands stream in, the
     * end of its compute, so that a block that waited for its operands leads the path to the fetch that ended last.
     */
    private final LongArrayList slots;
    /** Whether queued time and critical paths are kept (see the constructor). */
    private final boolean layerDetail;
    /**
     * Per resource, the reservations not yet over when last pruned, oldest first, as a circular queue that grows when
     * full: start, end and the layer each was made for ({@link #layerIndex}). A FIFO resource serves reservations in
     * arrival order, so a new reservation that waits, waits exactly for the queued ones that end after it was ready;
     * these say whose they were. Those that ended by the current time, or by the new reservation's ready if that is
     * earlier, are dropped first: no later wait reaches back before either (reservations are made from event
     * handlers, in time order).
     */
    private final long[][] pendingStart;
    private final long[][] pendingEnd;
    private final int[][] pendingLayer;
    private final int[] pendingHead;
    private final int[] pendingSize;
    /**
     * Per operator, when its first step started ({@code Long.MAX_VALUE} until then: time only moves forward, so the
     * first start is the earliest); steps without an operator answer for themselves.
     */
    private final long[] layerStartPs;
    /** Per step, its operator ({@link Step#operator}; negative when it has none). */
    private final int[] operatorOf;
    /** Per step, whether the NPU (or CPU) has begun it: its start, past the driver's invocation of a subgraph. */
    private final boolean[] issued;
    /** Per NPU step, the first step of its NPU subgraph (the run of non-CPU steps it is in). */
    private final int[] subgraphFirst;
    private final ByteCounter[] bytes;
    /** Per CPU step, what the CPU model said it costs (null for other steps): its bottleneck and where its time went. */
    private final CpuCost.Cost[] cpuCosts;

    // DMA transfers in plan order.
    private final List<Transfer> transfers = new ArrayList<>();
    private int nextTransfer;
    private boolean dmaBusy;
    /** A memory-copy step waiting for the DMA engine, or -1. */
    private int pendingCopy = -1;
    /**
     * The least size of the burst trains a DMA transfer is cut into: n bytes move in max(1, n / 1 KiB) trains of equal
     * size. This is a modelling grain, not a hardware figure. The simulated totals do not depend on it: with trains
     * of 128, 256 or 512 bytes the 74 Vela reference configurations move by at most 0.2 points. A train costs an
     * event and two reservations (MobileNet v2's 3.5 MB of weights: 3.4 K trains).
     */
    static final int DMA_TRAIN_BYTES = 1024;

    /**
     * Trains the DMA engine holds read but not yet written (8 KiB). A modelling grain like the train size: it bounds
     * how far the reads may run ahead of a busy destination. Unbounded, a fast source queued writes far ahead of the
     * NPU's own fetches on the destination port. While NPU block transfers were served whole, 2 or 4 trains stalled
     * the source behind one block fetch of a few KB; since they move in trains too, 2, 4 and 8 give every one of the
     * 74 Vela reference configurations within 0.5 points of each other (default mode).
     */
    static final int DMA_BUFFERED_TRAINS = 8;
    /**
     * The job the DMA engine is moving: its transfer (−1 for a memory copy), source and destination, bytes, slice and
     * kind for the timeline, when it started, its trains still to read, their size, and the time a train takes to
     * read and to write (the same for every train of the job). The step is the one its events carry.
     */
    private int dmaTransfer;
    private Channel dmaSource;
    private Channel dmaDestination;
    private int dmaReadResource;
    private int dmaWriteResource;
    private long dmaBytes;
    private int dmaSlice;
    private String dmaWhat;
    private long dmaStartPs;
    private int dmaTrainsLeft;
    private double dmaTrainBytes;
    private long dmaTrainReadPs;
    private long dmaTrainWritePs;
    /**
     * When each of the last {@link #DMA_BUFFERED_TRAINS} trains read is in its destination, by train number modulo
     * that count: the oldest is the one the next read waits for.
     */
    private final long[] dmaTrainWrittenPs = new long[DMA_BUFFERED_TRAINS];
    /** Trains of the active job read so far. */
    private int dmaTrainsRead;
    /** When the active transfer's trains written so far are in their destination. */
    private long dmaWrittenPs;
    private final boolean[] transferComplete;
    private final int[][] stepTransfers;
    private final int[] lastComputedSlice;
    /** Whether an NPU step's last block has left the output stage (a gate of later transfers). */
    private final boolean[] computed;

    /** The tensor whose memory holds each tensor's data ({@link ExecutionPlan#storage}: removed reshapes are views). */
    private final int[] storage;

    /** The pipelines of the NPU steps that have started (a step drains while the next one starts). */
    private final Pipeline[] pipelines;

    private final Handler startStep = this::onStartStep;
    private final Handler resume = this::onResume;
    private final Handler finishStep = this::onFinishStep;
    private final Handler startNext = this::onStartNext;
    private final Handler dmaDone = this::onDmaDone;
    private final Handler dmaFree = this::onDmaFree;
    private final Handler dmaTrainRead = this::onTrainRead;
    private final Handler dmaTrainNext = (sim, step) -> readTrain(step, sim.now());
    private final Handler copyDone = this::onCopyDone;

    /**
     * A DMA transfer of a step: its LUT (slice -1), its whole weight stream (slice 0, single buffering) or one
     * weight slice; {@code everySlice} when every block of the step needs it (the LUT, a single buffer).
     */
    private record Transfer(int step, int slice, boolean everySlice, long bytes, Channel source, Channel destination) {}

    EventSimulator(ExecutionPlan plan, boolean overlap, boolean contention, ClockDomain clock, CpuCost cpuCost,
            double decoderWeightsPerCycle, long npuInvocationPs, Timeline timeline) {
        this(plan, overlap, contention, clock, cpuCost, decoderWeightsPerCycle, npuInvocationPs, timeline, true);
    }

    /**
     * Creates the engine; without {@code layerDetail} it keeps no record of queues and reservations, so its outcomes
     * have no queued time and no critical path (a sweep's points, which report totals only).
     */
    EventSimulator(ExecutionPlan plan, boolean overlap, boolean contention, ClockDomain clock, CpuCost cpuCost,
            double decoderWeightsPerCycle, long npuInvocationPs, Timeline timeline, boolean layerDetail) {
        this.layerDetail = layerDetail;
        this.timeline = timeline;
        this.npuInvocationPs = npuInvocationPs;
        this.plan = plan;
        this.overlap = overlap;
        this.contention = contention;
        this.clock = clock;
        this.cpuCost = cpuCost;
        this.decoderWeightsPerCycle = decoderWeightsPerCycle;
        this.costs = plan.target().map(t -> new CostModel(t.variant())).orElse(null);
        // Registered in the order of the ids MAC … SCALES.
        for (FixedResource fixed : new FixedResource[] {FixedResource.MAC, FixedResource.OUTPUT, FixedResource.DMA,
                FixedResource.WEIGHT_DECODER, FixedResource.CPU, FixedResource.SCALE_FETCH}) {
            resource(fixed.label());
        }
        this.stepCount = plan.steps().size();
        this.storage = plan.storage();
        this.work = new StepWork[stepCount];
        this.stepStart = new long[stepCount];
        this.stepEnd = new long[stepCount];
        this.operatorOf = new int[stepCount];
        int operators = 0;
        for (int i = 0; i < stepCount; i++) {
            operatorOf[i] = plan.steps().get(i).operator();
            operators = Math.max(operators, operatorOf[i] + 1);
        }
        this.layerStartPs = new long[operators];
        Arrays.fill(layerStartPs, Long.MAX_VALUE);
        this.issued = new boolean[stepCount];
        this.subgraphFirst = new int[stepCount];
        for (int i = 0; i < stepCount; i++) {
            boolean first = i == 0 || plan.steps().get(i - 1) instanceof Step.Cpu;
            subgraphFirst[i] = first ? i : subgraphFirst[i - 1];
        }
        this.bytes = new ByteCounter[stepCount];
        this.cpuCosts = new CpuCost.Cost[stepCount];
        for (int i = 0; i < stepCount; i++) {
            bytes[i] = new ByteCounter();
            if (plan.steps().get(i) instanceof Step.Npu n) {
                work[i] = StepWork.of(n, costs, plan.npu());
                planTransfers(i, n, work[i].constants());
            }
        }
        // Channels are created up front so that per-step busy arrays have a fixed width.
        for (int i = 0; i < stepCount; i++) {
            if (work[i] != null) {
                Step.Npu n = work[i].step();
                channel(n.ifm().channel(), IFM);
                channel(work[i].ifm2Channel(), IFM2);
                channel(n.ofm().channel(), OFM);
                n.weights().ifPresent(w -> channel(w.readFrom(), WEIGHTS));
            } else if (plan.steps().get(i) instanceof Step.Dma d) {
                channel(d.source().channel(), DMA_READ);
                channel(d.destination().channel(), DMA_WRITE);
            }
        }
        for (Transfer t : transfers) {
            channel(t.source(), DMA_READ);
            if (t.destination() != null) {
                channel(t.destination(), DMA_WRITE);
            }
        }
        this.busy = new long[stepCount][resources.size()];
        this.queued = new long[stepCount][resources.size()];
        this.queueCountedUntil = new long[stepCount][resources.size()];
        this.pendingStart = new long[resources.size()][16];
        this.pendingEnd = new long[resources.size()][16];
        this.pendingLayer = new int[resources.size()][16];
        this.pendingHead = new int[resources.size()];
        this.pendingSize = new int[resources.size()];
        this.streamBusy = new long[stepCount][resources.size() * STREAMS.size()];
        this.streamBytes = new double[stepCount][STREAMS.size()];
        this.pipelines = new Pipeline[stepCount];
        this.transferComplete = new boolean[transfers.size()];
        this.lastComputedSlice = new int[stepCount];
        this.computed = new boolean[stepCount];
        Arrays.fill(lastComputedSlice, -1);
        this.slots = layerDetail ? new LongArrayList(3 * expectedReservations()) : new LongArrayList();
        this.stepTransfers = new int[stepCount][];
        int[] counts = new int[stepCount];
        for (Transfer t : transfers) {
            counts[t.step()]++;
        }
        for (int i = 0; i < stepCount; i++) {
            stepTransfers[i] = new int[counts[i]];
            counts[i] = 0;
        }
        for (int t = 0; t < transfers.size(); t++) {
            int st = transfers.get(t).step();
            stepTransfers[st][counts[st]++] = t;
        }
    }

    /**
     * Returns about how many reservations the run will make, so that {@link #slots} is sized once instead of grown
     * (MobileNet v2: tens of thousands of reservations, which growth would copy over again): per OFM block of an NPU step its
     * decoder, MAC, scale and output reservations and at least one train of each of its IFM, weight and OFM transfers
     * (more for a block of more than a train's bytes), per DMA burst train a read and a write.
     */
    private int expectedReservations() {
        long n = 2L * stepCount;
        for (StepWork w : work) {
            if (w != null) {
                long blocks = Math.max(1, w.compute().blocks());
                n += blocks * 4 + trains(w.ifmBytes() * w.ifmEfficiency(), blocks)
                        + trains(w.ifm2Bytes() * w.ifm2Efficiency(), blocks)
                        + trains(w.ofmBytes() * w.ofmEfficiency(), blocks)
                        + trains(w.streamedWeightFetchBytes(), blocks);
            }
        }
        for (Transfer t : transfers) {
            n += 2 * (t.bytes() / DMA_TRAIN_BYTES + 1);
        }
        return (int) Math.min(n, Integer.MAX_VALUE / 3);
    }

    /** The trains a stream of {@code busBytes} moves in {@code blocks} blocks, as {@link BlockStream} cuts them. */
    private static long trains(double busBytes, long blocks) {
        return blocks * trainsOf(busBytes / blocks);
    }

    /** The burst trains {@code bytes} move in: max(1, bytes / {@link #DMA_TRAIN_BYTES}), of equal size. */
    private static int trainsOf(double bytes) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / DMA_TRAIN_BYTES));
    }

    private int resource(String label) {
        Integer id = resourceIds.get(label);
        if (id == null) {
            id = resources.size();
            resources.add(new Resource(label));
            int slash = label.indexOf('/');
            resourceTracks.add(slash > 0 ? label.substring(0, slash) : label);
            resourceIds.put(label, id);
        }
        return id;
    }

    /** Returns the resource of a channel for a stream: shared by all streams, or the stream's own without contention. */
    private int channel(Channel c, int stream) {
        return resource(contention ? c.label() : c.label() + "/" + STREAMS.get(stream));
    }

    /**
     * The streams a channel carries, in the order they are reported: the NPU's IFM, IFM2, OFM and weight reads,
     * and the DMA's reads and writes.
     */
    static final List<String> STREAMS = List.of("ifm", "ifm2", "ofm", "weights", "dma-read", "dma-write");

    /** Indices of the streams in {@link #STREAMS}; {@link #NO_STREAM} for a reservation of no channel. */
    private static final int IFM = 0;
    private static final int IFM2 = 1;
    private static final int OFM = 2;
    private static final int WEIGHTS = 3;
    private static final int DMA_READ = 4;
    private static final int DMA_WRITE = 5;
    private static final int NO_STREAM = -1;

    /** Plans the DMA transfers of NPU step {@code i}: its LUT, copied from {@code constants}, and its weights. */
    private void planTransfers(int i, Step.Npu n, Channel constants) {
        if (n.lutBytes() > 0) {
            transfers.add(new Transfer(i, -1, true, n.lutBytes(), constants, null));
        }
        if (n.weights().isPresent() && n.weights().get().buffered()) {
            WeightPlan w = n.weights().get();
            if (w.buffering() == WeightPlan.Buffering.SINGLE) {
                transfers.add(new Transfer(i, 0, true, w.encoded().totalBytes(), w.source(), w.buffer()));
            } else {
                for (int s = 0; s < w.encoded().sliceCount(); s++) {
                    transfers.add(new Transfer(i, s, false, w.encoded().slice(s), w.source(), w.buffer()));
                }
            }
        }
    }

    /** Runs the simulation and returns one outcome per plan step. */
    List<StepOutcome> run() {
        Arrays.fill(stepStart, -1);
        if (stepCount > 0) {
            sim.at(0, startStep, 0);
        }
        sim.run();
        checkConservation();
        long[][] hidden = hiddenBusy();
        addEarlyWaits();
        List<Map<String, Long>> critical = layerDetail ? criticalPaths()
                : java.util.Collections.nCopies(stepCount, Map.<String, Long>of());
        List<StepOutcome> out = new ArrayList<>(stepCount);
        for (int i = 0; i < stepCount; i++) {
            out.add(outcome(i, hidden[i], critical.get(i)));
        }
        return out;
    }

    // ---- Steps ----

    private void onStartStep(Simulation s, int i) {
        Step step = plan.steps().get(i);
        boolean subgraphStart = !(step instanceof Step.Cpu) && subgraphFirst[i] == i;
        if (subgraphStart && npuInvocationPs > 0 && stepStart[i] < 0) {
            // The CPU sets up the NPU (driver invocation) before the first step of an NPU subgraph runs.
            markStarted(i, s.now());
            long end = reserve(i, CPU, s.now(), npuInvocationPs, "npu-invoke", -1, 0);
            s.at(end, resume, i);
            return;
        }
        onResume(s, i);
    }

    private void markStarted(int i, long nowPs) {
        stepStart[i] = nowPs;
        int op = operatorOf[i];
        if (op >= 0 && layerStartPs[op] == Long.MAX_VALUE) {
            layerStartPs[op] = nowPs;
        }
    }

    /** Whether the layer of step {@code i} has started (a step without an operator is its own layer). */
    private boolean layerStarted(int i) {
        return layerStartOf(i) != Long.MAX_VALUE;
    }

    /** Returns when the layer of step {@code i} started ({@code Long.MAX_VALUE} until it has). */
    private long layerStartOf(int i) {
        int op = operatorOf[i];
        return op >= 0 ? layerStartPs[op] : (stepStart[i] >= 0 ? stepStart[i] : Long.MAX_VALUE);
    }

    private void onResume(Simulation s, int i) {
        if (stepStart[i] < 0) {
            markStarted(i, s.now());
        }
        // Issued: past the driver's invocation, the NPU runs the step. Transfers that wait for it are released when
        // an NPU step begins (below) or, after a memory copy, when the copy is done.
        issued[i] = true;
        Step step = plan.steps().get(i);
        if (step instanceof Step.Cpu c) {
            CpuCost.Cost cost = cpuCost.of(c);
            long end = reserve(i, CPU, s.now(), cost.durationPs(), FixedResource.CPU.label(), -1, 0);
            cpuCosts[i] = cost;
            cost.readBytes().forEach(bytes[i]::read);
            cost.writeBytes().forEach(bytes[i]::write);
            s.at(end, finishStep, i);
            return;
        }
        if (step instanceof Step.Dma d) {
            if (!d.crossesMemories()) {
                s.at(s.now(), finishStep, i);
            } else if (dmaBusy) {
                // The copy is a command for the same DMA engine as the weight and LUT transfers: it waits for the
                // engine, and no transfer starts before it (onDmaFree).
                pendingCopy = i;
            } else {
                startCopy(i);
            }
            return;
        }
        beginNpuStep(i);
        pumpDma();
    }

    /** A CPU step or a memory copy ends. */
    private void onFinishStep(Simulation s, int i) {
        stepEnd[i] = s.now();
        onStartNext(s, i);
    }

    /** Starts the step after {@code i}, if there is one. */
    private void onStartNext(Simulation s, int i) {
        if (i + 1 < stepCount) {
            s.at(s.now(), startStep, i + 1);
        }
    }

    private void beginNpuStep(int i) {
        pipelines[i] = new Pipeline(i);
        sim.at(sim.now(), pipelines[i].issue, 0);
    }

    private long transferPs(double bytes, MemoryTiming m) {
        return clock.toPs(bytes / m.bytesPerCycle());
    }

    /**
     * The OFM-block pipeline of one NPU step. Its handlers take the block index; the step is the pipeline's own, so
     * that a step draining its output stage and the next step filling its MAC array do not mix.
     */
    private final class Pipeline {
        final int step;
        final StepWork work;
        final int blocks;
        final long[] outEnd;
        /** When block k's inputs (IFM and decoded weights) have all arrived, as far as known. */
        final long[] operandsEnd;
        /** Block k's operand transfers (IFM, IFM2, weights) still under way: its MAC work ends only after them. */
        final int[] operandsPending;
        /** When block k's scale and bias records have arrived (its output stage waits for them). */
        final long[] scalesEnd;
        final int[] blockSlice;
        final int[] sliceBlocksLeft;
        final long macPs;
        final long outPs;
        /** Fetch time of one block's scale and bias records; 0 without scales. */
        final long scalePs;
        int waitingBlock = -1;
        /** A block whose scale fetch waits for its weight slice's transfer, or -1. */
        int scalesWaiting = -1;
        /** A block whose weight read from the buffer waits for its weight slice's transfer, or -1. */
        int weightsWaiting = -1;
        /** Whether the next step was started before this one's last write (decided when the MAC array finishes). */
        boolean nextStartedEarly;
        /** The block that holds the MAC array until its last operand arrives, or -1, and since when it has. */
        int macHeld = -1;
        long macHeldSincePs;
        /** The block that waits for the MAC array to be released by {@link #macHeld}, or -1. */
        int macBlocked = -1;
        /** The step's block transfers on their channels; null for a stream the step does not have. */
        final BlockStream ifmStream;
        final BlockStream ifm2Stream;
        final BlockStream weightsStream;
        final BlockStream ofmStream;
        final Handler issue = this::onIssue;
        final Handler mac = this::onMac;
        final Handler output = this::onOutput;
        final Handler write = this::onWrite;
        final Handler macDone = this::onMacDone;

        Pipeline(int step) {
            this.step = step;
            this.work = EventSimulator.this.work[step];
            List<int[]> slices = work.step().weights().map(WeightPlan::slices).orElse(List.of());
            boolean sliced = work.step().weights().map(p -> p.buffering() == WeightPlan.Buffering.DOUBLE).orElse(false);
            int sliceCount = sliced ? slices.size() : 1;
            // A weight depth slice is its own NPU operation, of one OFM block at least (Vela emits one command per
            // slice), so a step with fewer OFM blocks than slices (a block config deeper than the slices, on a small
            // OFM) runs as one block per slice; the step's compute time is spread over them unchanged.
            long computeBlocks = Math.max(1, work.compute().blocks());
            this.blocks = Math.toIntExact(Math.max(computeBlocks, sliceCount));
            double blocksPerPipelineBlock = (double) computeBlocks / blocks;
            this.outEnd = new long[blocks];
            // The last block's end is read before it is known (by earliestNextStart): "not yet" is the end of time.
            outEnd[blocks - 1] = Long.MAX_VALUE;
            this.operandsEnd = new long[blocks];
            this.operandsPending = new int[blocks];
            this.scalesEnd = new long[blocks];
            this.blockSlice = new int[blocks];
            this.sliceBlocksLeft = new int[sliceCount];
            int cout = work.step().op().ofm().c();
            int assigned = 0;
            for (int s = 0; s < sliceCount; s++) {
                int n = s == sliceCount - 1 ? blocks - assigned
                        : (int) Math.max(1, Math.round((double) blocks * (slices.get(s)[1] - slices.get(s)[0]) / cout));
                n = Math.max(0, Math.min(n, blocks - assigned - (sliceCount - 1 - s)));
                for (int k = assigned; k < assigned + n; k++) {
                    blockSlice[k] = s;
                }
                sliceBlocksLeft[s] = n;
                assigned += n;
            }
            Step.Npu n = work.step();
            double share = 1.0 / blocks;
            this.ifmStream = new BlockStream(this, IFM, n.ifm().channel(),
                    work.ifmBytes() * work.ifmEfficiency() * share, work.ifmBytes() * share,
                    producersOf(step, n.op().tensors().ifm()));
            this.ifm2Stream = work.ifm2Bytes() <= 0 ? null : new BlockStream(this, IFM2, work.ifm2Channel(),
                    work.ifm2Bytes() * work.ifm2Efficiency() * share, work.ifm2Bytes() * share,
                    producersOf(step, n.op().tensors().ifm2().orElse(-1)));
            this.weightsStream = n.weights().isEmpty() ? null : new BlockStream(this, WEIGHTS,
                    n.weights().get().readFrom(), work.streamedWeightFetchBytes() * share,
                    work.streamedWeightFetchBytes() * share, NO_PIPELINES);
            this.ofmStream = new BlockStream(this, OFM, n.ofm().channel(),
                    work.ofmBytes() * work.ofmEfficiency() * share, (double) work.ofmBytes() * share, NO_PIPELINES);
            if (work.step().op().type() == NpuBlockType.ELEMENTWISE) {
                this.macPs = 0;
                this.outPs = clock.toPs((double) work.compute().cycles() / blocks);
                this.scalePs = 0;
            } else {
                this.macPs = clock.toPs(work.compute().macStageCycles() * blocksPerPipelineBlock);
                // Vela floors the output stage by the scale fetch (10 bytes per channel at the constant memory's
                // latency per 256 bytes, ethos-u-facts.md §3.3 step 9), which its max(stages, memory) then overlaps
                // with everything else. Here the fetch runs as its own unit from the block's issue, beside the IFM
                // and weight streams and the MAC stage, and the output stage waits for it: on a step whose one block
                // waits for its weights from slow memory the fetch hides under them, instead of following the MAC
                // stage as a floored output stage would (dtln on U65: 2,500 cycles per gate).
                // The command overhead that floors both stages stays Vela's, over the output stage as Vela floors
                // it: taking it over the output stage's own work instead was measured worse against Vela on every
                // summary (all 74 reference configurations: median 4.4% against 3.5%, max 25.7% against 22.4%,
                // hello_world on U65 -14% to -19%).
                this.outPs = clock.toPs(work.compute().outputWorkCycles() * blocksPerPipelineBlock);
                this.scalePs = clock.toPs(work.compute().scaleFetchCycles() * blocksPerPipelineBlock);
            }
        }

        /**
         * Starts streaming block k's IFM (and IFM2) into SHRAM and its weights through the weight decoder. The MAC
         * array consumes both as they arrive (SHRAM is filled and read a depth slice at a time), so a block ends no
         * earlier than its last IFM byte and its last decoded weight; with the IFM of block k+1 issued when block k
         * starts, fetch hides under compute whenever the channel keeps up.
         */
        void onIssue(Simulation s, int k) {
            long now = s.now();
            operandsEnd[k] = now;
            operandsPending[k] = 1 + (ifm2Stream != null ? 1 : 0) + (weightsStream != null ? 1 : 0);
            ifmStream.add(k, now);
            if (ifm2Stream != null) {
                ifm2Stream.add(k, now);
            }
            scalesEnd[k] = now;
            boolean arrived = weightsArrived(step, blockSlice[k]);
            if (scalePs > 0) {
                // DMA-buffered records can be fetched once their slice's transfer has arrived.
                if (arrived) {
                    fetchScales(k, now);
                } else {
                    scalesWaiting = k;
                }
            }
            if (weightsStream != null) {
                // Weights the DMA copies into a buffer are read from it once the copy is done (the command stream
                // waits for the DMA before the kernel that uses them), not while it is still being written.
                if (arrived) {
                    fetchWeights(k, now);
                } else {
                    weightsWaiting = k;
                }
            }
            s.at(now, mac, k);
        }

        /** Reads block k's share of the weight stream from where the NPU reads it, through the weight decoder. */
        private void fetchWeights(int k, long nowPs) {
            weightsStream.add(k, nowPs);
            long decodePs = clock.toPs(work.streamedWeightElements() / blocks / decoderWeightsPerCycle);
            operandsEnd[k] = Math.max(operandsEnd[k], reserve(step, DECODER, nowPs, decodePs, "decode", k, 0));
        }

        /** One of block k's operand transfers has ended at {@code nowPs}; the last one releases its MAC work. */
        void operandArrived(Simulation s, int k, long nowPs) {
            operandsEnd[k] = Math.max(operandsEnd[k], nowPs);
            if (--operandsPending[k] == 0 && macHeld == k) {
                macHeld = -1;
                macWork(s, k, macHeldSincePs);
            }
        }

        void onMac(Simulation s, int k) {
            long now = s.now();
            if (macHeld >= 0) {
                // The array is held by the block before, still waiting for an operand; it resumes this one.
                macBlocked = k;
                return;
            }
            // Wait for the MAC array (the previous block) and for a free accumulator buffer (block k-2 drained).
            long gate = Math.max(resources.get(MAC).busyUntil(), k >= 2 ? outEnd[k - 2] : 0);
            if (gate > now) {
                s.at(gate, mac, k);
                return;
            }
            if (!sliceReady(step, blockSlice[k])) {
                waitingBlock = k;
                return;
            }
            if (k + 1 < blocks) {
                s.at(now, issue, k + 1);
            }
            if (operandsPending[k] == 0) {
                macWork(s, k, now);
            } else {
                // The array takes the block now and consumes its operands as they stream in; how long it is held
                // is known when the last one arrives (operandArrived).
                macHeld = k;
                macHeldSincePs = now;
            }
        }

        /**
         * Reserves the MAC array for block k from {@code startPs}, when it took the block, until its compute is done
         * and its last operand is in. The array is held while it waits for the block's last IFM byte or decoded
         * weight, but that wait is the streams' time, not the array's: only the compute counts as its busy time, so
         * that a layer starved of data is reported bound by the stream it waited on, not by the MAC array. (The
         * array was free from startPs on: the block after waits for it through {@link #macHeld}, and the next step
         * takes it only after this step's last block.)
         */
        private void macWork(Simulation s, int k, long startPs) {
            long heldPs = Math.max(macPs, operandsEnd[k] - startPs);
            long end = reserve(step, MAC, NO_STREAM, startPs, heldPs, macPs, "block", k, 0);
            if (k + 1 == blocks && overlap) {
                s.at(end, macDone, k);
            }
            s.at(end, output, k);
            if (macBlocked >= 0) {
                s.at(end, mac, macBlocked);
                macBlocked = -1;
            }
        }

        /** The MAC array has finished the last block: the next step may start now, or once what it reads is written. */
        void onMacDone(Simulation s, int k) {
            long start = earliestNextStart(step, blocks, s.now());
            if (start >= 0) {
                nextStartedEarly = true;
                s.at(start, startNext, step);
            }
        }

        /** When the last block leaves the output stage; {@code Long.MAX_VALUE} until that block enters it. */
        long drainedPs() {
            return outEnd[blocks - 1];
        }

        /** Starts fetching block k's scale and bias records at {@code nowPs} (after the unit's earlier fetches). */
        private void fetchScales(int k, long nowPs) {
            scalesEnd[k] = reserve(step, SCALES, nowPs, scalePs, "scales", k, 0);
        }

        /**
         * Called when a DMA transfer of this step completes: starts the scale fetch of a block whose records it
         * brought, and resumes a block that waited for it. (A block issues only once the one before it has its
         * slice, so at most one block waits for either.)
         */
        void transferArrived(Simulation s) {
            if (scalesWaiting >= 0 && weightsArrived(step, blockSlice[scalesWaiting])) {
                fetchScales(scalesWaiting, s.now());
                scalesWaiting = -1;
            }
            if (weightsWaiting >= 0 && weightsArrived(step, blockSlice[weightsWaiting])) {
                fetchWeights(weightsWaiting, s.now());
                weightsWaiting = -1;
            }
            if (waitingBlock >= 0 && sliceReady(step, blockSlice[waitingBlock])) {
                int k = waitingBlock;
                waitingBlock = -1;
                s.at(s.now(), mac, k);
            }
        }

        void onOutput(Simulation s, int k) {
            long end = reserve(step, OUTPUT, Math.max(s.now(), scalesEnd[k]), outPs, "block", k, 0);
            outEnd[k] = end;
            s.at(end, write, k);
        }

        void onWrite(Simulation s, int k) {
            ofmStream.add(k, s.now());
            if (k == blocks - 1) {
                computed[step] = true;
            }
            int slice = blockSlice[k];
            if (--sliceBlocksLeft[slice] == 0) {
                sliceComputed(step, slice);
            }
            if (k == blocks - 1) {
                recordBytes(step);
                // Writes are posted: the next NPU step or memory copy may issue as soon as the last block leaves
                // the output stage; its reads of this OFM wait for the writes issued before them
                // (ReadBehindWrites). The CPU learns that the NPU is done from the job's completion, after the last
                // write (written): a CPU step reads the memory directly, behind no queue, so it waits for that.
                if (overlap && !nextIsCpu(step) && !nextStartedEarly) {
                    s.at(s.now(), startNext, step);
                }
            }
        }

        /** Block k's OFM is in memory at {@code nowPs}; the last block's write ends the step. */
        void written(Simulation s, int k, long nowPs) {
            if (k == blocks - 1) {
                // The OFM stream writes its blocks in order: the last block's write is the step's last.
                stepEnd[step] = nowPs;
                if (!overlap || nextIsCpu(step)) {
                    s.at(nowPs, startNext, step);
                }
            }
        }
    }

    /**
     * The NPU pipelines before step {@code i} that write the data of tensor {@code t} (its storage), latest first
     * (several for the parts of a concatenation): the step's reads of that tensor wait for the writes each has issued
     * before them. The search goes back to the last CPU step (which started after its NPU producer's last write),
     * past memory copies: a copy within one memory ends at once, so the step after it may start while the step before
     * it still writes; and reading such a copy is reading its source (the copy costs nothing), so the search then
     * also looks for the writers of the copy's source.
     */
    private Pipeline[] producersOf(int i, int t) {
        if (t < 0) {
            return NO_PIPELINES;
        }
        IntArrayList data = IntArrayList.of(storageOf(t));
        List<Pipeline> found = new ArrayList<>(1);
        for (int k = i - 1; k >= 0 && !(plan.steps().get(k) instanceof Step.Cpu); k--) {
            if (plan.steps().get(k) instanceof Step.Dma d && !d.crossesMemories()
                    && data.contains(storageOf(d.op().tensors().ofm()))) {
                data.add(storageOf(d.op().tensors().ifm()));
            } else if (pipelines[k] != null && data.contains(storageOf(work[k].step().op().tensors().ofm()))) {
                found.add(pipelines[k]);
            }
        }
        return found.toArray(NO_PIPELINES);
    }

    private static final Pipeline[] NO_PIPELINES = new Pipeline[0];

    /**
     * One stream of a pipeline's block transfers (its IFM, IFM2, weight reads or OFM writes) on its channel. The
     * stream moves its blocks in order, one after another, and each block in burst trains of about
     * {@link #DMA_TRAIN_BYTES}, each train reserving the channel when the one before it is done: a block transfer
     * does not hold the port for all its bytes at once, so the DMA's trains and the other streams' are served
     * between its trains, as an AXI port interleaves the bursts of its masters, instead of one waiting for the
     * other's whole block. With contention off (every stream on a channel of its own) a block moves as one train.
     * A block of a read stream waits for its producers' writes ({@link ReadBehindWrites}).
     */
    private final class BlockStream extends ReadBehindWrites {
        final Pipeline pipeline;
        final int stream;
        final int resource;
        final int trains;
        final double trainBusBytes;
        final double trainBytes;
        /** The time a train occupies the channel, the same for each. */
        final long trainPs;
        /** Blocks waiting for the one under way, in order. */
        private final IntArrayFIFOQueue waiting = new IntArrayFIFOQueue(4);
        /** The block under way, or -1; its trains still to move. */
        private int active = -1;
        private int trainsLeft;
        /** Blocks this stream has been given, and those whose last train is done. */
        int added;
        int done;
        /** A read that waits for this (OFM) stream's writes, or null. */
        private ReadBehindWrites reader;
        private ReadBehindWrites secondReader;
        final Handler trainDone = this::onTrainDone;

        /** A stream whose reads wait for the writes of {@code producers} (none for the OFM and weight streams). */
        BlockStream(Pipeline pipeline, int stream, Channel channel, double blockBusBytes, double blockBytes,
                Pipeline[] producers) {
            super(producers);
            this.pipeline = pipeline;
            this.stream = stream;
            // Looked up once per stream, not per train (a lookup builds the channel's label).
            this.resource = channel(channel, stream);
            this.trains = contention ? trainsOf(blockBusBytes) : 1;
            this.trainBusBytes = blockBusBytes / trains;
            this.trainBytes = blockBytes / trains;
            this.trainPs = transferPs(trainBusBytes, channel.timing());
        }

        /** Gives the stream block k at {@code nowPs}: it moves when the blocks before it have. */
        void add(int k, long nowPs) {
            added++;
            if (active >= 0) {
                waiting.enqueue(k);
                return;
            }
            begin(k, nowPs);
        }

        private void begin(int k, long nowPs) {
            active = k;
            beginRead(nowPs);
        }

        @Override
        void read(long nowPs) {
            trainsLeft = trains;
            moveTrain(nowPs);
        }

        /**
         * Moves the active block's next train: its bytes times Vela's burst inefficiency occupy the channel (at least
         * 1: a burst shorter than the memory's moves as a whole one); the timeline records the bytes themselves, so
         * that a trace's bytes add up to the result's traffic.
         */
        private void moveTrain(long nowPs) {
            streamBytes[step()][stream] += trainBusBytes;
            long end = reserve(step(), resource, stream, nowPs, trainPs, trainPs, STREAMS.get(stream), active,
                    trainBytes);
            sim.at(end, trainDone, active);
        }

        @Override
        int step() {
            return pipeline.step;
        }

        @Override
        int readResource() {
            return resource;
        }

        private void onTrainDone(Simulation s, int k) {
            if (--trainsLeft > 0) {
                moveTrain(s.now());
                return;
            }
            active = -1;
            done++;
            if (!waiting.isEmpty()) {
                begin(waiting.dequeueInt(), s.now());
            }
            if (stream == OFM) {
                pipeline.written(s, k, s.now());
                wakeReaders(s.now());
            } else {
                pipeline.operandArrived(s, k, s.now());
            }
        }

        private void addReader(ReadBehindWrites r) {
            if (reader == null) {
                reader = r;
            } else if (secondReader == null) {
                secondReader = r;
            } else {
                // Only the IFM and IFM2 of the one step that started while this one drains can wait for its writes
                // (a copy starts once the step before it has read all its operands: then it waits alone).
                throw new IllegalStateException("a third read waits for the writes of step " + step());
            }
        }

        /** Starts the reads that waited for this stream's writes, once the writes they wait for are done. */
        private void wakeReaders(long nowPs) {
            if (reader != null && reader.writesDone(nowPs)) {
                reader = secondReader;
                secondReader = null;
                wakeReaders(nowPs);
            } else if (secondReader != null && secondReader.writesDone(nowPs)) {
                secondReader = null;
            }
        }
    }

    /**
     * A read of data that earlier NPU steps may still write (the next step started while this one drains; the parts
     * of a concatenation, each written by its own step; a memory copy into another memory, which starts when its
     * producer's last block leaves the output stage): it begins only when the writes its producers had issued by
     * then are done. AXI keeps a read behind the writes issued before it to the same place, and the trains here
     * would otherwise let it overtake them. A block stream's reads wait so block by block, a copy's for its source.
     */
    private abstract class ReadBehindWrites {
        /** The steps whose OFM is read, latest first ({@link #producersOf}; none for a stream that reads no OFM). */
        private final Pipeline[] producers;
        /** The producer whose writes the read waits for, or null. */
        private Pipeline awaited;
        /** The producer's {@code done} count the read waits for, or -1. */
        private int awaitedWrites = -1;
        /** Since when the read has waited, and whether any of the writes it waited for was another layer's. */
        private long awaitingFromPs;
        private boolean waitedForOtherLayer;

        ReadBehindWrites(Pipeline[] producers) {
            this.producers = producers;
        }

        /** The reading step. */
        abstract int step();

        /** The channel resource the read uses. */
        abstract int readResource();

        /** Moves the read: the writes it waited for are done. */
        abstract void read(long nowPs);

        /** Reads at {@code nowPs}, or once the writes the producers have issued by then are done. */
        final void beginRead(long nowPs) {
            awaitingFromPs = nowPs;
            waitedForOtherLayer = false;
            if (!awaitWrites()) {
                read(nowPs);
            }
        }

        /** Waits for the first producer with writes not yet done, if any; returns whether the read waits. */
        private boolean awaitWrites() {
            for (Pipeline p : producers) {
                if (p.ofmStream.done < p.ofmStream.added) {
                    awaited = p;
                    awaitedWrites = p.ofmStream.added;
                    waitedForOtherLayer |= layerIndex(p.step) != layerIndex(step());
                    p.ofmStream.addReader(this);
                    return true;
                }
            }
            return false;
        }

        /**
         * The producer it waits for has written more: once what it waited for is written, waits for the next producer
         * with writes not yet done, or starts the read. Returns whether it no longer waits for this producer.
         */
        private boolean writesDone(long nowPs) {
            if (awaited.ofmStream.done < awaitedWrites) {
                return false;
            }
            awaited = null;
            awaitedWrites = -1;
            if (awaitWrites()) {
                return true;
            }
            if (layerDetail) {
                // Behind the producer's writes on the channel: time on the layer's critical path, as a wait for the
                // port would be, and queued time when the producer is another layer (a wait for the layer's own
                // writes, as one behind its own reservations, is its own busy time).
                if (waitedForOtherLayer) {
                    countQueued(step(), readResource(), awaitingFromPs, nowPs);
                }
                slots.add((long) layerIndex(step()) * resources.size() + readResource());
                slots.add(awaitingFromPs);
                slots.add(nowPs);
            }
            read(nowPs);
            return true;
        }
    }

    /** Whether the step after {@code i} runs on the CPU. */
    private boolean nextIsCpu(int i) {
        return i + 1 < stepCount && plan.steps().get(i + 1) instanceof Step.Cpu;
    }

    /**
     * When the step after {@code i} may start, step i's MAC array having finished its last block at {@code nowPs}
     * while i's output stage drains (the Ethos-U's block dependency, BLOCKDEP); or -1 for "at i's last write". It may
     * start at once when it does not read i's OFM, or when its first IFM block needs only part of that OFM and i
     * wrote it in several blocks, so the part it needs is already written. A consumer that needs the whole tensor at
     * once (global pooling, fully connected) and CPU steps wait for the last write. An earlier step still in its
     * output stage (i started beside it) whose OFM the next step reads delays the start until that step's last
     * block has left the output stage.
     */
    private long earliestNextStart(int i, int producerBlocks, long nowPs) {
        if (i + 1 >= stepCount || !(plan.steps().get(i + 1) instanceof Step.Npu next)) {
            return -1;
        }
        long start = nowPs;
        for (int k = i - 1; k >= 0 && pipelines[k] != null && pipelines[k].drainedPs() > nowPs; k--) {
            if (reads(next, work[k].step().op().tensors().ofm())) {
                if (pipelines[k].drainedPs() == Long.MAX_VALUE) {
                    return -1;
                }
                start = Math.max(start, pipelines[k].drainedPs());
            }
        }
        if (!reads(next, work[i].step().op().tensors().ofm())) {
            return start;
        }
        var ifm = next.op().ifm();
        var block = next.blockConfig().ifmBlock();
        return producerBlocks > 1 && (block.h() < ifm.h() || block.w() < ifm.w()) ? start : -1;
    }

    /** Whether {@code step} reads the data of tensor {@code t} (its storage) as its IFM or second IFM. */
    private boolean reads(Step.Npu step, int t) {
        int data = storageOf(t);
        return storageOf(step.op().tensors().ifm()) == data
                || (step.op().tensors().ifm2().isPresent() && storageOf(step.op().tensors().ifm2().getAsInt()) == data);
    }

    private int storageOf(int t) {
        return t >= 0 && t < storage.length ? storage[t] : t;
    }

    private void recordBytes(int i) {
        StepWork w = work[i];
        Step.Npu n = w.step();
        ByteCounter b = bytes[i];
        b.read(n.ifm().channel().memory(), w.ifmBytes());
        b.read(w.ifm2Channel().memory(), w.ifm2Bytes());
        b.write(n.ofm().channel().memory(), w.ofmBytes());
        n.weights().ifPresent(p -> b.read(p.readFrom().memory(), (long) Math.ceil(w.streamedWeightFetchBytes())));
    }

    // ---- DMA ----

    /** Returns whether the transfers a block of {@code slice} needs (its LUT and its weight slice) are done. */
    private boolean sliceReady(int step, int slice) {
        return transfersDone(step, slice, true);
    }

    /** Returns whether the weight transfers a block of {@code slice} needs (its LUT aside) are done. */
    private boolean weightsArrived(int step, int slice) {
        return transfersDone(step, slice, false);
    }

    private boolean transfersDone(int step, int slice, boolean withLut) {
        for (int t : stepTransfers[step]) {
            Transfer tr = transfers.get(t);
            boolean needed = (tr.everySlice() || tr.slice() == slice) && (withLut || tr.slice() >= 0);
            if (needed && !transferComplete[t]) {
                return false;
            }
        }
        return true;
    }

    private void sliceComputed(int step, int slice) {
        lastComputedSlice[step] = Math.max(lastComputedSlice[step], slice);
        pumpDma();
    }

    /** Starts the next DMA transfer when the engine is free and the transfer is released. */
    private void pumpDma() {
        // A copy waiting for the engine is started the moment it is free (onDmaFree), so none waits here.
        if (dmaBusy || nextTransfer >= transfers.size()) {
            return;
        }
        Transfer t = transfers.get(nextTransfer);
        if (!released(t)) {
            return;
        }
        nextTransfer++;
        startJob(t.step(), nextTransfer - 1, t.source(), t.destination(), t.bytes(), t.slice(), t.slice() < 0 ? "lut" : "weights");
        // Weights and LUTs are constants: nothing writes them, so the first train is read at once.
        readTrain(t.step(), sim.now());
    }

    /**
     * Starts a job on the DMA engine: transfer {@code transfer} of step {@code step} (a weight slice or LUT), or, with
     * {@code transfer} −1, memory-copy step {@code step}. The caller reads the first train; the engine holds the job
     * until its last train is read.
     */
    private void startJob(int step, int transfer, Channel source, Channel destination, long jobBytes, int slice, String what) {
        dmaBusy = true;
        dmaTransfer = transfer;
        dmaSource = source;
        dmaDestination = destination;
        // Looked up once per job, not per train (a lookup builds the channel's label).
        dmaReadResource = channel(source, DMA_READ);
        dmaWriteResource = destination == null ? -1 : channel(destination, DMA_WRITE);
        dmaBytes = jobBytes;
        dmaSlice = slice;
        dmaWhat = what;
        dmaStartPs = sim.now();
        dmaTrainsLeft = trainsOf(jobBytes);
        dmaTrainBytes = (double) jobBytes / dmaTrainsLeft;
        dmaTrainReadPs = transferPs(dmaTrainBytes, source.timing());
        dmaTrainWritePs = destination == null ? 0 : transferPs(dmaTrainBytes, destination.timing());
        dmaWrittenPs = dmaStartPs;
        Arrays.fill(dmaTrainWrittenPs, dmaStartPs);
        dmaTrainsRead = 0;
        if (destination != null) {
            bytes[step].write(destination.memory(), jobBytes);
        }
        bytes[step].read(source.memory(), jobBytes);
    }

    /** Reads the active job's next burst train from its source (as {@link BlockStream#moveTrain} moves a block's). */
    private void readTrain(int step, long nowPs) {
        long readEnd = reserve(step, dmaReadResource, DMA_READ, nowPs, dmaTrainReadPs, dmaTrainReadPs, STREAMS.get(DMA_READ),
                dmaSlice, dmaTrainBytes);
        sim.at(readEnd, dmaTrainRead, step);
    }

    /**
     * A burst train of the active job has been read: it is written to the destination while the next one is read.
     * The DMA moves a job in trains, so the NPU's own fetches on the same ports are served between them instead of
     * queueing behind a whole weight slice or copy, and a fast destination is written as a slow source delivers (not
     * in one block at its own rate at the start). The engine is busy until it has read the last train and may then
     * start the next job: it keeps several bursts in flight, so the last write and the source's read latency delay
     * the data, not the engine (back-to-back transfers pay the latency once, as Vela's mem2mem does for a whole
     * buffer). A transfer's data then arrives for its step; a copy's step ends.
     */
    private void onTrainRead(Simulation s, int step) {
        long now = s.now();
        // Back-pressure: the engine holds DMA_BUFFERED_TRAINS trains read but not yet written. The next read waits
        // until the oldest of them is written; otherwise a source faster than a busy destination would
        // queue writes far ahead and take the destination port from the NPU's own fetches (a faster DRAM made
        // MobileNet v2 slower on U65 before).
        long readFrom = now;
        if (dmaDestination != null) {
            long written = reserve(step, dmaWriteResource, DMA_WRITE, now, dmaTrainWritePs, dmaTrainWritePs,
                    STREAMS.get(DMA_WRITE), dmaSlice, dmaTrainBytes);
            int slot = dmaTrainsRead++ % DMA_BUFFERED_TRAINS;
            dmaTrainWrittenPs[slot] = written;
            readFrom = Math.max(now, dmaTrainWrittenPs[(slot + 1) % DMA_BUFFERED_TRAINS]);
            dmaWrittenPs = Math.max(dmaWrittenPs, written);
        }
        if (--dmaTrainsLeft > 0) {
            if (readFrom > now) {
                sim.at(readFrom, dmaTrainNext, step);
            } else {
                readTrain(step, now);
            }
            return;
        }
        reserve(step, DMA, dmaStartPs, now - dmaStartPs, dmaWhat, dmaSlice, dmaBytes);
        long end = Math.max(dmaWrittenPs, now + clock.toPs(dmaSource.timing().readLatencyCycles()));
        sim.at(readFrom, dmaFree, step);
        if (dmaTransfer >= 0) {
            sim.at(end, dmaDone, dmaTransfer);
        } else {
            sim.at(end, copyDone, step);
        }
    }

    /** The DMA engine has read a job's last train and may start the next (its data may still be in flight). */
    private void onDmaFree(Simulation s, int step) {
        dmaBusy = false;
        if (pendingCopy >= 0) {
            int copy = pendingCopy;
            pendingCopy = -1;
            startCopy(copy);
            return;
        }
        pumpDma();
    }

    /**
     * Starts memory-copy step {@code i} on the DMA engine. The copy starts when its producer's last block leaves the
     * output stage, as a next NPU step may, so its source is read, as any read, behind the writes the producer has
     * issued; the engine holds the job meanwhile.
     */
    private void startCopy(int i) {
        Step.Dma d = (Step.Dma) plan.steps().get(i);
        startJob(i, -1, d.source().channel(), d.destination().channel(), d.bytes(), -1, "copy");
        new CopySource(i, producersOf(i, d.op().tensors().ifm())).beginRead(sim.now());
    }

    /** A memory copy's read of its source, which waits for its producers' writes ({@link ReadBehindWrites}). */
    private final class CopySource extends ReadBehindWrites {
        private final int step;

        CopySource(int step, Pipeline[] producers) {
            super(producers);
            this.step = step;
        }

        @Override
        int step() {
            return step;
        }

        @Override
        int readResource() {
            return dmaReadResource;
        }

        @Override
        void read(long nowPs) {
            readTrain(step, nowPs);
        }
    }

    /** A memory copy's data is in place: its step ends, and a transfer waiting for it may start. */
    private void onCopyDone(Simulation s, int i) {
        onFinishStep(s, i);
        pumpDma();
    }

    private boolean released(Transfer t) {
        // Nothing moves before the driver has invoked the NPU on the transfer's subgraph.
        if (!issued[subgraphFirst[t.step()]] || !overlap && !issued[t.step()]) {
            return false;
        }
        Step.TransferGate gate = work[t.step()].step().transferGate();
        if (gate.afterStarted().isPresent() && !issued[gate.afterStarted().getAsInt()]
                || gate.afterComputed().isPresent() && !computed[gate.afterComputed().getAsInt()]) {
            return false;
        }
        if (t.slice() >= 2) {
            // Double buffering: slice s reuses the buffer of slice s-2, free once that slice has computed.
            return lastComputedSlice[t.step()] >= t.slice() - 2;
        }
        return true;
    }

    private void onDmaDone(Simulation s, int index) {
        Transfer t = transfers.get(index);
        transferComplete[index] = true;
        Pipeline p = pipelines[t.step()];
        if (p != null) {
            p.transferArrived(s);
        }
    }

    // ---- Accounting ----

    private long reserve(int step, int resource, long ready, long durationPs, String what, int block, double bytes) {
        return reserve(step, resource, NO_STREAM, ready, durationPs, durationPs, what, block, bytes);
    }

    /**
     * Reserves {@code resource} for {@code durationPs} from {@code ready} on (after its earlier reservations) and
     * returns the end; {@code busyPs} of it count as the step's busy time of the resource (less than the duration
     * when the resource is held waiting), and of the channel {@code stream} when it is one.
     */
    private long reserve(int step, int resource, int stream, long ready, long durationPs, long busyPs, String what, int block,
            double bytes) {
        Resource r = resources.get(resource);
        long end = r.reserve(ready, durationPs);
        long start = end - durationPs;
        if (layerDetail) {
            int layer = layerIndex(step);
            prunePending(resource, Math.min(ready, sim.now()));
            if (start > ready) {
                countWait(step, resource, layer, ready, start);
            }
            if (resource != DMA) {
                // The DMA engine's reservation sums a job whose trains the ports carry (the path follows them, and
                // the source's read latency is idle time). A CPU layer's path is replaced by the CPU model's parts
                // (outcome).
                slots.add((long) layer * resources.size() + resource);
                slots.add(ready);
                slots.add(start + busyPs);
            }
            addPending(resource, start, end, layer);
        }
        busy[step][resource] += busyPs;
        if (stream != NO_STREAM) {
            streamBusy[step][resource * STREAMS.size() + stream] += busyPs;
        }
        // A slot that begins before its layer (a prefetch, or one reserved from a time already past: the DMA engine's,
        // once its transfer is done) is clipped to the layer's start at the end of the run, when that is known; one
        // that begins after the layer's start hides nothing (a MAC array held by a block from a time past).
        if (start < layerStartOf(step)) {
            aheadSlots.add(step);
            aheadSlots.add(resource);
            aheadSlots.add(end - durationPs);
            aheadSlots.add(end);
        }
        if (timeline != null) {
            // What the resource did: the MAC array's compute, not the time it was held waiting for its operands, so
            // that a track's slices add up to the busy time the result reports.
            timeline.add(new Timeline.Slice(resourceTracks.get(resource), step, what, block, start, start + busyPs, bytes));
        }
        return end;
    }

    /**
     * Counts the part of a wait of step {@code step} for {@code resource}, from {@code readyPs} to {@code startPs},
     * that the resource spent on other layers' reservations: the pending ones that end after the wait began.
     */
    private void countWait(int step, int resource, int layer, long readyPs, long startPs) {
        long from = uncountedFrom(step, resource, readyPs, startPs);
        if (from < 0) {
            return;
        }
        boolean withinLayer = layerStartOf(step) <= from;
        long[] starts = pendingStart[resource];
        long[] ends = pendingEnd[resource];
        int[] layers = pendingLayer[resource];
        int mask = starts.length - 1;
        for (int k = pendingSize[resource] - 1; k >= 0; k--) {
            int slot = (pendingHead[resource] + k) & mask;
            long end = ends[slot];
            if (end <= from) {
                break;
            }
            if (layers[slot] == layer) {
                continue;
            }
            long lo = Math.max(from, starts[slot]);
            long hi = Math.min(startPs, end);
            if (hi <= lo) {
                continue;
            }
            addQueued(step, resource, lo, hi, withinLayer);
        }
    }

    /**
     * Counts a wait of step {@code step} from {@code fromPs} to {@code toPs} that was all behind other layers' use of
     * {@code resource} (a read waiting for an earlier layer's writes of its data), as {@link #countWait} counts
     * the part of a queue wait that was.
     */
    private void countQueued(int step, int resource, long fromPs, long toPs) {
        long from = uncountedFrom(step, resource, fromPs, toPs);
        if (from >= 0) {
            addQueued(step, resource, from, toPs, layerStartOf(step) <= from);
        }
    }

    /**
     * Returns where the part of a wait of {@code step} for {@code resource} from {@code fromPs} to {@code toPs} not
     * yet counted begins, and marks it counted; −1 when all of it was (overlapping waits count once).
     */
    private long uncountedFrom(int step, int resource, long fromPs, long toPs) {
        long from = Math.max(fromPs, queueCountedUntil[step][resource]);
        if (from >= toPs) {
            return -1;
        }
        queueCountedUntil[step][resource] = toPs;
        return from;
    }

    /** Adds a wait behind another layer: to the layer's queued time, or, begun before the layer, to the early waits. */
    private void addQueued(int step, int resource, long lo, long hi, boolean withinLayer) {
        if (withinLayer) {
            queued[step][resource] += hi - lo;
        } else {
            earlyWaits.add(step);
            earlyWaits.add(resource);
            earlyWaits.add(lo);
            earlyWaits.add(hi);
        }
    }

    /** Drops the pending reservations of {@code resource} that ended by {@code nowPs}. */
    private void prunePending(int resource, long nowPs) {
        int mask = pendingEnd[resource].length - 1;
        while (pendingSize[resource] > 0 && pendingEnd[resource][pendingHead[resource]] <= nowPs) {
            pendingHead[resource] = (pendingHead[resource] + 1) & mask;
            pendingSize[resource]--;
        }
    }

    /**
     * Appends a reservation to {@code resource}'s pending queue, doubling the queue when it is full. A reservation
     * that starts where the newest one of the same layer ends extends it instead (the trains of a block transfer on
     * a port no other stream is using): a wait's overlap with the two is its overlap with their union.
     */
    private void addPending(int resource, long startPs, long endPs, int layer) {
        int size = pendingSize[resource];
        if (size > 0) {
            int newest = (pendingHead[resource] + size - 1) & (pendingEnd[resource].length - 1);
            if (pendingEnd[resource][newest] == startPs && pendingLayer[resource][newest] == layer) {
                pendingEnd[resource][newest] = endPs;
                return;
            }
        }
        int capacity = pendingEnd[resource].length;
        if (pendingSize[resource] == capacity) {
            long[] starts = new long[2 * capacity];
            long[] ends = new long[2 * capacity];
            int[] layers = new int[2 * capacity];
            for (int k = 0; k < capacity; k++) {
                int slot = (pendingHead[resource] + k) & (capacity - 1);
                starts[k] = pendingStart[resource][slot];
                ends[k] = pendingEnd[resource][slot];
                layers[k] = pendingLayer[resource][slot];
            }
            pendingStart[resource] = starts;
            pendingEnd[resource] = ends;
            pendingLayer[resource] = layers;
            pendingHead[resource] = 0;
            capacity *= 2;
        }
        int slot = (pendingHead[resource] + pendingSize[resource]) & (capacity - 1);
        pendingStart[resource][slot] = startPs;
        pendingEnd[resource][slot] = endPs;
        pendingLayer[resource][slot] = layer;
        pendingSize[resource]++;
    }

    /**
     * Returns the index of the layer of a step among operators then steps without one: for per-layer arrays, and the
     * layer a pending reservation was made for.
     */
    private int layerIndex(int step) {
        int op = operatorOf[step];
        return op >= 0 ? op : layerStartPs.length + step;
    }

    /**
     * Returns, per step, the critical path of its layer when it is the layer's last step (empty otherwise): where the
     * layer's time went, from its start to its end, by resource. Walking back from the layer's end, the work that
     * ended last before the current time is what the layer waited on there: its time from ready (queue included) to
     * end goes to its resource, and the walk goes on from its ready; time that no work of the layer ends into is
     * {@link #IDLE}. Each resource serves its reservations in order, so its ends rise with them, and the walk keeps
     * one pointer per resource: linear in the reservations times the resources.
     */
    private List<Map<String, Long>> criticalPaths() {
        int n = slots.size() / 3;
        int layers = layerStartPs.length + stepCount;
        int width = resources.size();
        // Counting sort of the reservations by (layer, resource), keeping their order.
        long[] slot = slots.elements();
        int[] first = new int[layers * width + 1];
        for (int k = 0; k < n; k++) {
            first[(int) slot[3 * k] + 1]++;
        }
        for (int b = 0; b < layers * width; b++) {
            first[b + 1] += first[b];
        }
        // Each reservation's ready and end, in that order, copied out so that the walk reads them in sequence.
        long[] readyOf = new long[n];
        long[] endOf = new long[n];
        int[] fill = Arrays.copyOf(first, first.length);
        for (int k = 0; k < n; k++) {
            int at = fill[(int) slot[3 * k]]++;
            readyOf[at] = slot[3 * k + 1];
            endOf[at] = slot[3 * k + 2];
        }
        long[] layerEnd = new long[layers];
        long[] layerStart = new long[layers];
        int[] lastStep = new int[layers];
        Arrays.fill(layerStart, Long.MAX_VALUE);
        Arrays.fill(lastStep, -1);
        for (int i = 0; i < stepCount; i++) {
            int l = layerIndex(i);
            layerEnd[l] = Math.max(layerEnd[l], Math.max(0, stepEnd[i]));
            layerStart[l] = Math.min(layerStart[l], Math.max(0, stepStart[i]));
            lastStep[l] = i;
        }
        List<Map<String, Long>> out = new ArrayList<>(java.util.Collections.nCopies(stepCount, Map.<String, Long>of()));
        int[] pointer = new int[width];
        int[] low = new int[width];
        int[] used = new int[width];
        long[] onPath = new long[width];
        for (int l = 0; l < layers; l++) {
            if (lastStep[l] < 0 || layerEnd[l] <= layerStart[l]) {
                continue;
            }
            // The resources the layer reserved, each with its reservations from low to pointer (latest first).
            int count = 0;
            for (int r = 0; r < width; r++) {
                int lo = first[l * width + r];
                int hi = first[l * width + r + 1];
                if (hi > lo) {
                    used[count] = r;
                    low[count] = lo;
                    pointer[count] = hi - 1;
                    onPath[count] = 0;
                    count++;
                }
            }
            long idle = 0;
            long t = layerEnd[l];
            while (t > layerStart[l]) {
                int best = -1;
                long bestEnd = Long.MIN_VALUE;
                for (int u = 0; u < count; u++) {
                    int p = pointer[u];
                    while (p >= low[u] && endOf[p] > t) {
                        p--;
                    }
                    pointer[u] = p;
                    if (p >= low[u] && endOf[p] > bestEnd) {
                        bestEnd = endOf[p];
                        best = u;
                    }
                }
                if (best < 0 || bestEnd <= layerStart[l]) {
                    idle += t - layerStart[l];
                    break;
                }
                idle += t - bestEnd;
                long ready = Math.max(layerStart[l], readyOf[pointer[best]]);
                onPath[best] += Math.max(0, bestEnd - ready);
                t = Math.min(bestEnd, ready);
                pointer[best]--;
            }
            TreeMap<String, Long> path = new TreeMap<>();
            for (int u = 0; u < count; u++) {
                if (onPath[u] > 0) {
                    path.merge(resourceTracks.get(used[u]), onPath[u], Long::sum);
                }
            }
            if (idle > 0) {
                path.put(IDLE, idle);
            }
            out.set(lastStep[l], path);
        }
        return out;
    }

    /** The critical path's name for time that no work of the layer ended into (a dependency, a latency). */
    static final String IDLE = "idle";

    /** Adds to {@link #queued} the part of each early wait after its step's layer started. */
    private void addEarlyWaits() {
        for (int k = 0; k < earlyWaits.size(); k += 4) {
            int step = (int) earlyWaits.getLong(k);
            long lo = Math.max(earlyWaits.getLong(k + 2), layerStartOf(step));
            queued[step][(int) earlyWaits.getLong(k + 1)] += Math.max(0, earlyWaits.getLong(k + 3) - lo);
        }
    }

    /**
     * Returns, per step and resource, the busy time that ran before the step's layer started: the part of each
     * {@link #aheadSlots ahead} reservation before the earliest start of the layer's steps. That time overlapped
     * earlier layers, so the layer never waited on it.
     */
    private long[][] hiddenBusy() {
        long[][] hidden = new long[stepCount][resources.size()];
        for (int k = 0; k < aheadSlots.size(); k += 4) {
            int step = (int) aheadSlots.getLong(k);
            long layerStart = layerStartOf(step);
            long slotStart = aheadSlots.getLong(k + 2);
            long slotEnd = aheadSlots.getLong(k + 3);
            hidden[step][(int) aheadSlots.getLong(k + 1)] += Math.max(0, Math.min(slotEnd, layerStart) - slotStart);
        }
        return hidden;
    }

    private StepOutcome outcome(int i, long[] hidden, Map<String, Long> critical) {
        TreeMap<String, Long> busyMap = new TreeMap<>();
        TreeMap<String, Long> hiddenMap = new TreeMap<>();
        TreeMap<String, Long> queuedMap = new TreeMap<>();
        TreeMap<String, Map<String, Long>> streamMap = new TreeMap<>();
        for (int r = 0; r < resources.size(); r++) {
            long b = busy[i][r];
            if (b == 0 && queued[i][r] == 0) {
                continue;
            }
            // Without contention a channel has a resource per stream; the step's figures merge them by track (with
            // contention a resource's track is its label).
            String label = resourceTracks.get(r);
            busyMap.merge(label, b, Long::sum);
            if (hidden[r] > 0) {
                hiddenMap.merge(label, hidden[r], Long::sum);
            }
            if (queued[i][r] > 0) {
                queuedMap.merge(label, queued[i][r], Long::sum);
            }
            for (int k = 0; k < STREAMS.size(); k++) {
                long sb = streamBusy[i][r * STREAMS.size() + k];
                if (sb > 0) {
                    streamMap.computeIfAbsent(label, x -> new TreeMap<>()).merge(STREAMS.get(k), sb, Long::sum);
                }
            }
        }
        // Without a critical path (a run for totals only), the step is bound by its busy time within its layer, not
        // work hidden under earlier ones; the layer's critical path, where there is one, decides instead.
        Map.Entry<String, Long> busiest = StepOutcome.busiestWithin(busyMap, hiddenMap);
        String bottleneck = busiest == null ? FixedResource.NONE.label() : busiest.getKey();
        long best = busiest == null ? -1 : busiest.getValue();
        long start = Math.max(0, stepStart[i]);
        long end = Math.max(start, stepEnd[i]);
        if (cpuCosts[i] != null) {
            // An in-order core's time is its instructions then its stalls, one after the other: that is its critical
            // path (kept with the other layers' paths), and the CPU model's bottleneck is the largest part. Time the
            // step waited for the CPU before its kernel ran (the driver's work) is idle.
            CpuCost.Cost cost = cpuCosts[i];
            bottleneck = cost.bottleneck();
            best = cost.partsPs().getOrDefault(bottleneck, 0L);
            if (layerDetail) {
                TreeMap<String, Long> path = new TreeMap<>(cost.partsPs());
                long waited = end - start - cost.durationPs();
                if (waited > 0) {
                    path.merge(IDLE, waited, Long::sum);
                }
                critical = path;
            }
        }
        long macs = work[i] == null ? 0 : work[i].step().op().macs();
        return new StepOutcome(i, start, end, bottleneck, Math.min(end - start, Math.max(0, best)), busyMap, hiddenMap, queuedMap,
                critical, streamMap,
                bytes[i].read, bytes[i].write, macs);
    }

    /**
     * Checks at the end of a run that nothing was lost: every step started and ended, every DMA transfer completed,
     * every block of every NPU step went through the MAC array and the output stage, and its blocks' transfers
     * add up to its whole IFM, IFM2, OFM and weight streams. A violation is a simulator bug, not bad input.
     */
    private void checkConservation() {
        for (int i = 0; i < stepCount; i++) {
            if (stepStart[i] < 0 || stepEnd[i] < stepStart[i]) {
                throw new IllegalStateException("step " + i + " did not run to completion");
            }
            Pipeline p = pipelines[i];
            if (work[i] != null) {
                if (p == null) {
                    throw new IllegalStateException("NPU step " + i + " has no pipeline");
                }
                for (int left : p.sliceBlocksLeft) {
                    if (left != 0) {
                        throw new IllegalStateException("NPU step " + i + " left " + left + " blocks unfinished");
                    }
                }
                StepWork w = work[i];
                checkMoved(i, IFM, w.ifmBytes() * w.ifmEfficiency());
                checkMoved(i, IFM2, w.ifm2Bytes() * w.ifm2Efficiency());
                checkMoved(i, OFM, w.ofmBytes() * w.ofmEfficiency());
                checkMoved(i, WEIGHTS, w.step().weights().isPresent() ? w.streamedWeightFetchBytes() : 0);
            }
        }
        for (int t = 0; t < transfers.size(); t++) {
            if (!transferComplete[t]) {
                throw new IllegalStateException("DMA transfer " + t + " of step " + transfers.get(t).step() + " never completed");
            }
        }
        long macBlocks = resources.get(MAC).transactions();
        long outBlocks = resources.get(OUTPUT).transactions();
        if (macBlocks != outBlocks) {
            throw new IllegalStateException(macBlocks + " blocks entered the MAC array but " + outBlocks + " left the output stage");
        }
    }

    /**
     * Checks that step i's block transfers of {@code stream} add up to the whole stream, {@code expected} bytes (the
     * shares are 1/blocks each, so only the rounding of their sum is allowed).
     */
    private void checkMoved(int i, int stream, double expected) {
        double moved = streamBytes[i][stream];
        if (Math.abs(moved - expected) > 1e-6 * Math.max(1, expected)) {
            throw new IllegalStateException("NPU step " + i + " moved " + moved + " bytes of its " + STREAMS.get(stream)
                    + " stream, expected " + expected);
        }
    }

    /** Returns the number of events the run handled. */
    long events() {
        return sim.eventsRun();
    }
}
