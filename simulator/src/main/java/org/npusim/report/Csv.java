// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

/**
 * CSV fields as RFC 4180 writes them, for every CSV the tool writes (results, what-ifs, sweeps): a field holding a
 * comma, a double quote or a line break is enclosed in double quotes, with its quotes doubled; any other field is
 * written as it is. Layer names come from the model file and may hold any of these.
 */
public final class Csv {

    private Csv() {}

    /** Returns {@code s} as one CSV field. */
    public static String field(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return '"' + s.replace("\"", "\"\"") + '"';
            }
        }
        return s;
    }
}
