// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.math.BigDecimal;
import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/** A data rate in whole bytes per second. Parses {@code "4 GB/s"}, {@code "500 MB/s"}, {@code "1 GiB/s"}. */
public record Bandwidth(long bytesPerSecond) {

    private static final List<Unit> UNITS = List.of(new Unit("B/s", "1"), new Unit("kB/s", "1e3"),
            new Unit("MB/s", "1e6"), new Unit("GB/s", "1e9"), new Unit("KiB/s", "1024"), new Unit("MiB/s", "1048576"),
            new Unit("GiB/s", "1073741824"));
    private static final List<Unit> SI_LARGEST_FIRST = List.of(UNITS.get(3), UNITS.get(2), UNITS.get(1), UNITS.get(0));
    private static final Kind KIND = new Kind("a bandwidth", "4 GB/s", UNITS, "bytes per second");

    /** Creates a bandwidth; rejects negative values. */
    public Bandwidth {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("negative bandwidth: " + bytesPerSecond + " B/s");
        }
    }

    /** Parses a bandwidth such as {@code "4 GB/s"}. */
    public static Bandwidth parse(String text) {
        return new Bandwidth(QuantityParser.toLong(QuantityParser.parse(text, KIND), text, KIND));
    }

    /** Returns the rate in GB/s (10^9 bytes per second), as Vela prints bandwidths. */
    public double gigabytesPerSecond() {
        return bytesPerSecond / 1e9;
    }

    /** Prints the rate in the largest SI unit that keeps it exact within three decimals: {@code 1.875 GB/s}. */
    @Override
    public String toString() {
        return QuantityParser.format(BigDecimal.valueOf(bytesPerSecond), SI_LARGEST_FIRST, false, 3);
    }
}
