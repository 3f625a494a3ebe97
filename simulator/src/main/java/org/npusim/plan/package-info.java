// SPDX-License-Identifier: Apache-2.0
/**
 * From a graph and a hardware description to an immutable execution plan: which operators run on the NPU (and as
 * which NPU operations, with which block configs) and which on the CPU, where every tensor lives and in which
 * format, how weights reach the NPU (read in place, or DMA-buffered into fast memory, whole or in slices), and the
 * encoded weight sizes. The simulation executes the plan; it makes no placement decisions of its own.
 */
package org.npusim.plan;
