// SPDX-License-Identifier: Apache-2.0
/**
 * The immutable result of a simulation: per layer and in total, cycles and time, where each layer ran, what bound
 * it, bytes per memory, weights and energy. Report writers turn it into text; the JSON form is the
 * {@code npusim.result/v1} contract of the design brief.
 */
package org.npusim.result;
