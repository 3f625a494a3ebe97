// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.npusim.des.ClockDomain;
import org.npusim.npu.CostModel;
import org.npusim.npu.MemoryTiming;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.OpCost;
import org.npusim.plan.Channel;
import org.npusim.plan.DmaModel;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Step;
import org.npusim.plan.WeightPlan;
import org.npusim.result.FixedResource;

/**
 * The Vela-compatible evaluation of NPU steps: each step costs {@code max(NPU, AC[channel]...)}, where NPU is the
 * compute estimate plus the weight and LUT DMA that the previous step's slack (the planner's estimate of it, as
 * Vela's scheduler made it) cannot hide, and AC is the bytes each channel moves (burst-inflated) over its
 * bandwidth (ethos-u-facts.md §3.5-§3.7). No overlap between steps beyond Vela's slack term, no contention
 * between streams. It exists to show that the component models agree
 * with Vela; the default simulation is event-driven.
 */
public final class VelaEstimator {

    /** SHRAM as a DMA destination: clock scale 1, no latency (§2.6); its width is the AXI width. */
    private final MemoryTiming shram;
    private final CostModel costs;
    private final ExecutionPlan plan;

    public VelaEstimator(ExecutionPlan plan) {
        this.plan = plan;
        this.costs = new CostModel(plan.npu().variant());
        this.shram = new MemoryTiming("shram", plan.npu().variant().axiBytesPerCycle(), 1, 0, 0);
    }

    /**
     * The estimate of one NPU step, in NPU cycles.
     *
     * @param dmaCycles what the step's weight, LUT or copy transfers keep busy, for the report: the DMA engine and
     *     the port it reads through, each for the whole transfer (Vela counts it in {@code npuCycles}, not in the
     *     access cycles, so it takes no part in the maximum)
     * @param hiddenDmaCycles the part of those transfers that runs under the previous step's slack, before this step
     *     (Vela subtracts it from {@code npuCycles}): reported as hidden, as the event-driven mode reports a prefetch
     */
    public record Estimate(OpCost compute, double npuCycles, Map<String, Double> accessCycles, double totalCycles,
            String bottleneck, ByteCounter bytes, double slackCycles, Map<String, Double> dmaCycles, double hiddenDmaCycles) {}

    /**
     * Returns the estimates of every NPU step in plan order (CPU steps get none). Each step's DMA hides under the
     * previous step's slack as the plan gives it (Vela's {@code slack_buffering_cycles}); a DMA copy has none, and
     * each NPU subgraph (a run of steps between CPU operators) starts without (calc_new_performance_for_network).
     */
    public List<Estimate> estimateAll() {
        List<Estimate> out = new ArrayList<>();
        double slackPrevious = 0;
        for (Step s : plan.steps()) {
            if (s instanceof Step.Npu n) {
                Estimate e = estimate(n, slackPrevious);
                out.add(e);
                slackPrevious = e.slackCycles();
            } else if (s instanceof Step.Dma d) {
                Estimate e = estimate(d, slackPrevious);
                out.add(e);
                slackPrevious = e.slackCycles();
            } else {
                out.add(null);
                slackPrevious = 0;
            }
        }
        return out;
    }

    /**
     * Estimates a DMA copy (Vela's Memcpy): no compute and no access cycles; the transfer, when it crosses
     * memories, minus what the previous step's slack hides.
     */
    public Estimate estimate(Step.Dma d, double slackPrevious) {
        ByteCounter bytes = new ByteCounter();
        double npu = 0;
        double hidden = 0;
        Map<String, Double> dma = new TreeMap<>();
        if (d.crossesMemories()) {
            double transfer = DmaModel.transferCycles(d.source().channel().timing(), d.destination().channel().timing(), d.bytes());
            npu = Math.max(transfer - slackPrevious, 0);
            hidden = transfer - npu;
            dmaBusy(dma, d.source().channel(), transfer);
            bytes.read(d.source().channel().memory(), d.bytes());
            bytes.write(d.destination().channel().memory(), d.bytes());
        }
        return new Estimate(new OpCost(0, 0, 0, 0, 0, 0), npu, new TreeMap<>(), npu, FixedResource.DMA.label(), bytes, 0, dma,
                hidden);
    }

