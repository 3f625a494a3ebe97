// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

/** Output formats of {@code npusim simulate}. */
public enum ResultFormat {
    TABLE,
    CSV,
    JSON
}
