// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

/** Where a feature map of an NPU operation lives and in which format. */
public record StreamPlacement(MemoryTiming memory, TensorFormat format) {}
