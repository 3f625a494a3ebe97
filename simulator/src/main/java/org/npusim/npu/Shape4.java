// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import org.npusim.graph.Shape;

/** A feature-map shape or block as the NPU sees it: batch, height, width, depth. */
public record Shape4(int n, int h, int w, int c) {

    public Shape4 {
        if (n < 0 || h < 0 || w < 0 || c < 0) {
            throw new IllegalArgumentException("negative dimension in " + n + "x" + h + "x" + w + "x" + c);
        }
    }

    /** Returns the shape of a graph tensor seen as NHWC (missing outer dimensions are 1). */
    public static Shape4 of(Shape s) {
        return new Shape4(s.nhwc(0), s.nhwc(1), s.nhwc(2), s.nhwc(3));
    }

    /** Returns a block of height × width × depth with batch 1. */
    public static Shape4 block(int h, int w, int c) {
        return new Shape4(1, h, w, c);
    }

    /** Returns n·h·w·c. */
    public long elements() {
        return (long) n * h * w * c;
    }

    /** Returns h·w. */
    public long elementsWh() {
        return (long) h * w;
    }

    /** Returns this shape with another depth. */
    public Shape4 withDepth(int depth) {
        return new Shape4(n, h, w, depth);
    }

    /** Returns this shape with another height. */
    public Shape4 withHeight(int height) {
        return new Shape4(n, height, w, c);
    }

    /** Returns the element-wise minimum of this shape and {@code o}. */
    public Shape4 min(Shape4 o) {
        return new Shape4(Math.min(n, o.n), Math.min(h, o.h), Math.min(w, o.w), Math.min(c, o.c));
    }

    /** Returns this shape with each dimension rounded up to a multiple of {@code o}'s (batch kept). */
    public Shape4 roundUp(Shape4 o) {
        return new Shape4(n, roundUp(h, o.h), roundUp(w, o.w), roundUp(c, o.c));
    }

    /** Returns this shape with the depth rounded up to a multiple of {@code quantum}. */
    public Shape4 withDepthRoundedTo(int quantum) {
        return new Shape4(n, h, w, roundUp(c, quantum));
    }

    static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return n + "x" + h + "x" + w + "x" + c;
    }
}
