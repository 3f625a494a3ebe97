// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

/**
 * Facts derived from one operator and its tensors.
 *
 * @param macs multiply-accumulates, counted as Vela's {@code measure_cycle_cost} does (see {@link Macs})
 * @param parameterCount elements of the constant inputs (weights, biases, LUTs, shape tensors)
 * @param parameterBytes bytes of the constant inputs
 * @param inputActivationBytes bytes of the non-constant inputs
 * @param outputActivationBytes bytes of the outputs
 */
public record OperatorFacts(
        long macs, long parameterCount, long parameterBytes, long inputActivationBytes, long outputActivationBytes) {}
