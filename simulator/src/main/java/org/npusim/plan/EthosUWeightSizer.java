// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.ArrayList;
import java.util.List;
import org.npusim.compression.WeightEncoder;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuOperation;

/**
 * Sizes weight streams with the Ethos-U weight encoder (package {@code compression}): the real encoded bytes of
 * every depth slice and core, scale records and 16-byte padding included, byte-exact with Vela on the reference
 * models. Operations whose weights the encoder cannot take (no constant 8-bit weights) fall back to uncompressed
 * sizes. Encoders keep scratch buffers, so each thread gets its own; results depend only on the arguments.
 */
public final class EthosUWeightSizer implements WeightSizer {

    private final ThreadLocal<Cache> encoders = ThreadLocal.withInitial(Cache::new);

    /** The encoder of the subgraph a thread last sized. */
    private static final class Cache {
        Subgraph graph;
        WeightEncoder encoder;
    }

    @Override
    public EncodedWeights size(Subgraph graph, NpuOperation op, BlockConfig blockConfig, NpuVariant variant, List<int[]> slices) {
        Cache c = encoders.get();
        if (c.graph != graph) {
            c.graph = graph;
            c.encoder = new WeightEncoder(graph);
        }
        List<org.npusim.compression.OfmRange> ranges = new ArrayList<>(slices.size());
        for (int[] s : slices) {
            ranges.add(new org.npusim.compression.OfmRange(s[0], s[1]));
        }
        org.npusim.compression.EncodedWeights e;
        try {
            e = c.encoder.encode(op, blockConfig, variant, ranges);
        } catch (IllegalArgumentException notEncodable) {
            return UNCOMPRESSED.size(graph, op, blockConfig, variant, slices);
        }
        long[] sliceBytes = new long[e.sliceCount()];
        for (int s = 0; s < sliceBytes.length; s++) {
            sliceBytes[s] = e.sliceBytes(s);
        }
        return new EncodedWeights(e.originalWeights(), e.weightBytes(), e.scaleBytes(), sliceBytes, true);
    }

    @Override
    public boolean compressed() {
        return true;
    }
}
