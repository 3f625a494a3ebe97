// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * One prepared operator: everything that depends only on the model (types, shapes, multipliers, index maps) was
 * computed when the step was made, so running it only reads input buffers and fills output buffers.
 *
 * <p>Contract: {@code tensors} is indexed by the subgraph's tensor index; the interpreter has allocated every
 * output buffer (type and shape of the output tensor) before the call; a step writes only its outputs and the
 * variable tensors the operator owns.
 */
@FunctionalInterface
interface Step {
    void run(TensorBuffer[] tensors);
}
