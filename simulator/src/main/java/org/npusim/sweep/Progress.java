// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on one terminal line: {@code [#######.......]  123/500  24%  410 points/s  1 s left}, redrawn with a
 * carriage return at most every {@value #REDRAW_MS} ms and once at the end. The rate is points finished over the
 * time since the start; the time left is the points left over that rate. Thread-safe.
 */
public final class Progress {

    static final int REDRAW_MS = 100;
    private static final int WIDTH = 30;
    /** ANSI "erase in line" to the end: a shorter redraw leaves nothing of the longer one behind. */
    private static final String ERASE_TO_END = "\u001b[K";

    private final PrintWriter out;
    private final int total;
    private final LongSupplier nanoTime;
    private final long startNs;
    private long lastDrawNs = Long.MIN_VALUE;

    /** Creates a bar for {@code total} points writing to {@code out}, timed by {@code nanoTime}. */
    public Progress(PrintWriter out, int total, LongSupplier nanoTime) {
        this.out = out;
        this.total = total;
        this.nanoTime = nanoTime;
        this.startNs = nanoTime.getAsLong();
    }

    /**
     * Redraws the bar for {@code done} finished points, unless it was drawn less than 100 ms ago or every point is
     * done ({@link #finish} draws the last state).
     */
    public synchronized void update(int done) {
        long now = nanoTime.getAsLong();
        if (done >= total || lastDrawNs != Long.MIN_VALUE && now - lastDrawNs < REDRAW_MS * 1_000_000L) {
            return;
        }
        lastDrawNs = now;
        out.print("\r" + render(done, total, now - startNs) + ERASE_TO_END);
        out.flush();
    }

    /** Draws the final state and ends the line. */
    public synchronized void finish(int done) {
        out.print("\r" + render(done, total, nanoTime.getAsLong() - startNs) + ERASE_TO_END + "\n");
        out.flush();
    }

    /** Returns the bar's text for {@code done} of {@code total} points after {@code elapsedNs}. */
    static String render(int done, int total, long elapsedNs) {
        double share = total == 0 ? 1 : (double) done / total;
        int filled = (int) Math.floor(share * WIDTH);
        double seconds = elapsedNs / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String left = rate > 0 ? duration((total - done) / rate) + " left" : "";
        return String.format(Locale.ROOT, "[%s%s] %d/%d %3.0f%% %s %s", "#".repeat(filled), ".".repeat(WIDTH - filled), done,
                total, share * 100, rate > 0 ? String.format(Locale.ROOT, "%.0f points/s", rate) : "", left).stripTrailing();
    }

    private static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.0f s", Math.ceil(seconds));
        }
        long s = (long) Math.ceil(seconds);
        return s / 60 + " min " + s % 60 + " s";
    }
}
