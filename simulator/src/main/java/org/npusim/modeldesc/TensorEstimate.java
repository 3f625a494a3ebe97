// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

/**
 * What the range estimate knows about an activation tensor's real values: its first two moments over elements
 * and inputs, and the interval its quantization must cover.
 *
 * @param mean E[x]
 * @param meanSquare E[x²]
 * @param low the lowest value to represent
 * @param high the highest value to represent
 */
record TensorEstimate(double mean, double meanSquare, double low, double high) {

    TensorEstimate {
        if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("bad interval [" + low + ", " + high + "]");
        }
        if (!Double.isFinite(mean) || !(meanSquare >= 0) || !Double.isFinite(meanSquare)) {
            throw new IllegalArgumentException("bad moments " + mean + ", " + meanSquare);
        }
    }

    /** Returns the variance, E[x²] - E[x]², never negative. */
    double variance() {
        return Math.max(0, meanSquare - mean * mean);
    }

    /** Returns the standard deviation. */
    double sigma() {
        return Math.sqrt(variance());
    }
}
