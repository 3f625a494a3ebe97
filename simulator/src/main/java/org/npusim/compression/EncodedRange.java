// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/**
 * One encoded stream of a layer: the scale/bias records and compressed weights of one depth slice for one core
 * (Vela's {@code WeightRange}). The NPU fetches it as one 16-byte-aligned block.
 *
 * @param slice index of the depth slice
 * @param core the core that decodes it (0, or 0-1 on the two-core U65-512)
 * @param channels OFM channels it carries
 * @param scaleBytes scale/bias records, padded to 16 bytes
 * @param weightBytes compressed weights, padded to 16 bytes (0 when the core has no channels in the slice)
 * @param weights values the weight decoder produces, padding included: the decoder's work
 * @param zeroRunZeros how many of those are zeros sent as zero-run lengths rather than as values
 */
public record EncodedRange(int slice, int core, int channels, int scaleBytes, int weightBytes, long weights,
        long zeroRunZeros) {

    /** Returns scale and weight bytes together. */
    public int totalBytes() {
        return scaleBytes + weightBytes;
    }
}
