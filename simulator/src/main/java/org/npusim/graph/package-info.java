// SPDX-License-Identifier: Apache-2.0
/**
 * The immutable graph IR: tensors with shapes, element types, quantization and constant data; operators with
 * their TFLite builtin options decoded into typed records; subgraphs; and the derived facts (MACs, parameter
 * bytes, tensor lifetimes, peak live activation memory) computed once when a subgraph is built.
 *
 * <p>Nothing here knows about files: readers (TFLite, model YAML) build these records, and everything downstream
 * (planning, simulation, execution) consumes them. No value is null unless a method says so.
 */
package org.npusim.graph;
