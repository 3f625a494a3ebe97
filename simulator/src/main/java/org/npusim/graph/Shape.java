// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.Arrays;

/**
 * A tensor shape: dimensions outermost first (TFLite's NHWC for feature maps).
 *
 * <p>Every dimension is non-negative and the element count fits a {@code long}; both are checked here so that
 * nothing downstream can allocate from an overflowing size.
 */
public record Shape(int[] dims) {

    /** The shape of a scalar. */
    public static final Shape SCALAR = new Shape(new int[0]);

    /**
     * The largest dimension: 2^30, far beyond any model for a microcontroller, leaves the readers' int arithmetic
     * on a dimension (rounding a depth up to 16, adding padding) room without overflow.
     */
    public static final int MAX_DIMENSION = 1 << 30;
    /** The largest element count: its bytes, at up to 8 bytes an element, still fit a {@code long}. */
    public static final long MAX_ELEMENTS = Long.MAX_VALUE / 16;

    public Shape {
        dims = dims.clone();
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("dimension " + i + " is negative (" + dims[i] + ")");
            }
            if (dims[i] > MAX_DIMENSION) {
                throw new IllegalArgumentException("dimension " + i + " is " + dims[i] + ", above 2^30");
            }
            count = multiplyChecked(count, dims[i]);
        }
    }

    /** Returns a shape with the given dimensions. */
    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    private static long multiplyChecked(long a, int b) {
        long product;
        try {
            product = Math.multiplyExact(a, (long) b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("element count overflows a 64-bit integer");
        }
        if (product > MAX_ELEMENTS) {
            throw new IllegalArgumentException("element count " + product + " is above 2^59");
        }
        return product;
    }

    /** Returns a copy of the dimensions. */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Returns the number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Returns dimension {@code i}; negative {@code i} counts from the innermost dimension. */
    public int dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    /** Returns the product of all dimensions (1 for a scalar). */
    public long elementCount() {
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        return count;
    }

    /**
     * Returns the dimension {@code i} of this shape seen as NHWC of rank 4, padding missing outer dimensions with
     * 1: index 0 is batch, 1 height, 2 width, 3 depth. Shapes of rank above 4 fold their outer dimensions into
     * the batch.
     */
    public int nhwc(int i) {
        int pad = 4 - dims.length;
        if (pad >= 0) {
            return i < pad ? 1 : dims[i - pad];
        }
        if (i == 0) {
            long batch = 1;
            for (int k = 0; k <= -pad; k++) {
                batch *= dims[k];
            }
            return (int) Math.min(Integer.MAX_VALUE, batch);
        }
        return dims[i - pad];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append('x');
            }
            b.append(dims[i]);
        }
        return dims.length == 0 ? "scalar" : b.toString();
    }
}
