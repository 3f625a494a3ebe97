// SPDX-License-Identifier: Apache-2.0
/**
 * Alternative int8 kernels for convolution and fully connected layers on Cortex-M, and what they cost there.
 *
 * <p>Functional kernels ({@link org.npusim.kernels.LayerKernel}): Winograd F(2x2,3x3) and F(4x4,3x3) in exact
 * integer arithmetic, weight-sparse matrix multiplies over CSR, bitmask and N:M structured encodings, and
 * zero-activation skipping. Each produces exactly the bytes of the executor's dense reference kernels
 * ({@link org.npusim.exec.Int8ConvLayer#runDense}, {@link org.npusim.exec.Int8FullyConnectedLayer#runDense}),
 * because it computes the same integer accumulator and hands it to the same output stage
 * ({@link org.npusim.exec.Requantization}).
 *
 * <p>Cost models ({@link org.npusim.kernels.KernelCostModel}): cycles and memory footprint of every
 * {@link org.npusim.kernels.KernelVariant} on every {@link org.npusim.hw.CpuCore}, from the instruction structure
 * of each kernel ({@link org.npusim.kernels.KernelMixes}) and per-core instruction timings
 * ({@link org.npusim.kernels.CoreTiming}), after ../shared/docs/cortex-m-kernel-facts.md.
 * {@link org.npusim.kernels.VariantCpuCostModel} re-costs the convolution and fully connected layers of the
 * Cortex-M model ({@link org.npusim.cpu.CortexMCostModel}) with a chosen variant: its compute ratio to dense, and
 * its own weight encoding read as often as its loops read it.
 *
 * <p>The NPU side is deliberately absent: Ethos-U does not skip zero weights in compute (Vela's cycle formulas
 * depend only on block geometry and kernel size, cortex-m-kernel-facts.md §5), and it has no Winograd mode. Its
 * gain from sparsity comes through weight compression: fewer weight bytes to fetch, which helps only layers whose
 * MAC array waits for weights.
 */
package org.npusim.kernels;
