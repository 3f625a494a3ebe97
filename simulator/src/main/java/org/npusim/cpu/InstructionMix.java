// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

/**
 * How many instructions of each timing class a kernel executes: the result of counting the instructions of a
 * kernel's loops (the counts are per call, so they may be fractional where a loop body is amortized over several
 * elements). {@link CoreTiming} turns a mix into cycles for one core.
 *
 * <p>Scalar classes: {@code alu} (data processing, SXTB16/SXTAB16/PKHBT, compares, moves, address arithmetic),
 * {@code load} and {@code store} (single loads and stores; {@code loadRuns} counts the runs of back-to-back
 * loads, because a Cortex-M3/M4/M33 load takes 2 cycles unless the next instruction is another load or store,
 * which pipelines it to 1: a run of n loads costs n + 1), {@code mul} (32-bit multiplies and multiply-accumulates,
 * SMLAD, SMLABB, MLA), {@code mul64} (SMULL/SMLAL, 64-bit products), {@code div} (SDIV/UDIV) and {@code branch}
 * (taken branches). Helium (MVE) classes, one count per 128-bit vector instruction: {@code vecLoad},
 * {@code vecStore}, {@code vecAlu} (integer, shift, add-across such as VADDVA) and {@code vecMul} (VMUL, VMLADAVA,
 * VQRDMULH).
 */
public record InstructionMix(
        double alu,
        double load,
        double loadRuns,
        double store,
        double mul,
        double mul64,
        double div,
        double branch,
        double vecLoad,
        double vecStore,
        double vecAlu,
        double vecMul) {

    /** No instructions. */
    public static final InstructionMix NONE = new InstructionMix(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Validates the record: no count is negative or not finite. */
    public InstructionMix {
        double[] all = {alu, load, loadRuns, store, mul, mul64, div, branch, vecLoad, vecStore, vecAlu, vecMul};
        for (double d : all) {
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("instruction counts must be finite and not negative");
            }
        }
    }

    /** Returns a builder starting from no instructions. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns this mix plus {@code o}. */
    public InstructionMix plus(InstructionMix o) {
        return new InstructionMix(alu + o.alu, load + o.load, loadRuns + o.loadRuns, store + o.store, mul + o.mul,
                mul64 + o.mul64, div + o.div, branch + o.branch, vecLoad + o.vecLoad, vecStore + o.vecStore,
                vecAlu + o.vecAlu, vecMul + o.vecMul);
    }

    /** Returns this mix executed {@code n} times. */
    public InstructionMix times(double n) {
        if (!(n >= 0) || Double.isInfinite(n)) {
            throw new IllegalArgumentException("repeat count must be finite and not negative: " + n);
        }
        return new InstructionMix(alu * n, load * n, loadRuns * n, store * n, mul * n, mul64 * n, div * n,
                branch * n, vecLoad * n, vecStore * n, vecAlu * n, vecMul * n);
    }

    /** Returns the number of vector instructions. */
    public double vectorInstructions() {
        return vecLoad + vecStore + vecAlu + vecMul;
    }

    /** Accumulates counts; every method adds to the count of its class. */
    public static final class Builder {
        private double alu;
        private double load;
        private double loadRuns;
        private double store;
        private double mul;
        private double mul64;
        private double div;
        private double branch;
        private double vecLoad;
        private double vecStore;
        private double vecAlu;
        private double vecMul;

        private Builder() {}

        public Builder alu(double n) {
            alu += n;
            return this;
        }

        /** Adds {@code n} loads issued as {@code runs} runs of back-to-back loads. */
        public Builder load(double n, double runs) {
            load += n;
            loadRuns += runs;
            return this;
        }

        public Builder store(double n) {
            store += n;
            return this;
        }

        public Builder mul(double n) {
            mul += n;
            return this;
        }

        public Builder mul64(double n) {
            mul64 += n;
            return this;
        }

        public Builder div(double n) {
            div += n;
            return this;
        }

        public Builder branch(double n) {
            branch += n;
            return this;
        }

        public Builder vecLoad(double n) {
            vecLoad += n;
            return this;
        }

        public Builder vecStore(double n) {
            vecStore += n;
            return this;
        }

        public Builder vecAlu(double n) {
            vecAlu += n;
            return this;
        }

        public Builder vecMul(double n) {
            vecMul += n;
            return this;
        }

        /** Adds {@code m}. */
        public Builder add(InstructionMix m) {
            alu += m.alu;
            load += m.load;
            loadRuns += m.loadRuns;
            store += m.store;
            mul += m.mul;
            mul64 += m.mul64;
            div += m.div;
            branch += m.branch;
            vecLoad += m.vecLoad;
            vecStore += m.vecStore;
            vecAlu += m.vecAlu;
            vecMul += m.vecMul;
            return this;
        }

        /** Adds {@code m} executed {@code n} times. */
        public Builder add(InstructionMix m, double n) {
            return add(m.times(n));
        }

        public InstructionMix build() {
            return new InstructionMix(alu, load, loadRuns, store, mul, mul64, div, branch, vecLoad, vecStore, vecAlu,
                    vecMul);
        }
    }
}
