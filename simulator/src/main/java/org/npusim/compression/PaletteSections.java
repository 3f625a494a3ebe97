// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/**
 * Splits a weight stream into sections that each get their own palette (ethos-u-facts.md §5.4, "Overall
 * structure"; the heuristic is Vela 3.10's {@code mlw_encode.c: search_palette_sections}, reproduced because the
 * section boundaries change the stream's size).
 *
 * <p>Walking the stream, every 32, 64, 128, 256 and 512 non-zero weights since the last restart (twice those
 * once a palette is active) the encoder looks back over the last N+1 non-zero weights and counts the distinct
 * values there. Without an active palette it starts one at that window when it is estimated to pay:
 * {@code N·(90 − 15·b)/16 − 8·size − 20 > 0}, with b the index bits of the window's palette (the zero is not
 * counted when it looks like zero-run mode: more than a quarter of the weights since the restart are zero).
 * With an active palette it restarts at the window when a smaller palette would pay:
 * {@code N·15·(b_old − b_new)/16 − 8·size − 20 > 0}. And when a weight outside the active palette would make
 * it need one more index bit, after more than 512 non-zero weights or beyond 32 entries, the palette is dropped
 * and a new section starts there. Integer arithmetic truncates toward zero, as in C.
 */
final class PaletteSections {

    /** Window spans in non-zero weights; powers of two. */
    private static final int[] WINDOWS = {32, 64, 128, 256, 512};

    /** Per value (w + 256), its last position so far while a palette is active ({@code tracked}); else stale. */
    private final int[] lastSeen = new int[Palette.CODES];
    private int[] restarts = new int[16];

