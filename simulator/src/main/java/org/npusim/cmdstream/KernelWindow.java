// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Locale;
import java.util.Objects;
import org.npusim.npu.Kernel;

/**
 * The window a CONV, DEPTHWISE or POOL command slides over its IFM, as the kernel registers give it
 * ({@code register_command_stream_generator.py: generate_kernel}): {@code NPU_SET_KERNEL_WIDTH_M1} and
 * {@code _HEIGHT_M1} hold the dilated extent minus one, {@code (size - 1) · dilation}; {@code NPU_SET_KERNEL_STRIDE}
 * holds {@code stride - 1} split into a low bit (bit 0 for x, bit 1 for y) and high bits (6-8 for x, 9-11 for y),
 * {@code dilation - 1} in bits 3 (x) and 4 (y), and the part-kernel-first weight traversal in bit 2.
 *
 * @param kernel size, stride and dilation
 * @param partKernelFirst whether the weights are traversed part-kernel first (else depth first)
 * @param padding the IFM padding
 */
public record KernelWindow(Kernel kernel, boolean partKernelFirst, Padding padding) {

    public KernelWindow {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(padding, "padding");
    }

    /** Returns {@code 3x3 s2x2} (height x width, stride y x x), with the dilation when it is not 1. */
    public String label() {
        Kernel k = kernel;
        String s = String.format(Locale.ROOT, "%dx%d s%dx%d", k.h(), k.w(), k.strideY(), k.strideX());
        return k.dilationX() == 1 && k.dilationY() == 1 ? s : s + String.format(Locale.ROOT, " d%dx%d", k.dilationY(), k.dilationX());
    }
}
