// SPDX-License-Identifier: Apache-2.0
package org.npusim.analysis;

import java.util.List;
import java.util.Objects;

/**
 * A change to the hardware description and its effect, measured by simulating the changed description.
 *
 * @param kind which kind of change
 * @param label the change in words ({@code ethos-u55-256 instead of ethos-u55-128})
 * @param detail why it was tried (the layers it targets), or an empty string
 * @param arguments the command-line arguments that make the change ({@code --npu ethos-u55-256}), so that a user
 *     can reproduce it with {@code npusim simulate}
 * @param outcome what the simulation of the changed description gave
 */
public record WhatIf(Kind kind, String label, String detail, List<String> arguments, Outcome outcome) {

    public WhatIf {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(detail, "detail");
        arguments = List.copyOf(arguments);
        Objects.requireNonNull(outcome, "outcome");
    }

    /** The kinds of change, in the order the analysis tries them. */
    public enum Kind {
        /** The next of Vela's memory modes towards on-chip memory (dedicated-sram → shared-sram → sram-only). */
        MEMORY_MODE("memory-mode"),
        /** All weights in the on-chip memory behind AXI0 instead of a slow memory (a custom placement). */
        WEIGHTS_ON_CHIP("weights-on-chip"),
        /**
         * The weights of the layers bound by their weight memory (or the DMA) that fit in the on-chip memory's free
         * space, moved there ({@code placement.layer_weights}), the slowest layers first.
         */
        LAYER_WEIGHTS_ON_CHIP("layer-weights-on-chip"),
        /** The next larger Ethos-U configuration of the same family. */
        LARGER_NPU("larger-npu"),
        /** The NPU clock 25% faster. */
        FASTER_NPU_CLOCK("faster-npu-clock"),
        /** The CPU clock 25% faster. */
        FASTER_CPU_CLOCK("faster-cpu-clock"),
        /** Each CPU convolution and fully connected layer on its fastest kernel (Winograd, sparse) instead of dense. */
        CPU_KERNELS("cpu-kernels");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** Returns the name reports use: {@code larger-npu}. */
        public String label() {
            return label;
        }
    }

    /** What simulating the changed description gave: a measured result, or why it could not run. */
    public sealed interface Outcome permits Measured, Infeasible {

        /** Returns the outcome's kind, for switch dispatch. */
        OutcomeKind kind();
    }

    /** Outcome kinds. */
    public enum OutcomeKind {
        MEASURED,
        INFEASIBLE
    }

    /**
     * The changed description simulated.
     *
     * @param seconds its time
     * @param energyJoules its energy
     * @param timeChange (new - base) / base time: -0.21 is 21% faster
     * @param energyChange (new - base) / base energy
     */
    public record Measured(double seconds, double energyJoules, double timeChange, double energyChange) implements Outcome {
        @Override
        public OutcomeKind kind() {
            return OutcomeKind.MEASURED;
        }
    }

    /**
     * The changed description is invalid or the model does not fit it.
     *
     * @param reason the first error, one line
     */
    public record Infeasible(String reason) implements Outcome {
        public Infeasible {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public OutcomeKind kind() {
            return OutcomeKind.INFEASIBLE;
        }
    }
}
