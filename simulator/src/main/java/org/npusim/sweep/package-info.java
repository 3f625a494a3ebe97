// SPDX-License-Identifier: Apache-2.0
/**
 * Design-space sweeps: the cartesian product of varied description keys, each point a pure function of the model
 * and the resolved description, simulated in parallel; rows in point order with the Pareto front of time, energy
 * and hardware size marked.
 */
package org.npusim.sweep;
