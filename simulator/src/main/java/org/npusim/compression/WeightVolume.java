// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/**
 * Weights in the layout the encoder reads: OFM channel × kernel height × kernel width × IFM channel (OHWI), as
 * signed values with the zero point already subtracted (−255…255). Depthwise weights have one IFM channel and
 * vector products a 1×1 kernel.
 */
final class WeightVolume {

    final short[] values;
    final int ofm;
    final int height;
    final int width;
    final int ifm;
    /**
     * Every value is known to lie in −255…255 (from the zero points, see {@link WeightEncoder}), so that the
     * streams cut from these weights need no range check; false when it has to be checked.
     */
    final boolean inCodeRange;

    WeightVolume(short[] values, int ofm, int height, int width, int ifm) {
        this(values, ofm, height, width, ifm, false);
    }

    WeightVolume(short[] values, int ofm, int height, int width, int ifm, boolean inCodeRange) {
        if ((long) ofm * height * width * ifm != values.length) {
            throw new IllegalArgumentException(
                    values.length + " values for " + ofm + "x" + height + "x" + width + "x" + ifm);
        }
        this.values = values;
        this.ofm = ofm;
        this.height = height;
        this.width = width;
        this.ifm = ifm;
        this.inCodeRange = inCodeRange;
    }

    short get(int o, int y, int x, int i) {
        return values[index(o, y, x, i)];
    }

    /** Returns the position of weight (o, y, x, i) in {@link #values}; the IFM channels of a tap are consecutive. */
    int index(int o, int y, int x, int i) {
        return ((o * height + y) * width + x) * ifm + i;
    }

    /** Returns these weights with the kernel flipped in height and width (transpose convolution). */
    WeightVolume flipped() {
        short[] out = new short[values.length];
        for (int o = 0; o < ofm; o++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int from = ((o * height + y) * width + x) * ifm;
                    int to = ((o * height + (height - 1 - y)) * width + (width - 1 - x)) * ifm;
                    System.arraycopy(values, from, out, to, ifm);
                }
            }
        }
        return new WeightVolume(out, ofm, height, width, ifm, inCodeRange);
    }

    /**
     * Returns these weights with {@code padLeft} zero columns on the left and zero columns on the right up to
     * {@code factor·foldedWidth}, then every {@code factor} adjacent columns folded into the IFM depth: folded
     * column x' and channel c' hold column {@code x'·factor + c' / ifm}, channel {@code c' mod ifm} (the stride
     * rewrite of {@link org.npusim.graph.StridedConvRewrite}, a row-major reshape of the padded kernel).
     */
    WeightVolume folded(int factor, int padLeft, int foldedWidth) {
        int paddedWidth = foldedWidth * factor;
        if (padLeft < 0 || padLeft + width > paddedWidth) {
            throw new IllegalArgumentException("cannot pad a kernel of width " + width + " to " + paddedWidth
                    + " with " + padLeft + " columns on the left");
        }
        int foldedIfm = ifm * factor;
        short[] out = new short[ofm * height * foldedWidth * foldedIfm];
        for (int o = 0; o < ofm; o++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int px = x + padLeft;
                    int to = ((o * height + y) * foldedWidth + px / factor) * foldedIfm + (px % factor) * ifm;
                    int from = ((o * height + y) * width + x) * ifm;
                    System.arraycopy(values, from, out, to, ifm);
                }
            }
        }
        return new WeightVolume(out, ofm, height, foldedWidth, foldedIfm, inCodeRange);
    }

    /**
     * Returns these weights with the kernel spread by {@code factorY} × {@code factorX}: zeros between the taps,
     * so that a dilation the hardware lacks becomes a larger kernel (ethos-u-facts.md §5.2).
     */
    WeightVolume inflated(int factorY, int factorX) {
        int h = (height - 1) * factorY + 1;
        int w = (width - 1) * factorX + 1;
        short[] out = new short[ofm * h * w * ifm];
        for (int o = 0; o < ofm; o++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int from = ((o * height + y) * width + x) * ifm;
                    int to = ((o * h + y * factorY) * w + x * factorX) * ifm;
                    System.arraycopy(values, from, out, to, ifm);
                }
            }
        }
        return new WeightVolume(out, ofm, h, w, ifm, inCodeRange);
    }
}
