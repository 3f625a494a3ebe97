// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.compression.WeightEncoder;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuOperation;

/**
 * Sizes weight streams with the Ethos-U weight encoder (package {@code compression}): the real encoded bytes of
 * every depth slice and core, scale records and 16-byte padding included, byte-exact with Vela on the reference
 * models. Operations whose weights the encoder cannot take (no constant 8-bit weights) fall back to uncompressed
 * sizes. Thread-safe; results depend only on the arguments.
 */
public final class EthosUWeightSizer implements WeightSizer {

    private final Optional<WeightEncoder.Volumes> volumes;

    /** Creates a sizer that keeps nothing between requests. */
    public EthosUWeightSizer() {
        this(Optional.empty());
    }

    private EthosUWeightSizer(Optional<WeightEncoder.Volumes> volumes) {
        this.volumes = volumes;
    }

    /** A sizer for one run that builds each operation's weights once ({@link WeightEncoder.Volumes}). */
    @Override
    public WeightSizer forRun() {
        return new EthosUWeightSizer(Optional.of(new WeightEncoder.Volumes()));
    }

    @Override
    public EncodedWeights size(Subgraph graph, NpuOperation op, BlockConfig blockConfig, NpuVariant variant, List<int[]> slices) {
        List<org.npusim.compression.OfmRange> ranges = new ArrayList<>(slices.size());
        for (int[] s : slices) {
            ranges.add(new org.npusim.compression.OfmRange(s[0], s[1]));
        }
        org.npusim.compression.EncodedWeights e;
        try {
            e = new WeightEncoder(graph, volumes).encode(op, blockConfig, variant, ranges);
        } catch (IllegalArgumentException notEncodable) {
            return UNCOMPRESSED.size(graph, op, blockConfig, variant, slices);
        }
        long[] sliceBytes = new long[e.sliceCount()];
        for (int s = 0; s < sliceBytes.length; s++) {
            sliceBytes[s] = e.sliceBytes(s);
        }
        return new EncodedWeights(e.originalWeights(), e.weightBytes(), e.scaleBytes(), sliceBytes, true);
    }

    /** The encoder reads only some facts of an operation ({@link WeightEncoder.Inputs}). */
    @Override
    public Object sizeKey(NpuOperation op, BlockConfig blockConfig, NpuVariant variant) {
        return WeightEncoder.Inputs.of(op, blockConfig, variant);
    }

    @Override
    public boolean compressed() {
        return true;
    }
}
