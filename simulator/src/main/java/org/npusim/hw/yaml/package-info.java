// SPDX-License-Identifier: Apache-2.0
/**
 * Hardware descriptions in YAML ({@code schema: npusim.hw/v1}): reading with token locations, {@code extends:}
 * inheritance, command-line overrides, validation of every key with all errors reported at once, and the canonical
 * resolved form that {@code npusim hw show} prints. The only package that knows the YAML format; the records it
 * produces live in {@code org.npusim.hw}.
 */
package org.npusim.hw.yaml;
