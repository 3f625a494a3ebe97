// SPDX-License-Identifier: Apache-2.0
package org.npusim.whatif;

import org.npusim.errors.InputException;

/**
 * N:M structured sparsity: in every group of M consecutive weights along the input-channel axis, N are kept and
 * M − N are zero (as in 2:4 sparsity).
 *
 * @param n weights kept per group, at least 1
 * @param m group size, more than n
 */
public record NM(int n, int m) {

    public NM {
        if (n < 1 || m <= n) {
            throw new IllegalArgumentException("N:M needs 1 <= N < M, not " + n + ":" + m);
        }
    }

    /** Parses {@code "N:M"} (a command-line value of {@code option}); bad text is an {@link InputException}. */
    public static NM parse(String text, String option) {
        String[] parts = text.trim().split(":", -1);
        try {
            if (parts.length == 2) {
                int n = Integer.parseInt(parts[0].trim());
                int m = Integer.parseInt(parts[1].trim());
                if (n >= 1 && m > n) {
                    return new NM(n, m);
                }
            }
        } catch (NumberFormatException e) {
            // Reported below as the same bad-input error.
        }
        throw new InputException("", option, "'" + text + "' is not N:M with 1 <= N < M (for example 2:4)");
    }

    /** Returns the fraction of weights N:M sets to zero in full groups: (M − N)/M. */
    public double sparsity() {
        return (m - n) / (double) m;
    }

    @Override
    public String toString() {
        return n + ":" + m;
    }
}
