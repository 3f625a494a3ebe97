// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

/**
 * The memory a kernel variant needs for one layer: its encoded weights (read-only, may sit in flash) and its
 * scratch buffers (read-write, in SRAM). Biases, multipliers and shifts are the same for every variant and are not
 * counted.
 *
 * @param weightBytes bytes of the weights in the variant's encoding
 * @param scratchBytes bytes of working buffers (im2col columns, Winograd tiles)
 */
public record Footprint(long weightBytes, long scratchBytes) {

    /** Validates the record: no negative sizes. */
    public Footprint {
        if (weightBytes < 0 || scratchBytes < 0) {
            throw new IllegalArgumentException("negative footprint");
        }
    }

    /** Returns weights plus scratch. */
    public long totalBytes() {
        return weightBytes + scratchBytes;
    }
}
