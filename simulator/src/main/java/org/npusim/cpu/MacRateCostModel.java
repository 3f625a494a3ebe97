// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.graph.Operator;
import org.npusim.graph.OperatorFacts;
import org.npusim.graph.Subgraph;
import org.npusim.hw.CpuCore;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.KernelLibrary;

/**
 * A coarse CPU cost: MACs at the whole-layer effective rate that cortex-m-kernel-facts.md §0.1 recommends per
 * core for CMSIS-NN (convolution rate for MAC-bearing operators), divided by 10 for the TFLite Micro reference
 * kernels (§0.1's default slowdown), plus 2 cycles per byte an operator moves (load, store, requantize). It stands
 * in until the kernel-structure model of this package costs operators individually.
 */
public final class MacRateCostModel implements CpuCostModel {

    /** Cycles per byte of activations moved by data-movement and element-wise operators. */
    private static final double CYCLES_PER_BYTE = 2.0;
    private static final double REFERENCE_SLOWDOWN = 10.0;

    private final double macsPerCycle;
    private final String kernelPrefix;

    public MacRateCostModel(HardwareConfig hw) {
        CpuCore core = hw.cpu().core();
        double rate = switch (core) {
            case CORTEX_M0PLUS -> 0.10;
            case CORTEX_M4 -> 0.6;
            case CORTEX_M33 -> 0.65;
            case CORTEX_M7 -> 1.0;
            case CORTEX_M55 -> 1.5;
            case CORTEX_M85 -> 3.0;
        };
        boolean reference = hw.cpu().kernels() == KernelLibrary.REFERENCE;
        this.macsPerCycle = reference ? rate / REFERENCE_SLOWDOWN : rate;
        this.kernelPrefix = reference ? "tflm-reference" : "cmsis-nn";
    }

    @Override
    public CpuOpCost cost(Subgraph graph, Operator op) {
        OperatorFacts f = graph.operatorFacts(op.index());
        long cycles = (long) Math.ceil(f.macs() / macsPerCycle
                + CYCLES_PER_BYTE * (f.inputActivationBytes() + f.outputActivationBytes()));
        return CpuOpCost.of(cycles, "cpu", kernelPrefix + " " + op.opName().toLowerCase(java.util.Locale.ROOT));
    }
}
