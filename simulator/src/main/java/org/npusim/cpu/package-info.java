// SPDX-License-Identifier: Apache-2.0
/**
 * The Cortex-M model: what running a graph operator on the CPU costs (cycles of the CPU clock, and the bytes it
 * moves per memory), from the structure of the CMSIS-NN and TFLite Micro reference kernels and per-core facts.
 *
 * <p>{@link org.npusim.cpu.CortexMCostModel} maps an operator to the kernel TensorFlow Lite Micro runs (the kernel
 * families: {@code ConvolutionKernels}, {@code DepthwiseKernels}, {@code FullyConnectedKernels},
 * {@code PoolingKernels}, {@code ElementwiseKernels}, {@code NonlinearKernels}, {@code RecurrentKernels},
 * {@code DataMovementKernels}, {@code ReferenceKernels}, with the shared {@code Gemm}, {@code Epilogues} and
 * {@code Copies}); each returns a {@link org.npusim.cpu.KernelWork}: an {@link org.npusim.cpu.InstructionMix}
 * counted from the kernel's loops and the {@link org.npusim.cpu.Traffic} of its operands.
 * {@link org.npusim.cpu.CoreTiming} turns the mix into cycles for the core, and
 * {@link org.npusim.cpu.CpuMemoryModel} adds the wait states or cache-line fills of the memories the placement puts
 * the operands in. Every coefficient is derived in the Javadoc of the class that uses it, from
 * ../shared/docs/cortex-m-kernel-facts.md or an instruction count of the kernel source.
 */
package org.npusim.cpu;
