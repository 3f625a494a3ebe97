// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Objects;

/**
 * Where each kind of data lives, resolved to memory names. For Vela's presets the loader derives {@code weights},
 * {@code arena} and {@code cache} from the AXI ports exactly as Vela's memory modes do (ethos-u-facts.md §2.5).
 *
 * @param mode the memory mode the roles come from
 * @param weights weights, biases and scales, LUT sources (Vela's {@code const_mem_area})
 * @param arena the tensor arena: feature maps and scratch (Vela's {@code arena_mem_area})
 * @param cache fast storage for weight buffers, rolling buffers and promoted feature maps (Vela's
 *     {@code cache_mem_area})
 * @param cacheSizeBytes how much of {@code cache} the scheduler may use (Vela's {@code arena_cache_size})
 * @param inputs the model's input tensors
 * @param outputs the model's output tensors
 */
public record Placement(MemoryMode mode, String weights, String arena, String cache, long cacheSizeBytes, String inputs,
        String outputs) {

    /** Validates the record: every role named, a positive cache size. */
    public Placement {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(outputs, "outputs");
        if (cacheSizeBytes <= 0) {
            throw new IllegalArgumentException("cache size must be positive: " + cacheSizeBytes);
        }
    }
}
