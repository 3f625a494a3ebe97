// SPDX-License-Identifier: Apache-2.0
/**
 * Physical quantities with their units: {@code Frequency}, {@code DataSize}, {@code Bandwidth}, {@code Duration},
 * {@code Energy}, {@code EnergyPerByte}, {@code Power}, {@code Voltage}, {@code Current} and
 * {@code CurrentPerFrequency}. Each parses strings such as {@code "500 MHz"} or {@code "2 MiB"} strictly (a number,
 * optional spaces, one of the listed units; no unit means an error, never a silent default) and prints itself
 * canonically, so that a printed value parses back to the same value.
 */
package org.npusim.units;
