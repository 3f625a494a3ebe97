// SPDX-License-Identifier: Apache-2.0
package org.npusim.des;

/**
 * Simulated time went past {@link #LIMIT_PS}. Time is a {@code long} of picoseconds, so a run has about 106 days
 * before it overflows; the limit stops far short of that (a sum of a few times at the limit still fits), and no
 * inference of a microcontroller takes hours: reaching it means a clock, a latency or a bandwidth set far too slow
 * for the work.
 */
public final class TimeLimitExceeded extends RuntimeException {

    /** The latest time a run may reach: 10^17 ps, about 28 hours. */
    public static final long LIMIT_PS = 100_000_000_000_000_000L;

    private static final long serialVersionUID = 1L;

    /** What passed the limit: "an event at 2e17 ps", "3e9 cycles of the cpu clock at 1 Hz". */
    private final String what;

    /** Says that {@code what} (a time, a duration) passes the limit. */
    public TimeLimitExceeded(String what) {
        super(what + " passes the simulated-time limit of " + LIMIT_PS + " ps (about 28 hours)");
        this.what = what;
    }

    /** Returns what passed the limit. */
    public String what() {
        return what;
    }

    /**
     * Throws when {@code timePs} (a time reached, or one that wrapped past {@code Long.MAX_VALUE}) is out of range;
     * {@code what} and {@code whose} name it ("a reservation of" and a resource), joined only when it throws, so
     * that a check on every event and reservation builds no text.
     */
    public static void check(long timePs, String what, String whose) {
        if (timePs > LIMIT_PS || timePs < 0) {
            throw new TimeLimitExceeded(what + (whose.isEmpty() ? "" : " " + whose) + " at " + timePs + " ps");
        }
    }
}
