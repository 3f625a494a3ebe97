// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.List;

/**
 * A depth slice of a layer's weights: OFM channels {@code [start, end)}. The plan cuts a layer's weights into
 * slices to double-buffer them (ethos-u-facts.md §3.8); each slice is an encoded stream of its own.
 */
public record OfmRange(int start, int end) {

    public OfmRange {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException("OFM range [" + start + ", " + end + ") is empty or negative");
        }
    }

    /** Returns the number of channels. */
    public int channels() {
        return end - start;
    }

    /** Returns the single slice covering {@code depth} channels. */
    public static List<OfmRange> whole(int depth) {
        return List.of(new OfmRange(0, depth));
    }

    /** Returns slices that start at each of {@code starts} (ascending, the first 0) and end at {@code depth}. */
    public static List<OfmRange> at(int depth, int... starts) {
        OfmRange[] r = new OfmRange[starts.length];
        for (int i = 0; i < starts.length; i++) {
            r[i] = new OfmRange(starts[i], i + 1 < starts.length ? starts[i + 1] : depth);
        }
        return List.of(r);
    }
}
