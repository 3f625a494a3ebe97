// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

/**
 * The size of an operation's weight stream as the NPU fetches it.
 *
 * @param originalElements weight elements before encoding
 * @param weightBytes encoded weight bytes, all slices and cores, 16-byte padding included
 * @param scaleBytes scale/bias records (10 bytes per OFM channel, padded to 16 per slice and core)
 * @param sliceBytes encoded bytes (weights and scales) of each depth slice, in order
 * @param compressed whether the sizes come from the Ethos-U weight encoder (false: uncompressed int8 sizes)
 */
public record EncodedWeights(long originalElements, long weightBytes, long scaleBytes, long[] sliceBytes, boolean compressed) {

    public EncodedWeights {
        sliceBytes = sliceBytes.clone();
    }

    @Override
    public long[] sliceBytes() {
        return sliceBytes.clone();
    }

    /** Returns weights and scales together. */
    public long totalBytes() {
        return weightBytes + scaleBytes;
    }

    /** Returns the number of slices. */
    public int sliceCount() {
        return sliceBytes.length;
    }

    /** Returns the bytes of slice {@code i}. */
    public long slice(int i) {
        return sliceBytes[i];
    }

    /**
     * Returns the size one buffer needs, holding a slice at a time: the largest slice, and no more than the stream.
     */
    public long singleBufferBytes() {
        long max = 0;
        for (long b : sliceBytes) {
            max = Math.max(max, b);
        }
        return Math.min(totalBytes(), max);
    }

    /**
     * Returns the size two alternating buffers need: the largest even slice plus the largest odd slice (Vela's
     * {@code double_buffer_sizes}: slice k goes to buffer k mod 2).
     */
    public long doubleBufferBytes() {
        long even = 0;
        long odd = 0;
        for (int s = 0; s < sliceBytes.length; s++) {
            if (s % 2 == 0) {
                even = Math.max(even, sliceBytes[s]);
            } else {
                odd = Math.max(odd, sliceBytes[s]);
            }
        }
        return even + odd;
    }

    /** Returns encoded weight bytes per original weight element (Vela's compression ratio, §3.6). */
    public double ratio() {
        return originalElements == 0 ? 1.0 : (double) weightBytes / originalElements;
    }
}
