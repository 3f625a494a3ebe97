// SPDX-License-Identifier: Apache-2.0
/**
 * Turns results into text: readable tables, CSV and JSON. Output is deterministic: fixed key order, integers or
 * fixed-format numbers, no wall-clock values.
 */
package org.npusim.report;
