// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.math.BigDecimal;
import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/** A clock frequency in whole hertz. Parses {@code "500 MHz"}, {@code "62.5 MHz"}, {@code "1 GHz"}. */
public record Frequency(long hz) {

    private static final List<Unit> UNITS = List.of(new Unit("Hz", "1"), new Unit("kHz", "1e3"),
            new Unit("MHz", "1e6"), new Unit("GHz", "1e9"));
    private static final List<Unit> LARGEST_FIRST = List.of(UNITS.get(3), UNITS.get(2), UNITS.get(1), UNITS.get(0));
    private static final Kind KIND = new Kind("a frequency", "500 MHz", UNITS, "Hz");

    /** Creates a frequency; rejects negative values. */
    public Frequency {
        if (hz < 0) {
            throw new IllegalArgumentException("negative frequency: " + hz + " Hz");
        }
    }

    /** Parses a frequency such as {@code "500 MHz"}; units Hz, kHz, MHz, GHz. */
    public static Frequency parse(String text) {
        return new Frequency(QuantityParser.toLong(QuantityParser.parse(text, KIND), text, KIND));
    }

    /** Prints the frequency in the largest unit that keeps it exact within three decimals: {@code 62.5 MHz}. */
    @Override
    public String toString() {
        return QuantityParser.format(BigDecimal.valueOf(hz), LARGEST_FIRST, false, 3);
    }
}
