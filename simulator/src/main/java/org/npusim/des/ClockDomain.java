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
        // The product and the quotient are each rounded to the nearest double, so a whole number of picoseconds
        // can come out up to about one unit in the last place above itself: 36,920,047 cycles at 400 MHz give
        // 92,300,117,500.00002 ps. Such an excess must not round up to the next picosecond. One ulp is at most
        // 2.2e-16 of the value (1.5e-5 ps at 1e11 ps, 0.1 s), so a relative margin of 1e-15, about 4.5 ulps (and at
        // least 1e-6 ps, for cycle counts summed from fractions), drops the rounding error and nothing a real
        // duration holds. (A multiply, not Math.ulp: this runs for every event.)
        double exact = cycles * PS_PER_SECOND / hz;
        double margin = exact * 1e-15;
        double ps = Math.ceil(exact - (margin > 1e-6 ? margin : 1e-6));
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