    /**
     * Returns the number of sections of {@code w[0, n)}; their start positions are {@link #start(int)}, the first
     * being 0.
     */
    int find(short[] w, int n) {
        java.util.Arrays.fill(lastSeen, -1);
        summarizeBlocks(w, n);
        int nonZeroCount = 0;
        int count = 1;
        restarts[0] = 0;
        int lastRestart = 0;
        boolean active = false;
        int paletteSize = 0;
        // Non-zero weights before lastRestart. The zeros since the restart are not counted as they come, which
        // would take an operation per position, but derived when needed: positions minus non-zero weights.
        int nonZerosBefore = 0;
        // Whether lastSeen describes the stream up to the current position. Without an active palette it is not
        // kept (see below) and is rebuilt when one starts.
        boolean tracked = true;
        int i = 0;
        while (i < n) {
            int zero;
            if (!active) {
                // No palette: until the count of non-zero weights since the restart reaches a multiple of 32, no
                // position can start one (a new palette is only looked for there), so only that count is kept, and
                // the next position to look at is found from the blocks' non-zero masks. The last position of each
                // value is what an active palette needs; it is rebuilt from the restart if a palette starts.
                tracked = false;
                // Counted weights before i: non-zero weights since the restart, less one.
                int counted = nonZeroCount - nonZerosBefore - 1;
                if (counted > 0 && (counted & (WINDOWS[0] - 1)) == 0 && w[i] == 0) {
                    // A zero after a multiple of 32 leaves the count there: another look.
                    zero = 1;
                } else {
                    // The position that brings the count to the next multiple of 32: the need-th non-zero weight
                    // from i on.
                    int need = (counted < 0 ? 0 : counted & -WINDOWS[0]) + WINDOWS[0] - counted;
                    i = nonZeroFrom(i, need);
                    if (i < 0) {
                        break;
                    }
                    nonZeroCount += need;
                    zero = 0;
                }
            } else {
                // The common position only updates the counts: its value is already in the active palette and it
                // does not complete a multiple of 32 counted non-zero weights. This innermost loop handles those and
                // stops at the first other one; keeping the rest outside it keeps it small, which the compiler
                // rewards.
                int known = lastRestart;
                int[] seen = lastSeen;
                while (i < n) {
                    // Counted weights after a position (i − lastRestart − zeros, one less than the non-zero
                    // weights since the restart) grow by one per non-zero weight, so the next multiple of 32 is at
                    // least that many positions away: up to the last of those, the loop needs no test of the count,
                    // and the first position that may complete one is tested after the loop.
                    int last = Math.min(n - 1, blockEnd(i, n, nonZeroCount - nonZerosBefore - 1));
                    for (; i <= last; i++) {
                        int weight = w[i];
                        int v = weight + 256;
                        if (seen[v] < known) {
                            break;
                        }
                        seen[v] = i;
                        // Without a branch (zeros come and go too irregularly to predict), and without a
                        // comparison, which the compiler turns into more work: the sign bit of w | −w is set exactly
                        // when w ≠ 0.
                        nonZeroCount += (weight | -weight) >>> 31;
                    }
                    if (i <= last) {
                        break;
                    }
                    int counted = nonZeroCount - nonZerosBefore - 1;
                    if (counted > 0 && (counted & (WINDOWS[0] - 1)) == 0) {
                        i = last;
                        break;
                    }
                }
                if (i == n) {
                    break;
                }
                int v = w[i] + 256;
                zero = w[i] == 0 ? 1 : 0;
                int last = lastSeen[v];
                if (last != i) {
                    // A value new to the active palette or never seen: the loop above stopped before counting
                    // it. Zeros are not counted as palette entries when they look like zero runs (more than a
                    // quarter of the weights since the restart, position i not yet counted).
                    if (active && last < lastRestart) {
                        int zerosBefore = (i - lastRestart) - (nonZeroCount - nonZerosBefore);
                        int excludeZero = zerosBefore > (i - lastRestart) >> 2 ? 1 : 0;
                        paletteSize++;
                        if (isPowerOfTwoOrZero(paletteSize - 1 - excludeZero) && (nonZeroCount - nonZerosBefore > 512
                                || paletteSize - excludeZero > Palette.MAX_SIZE)) {
                            count = add(count, i);
                            lastRestart = i;
                            active = false;
                            nonZerosBefore = nonZeroCount;
                        }
                    }
                    lastSeen[v] = i;
                    nonZeroCount += 1 - zero;
                    // Every span is a power of two and a multiple of the smallest, 32: most positions need no
                    // look.
                    int counted = nonZeroCount - nonZerosBefore - 1;
                    if (counted <= 0 || (counted & (WINDOWS[0] - 1)) != 0) {
                        i++;
                        continue;
                    }
                }
            }
            // Zeros in [lastRestart, i].
            int zeros = (i - lastRestart + 1) - (nonZeroCount - nonZerosBefore);
            int excludeZero = zeros - zero > (i - lastRestart) >> 2 ? 1 : 0;
            // The windows of one position all end at i: one backward scan counts their values, a longer window
            // going on from where the last stopped (countWindow).
            windowScanFrom = i;
            windowDistinct = 0;
            windowNonZeros = 0;
            windowStamp = nextStamp();
            boundBlock = (i + 1) >> BLOCK_SHIFT;
            boundBuckets = 0;
            for (int window : WINDOWS) {
                int span = window * (active ? 2 : 1);
                int nonZeros = i - lastRestart - zeros;
                if (nonZeros <= 0 || (nonZeros & (span - 1)) != 0) {
                    continue;
                }
                int oldBits = active ? indexBits(paletteSize - excludeZero) : 0;
                int limit = largestPayingSize(active, span, oldBits, excludeZero);
                if (distinctAtLeast(Math.max(lastRestart, i - span - 1)) > limit) {
                    // More values than any paying palette holds: no start here, whatever the exact count.
                    continue;
                }
                int newSize = countWindow(w, lastRestart, span, limit);
                int restartAt = windowStart;
                boolean start = newSize <= limit;
                if (start) {
                    paletteSize = newSize;
                    active = true;
                    if (restartAt != lastRestart) {
                        // [restartAt, i] holds exactly span + 2 non-zero weights.
                        zeros = (i - restartAt + 1) - (span + 2);
                        nonZerosBefore = nonZeroCount - (span + 2);
                        lastRestart = restartAt;
                    }
                    if (restarts[count - 1] != lastRestart) {
                        count = add(count, lastRestart);
                    }
                    if (!tracked) {
                        track(w, lastRestart, i);
                        tracked = true;
                    }
                }
            }
            i++;
        }
        return count;
    }

