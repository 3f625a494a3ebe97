// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.Objects;

/**
 * Another kernel in place of a layer's own (a Winograd or sparse variant that the kernels package chose): what it
 * changes in the layer's work, for {@link CortexMCostModel#cost(org.npusim.graph.Subgraph,
 * org.npusim.graph.Operator, KernelSubstitution)}.
 *
 * <ul>
 *   <li>Its instructions take {@code computeRatio} times the layer's kernel's (the variant's modelled compute
 *       cycles over the dense kernel's, for the layer's shape and sparsity); the call overhead stays.</li>
 *   <li>Its weights take {@code weightBytes} in place of the dense kernel's {@code denseWeightBytes} (int8 values:
 *       a Winograd kernel keeps transformed int16 tiles, a sparse one values and indices). They are read as often
 *       as the dense kernel reads its own, so the bytes read scale with the footprint; the bias and other constants
 *       that share the operand stay. The memory waits and bytes moved then follow from the re-encoded traffic.</li>
 *   <li>Inputs, outputs and scratch buffers keep the dense kernel's traffic (a Winograd kernel's tile buffers and
 *       its different input walk are not modelled).</li>
 * </ul>
 *
 * @param label the variant, for the kernel name in reports ({@code winograd-f4})
 * @param computeRatio the variant's compute cycles over the dense kernel's, {@code >= 0}
 * @param denseWeightBytes bytes of the layer's weights as the dense kernel stores them (one per int8 value)
 * @param weightBytes bytes of the layer's weights in the variant's encoding
 * @param weightPasses how many times the variant reads its whole weights in one inference, {@code >= 0}
 * @param weightElementBytes bytes of one stored weight value (2 for Winograd's int16 tiles, else 1): a load of the
 *     weights reads at least that many bytes
 */
public record KernelSubstitution(String label, double computeRatio, long denseWeightBytes, long weightBytes,
        double weightPasses, int weightElementBytes) {

    /** Returns the kernel name of {@code kernel} run as this variant: {@code arm_convolve_s8 [winograd-f4]}. */
    public String kernelName(String kernel) {
        return kernel + " [" + label + "]";
    }

    /**
     * Returns the variant a kernel name says it runs ({@code winograd-f4} of {@code arm_convolve_s8 [winograd-f4]},
     * as {@link #kernelName} writes it); empty for a layer's own kernel.
     */
    public static java.util.Optional<String> variantOf(String kernelName) {
        int open = kernelName.lastIndexOf(" [");
        return open >= 0 && kernelName.endsWith("]")
                ? java.util.Optional.of(kernelName.substring(open + 2, kernelName.length() - 1))
                : java.util.Optional.empty();
    }

    /** Validates the record. */
    public KernelSubstitution {
        Objects.requireNonNull(label, "label");
        if (!(computeRatio >= 0) || !Double.isFinite(computeRatio) || !(weightPasses >= 0)
                || !Double.isFinite(weightPasses) || denseWeightBytes < 0 || weightBytes < 0 || weightElementBytes < 1) {
            throw new IllegalArgumentException("a substitution needs a finite ratio and passes, and sizes of at least 0");
        }
    }

    /**
     * Returns {@code t} as the variant makes it: the layer's weights re-encoded, any other operand unchanged. With
     * F the operand's bytes (weights and the rest, such as the bias), the rest R = F − dense stays and is read as
     * before ({@code readBytes·R/F}), and the variant adds its weights, {@code weightBytes·weightPasses} bytes read,
     * for a footprint F' = R + weightBytes. Where the kernel touches all its weights between two reads of a byte
     * (reuse ≥ the dense weights: CMSIS-NN's GEMM walks every filter per block of output pixels), that distance
     * changes by the same F' − F; a shorter distance (a row of the weights at a time) is left as it is. Loads read
     * at least one stored value (an int16 tile value on a core that loaded int8 weights a byte at a time).
     */
    Traffic applyTo(Traffic t) {
        if (!t.layerWeights() || t.footprintBytes() == 0) {
            return t;
        }
        long rest = Math.max(0, t.footprintBytes() - denseWeightBytes);
        long footprint = rest + weightBytes;
        long reads = Math.round((double) t.readBytes() * rest / t.footprintBytes() + weightBytes * weightPasses);
        long reuse = t.reuseBytes() >= denseWeightBytes ? Math.max(1, t.reuseBytes() - t.footprintBytes() + footprint)
                : t.reuseBytes();
        return new Traffic(t.memory(), footprint, reads, Math.max(t.loadBytes(), weightElementBytes), reuse,
                t.writeBytes(), t.storeBytes(), true);
    }
}
