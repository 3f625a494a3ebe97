// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.math.BigDecimal;
import java.util.List;
import org.npusim.units.QuantityParser.Kind;
import org.npusim.units.QuantityParser.Unit;

/**
 * A size in whole bytes. Parses SI ({@code kB} = 1000 B, {@code MB}, {@code GB}) and binary ({@code KiB} = 1024 B,
 * {@code MiB}, {@code GiB}) prefixes; {@code KB} is rejected as ambiguous.
 */
public record DataSize(long bytes) {

    private static final List<Unit> UNITS = List.of(new Unit("B", "1"), new Unit("kB", "1e3"), new Unit("MB", "1e6"),
            new Unit("GB", "1e9"), new Unit("KiB", "1024"), new Unit("MiB", "1048576"), new Unit("GiB", "1073741824"));
    private static final List<Unit> CANONICAL = List.of(UNITS.get(6), UNITS.get(5), UNITS.get(4), UNITS.get(3),
            UNITS.get(2), UNITS.get(1), UNITS.get(0));
    private static final Kind KIND = new Kind("a size", "2 MiB", UNITS, "bytes");

    /** Creates a size; rejects negative values. */
    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size: " + bytes + " B");
        }
    }

    /** Parses a size such as {@code "2 MiB"} or {@code "32 B"}. */
    public static DataSize parse(String text) {
        return new DataSize(QuantityParser.toLong(QuantityParser.parse(text, KIND), text, KIND));
    }

    /**
     * Prints the size as a whole number of the largest unit that divides it, binary units first ({@code 384 KiB},
     * {@code 8 MiB}, {@code 2 MB}), else in bytes.
     */
    @Override
    public String toString() {
        return QuantityParser.format(BigDecimal.valueOf(bytes), CANONICAL, true, 0);
    }
}
