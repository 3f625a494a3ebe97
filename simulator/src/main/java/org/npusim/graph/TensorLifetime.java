// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

/**
 * The execution steps during which a non-constant tensor must be held in memory: from the operator that writes
 * it (or step 0 for a subgraph input) to the last operator that reads it (or the last step for an output or a
 * variable).
 *
 * @param tensor the tensor index
 * @param firstStep first operator index at which the tensor is live
 * @param lastStep last operator index at which the tensor is live (inclusive)
 */
public record TensorLifetime(int tensor, int firstStep, int lastStep) {
}
