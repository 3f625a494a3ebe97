// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns sized to their widest cell; numeric columns can be right-aligned. */
public final class Table {

    private final String[] header;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** Creates a table with these column headers. */
    public Table(String... header) {
        this.header = header.clone();
        this.right = new boolean[header.length];
    }

    /** Right-aligns the given columns. */
    public Table alignRight(int... columns) {
        for (int c : columns) {
            right[c] = true;
        }
        return this;
    }

    /** Adds a row; it must have one cell per column. */
    public Table row(String... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.length + " columns");
        }
        rows.add(cells.clone());
        return this;
    }

    /** Writes the header, a rule and the rows. */
    public void writeTo(Writer out) throws IOException {
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
        }
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        writeRow(out, header, width);
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            if (c > 0) {
                rule.append("  ");
            }
            rule.append("-".repeat(width[c]));
        }
        out.write(rule.append('\n').toString());
        for (String[] r : rows) {
            writeRow(out, r, width);
        }
    }

    private void writeRow(Writer out, String[] cells, int[] width) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                b.append("  ");
            }
            String pad = " ".repeat(width[c] - cells[c].length());
            if (right[c]) {
                b.append(pad).append(cells[c]);
            } else {
                b.append(cells[c]);
                if (c < cells.length - 1) {
                    b.append(pad);
                }
            }
        }
        out.write(b.append('\n').toString());
    }

    /** Formats a share as a whole percentage ({@code 0.416} → {@code 42%}), independent of the locale. */
    static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.0f%%", share * 100);
    }

    /** Formats named shares in the map's order: {@code ifm 62%, ofm 25%}. */
    static String shares(java.util.Map<String, Double> shares) {
        StringBuilder b = new StringBuilder();
        shares.forEach((name, share) -> b.append(b.length() == 0 ? "" : ", ").append(name).append(' ').append(percent(share)));
        return b.toString();
    }

    /** Formats an integer with thin grouping by commas (1,234,567), independent of the locale. */
    public static String grouped(long value) {
        String s = Long.toString(Math.abs(value));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (i > 0 && (s.length() - i) % 3 == 0) {
                b.append(',');
            }
            b.append(s.charAt(i));
        }
        return (value < 0 ? "-" : "") + b;
    }
}
