// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

/**
 * One kernel variant prepared for one int8 layer (its weights already encoded or transformed).
 *
 * <p>Contract: {@link #run} writes exactly the bytes the executor's dense reference kernel writes for the same
 * input; it keeps no state between runs, so a kernel may run on several threads at once.
 */
public sealed interface LayerKernel permits Im2colConv, WinogradConv, MatrixFullyConnected {

    /** Returns the variant. */
    KernelVariant variant();

    /** Returns the bytes of the weights in the variant's encoding (int16 for Winograd-domain weights). */
    long weightBytes();

    /** Computes the layer's NHWC (or row-major) int8 {@code output} from its {@code input}. */
    void run(byte[] input, byte[] output);
}
