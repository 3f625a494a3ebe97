// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

/** Output formats of {@code npusim sweep}. */
public enum SweepFormat {
    CSV,
    JSON
}
