// SPDX-License-Identifier: Apache-2.0
/**
 * Bottleneck analysis of a simulation: the layers that take the most time and what bound each, the busy share of
 * every resource over the run, the energy split by component, and what-ifs measured by simulating changed hardware
 * descriptions (never estimated). Values are never null; absent values are {@code Optional}.
 */
package org.npusim.analysis;
