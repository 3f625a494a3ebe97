// SPDX-License-Identifier: Apache-2.0
package org.npusim.des;

/**
 * Simulated time went past {@link #LIMIT_PS}. Time is a {@code long} of picoseconds, so a run has about 106 days
 * before it overflows; the limit stops far short of that (a sum of a few times at the limit still fits), and no
 * inference of a microcontroller takes hours: reaching it means clocks set far too slow for the work.
 */
public final class TimeLimitExceeded extends RuntimeException {

    /** The latest time a run may reach: 10^17 ps, about 28 hours. */
    public static final long LIMIT_PS = 100_000_000_000_000_000L;

    private static final long serialVersionUID = 1L;

    /** Says that {@code what} (a time, a duration) passes the limit. */
    public TimeLimitExceeded(String what) {
        super(what + " passes the simulated-time limit of " + LIMIT_PS + " ps (about 28 hours)");
    }
}
