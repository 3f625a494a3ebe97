// SPDX-License-Identifier: Apache-2.0
/**
 * Functional execution: runs a quantized graph with the integer semantics of TensorFlow Lite Micro's reference
 * kernels, bit for bit, and measures every tensor's values ({@link org.npusim.exec.ActivationStats}).
 *
 * <p>The pieces: {@link org.npusim.exec.TensorBuffer} holds one tensor's values in a primitive array;
 * {@link org.npusim.exec.FixedPoint} and {@link org.npusim.exec.QuantizedMultiplier} are the requantization
 * arithmetic; one {@code *Kernels} class per operator family validates an operator once and returns an
 * {@link org.npusim.exec.Step} that computes it; {@link org.npusim.exec.Interpreter} wires the steps in execution
 * order and runs them. {@link org.npusim.exec.NpyFormat} and {@link org.npusim.exec.InputFiles} read and write
 * tensor values, {@link org.npusim.exec.OutputComparison} measures how far two runs' outputs are apart.
 *
 * <p>Everything that depends on the model is checked when the interpreter is built: an operator, element type or
 * option that is not supported is an {@link org.npusim.errors.InputException} naming the operator and the layer,
 * never a silently wrong answer. No value is null unless a method says so.
 */
package org.npusim.exec;
