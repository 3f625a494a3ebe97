// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import java.util.List;
import java.util.Objects;
import org.npusim.json.Json;

/**
 * What one point of a sweep gave.
 *
 * @param index the point's index
 * @param values the point's value of each axis
 * @param outcome its metrics, or why it could not be simulated
 */
public record PointResult(int index, List<String> values, Outcome outcome) {

    public PointResult {
        values = List.copyOf(values);
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A point's outcome. */
    public sealed interface Outcome permits Metrics, Failure {
        /** Returns the outcome's kind, for switch dispatch. */
        OutcomeKind kind();
    }

    /** Outcome kinds. */
    public enum OutcomeKind {
        OK,
        FAILED
    }

    /**
     * The metrics of a simulated point.
     *
     * @param cycles cycles of the inference (NPU clock, or CPU clock without an NPU)
     * @param seconds its time
     * @param energyJoules its energy
     * @param sramPeakBytes the most bytes the on-chip memories (SRAM, TCM) hold, as the run's {@code total.memory}
     *     reports them: the constants stored there, the arena's peak when the arena is on chip (live tensors, CPU
     *     kernels' scratch, and where fast storage is the arena the NPU schedule's feature maps with the running
     *     operation's weight buffers), and a dedicated cache's peak
     * @param flashBytes bytes read from and written to flash and MRAM (non-volatile weight stores)
     * @param dramBytes bytes read from and written to DRAM
     * @param npuMacsPerCycle the NPU's MACs per cycle (0 without an NPU): hardware size, with the peak SRAM
     * @param onChipBytes the total size of the on-chip memories (SRAM, TCM) the description has
     */
    public record Metrics(long cycles, double seconds, double energyJoules, long sramPeakBytes, long flashBytes, long dramBytes,
            int npuMacsPerCycle, long onChipBytes) implements Outcome {

        /**
         * Keeps time and energy as the sweep prints them (9 significant digits), so that the front is decided on the
         * printed values: two points that print the same energy have the same energy. Summed in another order, equal
         * energies differ by about 1e-16 relative, which kept points 2.8 times slower on the front (resnet8 on the M7
         * board at 100 against 280 MHz).
         */
        public Metrics {
            if (!Double.isFinite(seconds) || !Double.isFinite(energyJoules)) {
                throw new IllegalArgumentException("time " + seconds + " s and energy " + energyJoules + " J must be finite");
            }
            seconds = Json.printed(seconds);
            energyJoules = Json.printed(energyJoules);
        }

        @Override
        public OutcomeKind kind() {
            return OutcomeKind.OK;
        }

        /**
         * Returns whether this point is at least as good as {@code o} in time, energy and hardware size (NPU MACs per
         * cycle, and the on-chip memory the placement needs at its peak), and better in one of them: Pareto
         * dominance, every objective minimized. The SRAM a point needs is its peak, not the size of the memories
         * described, so that a sweep over placements tells a design that needs 6 MB of SRAM from one that needs 3 MB.
         * Where all four are equal, the point that builds less on-chip memory dominates: a sweep over SRAM sizes that
         * changes nothing else must not mark the 8 MiB design as optimal beside the 4 MiB one.
         */
        public boolean dominates(Metrics o) {
            boolean noWorse = seconds <= o.seconds && energyJoules <= o.energyJoules && npuMacsPerCycle <= o.npuMacsPerCycle
                    && sramPeakBytes <= o.sramPeakBytes;
            boolean better = seconds < o.seconds || energyJoules < o.energyJoules || npuMacsPerCycle < o.npuMacsPerCycle
                    || sramPeakBytes < o.sramPeakBytes;
            // No worse and not better in any of the four is equal in all four: then less on-chip memory decides.
            return noWorse && (better || onChipBytes < o.onChipBytes);
        }
    }

    /**
     * A point that could not be simulated: its description is invalid, or the model does not fit it.
     *
     * @param reason the first error, one line
     */
    public record Failure(String reason) implements Outcome {
        public Failure {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public OutcomeKind kind() {
            return OutcomeKind.FAILED;
        }
    }
}
