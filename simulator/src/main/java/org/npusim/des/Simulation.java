// SPDX-License-Identifier: Apache-2.0
package org.npusim.des;

import java.util.Arrays;

/**
 * The event queue and the clock. Events run in order of time, then priority (lower first), then the order they
 * were scheduled in (SST and JaamSim's ordering contract), so that the same inputs always give the same run.
 *
 * <p>The queue is a binary heap over parallel primitive arrays (time, priority, sequence, argument) plus an array
 * of handlers; it grows by doubling and never allocates per event.
 */
public final class Simulation {

    private long now;
    private long seq;
    private int size;
    private long[] times = new long[64];
    private int[] priorities = new int[64];
    private long[] seqs = new long[64];
    private int[] args = new int[64];
    private Handler[] handlers = new Handler[64];
    private long eventsRun;

    /** Returns the current time in picoseconds. */
    public long now() {
        return now;
    }

    /** Returns the number of events handled so far. */
    public long eventsRun() {
        return eventsRun;
    }

    /** Returns the number of events waiting. */
    public int pending() {
        return size;
    }

    /** Schedules {@code handler} at absolute time {@code timePs} (not before now) with priority 0. */
    public void at(long timePs, Handler handler, int arg) {
        at(timePs, 0, handler, arg);
    }

    /** Schedules {@code handler} at absolute time {@code timePs} with {@code priority} (lower runs first). */
    public void at(long timePs, int priority, Handler handler, int arg) {
        TimeLimitExceeded.check(timePs, "an event", "");
        if (timePs < now) {
            throw new IllegalStateException("event at " + timePs + " ps scheduled in the past (now " + now + " ps)");
        }
        if (size == times.length) {
            grow();
        }
        int i = size++;
        long s = seq++;
        // Sift up.
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(timePs, priority, s, parent)) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        times[i] = timePs;
        priorities[i] = priority;
        seqs[i] = s;
        args[i] = arg;
        handlers[i] = handler;
    }

    /** Schedules {@code handler} {@code delayPs} after now. */
    public void after(long delayPs, Handler handler, int arg) {
        at(now + delayPs, 0, handler, arg);
    }

    /** Runs events until none is left. */
    public void run() {
        while (size > 0) {
            step();
        }
    }

    /** Runs the earliest event; returns false when there was none. */
    public boolean step() {
        if (size == 0) {
            return false;
        }
        long t = times[0];
        Handler h = handlers[0];
        int a = args[0];
        removeTop();
        now = t;
        eventsRun++;
        h.handle(this, a);
        return true;
    }

    /** Returns whether (t, p, s) orders before heap entry {@code j}. */
    private boolean before(long t, int p, long s, int j) {
        return less(t, p, s, times[j], priorities[j], seqs[j]);
    }

    private static boolean less(long t1, int p1, long s1, long t2, int p2, long s2) {
        if (t1 != t2) {
            return t1 < t2;
        }
        if (p1 != p2) {
            return p1 < p2;
        }
        return s1 < s2;
    }

    private void move(int from, int to) {
        times[to] = times[from];
        priorities[to] = priorities[from];
        seqs[to] = seqs[from];
        args[to] = args[from];
        handlers[to] = handlers[from];
    }

    private void removeTop() {
        int last = --size;
        long t = times[last];
        int p = priorities[last];
        long s = seqs[last];
        int a = args[last];
        Handler h = handlers[last];
        handlers[last] = null;
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(times[right], priorities[right], seqs[right], child)) {
                child = right;
            }
            if (!less(times[child], priorities[child], seqs[child], t, p, s)) {
                break;
            }
            move(child, i);
            i = child;
        }
        if (size > 0) {
            times[i] = t;
            priorities[i] = p;
            seqs[i] = s;
            args[i] = a;
            handlers[i] = h;
        }
    }

    private void grow() {
        int n = times.length * 2;
        times = Arrays.copyOf(times, n);
        priorities = Arrays.copyOf(priorities, n);
        seqs = Arrays.copyOf(seqs, n);
        args = Arrays.copyOf(args, n);
        handlers = Arrays.copyOf(handlers, n);
    }
}
