// SPDX-License-Identifier: Apache-2.0
/**
 * What-if transforms of a model's int8 weights, to see what pruning and clustering would buy on an Ethos-U
 * without retraining: magnitude pruning (optionally N:M structured) and k-means clustering, each returning a new
 * model whose weights the compression package then encodes.
 */
package org.npusim.whatif;
