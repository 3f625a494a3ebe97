// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits {@code "62.5 MHz"} into an exact decimal and a unit, and prints values canonically. Numbers are parsed as
 * {@link BigDecimal}, so that {@code "62.5 MHz"} is exactly 62 500 000 Hz and {@code "0.1 GB/s"} exactly
 * 100 000 000 B/s; conversion to {@code double} happens once, at the end, for quantities stored as doubles.
 */
final class QuantityParser {

    /** A unit symbol and its value in the quantity's base unit (Hz, bytes, ps, pJ, ...). */
    record Unit(String symbol, BigDecimal scale) {
        Unit(String symbol, String scale) {
            this(symbol, new BigDecimal(scale));
        }
    }

    /**
     * What a quantity is: {@code what} for messages ("a frequency"), an example, the accepted units (in the order
     * messages list them) and the base unit's name for the "not a whole number of ..." message.
     */
    record Kind(String what, String example, List<Unit> units, String baseName) {
        String unitList() {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < units.size(); i++) {
                if (i > 0) {
                    b.append(i == units.size() - 1 ? " or " : ", ");
                }
                b.append(units.get(i).symbol());
            }
            return b.toString();
        }

        String expected() {
            return "expected " + what + " in " + unitList() + ", such as '" + example + "'";
        }
    }

    private static final Pattern QUANTITY =
            Pattern.compile("([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*(.*)");

    private QuantityParser() {}

    /** Returns the value of {@code text} in the base unit of {@code kind}; rejects negative values. */
    static BigDecimal parse(String text, Kind kind) {
        if (text == null || text.isBlank()) {
            throw new UnitException("empty value; " + kind.expected());
        }
        String t = text.strip();
        Matcher m = QUANTITY.matcher(t);
        if (!m.matches()) {
            throw new UnitException("'" + t + "' is not a number with a unit; " + kind.expected());
        }
        String unitText = m.group(2).strip();
        if (unitText.isEmpty()) {
            throw new UnitException("'" + t + "' has no unit; " + kind.expected());
        }
        Unit unit = null;
        for (Unit u : kind.units()) {
            if (u.symbol().equals(unitText)) {
                unit = u;
                break;
            }
        }
        if (unit == null) {
            throw new UnitException("'" + t + "' has an unknown unit '" + unitText + "'" + hint(unitText, kind) + "; "
                    + kind.expected());
        }
        BigDecimal number = new BigDecimal(m.group(1));
        if (number.signum() < 0) {
            throw new UnitException("'" + t + "' is negative; " + kind.expected());
        }
        return number.multiply(unit.scale());
    }

    /** Suggests the unit that differs only in case, and explains the ambiguous {@code KB}. */
    private static String hint(String unitText, Kind kind) {
        if (unitText.equals("KB") || unitText.equals("KB/s")) {
            return " (ambiguous: write kB for 1000 bytes or KiB for 1024)";
        }
        for (Unit u : kind.units()) {
            if (u.symbol().toLowerCase(Locale.ROOT).equals(unitText.toLowerCase(Locale.ROOT))) {
                return " (did you mean " + u.symbol() + "?)";
            }
        }
        return "";
    }

    /** Converts an exact base-unit value to a {@code long}, rejecting fractions and overflow. */
    static long toLong(BigDecimal value, String text, Kind kind) {
        BigDecimal v = value.stripTrailingZeros();
        if (v.scale() > 0) {
            throw new UnitException("'" + text.strip() + "' is not a whole number of " + kind.baseName());
        }
        try {
            return v.longValueExact();
        } catch (ArithmeticException e) {
            throw new UnitException("'" + text.strip() + "' is too large");
        }
    }

    /**
     * Prints {@code base} (in base units) in the first of {@code candidates} (largest unit first) in which it is at
     * least 1 and exact with at most {@code maxDecimals} decimals; with {@code preferIntegers}, a first pass looks
     * for a unit in which the value is a whole number. Falls back to the last candidate.
     */
    static String format(BigDecimal base, List<Unit> candidates, boolean preferIntegers, int maxDecimals) {
        if (base.signum() == 0) {
            Unit last = candidates.get(candidates.size() - 1);
            return "0 " + last.symbol();
        }
        if (preferIntegers) {
            for (Unit u : candidates) {
                BigDecimal v = base.divide(u.scale()).stripTrailingZeros();
                if (v.compareTo(BigDecimal.ONE) >= 0 && v.scale() <= 0) {
                    return v.toPlainString() + " " + u.symbol();
                }
            }
        }
        for (Unit u : candidates) {
            BigDecimal v = base.divide(u.scale()).stripTrailingZeros();
            if (v.compareTo(BigDecimal.ONE) >= 0 && v.scale() <= maxDecimals) {
                return plain(v) + " " + u.symbol();
            }
        }
        Unit last = candidates.get(candidates.size() - 1);
        return plain(base.divide(last.scale()).stripTrailingZeros()) + " " + last.symbol();
    }

    /** Prints a double with the shortest decimal that reads back as the same double, and its unit. */
    static String format(double value, String symbol) {
        return plain(BigDecimal.valueOf(value).stripTrailingZeros()) + " " + symbol;
    }

    private static String plain(BigDecimal v) {
        String s = v.toPlainString();
        return s.equals("-0") ? "0" : s;
    }
}
