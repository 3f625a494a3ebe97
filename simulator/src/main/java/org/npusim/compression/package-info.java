// SPDX-License-Identifier: Apache-2.0
/**
 * Ethos-U weight compression: the weight stream's reordering, its bitstream encoder and decoder, the per-channel
 * scale/bias records, the encoded size of every layer of a model, and what is known of the weight decoder's
 * speed (../shared/docs/ethos-u-facts.md §5, §1.4). {@link org.npusim.compression.WeightEncoder} is the entry
 * point for one NPU operation, {@link org.npusim.compression.ModelWeights} for a whole model.
 */
package org.npusim.compression;
