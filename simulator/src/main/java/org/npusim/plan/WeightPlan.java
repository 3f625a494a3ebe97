// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.List;
import java.util.Objects;

/**
 * How an operation's weights reach the NPU.
 *
 * @param tensor the graph tensor holding the weights
 * @param source the channel of the memory the weights are stored in
 * @param encoded the weight stream's size, per slice
 * @param buffering read in place, or DMA-copied into a buffer in fast storage
 * @param buffer the channel of the buffer (the cache), when buffered
 * @param slices OFM-channel ranges {from, to} of the depth slices the stream is cut into
 * @param fullTransferCycles NPU cycles the DMA takes to copy the whole stream into the buffer, as Vela's scheduler
 *     counts them ({@code full_weight_transfer_cycles}; 0 when read in place, and for a cascaded operation, whose
 *     weights are loaded before its cascade starts)
 */
public record WeightPlan(int tensor, Channel source, EncodedWeights encoded, Buffering buffering, Channel buffer, List<int[]> slices,
        double fullTransferCycles) {

    /** Weight buffering kinds (ethos-u-facts.md §3.8). */
    public enum Buffering {
        /** The NPU reads the weights from where they are stored (FC, weights already in fast memory). */
        DIRECT,
        /** One buffer holds all slices; a slice's DMA waits for the previous slice's compute. */
        SINGLE,
        /** Two alternating buffers; the DMA of slice k+1 overlaps the compute of slice k. */
        DOUBLE
    }

    public WeightPlan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(encoded, "encoded");
        Objects.requireNonNull(buffering, "buffering");
        Objects.requireNonNull(buffer, "buffer");
        slices = List.copyOf(slices);
    }

    /** Returns whether the weights are copied into a buffer by the DMA before use. */
    public boolean buffered() {
        return buffering != Buffering.DIRECT;
    }

    /**
     * Returns the fast storage the weight buffers take while the operation runs: none when read in place, the
     * largest slice (at most the stream) for one buffer, the largest even plus the largest odd slice for two.
     */
    public long bufferBytes() {
        return switch (buffering) {
            case DIRECT -> 0;
            case SINGLE -> encoded.singleBufferBytes();
            case DOUBLE -> encoded.doubleBufferBytes();
        };
    }

    /** Returns the channel the NPU reads the weights and scales through: the buffer's, or where they are stored. */
    public Channel readFrom() {
        return buffered() ? buffer : source;
    }
}
