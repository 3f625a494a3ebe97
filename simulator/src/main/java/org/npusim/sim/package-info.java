// SPDX-License-Identifier: Apache-2.0
/**
 * Executes an execution plan on one timeline: the NPU's block pipeline, its DMA, the AXI channels to the
 * memories and the CPU, as events on the {@code des} engine; or, with the Vela-compatible settings, each layer as
 * one transaction costing Vela's max(compute, per-memory access time). Both use the same component models
 * ({@code npu.CostModel}, {@code plan.DmaModel}).
 */
package org.npusim.sim;
