// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * @param layerWeights layers (graph operator indices) whose weights and constants live in another memory than
 *     {@code weights}, with that memory ({@code placement.layer_weights}): the per-layer choice an engineer makes
 *     when only some layers' weights fit on chip
 */
public record Placement(MemoryMode mode, String weights, String arena, String cache, long cacheSizeBytes, String inputs,
        String outputs, SortedMap<Integer, String> layerWeights) {

    /** A placement without per-layer weight memories. */
    public Placement(MemoryMode mode, String weights, String arena, String cache, long cacheSizeBytes, String inputs,
            String outputs) {
        this(mode, weights, arena, cache, cacheSizeBytes, inputs, outputs, new TreeMap<>());
    }

    /** Returns the memories that hold some layer's weights ({@code placement.layer_weights}), in name order. */
    public SortedSet<String> layerWeightMemories() {
        return new TreeSet<>(layerWeights.values());
    }

    /** Returns {@link #layerWeights} by memory, each memory's layers written as ranges ({@code 3-7,12}). */
    public SortedMap<String, String> layerWeightsByMemory() {
        SortedMap<String, SortedSet<Integer>> byMemory = new TreeMap<>();
        layerWeights.forEach((layer, memory) -> byMemory.computeIfAbsent(memory, k -> new TreeSet<>()).add(layer));
        SortedMap<String, String> out = new TreeMap<>();
        byMemory.forEach((memory, layers) -> out.put(memory, ranges(layers)));
        return out;
    }

    /** Writes ascending layer indices as ranges, the form {@code placement.layer_weights} reads: {@code 3-7,12}. */
    public static String ranges(SortedSet<Integer> layers) {
        StringBuilder b = new StringBuilder();
        Integer start = null;
        Integer previous = null;
        for (int layer : layers) {
            if (previous != null && layer == previous + 1) {
                previous = layer;
                continue;
            }
            appendRange(b, start, previous);
            start = layer;
            previous = layer;
        }
        appendRange(b, start, previous);
        return b.toString();
    }

    private static void appendRange(StringBuilder b, Integer from, Integer to) {
        if (from == null) {
            return;
        }
        if (b.length() > 0) {
            b.append(',');
        }
        b.append(from);
        if (!to.equals(from)) {
            b.append('-').append(to);
        }
    }

    /** Returns the memory that holds the weights and constants of graph operator {@code operator}. */
    public String weightsOf(int operator) {
        return layerWeights.getOrDefault(operator, weights);
    }

    /** Validates the record: every role named, a positive cache size. */
    public Placement {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(outputs, "outputs");
        layerWeights = Collections.unmodifiableSortedMap(new TreeMap<>(layerWeights));
        if (cacheSizeBytes <= 0) {
            throw new IllegalArgumentException("cache size must be positive: " + cacheSizeBytes);
        }
    }
}
