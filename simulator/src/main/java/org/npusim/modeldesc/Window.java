// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.Objects;
import org.npusim.graph.Padding;

/**
 * The sliding window of a convolution or pooling layer.
 *
 * @param kernelH window height (the pool size for pooling)
 * @param kernelW window width
 * @param strideH vertical stride
 * @param strideW horizontal stride
 * @param dilationH vertical dilation (1 for pooling)
 * @param dilationW horizontal dilation
 * @param padding SAME or VALID, TensorFlow's rules ({@link Padding#outputSize})
 */
record Window(int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW, Padding padding) {

    Window {
        Objects.requireNonNull(padding, "padding");
    }

    /** Returns the output height for an input of height {@code in}. */
    int outputH(int in) {
        return padding.outputSize(in, kernelH, strideH, dilationH);
    }

    /** Returns the output width for an input of width {@code in}. */
    int outputW(int in) {
        return padding.outputSize(in, kernelW, strideW, dilationW);
    }

    /** Returns the kernel height with dilation: (k - 1)·d + 1. */
    int dilatedH() {
        return (kernelH - 1) * dilationH + 1;
    }

    /** Returns the kernel width with dilation. */
    int dilatedW() {
        return (kernelW - 1) * dilationW + 1;
    }
}
