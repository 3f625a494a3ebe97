// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

/**
 * Feature-map storage formats: NHWC (linear) and NHCWB16 (bricks of 16 channels, the NPU's preferred layout for
 * intermediate tensors; depth rounded up to 16).
 */
public enum TensorFormat {
    NHWC(1),
    NHCWB16(16);

    private final int depthQuantum;

    TensorFormat(int depthQuantum) {
        this.depthQuantum = depthQuantum;
    }

    /** Returns the storage rounding of the depth: 16 for NHCWB16, 1 for NHWC. */
    public int depthQuantum() {
        return depthQuantum;
    }
}
