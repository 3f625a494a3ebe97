// SPDX-License-Identifier: Apache-2.0
package org.npusim.result;

/**
 * What one memory of the hardware holds for a run, counted as the simulation's capacity check counts it: the run
 * was refused if a memory's constants, arena and inputs/outputs exceeded its size. A dedicated-sram cache's peak
 * is shown, not checked: the planner keeps feature maps in it beside the weight buffers within
 * {@code placement.cache_size}, as Vela does, but does not check that size against the memory's room.
 *
 * @param sizeBytes the memory's size
 * @param constantBytes the weights and other constants stored there: the NPU layers' weights and biases as their
 *     encoded streams, CPU kernels' weight encodings (Winograd tiles, sparse indices), other constants as tensors
 * @param arenaBytes when the memory is the arena ({@code placement.arena}), its peak: the tensors live at once, the
 *     CPU kernel's scratch buffers at a CPU operator, and where fast storage is the arena (sram-only, shared-sram)
 *     the NPU schedule's feature maps with the running operation's weight buffers; with the CPU kernels' persistent
 *     buffers, which stay the whole run (Helium fully connected layers' kernel sums); in dedicated-sram, the
 *     feature maps the cache did not keep, the lowerings' intermediates among them, are the arena's; 0 elsewhere
 * @param cacheBytes when the memory is a cache apart from the arena (dedicated-sram), the most it holds at once:
 *     the feature maps it keeps (the lowerings' intermediates among them) and the running operation's weight
 *     buffers; 0 elsewhere
 * @param ioBytes the model's inputs and outputs that {@code placement.inputs} and {@code placement.outputs} put in
 *     this memory when it is not the arena (in the arena they are among its live tensors)
 * @param arenaPeakLayer the layer at the arena's peak, -1 when the memory is not the arena or nothing is live
 * @param cachePeakLayer the layer at the cache's peak, -1 when the memory is not such a cache or holds nothing
 */
public record MemoryUse(long sizeBytes, long constantBytes, long arenaBytes, long cacheBytes, long ioBytes,
        int arenaPeakLayer, int cachePeakLayer) {

    /** Returns the bytes the run keeps in the memory at its fullest: constants, arena, cache and inputs/outputs. */
    public long usedBytes() {
        return constantBytes + arenaBytes + cacheBytes + ioBytes;
    }

    /** Returns the bytes left free at the memory's fullest (negative when over). */
    public long freeBytes() {
        return sizeBytes - usedBytes();
    }
}
