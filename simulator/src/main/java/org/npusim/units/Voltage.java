// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/** A supply voltage in volts. Parses {@code mV} and {@code V}. */
public record Voltage(double volts) {

    private static final Kind KIND = new Kind("a voltage", "0.9 V", List.of(new Unit("mV", "1e-3"), new Unit("V", "1")),
            "volts");

    /** Creates a voltage; rejects negative, infinite and NaN values. */
    public Voltage {
        if (!(volts >= 0) || Double.isInfinite(volts)) {
            throw new IllegalArgumentException("voltage must be finite and not negative: " + volts + " V");
        }
    }

    /** Parses a voltage such as {@code "0.9 V"}. */
    public static Voltage parse(String text) {
        return new Voltage(QuantityParser.parse(text, KIND).doubleValue());
    }

    /** Prints the voltage in volts: {@code 0.9 V}. */
    @Override
    public String toString() {
        return QuantityParser.format(volts, "V");
    }
}
