// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

/**
 * A place in a model description file: 1-based line and column, as editors count them.
 *
 * @param line the line, from 1
 * @param column the column, from 1
 */
record Position(int line, int column) {

    /** The position used when the file gives none (an empty document). */
    static final Position START = new Position(1, 1);

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
