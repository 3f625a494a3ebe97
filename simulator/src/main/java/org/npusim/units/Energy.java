// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/** An energy in picojoules, such as the energy of one MAC. Parses {@code fJ}, {@code pJ}, {@code nJ}, {@code uJ}. */
public record Energy(double picojoules) {

    private static final Kind KIND = new Kind("an energy", "0.3 pJ", List.of(new Unit("fJ", "1e-3"),
            new Unit("pJ", "1"), new Unit("nJ", "1e3"), new Unit("uJ", "1e6"), new Unit("µJ", "1e6")), "picojoules");

    /** Creates an energy; rejects negative, infinite and NaN values. */
    public Energy {
        if (!(picojoules >= 0) || Double.isInfinite(picojoules)) {
            throw new IllegalArgumentException("energy must be finite and not negative: " + picojoules + " pJ");
        }
    }

    /** Parses an energy such as {@code "0.3 pJ"}. */
    public static Energy parse(String text) {
        return new Energy(QuantityParser.parse(text, KIND).doubleValue());
    }

    /** Prints the energy in picojoules: {@code 0.3 pJ}. */
    @Override
    public String toString() {
        return QuantityParser.format(picojoules, "pJ");
    }
}
