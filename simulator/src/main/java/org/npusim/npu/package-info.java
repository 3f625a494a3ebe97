// SPDX-License-Identifier: Apache-2.0
/**
 * The Ethos-U model: the operations the NPU executes (lowered from graph operators), block-config choice, and
 * the per-block cost of the MAC array, output stage and memory streams, after the published microarchitecture
 * facts and Vela 3.10's performance model (../shared/docs/ethos-u-facts.md).
 */
package org.npusim.npu;
