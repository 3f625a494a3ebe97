// SPDX-License-Identifier: Apache-2.0
/**
 * Model descriptions ({@code models/*.yaml}, schema {@code npusim.model/v1}): networks described layer by layer
 * and built into the same graph IR that the TFLite reader produces, with generated int8 weights.
 *
 * <p>The pipeline, one class per step: {@link org.npusim.modeldesc.YamlTree} reads the YAML into positioned
 * nodes; {@link org.npusim.modeldesc.DescriptionReader} checks keys and types strictly and produces a
 * {@link org.npusim.modeldesc.ModelDescription}; {@link org.npusim.modeldesc.GraphBuilder} resolves layer inputs
 * and shapes ({@link org.npusim.modeldesc.ShapeInference}), generates weights
 * ({@link org.npusim.modeldesc.WeightGenerator}, {@link org.npusim.modeldesc.Clustering}), chooses activation
 * quantization ({@link org.npusim.modeldesc.RangeEstimator}, {@link org.npusim.modeldesc.ActivationQuantizer})
 * and assembles the subgraph. Every error is one {@link org.npusim.errors.InputException} that names the file,
 * the line and column, and the layer.
 *
 * <p>Nothing here is null: absent values are {@link java.util.Optional} or explicit defaults documented in
 * {@code models/README.md}.
 */
package org.npusim.modeldesc;
