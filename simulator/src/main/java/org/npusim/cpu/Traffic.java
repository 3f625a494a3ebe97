// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.Objects;

/**
 * The accesses of one kernel to one operand in one memory: what {@link CpuMemoryModel} turns into wait-state stalls
 * or cache-line fills.
 *
 * @param memory the memory the operand lives in
 * @param footprintBytes the distinct bytes the kernel reads or writes (the operand's size, or the part it touches)
 * @param readBytes the bytes its load instructions read, re-reads included ({@code >= footprintBytes} when the
 *     kernel walks the operand several times, as a GEMM walks its weights once per block of output pixels)
 * @param loadBytes the bytes one load instruction reads (1 for LDRSB, 4 for LDR, 16 for a Helium VLDRB.8)
 * @param reuseBytes how many bytes the kernel touches between two reads of the same byte: a cache keeps the
 *     operand between re-reads when this fits in it
 * @param writeBytes the bytes its store instructions write
 * @param storeBytes the bytes one store instruction writes
 * @param layerWeights whether the operand is the layer's weights (with its bias), which another kernel of the
 *     layer (a Winograd or sparse variant) stores in its own encoding ({@link KernelSubstitution})
 */
public record Traffic(String memory, long footprintBytes, long readBytes, int loadBytes, long reuseBytes, long writeBytes,
        int storeBytes, boolean layerWeights) {

    /** Validates the record: no negative size, access widths of at least one byte. */
    public Traffic {
        Objects.requireNonNull(memory, "memory");
        if (footprintBytes < 0 || readBytes < 0 || reuseBytes < 0 || writeBytes < 0 || loadBytes < 1 || storeBytes < 1) {
            throw new IllegalArgumentException("negative traffic or an access narrower than a byte");
        }
    }

    /** Returns reads of {@code bytes} distinct bytes, each read {@code passes} times, {@code loadBytes} at a time. */
    public static Traffic read(String memory, long bytes, double passes, int loadBytes, long reuseBytes) {
        return new Traffic(memory, bytes, Math.round(bytes * Math.max(1.0, passes)), loadBytes, reuseBytes, 0, 1, false);
    }

    /** Returns reads of the layer's weights, as {@link #read} does (see {@link #layerWeights()}). */
    public static Traffic weights(String memory, long bytes, double passes, int loadBytes, long reuseBytes) {
        return read(memory, bytes, passes, loadBytes, reuseBytes).asLayerWeights();
    }

    private Traffic asLayerWeights() {
        return new Traffic(memory, footprintBytes, readBytes, loadBytes, reuseBytes, writeBytes, storeBytes, true);
    }

    /** Returns writes of {@code bytes} distinct bytes, {@code storeBytes} at a time. */
    public static Traffic write(String memory, long bytes, int storeBytes) {
        return new Traffic(memory, bytes, 0, 1, bytes, bytes, storeBytes, false);
    }

    /**
     * Returns a scratch buffer of {@code footprintBytes} that the kernel fills and reads back over and over (an
     * im2col buffer, a state): {@code writeBytes} written and {@code readBytes} read in total, {@code accessBytes}
     * per instruction. A cache that holds the buffer serves every read from the written lines.
     */
    public static Traffic scratch(String memory, long footprintBytes, long writeBytes, long readBytes, int accessBytes) {
        return new Traffic(memory, footprintBytes, readBytes, accessBytes, footprintBytes, writeBytes, accessBytes, false);
    }

    /** Returns the number of load instructions. */
    public double loads() {
        return (double) readBytes / loadBytes;
    }

    /** Returns the number of store instructions. */
    public double stores() {
        return (double) writeBytes / storeBytes;
    }
}
