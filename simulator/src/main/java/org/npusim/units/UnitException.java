// SPDX-License-Identifier: Apache-2.0
package org.npusim.units;

/**
 * A string that is not a valid quantity: no number, no unit, an unknown unit, a negative value, a fraction of an
 * indivisible base unit, or a value too large. The message is one line, quotes the text and lists the accepted
 * units; callers add the file and the place.
 */
public final class UnitException extends IllegalArgumentException {

    /** Creates an exception with a one-line message. */
    public UnitException(String message) {
        super(message);
    }
}
