// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

/**
 * The compute cost of one NPU operation under its block config, per OFM block and in total (Vela 3.10's model,
 * ethos-u-facts.md §3.3 and §3.4).
 *
 * @param blocks number of OFM blocks
 * @param macBlockCycles MAC-array (DPU) cycles of one block, before the command-overhead floor
 * @param outputBlockCycles output-stage cycles of one block (scaling, activation, write-out), before the floors
 * @param scaleFetchCycles cycles to fetch one block's scale and bias records, {@code 10·ob_D·latency / 256}
 *     (0 without scales); Vela floors the output stage by it
 * @param commandCycles per-block command overhead {@code (T_ifm + T_ofm + out + dpu) / 4}, with {@code out}
 *     already floored by the scale fetch as in Vela; the floor of both stages
 * @param cycles the operation's compute cycles: {@code int(max(dpu', out')·blocks + min(dpu', out'))} for MAC-type
 *     operations, {@code ceil(cpe·E(OFM))} for element-wise ones
 */
public record OpCost(long blocks, double macBlockCycles, double outputBlockCycles, double scaleFetchCycles,
        double commandCycles, long cycles) {

    /** Returns the MAC stage's per-block cycles with the command floor applied. */
    public double macStageCycles() {
        return Math.max(macBlockCycles, commandCycles);
    }

    /**
     * Returns the output stage's per-block cycles as Vela charges them ({@code out'}): floored by the scale fetch
     * and by the command overhead.
     */
    public double outputStageCycles() {
        return Math.max(Math.max(outputBlockCycles, scaleFetchCycles), commandCycles);
    }

    /**
     * Returns the output stage's own per-block cycles, with the command floor but without the scale fetch: for a
     * simulation that fetches the scales beside the MAC stage and lets the output stage wait for them.
     */
    public double outputWorkCycles() {
        return Math.max(outputBlockCycles, commandCycles);
    }
}
