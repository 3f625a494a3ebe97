// SPDX-License-Identifier: Apache-2.0
/**
 * The Cortex-M model: what running a graph operator on the CPU costs (cycles of the CPU clock, and the bytes it
 * moves per memory), from the structure of the CMSIS-NN and TFLite Micro reference kernels and per-core facts.
 */
package org.npusim.cpu;
