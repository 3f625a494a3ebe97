// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import org.npusim.plan.CachedWeightSizer;
import java.util.Map;
import java.util.function.Function;
import org.npusim.cpu.CpuCostModel;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.MemoryKind;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.kernels.KernelChoice;
import org.npusim.kernels.VariantCpuCostModel;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.plan.PlanCache;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;

/**
 * Evaluates sweep points: resolves the point's description from the parsed base and simulates the model on it. The
 * evaluation is a pure function of (model, resolved description, CPU kernels), safe to call from many threads at
 * once: the model and the parsed description are immutable, and each call builds its own simulator and CPU model.
 */
public final class PointEvaluator {

    private final Model model;
    private final String modelPath;
    private final HardwareDocument document;
    /**
     * Plans shared by the points with equal NPU targets, their weight streams sized with the Ethos-U encoder, as
     * simulate does, each distinct stream once for all points.
     */
    private final PlanCache plans = new PlanCache(new CachedWeightSizer(new EthosUWeightSizer()));

    /** The CPU kernels of the points that do not vary them. */
    private final KernelChoice cpuKernels;

    /**
     * Creates an evaluator of points of {@code model} (read from {@code modelPath}) over {@code document}, with the
     * dense CPU kernels.
     */
    public PointEvaluator(Model model, String modelPath, HardwareDocument document) {
        this(model, modelPath, document, KernelChoice.DENSE);
    }

    /** Creates an evaluator whose CPU layers run {@code cpuKernels} where a point does not vary them. */
    public PointEvaluator(Model model, String modelPath, HardwareDocument document, KernelChoice cpuKernels) {
        this.model = model;
        this.modelPath = modelPath;
        this.document = document;
        this.cpuKernels = cpuKernels;
    }

    /** Resolves and simulates {@code p}; an invalid description or a model that does not fit gives a failure. */
    public PointResult evaluate(SweepPoint p) {
        PointResult.Outcome outcome;
        try {
            KernelChoice kernels = p.cpuKernels().orElse(cpuKernels);
            outcome = measure(model, modelPath, document.resolve(p.overrides()), plans,
                    VariantCpuCostModel.forChoice(kernels, Map.of()));
        } catch (InputException e) {
            outcome = new PointResult.Failure(e.getMessage());
        }
        return new PointResult(p.index(), p.values(), outcome);
    }

    /** Returns how many plans the points evaluated so far made (the others reused one). */
    int plansMade() {
        return plans.made();
    }

    /**
     * Simulates {@code model} on {@code hw} with a plan from {@code plans} and the CPU costed by {@code cpuModels}, and
     * returns the sweep's metrics.
     */
    static PointResult.Metrics measure(Model model, String modelPath, HardwareConfig hw, PlanCache plans,
            Function<HardwareConfig, CpuCostModel> cpuModels) {
        // A point reports totals only: no per-layer queue or critical-path records.
        Simulator.Run run = new Simulator(cpuModels, plans).totalsOnly().run(model, modelPath, hw, false);
        SimulationResult r = run.result();
        long flash = 0;
        long dram = 0;
        for (var e : r.total().traffic().entrySet()) {
            MemoryKind kind = hw.memory(e.getKey()).kind();
            MemoryTraffic t = e.getValue();
            if (kind == MemoryKind.FLASH || kind == MemoryKind.MRAM) {
                flash += t.readBytes() + t.writeBytes();
            } else if (kind == MemoryKind.DRAM) {
                dram += t.readBytes() + t.writeBytes();
            }
        }
        long onChip = 0;
        for (MemoryConfig m : hw.memories()) {
            if (m.kind().onChip()) {
                onChip += m.sizeBytes();
            }
        }
        // What the on-chip memories hold at their fullest, as the run reports it (total.memory): constants, the arena
        // with CPU kernels' scratch and, where fast storage is the arena, weight buffers, and a cache's peak.
        long peak = 0;
        for (var e : r.total().memory().entrySet()) {
            if (hw.memory(e.getKey()).kind().onChip()) {
                peak += e.getValue().usedBytes();
            }
        }
        int macs = hw.npu().map(n -> n.variant().macsPerCycle()).orElse(0);
        return new PointResult.Metrics(r.total().cycles(), r.total().seconds(), r.total().energyJoules(), peak, flash, dram,
                macs, onChip);
    }
}
