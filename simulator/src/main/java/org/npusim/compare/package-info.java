// SPDX-License-Identifier: Apache-2.0
/**
 * Compares two saved results layer by layer (matched by layer name): totals, the layers whose time changed most
 * first, and the layers whose bottleneck changed.
 */
package org.npusim.compare;
