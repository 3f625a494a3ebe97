// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

/** The IFM padding of a kernel command, in elements ({@code NPU_SET_IFM_PAD_TOP/LEFT/BOTTOM/RIGHT}). */
public record Padding(int top, int left, int bottom, int right) {

    /** No padding. */
    public static final Padding NONE = new Padding(0, 0, 0, 0);
}
