// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Runs a sweep's points on {@code jobs} threads. Workers take points in index order, so rows finish roughly in
 * order; each finished row is handed to the listener at once (from the worker's thread, one call at a time), so a
 * caller can write rows as they complete. {@link #cancel()} stops workers from taking new points; the points in
 * flight finish, and {@link #run} returns the rows finished so far. The returned rows are in index order whatever
 * the threads did, so the output is deterministic.
 */
public final class Sweep {

    /** Receives each finished row, and how many of how many points are done. */
    @FunctionalInterface
    public interface Listener {
        void finished(PointResult row, int done, int total);
    }

    /**
     * The rows of a sweep.
     *
     * @param rows the finished rows, in index order
     * @param points how many points the sweep has
     * @param interrupted whether it was cancelled before every point finished
     */
    public record Outcome(List<PointResult> rows, int points, boolean interrupted) {
        public Outcome {
            rows = List.copyOf(rows);
        }
    }

    private final List<SweepPoint> points;
    private final Function<SweepPoint, PointResult> evaluate;
    private final int jobs;
    private volatile boolean cancelled;

    /** Creates a sweep of {@code points}, each evaluated by {@code evaluate}, on {@code jobs} threads. */
    public Sweep(List<SweepPoint> points, Function<SweepPoint, PointResult> evaluate, int jobs) {
        this.points = List.copyOf(points);
        this.evaluate = Objects.requireNonNull(evaluate, "evaluate");
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1: " + jobs);
        }
        this.jobs = jobs;
    }

    /** Stops the sweep after the points in flight; {@link #run} then returns the finished rows. */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Runs the points and returns the finished rows. An evaluation that throws stops the sweep and is rethrown
     * here (an internal error; bad points are failures, not exceptions).
     */
    public Outcome run(Listener listener) {
        int n = points.size();
        AtomicReferenceArray<PointResult> rows = new AtomicReferenceArray<>(n);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        // The failure of the lowest point index is the one rethrown, whichever thread failed first: every point
        // below a failing one was already taken (indices are handed out in order) and is finished before its
        // thread looks at the cancel flag, so the lowest failing index does not depend on timing.
        RuntimeException[] error = new RuntimeException[1];
        int[] errorIndex = {Integer.MAX_VALUE};
        Object lock = new Object();
        Runnable worker = () -> {
            while (!cancelled) {
                int i = next.getAndIncrement();
                if (i >= n) {
                    return;
                }
                PointResult r;
                try {
                    r = evaluate.apply(points.get(i));
                } catch (RuntimeException e) {
                    synchronized (lock) {
                        if (i < errorIndex[0]) {
                            errorIndex[0] = i;
                            error[0] = e;
                        }
                    }
                    cancelled = true;
                    return;
                }
                rows.set(i, r);
                synchronized (lock) {
                    listener.finished(r, done.incrementAndGet(), n);
                }
            }
        };
        int threads = Math.min(jobs, Math.max(1, n));
        List<Thread> started = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(worker, "npusim-sweep-" + t);
            th.setDaemon(true);
            th.start();
            started.add(th);
        }
        boolean interruptedWait = false;
        for (Thread th : started) {
            while (true) {
                try {
                    th.join();
                    break;
                } catch (InterruptedException e) {
                    interruptedWait = true;
                    cancelled = true;
                }
            }
        }
        if (interruptedWait) {
            Thread.currentThread().interrupt();
        }
        if (error[0] != null) {
            throw error[0];
        }
        List<PointResult> finished = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PointResult r = rows.get(i);
            if (r != null) {
                finished.add(r);
            }
        }
        return new Outcome(finished, n, finished.size() < n);
    }
}