    /** Estimates one NPU step given the previous NPU step's slack (its compute that can hide DMA). */
    public Estimate estimate(Step.Npu s, double slackPrevious) {
        NpuOperation op = s.op();
        StepWork work = StepWork.of(s, costs, plan.npu());
        OpCost compute = work.compute();
        TreeMap<String, Double> access = new TreeMap<>();
        ByteCounter bytes = new ByteCounter();
        charge(access, s.ifm().channel(), work.ifmBytes() * work.ifmEfficiency());
        bytes.read(s.ifm().channel().memory(), work.ifmBytes());
        if (work.ifm2Bytes() > 0) {
            charge(access, work.ifm2Channel(), work.ifm2Bytes() * work.ifm2Efficiency());
            bytes.read(work.ifm2Channel().memory(), work.ifm2Bytes());
        }
        charge(access, s.ofm().channel(), work.ofmBytes() * work.ofmEfficiency());
        bytes.write(s.ofm().channel().memory(), work.ofmBytes());

        double dmaMisc = 0;
        Map<String, Double> dma = new TreeMap<>();
        if (s.lutBytes() > 0) {
            // The LUT is a constant of the operator: it lives with the operator's weights.
            Channel lutSource = work.constants();
            dmaMisc += DmaModel.transferCycles(lutSource.timing(), shram, s.lutBytes());
            dmaBusy(dma, lutSource, dmaMisc);
            bytes.read(lutSource.memory(), s.lutBytes());
        }
        double npu;
        double hidden;
        double slackSelf = s.slackCycles();
        if (s.weights().isPresent() && s.weights().get().buffered()) {
            // npu_performance.estimate_full_op_performance: the first slice must arrive before the MAC array
            // starts; with two buffers the rest streams while earlier slices compute (bounded by the whole
            // transfer plus the last slice's compute), with one buffer it does not overlap at all.
            WeightPlan w = s.weights().get();
            MemoryTiming src = w.source().timing();
            MemoryTiming dst = w.buffer().timing();
            double first = DmaModel.transferCycles(src, dst, roundUp16(w.encoded().slice(0)));
            double full = w.fullTransferCycles();
            dmaBusy(dma, w.source(), full);
            // The transfer starts the previous step's slack before this step: that much of it is hidden (with one
            // buffer, no more than its first slice, as Vela subtracts).
            if (w.buffering() == WeightPlan.Buffering.DOUBLE) {
                npu = Math.max(full - slackPrevious + slackSelf, compute.cycles() + Math.max(first - slackPrevious, 0)) + dmaMisc;
                hidden = Math.min(full, slackPrevious);
            } else {
                npu = compute.cycles() + full - Math.min(first, slackPrevious) + dmaMisc;
                hidden = Math.min(first, slackPrevious);
            }
            bytes.read(w.source().memory(), w.encoded().totalBytes());
            bytes.write(w.buffer().memory(), w.encoded().totalBytes());
            bytes.read(w.buffer().memory(), (long) Math.ceil(work.weightFetchBytes()));
        } else {
            npu = compute.cycles() + Math.max(dmaMisc - slackPrevious, 0);
            hidden = Math.min(dmaMisc, slackPrevious);
            if (s.weights().isPresent()) {
                WeightPlan w = s.weights().get();
                charge(access, w.source(), work.weightFetchBytes());
                bytes.read(w.source().memory(), (long) Math.ceil(work.weightFetchBytes()));
            }
        }
        double total = npu;
        String bottleneck = compute.macStageCycles() >= compute.outputStageCycles() || op.type() == NpuBlockType.ELEMENTWISE
                ? (op.type() == NpuBlockType.ELEMENTWISE ? FixedResource.OUTPUT : FixedResource.MAC).label()
                : FixedResource.OUTPUT.label();
        if (npu > compute.cycles() + 0.5) {
            bottleneck = FixedResource.DMA.label();
        }
        for (Map.Entry<String, Double> e : access.entrySet()) {
            if (e.getValue() > total) {
                total = e.getValue();
                bottleneck = e.getKey();
            }
        }
        return new Estimate(compute, npu, access, total, bottleneck, bytes, slackSelf, dma, hidden);
    }

    /** Adds a transfer of {@code cycles} read from {@code source} to the DMA's busy time and the source port's. */
    private static void dmaBusy(Map<String, Double> dma, Channel source, double cycles) {
        dma.merge(FixedResource.DMA.label(), cycles, Double::sum);
        dma.merge(source.label(), cycles, Double::sum);
    }

    private static void charge(Map<String, Double> access, Channel c, double bytes) {
        access.merge(c.label(), bytes / c.timing().bytesPerCycle(), Double::sum);
    }

    private static long roundUp16(long b) {
        return (b + 15) / 16 * 16;
    }

    /** Converts an estimate to a step outcome placed at {@code startPs}. */
    static StepOutcome outcome(int index, long startPs, Estimate e, ClockDomain npu, long macs) {
        long duration = npu.toPs(e.totalCycles());
        TreeMap<String, Long> busy = new TreeMap<>();
        // The MAC and output stages as Vela counts them, stage cycles times blocks, can exceed the step's total
        // (Vela's total is not their sum: an elementwise operation's 47,520 output cycles in a 24,576-cycle step on
        // resnet8): a unit is reported busy for at most the step, as in the event-driven mode.
        busy.put(FixedResource.MAC.label(), Math.min(duration, npu.toPs(e.compute().macStageCycles() * e.compute().blocks())));
        busy.put(FixedResource.OUTPUT.label(), Math.min(duration, npu.toPs(e.compute().outputStageCycles() * e.compute().blocks())));
        for (Map.Entry<String, Double> a : e.accessCycles().entrySet()) {
            busy.put(a.getKey(), npu.toPs(a.getValue()));
        }
        // A transfer is busy for at most the step, and the part of it hidden under the previous step's slack.
        TreeMap<String, Long> hidden = new TreeMap<>();
        for (Map.Entry<String, Double> d : e.dmaCycles().entrySet()) {
            long transferPs = npu.toPs(d.getValue());
            long hiddenPs = Math.min(transferPs, npu.toPs(e.hiddenDmaCycles()));
            busy.merge(d.getKey(), Math.min(duration + hiddenPs, transferPs), (x, y) -> Math.min(duration + hiddenPs, x + y));
            if (hiddenPs > 0) {
                // Each resource appears once among the transfers' (the DMA, the port they read through), and its
                // busy time holds at least the hidden part (hiddenPs <= transferPs, and duration >= 0).
                hidden.put(d.getKey(), hiddenPs);
            }
        }
        long bottleneckPs = busy.getOrDefault(e.bottleneck(), duration) - hidden.getOrDefault(e.bottleneck(), 0L);
        return new StepOutcome(index, startPs, startPs + duration, e.bottleneck(), Math.max(0, Math.min(duration, bottleneckPs)), busy,
                hidden, Map.of(), Map.of(), Map.of(), e.bytes().read, e.bytes().write, macs);
    }
}
