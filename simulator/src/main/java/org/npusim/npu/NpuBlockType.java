// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

/**
 * How the NPU executes an operation (Vela's {@code NpuBlockType}; ethos-u-facts.md §3.1 lists which TFLite
 * operators lower to which).
 */
public enum NpuBlockType {
    /** Convolution with an M×N kernel: CONV_2D, TRANSPOSE_CONV, strided average pools. */
    CONVOLUTION,
    /** Depthwise convolution; also MEAN and resize helpers. */
    DEPTHWISE,
    /** Matrix-vector product: FULLY_CONNECTED and 1×1 convolutions on a 1×1 IFM. */
    VECTOR_PRODUCT,
    /** Max and average pooling, and pooling-based copies (QUANTIZE, some TRANSPOSEs). */
    POOLING,
    /** Sum over the depth (softmax internals). */
    REDUCE_SUM,
    /** Element-wise operations on one or two IFMs. */
    ELEMENTWISE,
    /** A memory copy done by the DMA, without the MAC array. */
    DMA;

    /** Returns whether the operation uses the MAC array and accumulators (not element-wise or DMA). */
    public boolean usesAccumulators() {
        return this != ELEMENTWISE && this != DMA;
    }

    /** Returns whether the operation has weights in the Ethos-U weight stream. */
    public boolean hasWeights() {
        return this == CONVOLUTION || this == DEPTHWISE || this == VECTOR_PRODUCT;
    }

    /**
     * Returns whether the IFM block has the OFM block's depth (depthwise, pooling, element-wise), rather than
     * an IFM depth slice of its own.
     */
    public boolean isEqualDepth() {
        return this == DEPTHWISE || this == POOLING || this == ELEMENTWISE;
    }
}