    /**
     * Returns whether a new palette of {@code size} entries at a window of {@code span} non-zero weights pays:
     * without an active palette {@code span·(90 − 15·b)/16 − 8·size − 20 > 0} with b the new index bits (and
     * at most 32 entries besides an excluded zero); with one, {@code span·15·(oldBits − b)/16 − 8·size − 20 > 0}.
     */
    static boolean pays(boolean active, int span, int oldBits, int excludeZero, int size) {
        int newBits = indexBits(size - excludeZero);
        if (active) {
            return span * (oldBits * 15 - newBits * 15) / 16 - size * 8 - 20 > 0;
        }
        return size - excludeZero <= Palette.MAX_SIZE && span * (90 - newBits * 15) / 16 - size * 8 - 20 > 0;
    }

    /**
     * Returns the largest palette size for which {@link #pays} holds (0 if none). {@code pays} only gets harder as
     * the size grows (the cost term grows, the index bits never shrink), so counting distinct values can stop
     * past this size: the answer is then "no" whatever the exact count.
     */
    private static int largestPayingSize(boolean active, int span, int oldBits, int excludeZero) {
        int key = ((active ? 1 : 0) * 11 + Integer.numberOfTrailingZeros(span)) * 16 * 2 + oldBits * 2 + excludeZero;
        int cached = PAYING[key];
        if (cached >= 0) {
            return cached;
        }
        int largest = 0;
        for (int size = 1; size <= Palette.CODES; size++) {
            if (pays(active, span, oldBits, excludeZero, size)) {
                largest = size;
            } else {
                break;
            }
        }
        PAYING[key] = largest;
        return largest;
    }

    /** Cache of {@link #largestPayingSize}, −1 where not yet computed; indexed by (active, log2 span, bits, zero). */
    private static final int[] PAYING = new int[2 * 11 * 16 * 2];

    static {
        java.util.Arrays.fill(PAYING, -1);
    }

    /**
     * Where the positions from {@code i} on, {@code countedBefore} weights being counted before {@code i}, may first
     * complete a multiple of 32 counted weights: none before the returned position can, since each adds at most
     * one (i itself when the count is at a multiple already, a zero keeping it there).
     */
    private static int blockEnd(int i, int n, int countedBefore) {
        if (countedBefore > 0 && (countedBefore & (WINDOWS[0] - 1)) == 0) {
            return i;
        }
        int next = countedBefore < 0 ? WINDOWS[0] : (countedBefore & -WINDOWS[0]) + WINDOWS[0];
        return (int) Math.min(n, (long) i + next - countedBefore - 1);
    }

    /**
     * Blocks of 16 positions, summarised in one pass over the stream ({@link #summarizeBlocks}) so that the
     * positions without a palette are not visited one by one.
     *
     * <p>Which positions hold non-zero weights: a 16-bit mask per block. The position that completes the next
     * multiple of 32 counted weights is found by counting the masks' bits, a block at a time, and selecting a bit
     * in the last one ({@link #nonZeroFrom}).
     *
     * <p>A lower bound on a window's distinct values, instead of a scan per window: each block has the set of its
     * weights' low six bits (a long with bit {@code w & 63} set per weight, negatives included: {@link #BUCKET_BIT}).
     * Distinct values have at least as many distinct low bits, so the bits set in the union of the blocks that lie
     * wholly inside a window bound its distinct values from below. A window of span S holds at least the S+2
     * positions up to i (its S+2 non-zero weights), or those from the restart: when the bound already exceeds a window's largest paying palette, it is not scanned. On
     * MobileNet v2, whose weights spread over −127…127, 16 weights nearly always have more low-bit patterns than
     * the 8 or 9 entries a 32-weight window may take: 7,650 of its 2.03 M windows are scanned.
     */
    private static final int BLOCK_SHIFT = 4;
    private static final int BLOCK = 1 << BLOCK_SHIFT;
    /** Bit {@code b} set at index b: a weight's bucket bit. */
    private static final long[] BUCKET_BIT = new long[64];

