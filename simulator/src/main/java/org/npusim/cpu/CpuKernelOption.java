// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

/**
 * One kernel an operator may run on the CPU ({@link CpuCostModel#kernelOptions}).
 *
 * @param kernel the kernel's label, as {@link CpuOpCost#kernel()} gives it ({@code arm_convolve_s8 [winograd-f4]})
 * @param cycles the operator's CPU cycles with this kernel, memory waits included
 * @param extraWeightBytes the bytes the kernel stores beyond the weight tensor's own size (negative when fewer)
 */
public record CpuKernelOption(String kernel, long cycles, long extraWeightBytes) {}
