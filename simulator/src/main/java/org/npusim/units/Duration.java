// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.math.BigDecimal;
import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/**
 * A time interval in whole picoseconds, the simulator's time unit. Parses {@code ps}, {@code ns}, {@code us} (or
 * {@code µs}), {@code ms} and {@code s}. Cycles are not a duration until a clock is known; the hardware loader
 * converts {@code "64 cycles"} itself.
 */
public record Duration(long ps) {

    private static final List<Unit> UNITS = List.of(new Unit("ps", "1"), new Unit("ns", "1e3"), new Unit("us", "1e6"),
            new Unit("µs", "1e6"), new Unit("ms", "1e9"), new Unit("s", "1e12"));
    private static final List<Unit> LARGEST_FIRST = List.of(UNITS.get(5), UNITS.get(4), UNITS.get(2), UNITS.get(1),
            UNITS.get(0));
    private static final Kind KIND = new Kind("a time", "64 ns", UNITS, "picoseconds");

    /** Creates a duration; rejects negative values. */
    public Duration {
        if (ps < 0) {
            throw new IllegalArgumentException("negative duration: " + ps + " ps");
        }
    }

    /** Parses a duration such as {@code "64 ns"}. */
    public static Duration parse(String text) {
        return new Duration(QuantityParser.toLong(QuantityParser.parse(text, KIND), text, KIND));
    }

    /** Prints the duration in the largest unit that keeps it exact within three decimals: {@code 64 ns}. */
    @Override
    public String toString() {
        return QuantityParser.format(BigDecimal.valueOf(ps), LARGEST_FIRST, false, 3);
    }
}
