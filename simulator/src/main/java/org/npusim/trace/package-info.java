// SPDX-License-Identifier: Apache-2.0
/**
 * The run's timeline as Chrome trace-event JSON, which Perfetto and chrome://tracing open: a process for the NPU
 * and one for the CPU, a track per component, a slice per layer and per batch of blocks, and counter tracks of
 * bandwidth per memory.
 */
package org.npusim.trace;
