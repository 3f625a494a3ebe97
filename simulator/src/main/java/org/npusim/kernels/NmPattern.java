// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.List;
import java.util.Optional;

/**
 * An N:M structured sparsity pattern: in every group of M consecutive weights along a filter (the reduction axis),
 * at most N are nonzero. The encoding stores N values and N in-group indices of {@link #indexBits()} bits per
 * group, so its cost and size do not depend on how many of the N slots are actually nonzero.
 *
 * @param n nonzeros kept per group, at least 1 and below m
 * @param m group length, a power of two from 2 to 16
 */
public record NmPattern(int n, int m) {

    /** The patterns that {@code kernels compare} shows when none is given: 2:4 (Ampere's), 1:4 and 1:8. */
    public static final List<NmPattern> STANDARD = List.of(new NmPattern(2, 4), new NmPattern(1, 4), new NmPattern(1, 8));

    /** Validates the pattern. */
    public NmPattern {
        if (m < 2 || m > 16 || Integer.bitCount(m) != 1) {
            throw new IllegalArgumentException("N:M group length must be a power of two from 2 to 16, not " + m);
        }
        if (n < 1 || n >= m) {
            throw new IllegalArgumentException("N:M needs 1 <= N < M, not " + n + ":" + m);
        }
    }

    /** Parses {@code "2:4"}; empty when the text is not a valid pattern. */
    public static Optional<NmPattern> parse(String text) {
        String[] p = text.strip().split(":", -1);
        if (p.length != 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new NmPattern(Integer.parseInt(p[0].strip()), Integer.parseInt(p[1].strip())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Returns the fraction of weight slots the encoding keeps, N / M. */
    public double density() {
        return (double) n / m;
    }

    /** Returns the bits of one in-group index: log2(M). */
    public int indexBits() {
        return Integer.numberOfTrailingZeros(m);
    }

    /** Returns the number of groups of a row of {@code length} weights (the last one padded): ceil(length / M). */
    public int groups(int length) {
        return (length + m - 1) / m;
    }

    /** Returns whether every row of the row-major {@code rows x cols} matrix {@code w} follows the pattern. */
    public boolean fits(byte[] w, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < cols; g += m) {
                int nonzero = 0;
                for (int k = g; k < Math.min(g + m, cols); k++) {
                    nonzero += w[r * cols + k] != 0 ? 1 : 0;
                }
                if (nonzero > n) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return n + ":" + m;
    }
}
