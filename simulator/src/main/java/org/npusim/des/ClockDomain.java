// SPDX-License-Identifier: Apache-2.0
package org.npusim.des;

/**
 * A clock: converts between its cycles and picoseconds. Cycle counts convert with the exact frequency (not a
 * rounded period), so that 1e6 cycles at 333 MHz give 3,003,003,004 ps (rounded up), not 3,003,000,000.
 */
public record ClockDomain(String name, long hz) {

    private static final double PS_PER_SECOND = 1e12;

    public ClockDomain {
        if (hz <= 0) {
            throw new IllegalArgumentException("clock " + name + " must have a positive frequency");
        }
    }

    /**
     * Returns the picoseconds that {@code cycles} (possibly fractional) of this clock take, rounded up.
     *
     * @throws TimeLimitExceeded when that is past {@link TimeLimitExceeded#LIMIT_PS} (a long would overflow soon after)
     */
    public long toPs(double cycles) {
        double ps = Math.ceil(cycles * PS_PER_SECOND / hz - 1e-6);
        if (!(ps <= TimeLimitExceeded.LIMIT_PS)) {
            throw new TimeLimitExceeded(cycles + " cycles of the " + name + " clock at " + hz + " Hz");
        }
        return (long) ps;
    }

    /** Returns the cycles of this clock in {@code ps} picoseconds. */
    public double toCycles(long ps) {
        return ps * (hz / PS_PER_SECOND);
    }
}
