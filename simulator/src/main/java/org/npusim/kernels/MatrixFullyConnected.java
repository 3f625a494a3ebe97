// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Objects;
import org.npusim.exec.Int8FullyConnectedLayer;
import org.npusim.exec.Requantization;

/**
 * A fully connected layer over one of the weight encodings. The dense kernel accumulates
 * {@code Σ (w + filterOffset)(x + inputOffset)}; this one accumulates {@code Σ w (x + inputOffset)} over the
 * encoded (nonzero) weights and adds {@code filterOffset · Σ (x + inputOffset)} once per row, which is the same
 * int32 value (the identity holds modulo 2³²). For TFLite's symmetric int8 weights the filter offset is 0.
 */
public final class MatrixFullyConnected implements LayerKernel {

    private final Int8FullyConnectedLayer layer;
    private final WeightMatrix weights;

    /** Prepares {@code layer} with its weights in {@code weights}, which must be the {@code units x depth} matrix. */
    public MatrixFullyConnected(Int8FullyConnectedLayer layer, WeightMatrix weights) {
        this.layer = Objects.requireNonNull(layer, "layer");
        this.weights = Objects.requireNonNull(weights, "weights");
        if (weights.rows() != layer.units() || weights.cols() != layer.depth()) {
            throw new IllegalArgumentException("a " + weights.rows() + " x " + weights.cols() + " matrix for a layer of "
                    + layer.units() + " x " + layer.depth() + " weights");
        }
    }

    @Override
    public KernelVariant variant() {
        return weights.variant();
    }

    @Override
    public long weightBytes() {
        return weights.sizeBytes();
    }

    @Override
    public void run(byte[] input, byte[] output) {
        Int8FullyConnectedLayer l = layer;
        l.checkLengths(input, output);
        Requantization stage = l.output();
        int depth = l.depth();
        int units = l.units();
        int[] column = new int[depth];
        int[] acc = new int[units];
        for (int n = 0; n < l.batches(); n++) {
            int sum = 0;
            for (int d = 0; d < depth; d++) {
                column[d] = input[n * depth + d] + l.inputOffset();
                sum += column[d];
            }
            weights.multiply(column, acc);
            int correction = l.filterOffset() * sum;
            for (int u = 0; u < units; u++) {
                output[n * units + u] = (byte) stage.output(acc[u] + correction, u);
            }
        }
    }
}
