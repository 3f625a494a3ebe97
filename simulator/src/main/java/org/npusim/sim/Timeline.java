// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The transactions of a run, for timelines: one slice per reservation of a resource (a block on the MAC array or
 * the output stage, a transfer on a channel, a DMA copy, a CPU operator). Recorded only when asked for.
 */
public final class Timeline {

    /**
     * One transaction.
     *
     * @param track the resource: a {@link org.npusim.result.FixedResource} label or a channel ({@code axi0:sram})
     * @param step the plan step it belongs to
     * @param what the stream or stage (ifm, ifm2, weights, ofm, dma-read, dma-write, block, decode, scales, lut,
     *     copy, cpu, npu-invoke)
     * @param block the OFM block index within the step, or -1
     * @param startPs start
     * @param endPs end
     * @param bytes bytes moved (0 for compute)
     */
    public record Slice(String track, int step, String what, int block, long startPs, long endPs, double bytes) {}

    private final List<Slice> slices = new ArrayList<>();

    void add(Slice s) {
        slices.add(s);
    }

    /** Returns the slices in the order they were reserved. */
    public List<Slice> slices() {
        return List.copyOf(slices);
    }
}
