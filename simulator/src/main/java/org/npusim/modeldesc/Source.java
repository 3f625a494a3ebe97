// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import org.npusim.errors.InputException;

/**
 * The file a description comes from, and the one way errors about it are made: {@code FILE:LINE:COLUMN: PLACE:
 * WHAT}, the compiler convention that editors jump to (style-by-example.md §7.4 shows the same form for hardware
 * files).
 *
 * @param file the file name as the user gave it
 */
record Source(String file) {

    /** Returns an error at {@code position} about {@code place} (a key path or a layer label). */
    InputException error(Position position, String place, String problem) {
        return new InputException(file + ":" + position, place, problem);
    }
}
