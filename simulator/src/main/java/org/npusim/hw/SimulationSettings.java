// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

/**
 * The Vela-compatible switches. With both true (the default) the simulator overlaps work across layers (weight
 * prefetch under the previous layer's compute, CPU and NPU at once) and models contention on the AXI ports. With
 * both false each layer costs Vela's per-layer {@code max(compute, memory)} with no overlap and no contention, the
 * model behind Vela 3.10's estimates (ethos-u-facts.md §8).
 *
 * @param overlap cross-layer overlap (weight prefetch under the previous layer, CPU beside NPU)
 * @param contention contention between streams that share an AXI port
 * @param driverOverhead whether the CPU's NPU-driver work (setting up each NPU subgraph) is simulated; Vela's
 *     estimates leave it out, so the files of Vela's system configurations turn it off
 */
public record SimulationSettings(boolean overlap, boolean contention, boolean driverOverhead) {}
