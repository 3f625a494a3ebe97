// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Optional;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Int8FullyConnectedLayer;

/** Builds the functional kernel of a variant for a prepared layer. */
public final class LayerKernels {

    private LayerKernels() {}

    /**
     * Returns {@code variant} prepared for convolution {@code layer}; throws {@link IllegalArgumentException} when
     * the variant does not apply ({@link Applicability}) or the weights do not follow {@code pattern}.
     */
    public static LayerKernel conv(Int8ConvLayer layer, KernelVariant variant, Optional<NmPattern> pattern) {
        Applicability.require(LayerShape.of(layer), variant, pattern);
        if (variant.winograd()) {
            return new WinogradConv(layer, WinogradTile.of(variant));
        }
        return new Im2colConv(layer, WeightMatrix.encode(variant, layer.weights(), layer.outC(), layer.filterLength(),
                pattern));
    }

    /** Returns {@code variant} prepared for fully connected {@code layer}; Winograd does not apply. */
    public static LayerKernel fullyConnected(Int8FullyConnectedLayer layer, KernelVariant variant,
            Optional<NmPattern> pattern) {
        Applicability.require(LayerShape.of(layer), variant, pattern);
        return new MatrixFullyConnected(layer, WeightMatrix.encode(variant, layer.weights(), layer.units(),
                layer.depth(), pattern));
    }
}
