// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/** A power in milliwatts, such as a static (leakage) power. Parses {@code uW}, {@code mW}, {@code W}. */
public record Power(double milliwatts) {

    private static final Kind KIND = new Kind("a power", "12 mW", List.of(new Unit("uW", "1e-3"), new Unit("µW", "1e-3"),
            new Unit("mW", "1"), new Unit("W", "1e3")), "milliwatts");

    /** Creates a power; rejects negative, infinite and NaN values. */
    public Power {
        if (!(milliwatts >= 0) || Double.isInfinite(milliwatts)) {
            throw new IllegalArgumentException("power must be finite and not negative: " + milliwatts + " mW");
        }
    }

    /** Parses a power such as {@code "12 mW"}. */
    public static Power parse(String text) {
        return new Power(QuantityParser.parse(text, KIND).doubleValue());
    }

    /** Prints the power in milliwatts: {@code 12 mW}. */
    @Override
    public String toString() {
        return QuantityParser.format(milliwatts, "mW");
    }
}
