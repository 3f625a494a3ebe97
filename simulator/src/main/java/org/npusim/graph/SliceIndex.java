// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

/**
 * TFLite's index rules for STRIDED_SLICE ({@code kernels/internal/strided_slice_logic.h}: {@code StartForAxis},
 * {@code StopForAxis}), shared by the reference kernel that executes a slice and the NPU lowering that reads one
 * in place: a negative index counts from the end, a masked begin or end takes the whole extent in the stride's
 * direction, and indices are clamped to [0, n] for positive strides and to [-1, n-1] for negative ones.
 */
public final class SliceIndex {

    private SliceIndex() {}

    /** Returns the first index of {@code axis} (of {@code size} elements) that the slice reads. */
    public static int start(int beginMask, int begin, int stride, int size, int axis) {
        // A masked begin is the first element in the stride's direction.
        return resolve(beginMask, begin, stride > 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE, stride, size, axis);
    }

    /** Returns the exclusive end index of {@code axis} (of {@code size} elements) that the slice reads up to. */
    public static int stop(int endMask, int end, int stride, int size, int axis) {
        // A masked end is past the last element in the stride's direction.
        return resolve(endMask, end, stride > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE, stride, size, axis);
    }

    private static int resolve(int mask, int index, long masked, int stride, int size, int axis) {
        if (size == 0) {
            return 0;
        }
        long i = (mask & (1 << axis)) != 0 ? masked : index;
        if (i < 0) {
            i += size;
        }
        return (int) (stride > 0 ? clamp(i, 0, size) : clamp(i, -1, size - 1));
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.min(Math.max(v, lo), hi);
    }
}
