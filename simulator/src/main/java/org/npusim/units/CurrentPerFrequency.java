// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/**
 * A run-mode current per clock frequency in microamperes per megahertz, as MCU datasheets quote active current
 * ({@code "120 uA/MHz"}). Parses {@code nA/MHz}, {@code uA/MHz} (or {@code µA/MHz}) and {@code mA/MHz}.
 */
public record CurrentPerFrequency(double microampsPerMegahertz) {

    private static final Kind KIND = new Kind("a current per frequency", "120 uA/MHz", List.of(new Unit("nA/MHz", "1e-3"),
            new Unit("uA/MHz", "1"), new Unit("µA/MHz", "1"), new Unit("mA/MHz", "1e3")), "microamperes per megahertz");

    /** Creates a current per frequency; rejects negative, infinite and NaN values. */
    public CurrentPerFrequency {
        if (!(microampsPerMegahertz >= 0) || Double.isInfinite(microampsPerMegahertz)) {
            throw new IllegalArgumentException("current per frequency must be finite and not negative: "
                    + microampsPerMegahertz + " uA/MHz");
        }
    }

    /** Parses a current per frequency such as {@code "120 uA/MHz"}. */
    public static CurrentPerFrequency parse(String text) {
        return new CurrentPerFrequency(QuantityParser.parse(text, KIND).doubleValue());
    }

    /** Prints the value in microamperes per megahertz: {@code 120 uA/MHz}. */
    @Override
    public String toString() {
        return QuantityParser.format(microampsPerMegahertz, "uA/MHz");
    }
}
