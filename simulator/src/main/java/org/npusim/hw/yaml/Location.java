// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

/**
 * Where a node came from: a file with a 1-based line and column, or a command-line override (line 0), which has
 * no position inside it.
 */
record Location(String source, int line, int column) {

    /** Returns a location without a position, for values given on the command line. */
    static Location of(String source) {
        return new Location(source, 0, 0);
    }

    /** Returns {@code file:line:column}, or just the source when there is no position. */
    String prefix() {
        return line > 0 ? source + ":" + line + ":" + column : source;
    }
}
