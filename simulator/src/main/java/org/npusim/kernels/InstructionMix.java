// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

/**
 * Instructions of one unit of a kernel's work, by class. Counts are averages and may be fractional (a loop
 * back-edge unrolled over four elements is 0.25 per element).
 *
 * @param loads scalar loads (LDR, LDRB, LDRH, LDRSB, LDRSH)
 * @param stores scalar stores
 * @param alu scalar data-processing instructions, including SIMD-within-a-register ones (SXTB16, SADD16, PKHBT),
 *     bit-field and count-leading-zero instructions, and not-taken loop tests
 * @param macs scalar multiplies and multiply-accumulates (MUL, MLA, SMLAD, SMLABB, SMULL)
 * @param loopBranches taken back-edges of counted loops, which low-overhead loops (Armv8.1-M LE) make free
 * @param dataBranches branches whose direction depends on the data (skip tests, bit-walk loop exits): costed at
 *     the core's average for an unpredictable branch
 * @param vectorLoads Helium vector loads and stores (VLDR, VSTR, their widening and narrowing forms)
 * @param vectorOps Helium vector arithmetic (VMLADAVA, VMLA, VADD, VSHL, VMUL, ...)
 */
public record InstructionMix(double loads, double stores, double alu, double macs, double loopBranches,
        double dataBranches, double vectorLoads, double vectorOps) {

    /** No instructions. */
    public static final InstructionMix NONE = new InstructionMix(0, 0, 0, 0, 0, 0, 0, 0);

    /** Validates the record: no negative counts. */
    public InstructionMix {
        double[] all = {loads, stores, alu, macs, loopBranches, dataBranches, vectorLoads, vectorOps};
        for (double v : all) {
            if (!(v >= 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("instruction counts must be finite and not negative");
            }
        }
    }

    /** Returns a mix of scalar instructions only. */
    public static InstructionMix scalar(double loads, double stores, double alu, double macs, double loopBranches,
            double dataBranches) {
        return new InstructionMix(loads, stores, alu, macs, loopBranches, dataBranches, 0, 0);
    }

    /** Returns a mix of Helium vector instructions only. */
    public static InstructionMix vector(double vectorLoads, double vectorOps) {
        return new InstructionMix(0, 0, 0, 0, 0, 0, vectorLoads, vectorOps);
    }

    /** Returns the sum of two mixes. */
    public InstructionMix plus(InstructionMix o) {
        return new InstructionMix(loads + o.loads, stores + o.stores, alu + o.alu, macs + o.macs,
                loopBranches + o.loopBranches, dataBranches + o.dataBranches, vectorLoads + o.vectorLoads,
                vectorOps + o.vectorOps);
    }

    /** Returns this mix repeated {@code factor} times (or divided among {@code 1 / factor} units). */
    public InstructionMix times(double factor) {
        return new InstructionMix(loads * factor, stores * factor, alu * factor, macs * factor, loopBranches * factor,
                dataBranches * factor, vectorLoads * factor, vectorOps * factor);
    }

    /**
     * Returns the cycles of this mix on a core: scalar issue cycles divided by the issue width but never below the
     * single MAC pipe's occupancy; plus the data-dependent branches; plus the vector instructions at their
     * inverse throughput, less the share of the shorter of loads and arithmetic that overlaps the other
     * ({@link CoreTiming#vectorOverlap()}). Vector instructions on a core without Helium are an error.
     */
    public double cycles(CoreTiming t) {
        double issue = loads * t.loadCycles() + stores * t.storeCycles() + alu + macs * t.macCycles()
                + loopBranches * t.loopBranchCycles();
        double scalar = Math.max(issue / t.issueWidth(), macs * t.macCycles());
        double vector = 0;
        if (vectorLoads + vectorOps > 0) {
            if (t.vectorCycles() == 0) {
                throw new IllegalStateException(t.core().label() + " has no vector instructions");
            }
            double hidden = t.vectorOverlap() * Math.min(vectorLoads, vectorOps);
            vector = t.vectorCycles() * (vectorLoads + vectorOps - hidden);
        }
        return scalar + dataBranches * t.dataBranchCycles() + vector;
    }
}
