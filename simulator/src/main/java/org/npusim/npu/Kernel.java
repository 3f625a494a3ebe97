// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

/**
 * The window an NPU operation slides over its IFM: size, stride and dilation (1×1, stride 1 for element-wise and
 * vector-product operations).
 */
public record Kernel(int w, int h, int strideX, int strideY, int dilationX, int dilationY) {

    /** The 1×1 kernel of element-wise and vector-product operations. */
    public static final Kernel UNIT = new Kernel(1, 1, 1, 1, 1, 1);

    public Kernel {
        if (w < 1 || h < 1 || strideX < 1 || strideY < 1 || dilationX < 1 || dilationY < 1) {
            throw new IllegalArgumentException("kernel dimensions, strides and dilations must be at least 1");
        }
    }

    /** Returns the dilated width {@code (w-1)·dilation + 1}. */
    public int areaW() {
        return (w - 1) * dilationX + 1;
    }

    /** Returns the dilated height. */
    public int areaH() {
        return (h - 1) * dilationY + 1;
    }

    /** Returns w·h, the undilated element count. */
    public int elements() {
        return w * h;
    }
}