    static {
        for (int b = 0; b < 64; b++) {
            BUCKET_BIT[b] = 1L << b;
        }
    }
    /** Per block: bit k set when position 16·block + k holds a non-zero weight (positions past the end clear). */
    private int[] blockNonZeros = new int[0];
    /** Per whole block: the low bits of its weights, as above. */
    private long[] blockBuckets = new long[0];
    /** The number of blocks of the stream, the last one possibly partial. */
    private int blocks;
    /** The union of the buckets of blocks {@code boundBlock} up to the current position's (exclusive). */
    private int boundBlock;
    private long boundBuckets;

    /** Summarises the blocks of {@code w[0, n)}. */
    private void summarizeBlocks(short[] w, int n) {
        blocks = (n + BLOCK - 1) >> BLOCK_SHIFT;
        if (blockNonZeros.length < blocks) {
            int size = Math.max(blocks, blockNonZeros.length + blockNonZeros.length / 2);
            blockNonZeros = new int[size];
            blockBuckets = new long[size];
        }
        int whole = n >> BLOCK_SHIFT;
        int[] even = evenCounts;
        int[] odd = oddCounts;
        java.util.Arrays.fill(even, 0);
        java.util.Arrays.fill(odd, 0);
        for (int b = 0; b < whole; b++) {
            int from = b << BLOCK_SHIFT;
            long buckets = 0;
            int nonZeros = 0;
            // From the last position down, so that each shifts the mask (the compiler spills around variable
            // shifts), and the bucket bits from a table for the same reason.
            for (int k = BLOCK - 1; k > 0; k -= 2) {
                int high = w[from + k];
                int low = w[from + k - 1];
                buckets |= BUCKET_BIT[high & 63] | BUCKET_BIT[low & 63];
                // The sign bit of w | −w is set exactly when w ≠ 0.
                nonZeros = nonZeros << 2 | ((high | -high) >>> 31) << 1 | (low | -low) >>> 31;
                odd[high + 256]++;
                even[low + 256]++;
            }
            blockBuckets[b] = buckets;
            blockNonZeros[b] = nonZeros;
        }
        if (whole < blocks) {
            int nonZeros = 0;
            for (int k = whole << BLOCK_SHIFT; k < n; k++) {
                nonZeros |= ((w[k] | -w[k]) >>> 31) << (k & (BLOCK - 1));
                even[w[k] + 256]++;
            }
            blockNonZeros[whole] = nonZeros;
        }
    }

    /**
     * The weights of the stream last given to {@link #find}, counted while its blocks were summarised: occurrences
     * of weight w at {@code even[w + 256] + odd[w + 256]} (even and odd positions in a block, as {@link
     * Palette#choose} splits them). When the stream is one section, its palette is chosen from these
     * ({@link Palette#choose(int[], int[])}) instead of counting the stream again.
     */
    int[] evenCounts() {
        return evenCounts;
    }

    int[] oddCounts() {
        return oddCounts;
    }

    private final int[] evenCounts = new int[Palette.CODES];
    private final int[] oddCounts = new int[Palette.CODES];

    /** Returns the position of the {@code need}-th (1…) non-zero weight from position {@code i} on, or −1. */
    private int nonZeroFrom(int i, int need) {
        int b = i >> BLOCK_SHIFT;
        int mask = blockNonZeros[b] & (-1 << (i & (BLOCK - 1)));
        int count = Integer.bitCount(mask);
        while (count < need) {
            need -= count;
            if (++b == blocks) {
                return -1;
            }
            mask = blockNonZeros[b];
            count = Integer.bitCount(mask);
        }
        for (int k = 1; k < need; k++) {
            mask &= mask - 1;
        }
        return (b << BLOCK_SHIFT) + Integer.numberOfTrailingZeros(mask);
    }

