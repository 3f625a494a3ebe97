// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

/**
 * The geometry of a windowed operator (convolution, depthwise convolution, pooling): NHWC input and output, the
 * kernel window, strides, the padding before the first element and dilations.
 */
public record ConvGeometry(int batch, int inH, int inW, int inC, int outH, int outW, int outC, int kernelH, int kernelW,
        int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW) {

    /** Validates the record: sizes and strides positive, paddings not negative. */
    public ConvGeometry {
        if (batch < 1 || inH < 1 || inW < 1 || inC < 1 || outH < 1 || outW < 1 || outC < 1 || kernelH < 1
                || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || padTop < 0
                || padLeft < 0) {
            throw new IllegalArgumentException("degenerate window geometry");
        }
    }

    /** Returns a geometry without padding, strides 1 and dilations 1, for tests. */
    public static ConvGeometry valid(int inH, int inW, int inC, int kernelH, int kernelW, int outC) {
        return new ConvGeometry(1, inH, inW, inC, inH - kernelH + 1, inW - kernelW + 1, outC, kernelH, kernelW, 1, 1, 0,
                0, 1, 1);
    }

    /** Returns the output pixels over all batches. */
    public long outputPixels() {
        return (long) batch * outH * outW;
    }

    /** Returns the window taps per output pixel. */
    public int taps() {
        return kernelH * kernelW;
    }

    /** Returns the input bytes of one batch at one byte per element. */
    public long inputElements() {
        return (long) batch * inH * inW * inC;
    }

    /** Returns the output elements. */
    public long outputElements() {
        return outputPixels() * outC;
    }

    /** Returns, summed over output rows, how many kernel rows fall inside the input. */
    public long validKernelRows() {
        return inside(outH, kernelH, strideH, padTop, dilationH, inH);
    }

    /** Returns, summed over output columns, how many kernel columns fall inside the input. */
    public long validKernelColumns() {
        return inside(outW, kernelW, strideW, padLeft, dilationW, inW);
    }

    /**
     * Returns the window taps that fall inside the input, summed over all output pixels: the taps a kernel reads
     * rather than pads. Rows and columns are independent, so this is the product of the two sums.
     */
    public long validTaps() {
        return batch * validKernelRows() * validKernelColumns();
    }

    /** Returns whether some window tap falls in the padding. */
    public boolean padded() {
        return validTaps() < outputPixels() * taps();
    }

    /**
     * Counts the pairs (output position o, kernel tap k) whose input position {@code o·stride − pad + k·dilation}
     * lies in [0, in). For a tap with offset c = k·dilation − pad that is o·stride + c ≥ 0 and ≤ in − 1: the
     * outputs from ⌈−c / stride⌉ to ⌊(in − 1 − c) / stride⌋, clipped to [0, out). A closed form per tap rather
     * than a walk over every output: a huge declared dimension (2^30) is refused by the capacity check at once
     * instead of after seconds of counting.
     */
    static long inside(int out, int kernel, int stride, int pad, int dilation, int in) {
        long n = 0;
        for (int k = 0; k < kernel; k++) {
            long c = (long) k * dilation - pad;
            long first = Math.max(0, -Math.floorDiv(c, stride));
            long last = Math.min(out - 1L, Math.floorDiv(in - 1 - c, stride));
            n += Math.max(0, last - first + 1);
        }
        return n;
    }
}
