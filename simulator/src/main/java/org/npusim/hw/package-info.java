// SPDX-License-Identifier: Apache-2.0
/**
 * Immutable hardware records: the NPU variant and its fixed silicon facts, CPU, memories, ports, placement,
 * energy and simulation settings. These records know nothing of YAML; the loader lives in {@code hw.yaml}.
 */
package org.npusim.hw;
