// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/** An electric current in microamperes. Parses {@code nA}, {@code uA} (or {@code µA}), {@code mA}, {@code A}. */
public record Current(double microamps) {

    private static final Kind KIND = new Kind("a current", "30 uA", List.of(new Unit("nA", "1e-3"), new Unit("uA", "1"),
            new Unit("µA", "1"), new Unit("mA", "1e3"), new Unit("A", "1e6")), "microamperes");

    /** Creates a current; rejects negative, infinite and NaN values. */
    public Current {
        if (!(microamps >= 0) || Double.isInfinite(microamps)) {
            throw new IllegalArgumentException("current must be finite and not negative: " + microamps + " uA");
        }
    }

    /** Parses a current such as {@code "30 uA"}. */
    public static Current parse(String text) {
        return new Current(QuantityParser.parse(text, KIND).doubleValue());
    }

    /** Prints the current in microamperes: {@code 30 uA}. */
    @Override
    public String toString() {
        return QuantityParser.format(microamps, "uA");
    }
}
