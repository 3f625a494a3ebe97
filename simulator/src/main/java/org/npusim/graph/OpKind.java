// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

/**
 * One constant per {@link OpOptions} record, so that code can dispatch over the closed family with a
 * {@code switch} expression that the compiler checks for exhaustiveness (Java 17 has no pattern switch).
 */
public enum OpKind {
    CONV_2D,
    DEPTHWISE_CONV_2D,
    FULLY_CONNECTED,
    TRANSPOSE_CONV,
    POOL_2D,
    ARITHMETIC,
    CONCATENATION,
    RESHAPE,
    SOFTMAX,
    REDUCER,
    STRIDED_SLICE,
    SPLIT,
    PACK,
    SQUEEZE,
    LEAKY_RELU,
    SVDF,
    SEQUENCE_LSTM,
    RESIZE,
    NONE,
    CUSTOM,
    OPAQUE
}
