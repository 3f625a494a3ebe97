// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

/** Spatial padding of convolution and pooling windows (TFLite's {@code Padding} enum, codes in order). */
public enum Padding {
    SAME,
    VALID;

    /** Returns the padding with TFLite code {@code code}; unknown codes are rejected. */
    public static Padding fromCode(int code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("unknown padding code " + code);
        }
        return values()[code];
    }

    /**
     * Returns the output size along one axis: VALID gives ceil((in - dilatedKernel + 1) / stride), SAME gives
     * ceil(in / stride) (TensorFlow's definitions of the two paddings).
     */
    public int outputSize(int in, int kernel, int stride, int dilation) {
        int dilatedKernel = (kernel - 1) * dilation + 1;
        return this == SAME ? ceilDiv(in, stride) : ceilDiv(Math.max(0, in - dilatedKernel + 1), stride);
    }

    /** Returns the padding before the first element along one axis (TensorFlow's SAME rule puts the odd one after). */
    public int padBefore(int in, int kernel, int stride, int dilation) {
        if (this == VALID) {
            return 0;
        }
        int out = outputSize(in, kernel, stride, dilation);
        int dilatedKernel = (kernel - 1) * dilation + 1;
        int total = Math.max(0, (out - 1) * stride + dilatedKernel - in);
        return total / 2;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
