// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Optional;

/** Which variants can compute which layers exactly; shared by the functional kernels and the cost model. */
public final class Applicability {

    private Applicability() {}

    /**
     * Returns why {@code variant} cannot compute a layer of {@code shape}, or empty when it can. Winograd needs a
     * 3x3 stride-1 undilated convolution within {@link WinogradTile#maxInputChannels()}; sparse-nm needs a pattern;
     * everything else applies to every convolution and fully connected layer.
     */
    public static Optional<String> reason(LayerShape shape, KernelVariant variant, Optional<NmPattern> pattern) {
        switch (variant) {
            case WINOGRAD_F2:
            case WINOGRAD_F4: {
                if (!shape.isWinogradShape()) {
                    return Optional.of("Winograd F(m,3) needs a 3x3 stride-1 undilated convolution");
                }
                int max = WinogradTile.of(variant).maxInputChannels();
                if (shape.inC() > max) {
                    return Optional.of("more than " + max + " input channels overflow int32 accumulators");
                }
                return Optional.empty();
            }
            case SPARSE_NM:
                return pattern.isPresent() ? Optional.empty() : Optional.of("no N:M pattern given");
            default:
                return Optional.empty();
        }
    }

    /** Throws {@link IllegalArgumentException} ("label: reason") when {@code variant} cannot compute {@code shape}. */
    static void require(LayerShape shape, KernelVariant variant, Optional<NmPattern> pattern) {
        reason(shape, variant, pattern).ifPresent(r -> {
            throw new IllegalArgumentException(variant.label() + ": " + r);
        });
    }
}
