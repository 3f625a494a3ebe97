// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.npusim.hw.NpuVariant;

/**
 * What the planner needs to know of an NPU system: the variant, its clock, and where each kind of data lives
 * (Vela's memory-mode roles, ethos-u-facts.md §2.5).
 *
 * @param variant the Ethos-U configuration
 * @param clockHz the NPU core clock
 * @param weights where weights, biases and LUT sources live (Vela's const area)
 * @param arena where feature maps live (the tensor arena)
 * @param cache fast storage for weight buffers and promoted feature maps
 * @param cacheSizeBytes the size of fast storage the planner may use (Vela's arena_cache_size)
 * @param weightsNeedDma whether weights sit in a slow memory (flash, DRAM) apart from fast storage, so that
 *     convolution weights are DMA-buffered (Vela's {@code weights_needs_dma})
 * @param spilling whether feature maps live in the arena outside fast storage and are promoted into the cache
 *     where they fit (Vela's dedicated-sram mode)
 * @param layerWeights graph operators whose weights live elsewhere than {@code weights}
 *     ({@code placement.layer_weights}), with where
 * @param inputs where the model's inputs live ({@code placement.inputs}; the arena unless placed elsewhere)
 * @param outputs where the model's outputs live ({@code placement.outputs})
 */
public record NpuTarget(
        NpuVariant variant,
        long clockHz,
        Channel weights,
        Channel arena,
        Channel cache,
        long cacheSizeBytes,
        boolean weightsNeedDma,
        boolean spilling,
        SortedMap<Integer, LayerWeights> layerWeights,
        Channel inputs,
        Channel outputs) {

    /**
     * Where one layer's weights live.
     *
     * @param channel the channel the NPU reads them through
     * @param needDma whether they are DMA-buffered into fast storage (a slow memory apart from the cache)
     */
    public record LayerWeights(Channel channel, boolean needDma) {
        public LayerWeights {
            Objects.requireNonNull(channel, "channel");
        }
    }

    public NpuTarget {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(outputs, "outputs");
        if (clockHz <= 0) {
            throw new IllegalArgumentException("NPU clock must be positive");
        }
        layerWeights = Collections.unmodifiableSortedMap(new TreeMap<>(layerWeights));
    }

    /** A target whose weights all live in one memory, and the model's inputs and outputs in the arena. */
    public NpuTarget(NpuVariant variant, long clockHz, Channel weights, Channel arena, Channel cache, long cacheSizeBytes,
            boolean weightsNeedDma, boolean spilling) {
        this(variant, clockHz, weights, arena, cache, cacheSizeBytes, weightsNeedDma, spilling, new TreeMap<>(), arena,
                arena);
    }

    /** Returns the channel through which the NPU reads the weights of graph operator {@code operator}. */
    public Channel weightsOf(int operator) {
        LayerWeights w = layerWeights.get(operator);
        return w == null ? weights : w.channel();
    }

    /** Returns whether the weights of graph operator {@code operator} are DMA-buffered into fast storage. */
    public boolean weightsNeedDma(int operator) {
        LayerWeights w = layerWeights.get(operator);
        return w == null ? weightsNeedDma : w.needDma();
    }
}
