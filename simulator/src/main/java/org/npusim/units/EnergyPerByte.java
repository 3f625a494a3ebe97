// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/**
 * An access energy per byte moved, in picojoules per byte. Parses {@code fJ/B}, {@code pJ/B}, {@code nJ/B}, and
 * per-bit figures as published for DRAM ({@code pJ/bit}, {@code nJ/bit}; one byte is eight bits).
 */
public record EnergyPerByte(double picojoulesPerByte) {

    private static final Kind KIND = new Kind("an energy per byte", "1.25 pJ/B", List.of(new Unit("fJ/B", "1e-3"),
            new Unit("pJ/B", "1"), new Unit("nJ/B", "1e3"), new Unit("pJ/bit", "8"), new Unit("nJ/bit", "8e3")),
            "picojoules per byte");

    /** Creates an energy per byte; rejects negative, infinite and NaN values. */
    public EnergyPerByte {
        if (!(picojoulesPerByte >= 0) || Double.isInfinite(picojoulesPerByte)) {
            throw new IllegalArgumentException("energy per byte must be finite and not negative: " + picojoulesPerByte);
        }
    }

    /** Parses an energy per byte such as {@code "1.25 pJ/B"} or {@code "8 pJ/bit"}. */
    public static EnergyPerByte parse(String text) {
        return new EnergyPerByte(QuantityParser.parse(text, KIND).doubleValue());
    }

    /** Prints the energy in picojoules per byte: {@code 1.25 pJ/B}. */
    @Override
    public String toString() {
        return QuantityParser.format(picojoulesPerByte, "pJ/B");
    }
}