    /**
     * Returns a lower bound on the distinct values of {@code w[from, i]}, i the position looked at: the bits of the
     * union of the blocks that lie wholly inside it (those below {@link #boundBlock}, set for i). The windows of one
     * position grow, so the union grows from where the last stopped.
     */
    private int distinctAtLeast(int from) {
        int lowest = (from + BLOCK - 1) >> BLOCK_SHIFT;
        long union = boundBuckets;
        long[] buckets = blockBuckets;
        for (int b = boundBlock - 1; b >= lowest; b--) {
            union |= buckets[b];
        }
        boundBlock = Math.min(boundBlock, lowest);
        boundBuckets = union;
        return Long.bitCount(union);
    }

    /**
     * The backward scan of the current position i: {@code w[windowScanFrom + 1, i]} holds
     * {@code windowDistinct} distinct values (those whose {@link #stamps} entry is {@code windowStamp}) and
     * {@code windowNonZeros} non-zero weights. The windows of one position all end there and grow, so each goes on
     * from where the last stopped.
     */
    private int windowScanFrom;
    private int windowDistinct;
    private int windowNonZeros;
    private int windowStamp;
    /** Where the window {@link #countWindow} last completed starts. */
    private int windowStart;
    /** Per value (w + 256), the stamp of the last scan that met it. */
    private final int[] stamps = new int[Palette.CODES];
    private int lastStamp;

    private int nextStamp() {
        if (++lastStamp == 0) {
            // After 2^32 scans: no stale stamp may equal a new one.
            java.util.Arrays.fill(stamps, 0);
            lastStamp = 1;
        }
        return lastStamp;
    }

    /**
     * Returns the number of distinct values in the window of {@code span} that ends at the current position, that
     * is from its (span+2)-th most recent non-zero weight after the restart, or from the restart
     * {@code lastRestart}, or some number above {@code limit} once it exceeds {@code limit} (the caller only asks
     * "at most {@code limit}?"). When the window is counted in full, {@link #windowStart} is its first position.
     * The window's start is found by the scan itself, counting non-zero weights, so no positions are kept.
     */
    private int countWindow(short[] w, int lastRestart, int span, int limit) {
        int k = windowScanFrom;
        int found = windowDistinct;
        int nonZeros = windowNonZeros;
        int stamp = windowStamp;
        int[] seen = stamps;
        int start = -1;
        while (found <= limit) {
            if (k < lastRestart) {
                start = lastRestart;
                break;
            }
            if (nonZeros == span + 2) {
                start = k + 1;
                break;
            }
            int v = w[k] + 256;
            found += seen[v] != stamp ? 1 : 0;
            seen[v] = stamp;
            nonZeros += (w[k] | -w[k]) >>> 31;
            k--;
        }
        windowScanFrom = k;
        windowDistinct = found;
        windowNonZeros = nonZeros;
        windowStart = start;
        return found;
    }

    /**
     * Rebuilds what an active palette reads, each value's last position, from {@code w[from, to]} (the values not
     * there "not seen": an active palette only asks whether a value appeared since its restart {@code from}).
     */
    private void track(short[] w, int from, int to) {
        java.util.Arrays.fill(lastSeen, -1);
        for (int k = from; k <= to; k++) {
            lastSeen[w[k] + 256] = k;
        }
    }

    /** Returns the start of section {@code s}. */
    int start(int s) {
        return restarts[s];
    }

    private int add(int count, int position) {
        if (count == restarts.length) {
            restarts = java.util.Arrays.copyOf(restarts, count * 2);
        }
        restarts[count] = position;
        return count + 1;
    }

    private static boolean isPowerOfTwoOrZero(int x) {
        return ((x - 1) & x) == 0;
    }

    /** Index bits of a palette of {@code size} entries: the smallest b with 2^b ≥ size (0 for size ≤ 1). */
    static int indexBits(int size) {
        for (int i = 7; i >= 0; i--) {
            if (size > (1 << i)) {
                return i + 1;
            }
        }
        return 0;
    }
}
