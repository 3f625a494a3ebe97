// SPDX-License-Identifier: Apache-2.0
package org.npusim.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.MemoryUse;
import org.npusim.result.SimulationResult;

/**
 * Two results compared: totals, the layers present in both (matched by name; a name that occurs several times is
 * matched by occurrence) ordered by the absolute change of their time, largest first, and the layers only one side
 * has. Layer times come from each result's own clock ({@code cycles / clock}), so results at different clocks
 * compare in time.
 *
 * @param a the first result (the baseline)
 * @param b the second result
 * @param totals the changes of the totals, in a fixed order
 * @param layers the layers in both, largest absolute time change first (ties by A's index)
 * @param onlyInA layers only A has, in A's order
 * @param onlyInB layers only B has, in B's order
 */
public record Comparison(SimulationResult a, SimulationResult b, List<Change> totals, List<LayerChange> layers,
        List<LayerResult> onlyInA, List<LayerResult> onlyInB) {

    public Comparison {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        totals = List.copyOf(totals);
        layers = List.copyOf(layers);
        onlyInA = List.copyOf(onlyInA);
        onlyInB = List.copyOf(onlyInB);
    }

    /** The quantity a change measures, for formatting. */
    public enum Quantity {
        SECONDS,
        CYCLES,
        JOULES,
        BYTES
    }

    /**
     * One total in both results.
     *
     * @param name what it is ({@code time}, {@code traffic sram})
     * @param quantity its unit
     * @param a its value in A
     * @param b its value in B
     */
    public record Change(String name, Quantity quantity, double a, double b) {
        /** Returns b - a. */
        public double delta() {
            return b - a;
        }

        /** Returns (b - a) / a, or 0 when a is 0. */
        public double relative() {
            return a == 0 ? 0 : (b - a) / a;
        }
    }

    /**
     * A layer in both results.
     *
     * @param layerA the layer in A
     * @param layerB the layer in B
     * @param secondsA its time in A
     * @param secondsB its time in B
     */
    public record LayerChange(LayerResult layerA, LayerResult layerB, double secondsA, double secondsB) {
        /** Returns the change of time, B - A. */
        public double deltaSeconds() {
            return secondsB - secondsA;
        }

        /** Returns (B - A) / A, or 0 when A took no time. */
        public double relative() {
            return secondsA == 0 ? 0 : (secondsB - secondsA) / secondsA;
        }

        /** Returns whether what bound the layer differs (its label; {@link #unitChanged} says where it ran). */
        public boolean bottleneckChanged() {
            return !layerA.bottleneck().equals(layerB.bottleneck());
        }

        /** Returns whether the layer ran on another unit (the NPU in A, the CPU in B, or the reverse). */
        public boolean unitChanged() {
            return layerA.unit() != layerB.unit();
        }

        /**
         * Returns whether the layer ran another CPU kernel ({@code arm_convolve_s8} in A, {@code arm_convolve_s8
         * [winograd-f4]} in B: {@code --cpu-kernels}), on the same unit in both. A result written before layers
         * named their kernel has none to compare: no change.
         */
        public boolean kernelChanged() {
            return layerA.unit() == layerB.unit() && !layerA.kernel().isEmpty() && !layerB.kernel().isEmpty()
                    && !layerA.kernel().equals(layerB.kernel());
        }
    }

    /** Returns the matched layers that ran another CPU kernel in B, in layer order of A. */
    public List<LayerChange> kernelChanges() {
        return layers.stream().filter(LayerChange::kernelChanged)
                .sorted(Comparator.comparingInt(c -> c.layerA().index())).toList();
    }

    /** Compares {@code a} (the baseline) with {@code b}. */
    public static Comparison of(SimulationResult a, SimulationResult b) {
        double spcA = secondsPerCycle(a);
        double spcB = secondsPerCycle(b);
        Map<String, List<LayerResult>> byName = new HashMap<>();
        for (LayerResult l : b.layers()) {
            byName.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(l);
        }
        Map<String, Integer> used = new HashMap<>();
        List<LayerChange> matched = new ArrayList<>();
        List<LayerResult> onlyA = new ArrayList<>();
        java.util.Set<LayerResult> matchedB = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (LayerResult l : a.layers()) {
            List<LayerResult> candidates = byName.getOrDefault(l.name(), List.of());
            int k = used.merge(l.name(), 1, Integer::sum) - 1;
            if (k < candidates.size()) {
                LayerResult other = candidates.get(k);
                matchedB.add(other);
                matched.add(new LayerChange(l, other, l.cycles() * spcA, other.cycles() * spcB));
            } else {
                onlyA.add(l);
            }
        }
        List<LayerResult> onlyB = new ArrayList<>();
        for (LayerResult l : b.layers()) {
            if (!matchedB.contains(l)) {
                onlyB.add(l);
            }
        }
        matched.sort(Comparator.comparingDouble((LayerChange c) -> -Math.abs(c.deltaSeconds()))
                .thenComparingInt(c -> c.layerA().index()));
        return new Comparison(a, b, totals(a, b), matched, onlyA, onlyB);
    }

    /**
     * Returns the seconds of one of {@code r}'s cycles: of the NPU clock when it has an NPU, else of the CPU clock
     * (the clock its cycles count, design brief). Taken from the clock rather than the total's rounded seconds, so
     * that a layer of equal cycles in A and B shows equal time.
     */
    private static double secondsPerCycle(SimulationResult r) {
        long hz = r.hardware().npu().isEmpty() ? r.hardware().cpuClockHz() : r.hardware().npuClockHz();
        return hz > 0 ? 1.0 / hz : r.total().cycles() == 0 ? 0 : r.total().seconds() / r.total().cycles();
    }

    /** The bytes memory {@code m} holds at its fullest in {@code r}; 0 where {@code r}'s hardware has no such memory. */
    private static long usedBytes(SimulationResult r, String m) {
        MemoryUse u = r.total().memory().get(m);
        return u == null ? 0 : u.usedBytes();
    }

    private static List<Change> totals(SimulationResult a, SimulationResult b) {
        List<Change> out = new ArrayList<>();
        out.add(new Change("time", Quantity.SECONDS, a.total().seconds(), b.total().seconds()));
        out.add(new Change("cycles", Quantity.CYCLES, a.total().cycles(), b.total().cycles()));
        out.add(new Change("energy", Quantity.JOULES, a.total().energyJoules(), b.total().energyJoules()));
        out.add(new Change("NPU active cycles", Quantity.CYCLES, a.total().npuActiveCycles(), b.total().npuActiveCycles()));
        out.add(new Change("CPU cycles", Quantity.CYCLES, a.total().cpuCycles(), b.total().cpuCycles()));
        TreeSet<String> memories = new TreeSet<>(a.total().traffic().keySet());
        memories.addAll(b.total().traffic().keySet());
        for (String m : memories) {
            MemoryTraffic ta = a.total().traffic().getOrDefault(m, MemoryTraffic.NONE);
            MemoryTraffic tb = b.total().traffic().getOrDefault(m, MemoryTraffic.NONE);
            out.add(new Change("traffic " + m, Quantity.BYTES, ta.readBytes() + ta.writeBytes(), tb.readBytes() + tb.writeBytes()));
        }
        out.add(new Change("weights encoded", Quantity.BYTES, a.total().weights().encodedBytes(), b.total().weights().encodedBytes()));
        // What each memory holds at its fullest, where either run uses it; a result written before results had it
        // shows none.
        if (!a.total().memory().isEmpty() && !b.total().memory().isEmpty()) {
            TreeSet<String> held = new TreeSet<>(a.total().memory().keySet());
            held.addAll(b.total().memory().keySet());
            for (String m : held) {
                // A memory neither run uses (a TCM beside the SRAM) would only be a row of zeros.
                if (usedBytes(a, m) > 0 || usedBytes(b, m) > 0) {
                    out.add(new Change("memory used " + m, Quantity.BYTES, usedBytes(a, m), usedBytes(b, m)));
                }
            }
        }
        return out;
    }

    /** Returns the bottleneck changes: layers in both whose bottleneck or unit differs, in A's order. */
    public List<LayerChange> bottleneckChanges() {
        TreeMap<Integer, LayerChange> byIndex = new TreeMap<>();
        for (LayerChange c : layers) {
            if (c.bottleneckChanged() || c.unitChanged()) {
                byIndex.put(c.layerA().index(), c);
            }
        }
        return new ArrayList<>(byIndex.values());
    }
}
