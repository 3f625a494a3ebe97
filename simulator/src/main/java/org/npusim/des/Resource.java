// SPDX-License-Identifier: Apache-2.0
package org.npusim.des;

/**
 * A resource that serves one transaction at a time in the order reservations arrive (FIFO): a MAC array, an
 * output stage, a memory port. A reservation that arrives while the resource is busy waits until it is free, so
 * contention costs time and idle time costs nothing. Callers reserve from event handlers, at the current simulation
 * time or from a time the resource has been free since, so that reservations arrive in time order.
 *
 * <p>Counters: busy time, transactions, and the time transactions spent waiting.
 */
public final class Resource {

    private final String name;
    private long busyUntil;
    private long busyPs;
    private long waitPs;
    private long transactions;

    public Resource(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Reserves the resource for {@code durationPs} starting no earlier than {@code readyPs}; returns the end time.
     */
    public long reserve(long readyPs, long durationPs) {
        if (durationPs < 0) {
            throw new IllegalArgumentException("negative duration on " + name);
        }
        long start = Math.max(readyPs, busyUntil);
        waitPs += start - readyPs;
        busyUntil = start + durationPs;
        TimeLimitExceeded.check(busyUntil, "a reservation of", name);
        busyPs += durationPs;
        transactions++;
        return busyUntil;
    }

    /** Returns the time from which the resource is free. */
    public long busyUntil() {
        return busyUntil;
    }

    /** Returns the total reserved time. */
    public long busyPs() {
        return busyPs;
    }

    /** Returns the total time reservations waited for the resource. */
    public long waitPs() {
        return waitPs;
    }

    /** Returns the number of reservations. */
    public long transactions() {
        return transactions;
    }
}
