// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.Shape;

/**
 * NumPy-style broadcasting of two shapes to an output shape, as TFLite's binary operators apply it: shapes are
 * aligned at their innermost dimension, and a dimension of 1 repeats. For each output element the flat index of
 * the contributing element of each input is precomputed once, so that the kernels' inner loops stay simple.
 */
final class Broadcast {

    private Broadcast() {}

    /** Returns whether {@code a} broadcasts to {@code out}. */
    static boolean broadcastsTo(Shape a, Shape out) {
        if (a.rank() > out.rank()) {
            return false;
        }
        for (int i = 1; i <= a.rank(); i++) {
            int d = a.dim(-i);
            if (d != 1 && d != out.dim(-i)) {
                return false;
            }
        }
        return true;
    }

    /** Returns, for every element of {@code out} in row-major order, the flat index of the element of {@code a}. */
    static int[] indexMap(Shape a, Shape out) {
        int rank = out.rank();
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int ai = i - (rank - a.rank());
            int d = ai >= 0 ? a.dim(ai) : 1;
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return stridedMap(out, strides);
    }

    /**
     * Returns, for every element of {@code shape} in row-major order, the sum over its dimensions of index times
     * {@code strides[d]}: the flat index it reads from (or writes to) in another tensor laid out by those strides.
     * Broadcasting, reduction and transposition differ only in the strides.
     */
    static int[] stridedMap(Shape shape, int[] strides) {
        int rank = shape.rank();
        int n = (int) shape.elementCount();
        int[] map = new int[n];
        int[] idx = new int[rank];
        int flat = 0;
        for (int k = 0; k < n; k++) {
            map[k] = flat;
            for (int i = rank - 1; i >= 0; i--) {
                idx[i]++;
                flat += strides[i];
                if (idx[i] < shape.dim(i)) {
                    break;
                }
                flat -= strides[i] * idx[i];
                idx[i] = 0;
            }
        }
        return map;
    }
}
