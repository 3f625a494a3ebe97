// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.List;
import java.util.Objects;

/**
 * A layer's weights as the NPU stores and fetches them: one {@link EncodedRange} per depth slice and core, in
 * stream order (slice-major, then core), as Vela lays out an encoded weight tensor (ethos-u-facts.md §5.1).
 *
 * @param originalWeights elements of the layer's weight tensor as the model stores it
 * @param cores cores the weights are split over
 * @param traversal the stream order
 * @param ofmBlockDepth OFM block depth the stream is grouped by (before the split over cores)
 * @param ranges the streams
 */
public record EncodedWeights(long originalWeights, int cores, WeightTraversal traversal, int ofmBlockDepth,
        List<EncodedRange> ranges) {

    public EncodedWeights {
        Objects.requireNonNull(traversal, "traversal");
        ranges = List.copyOf(ranges);
    }

    /** Returns the bytes of the whole encoded tensor (Vela's {@code len(buffer)}). */
    public long totalBytes() {
        long t = 0;
        for (EncodedRange r : ranges) {
            t += r.totalBytes();
        }
        return t;
    }

    /** Returns the bytes of scale/bias records, padding included. */
    public long scaleBytes() {
        long t = 0;
        for (EncodedRange r : ranges) {
            t += r.scaleBytes();
        }
        return t;
    }

    /** Returns the bytes of compressed weights, padding included. */
    public long weightBytes() {
        long t = 0;
        for (EncodedRange r : ranges) {
            t += r.weightBytes();
        }
        return t;
    }

    /** Returns how many of the decoded values are zeros sent as zero-run lengths. */
    public long zeroRunZeros() {
        long t = 0;
        for (EncodedRange r : ranges) {
            t += r.zeroRunZeros();
        }
        return t;
    }

    /** Returns the number of depth slices. */
    public int sliceCount() {
        int n = 0;
        for (EncodedRange r : ranges) {
            n = Math.max(n, r.slice() + 1);
        }
        return n;
    }

    /** Returns the bytes of depth slice {@code slice}, all cores. */
    public long sliceBytes(int slice) {
        long t = 0;
        for (EncodedRange r : ranges) {
            if (r.slice() == slice) {
                t += r.totalBytes();
            }
        }
        return t;
    }

    /** Returns the bytes core {@code core} fetches, all slices. */
    public long coreBytes(int core) {
        long t = 0;
        for (EncodedRange r : ranges) {
            if (r.core() == core) {
                t += r.totalBytes();
            }
        }
        return t;
    }

    /**
     * Returns the buffer size double buffering needs: the largest even slice plus the largest odd slice (Vela's
     * {@code double_buffer_sizes}).
     */
    public long doubleBufferBytes() {
        long even = 0;
        long odd = 0;
        for (int s = 0; s < sliceCount(); s++) {
            if (s % 2 == 0) {
                even = Math.max(even, sliceBytes(s));
            } else {
                odd = Math.max(odd, sliceBytes(s));
            }
        }
        return even + odd;
    }

    /** Returns encoded weight-stream bits per original weight (scale records excluded). */
    public double bitsPerWeight() {
        return originalWeights == 0 ? 0 : weightBytes() * 8.0 / originalWeights;
    }
}
