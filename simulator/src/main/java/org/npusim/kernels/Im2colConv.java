// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Objects;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Requantization;

/**
 * A convolution as CMSIS-NN computes it: per output pixel an im2col column of {@code kH · kW · inC} values
 * {@code x + inputOffset} (0 for padding taps, which is what skipping them in the dense kernel amounts to),
 * multiplied by the weight matrix in one of its encodings (dense, CSR, bitmask, N:M, or column-major with
 * zero-activation skipping), then the shared output stage.
 */
public final class Im2colConv implements LayerKernel {

    private final Int8ConvLayer layer;
    private final WeightMatrix weights;

    /** Prepares {@code layer} with its weights in {@code weights}, the layer's {@code outC x K} matrix. */
    public Im2colConv(Int8ConvLayer layer, WeightMatrix weights) {
        this.layer = Objects.requireNonNull(layer, "layer");
        this.weights = Objects.requireNonNull(weights, "weights");
        if (weights.rows() != layer.outC() || weights.cols() != layer.filterLength()) {
            throw new IllegalArgumentException("a " + weights.rows() + " x " + weights.cols()
                    + " matrix for a layer of " + layer.outC() + " x " + layer.filterLength() + " weights");
        }
    }

    @Override
    public KernelVariant variant() {
        return weights.variant();
    }

    @Override
    public long weightBytes() {
        return weights.sizeBytes();
    }

    /** Returns the weight matrix. */
    public WeightMatrix weights() {
        return weights;
    }

    @Override
    public void run(byte[] input, byte[] output) {
        Int8ConvLayer l = layer;
        l.checkLengths(input, output);
        Requantization stage = l.output();
        int inC = l.inC();
        int outC = l.outC();
        int offset = l.inputOffset();
        int[] column = new int[l.filterLength()];
        int[] acc = new int[outC];
        for (int n = 0; n < l.batches(); n++) {
            for (int oy = 0; oy < l.outH(); oy++) {
                for (int ox = 0; ox < l.outW(); ox++) {
                    int k = 0;
                    for (int ky = 0; ky < l.kH(); ky++) {
                        int iy = oy * l.strideH() - l.padTop() + ky * l.dilationH();
                        for (int kx = 0; kx < l.kW(); kx++, k += inC) {
                            int ix = ox * l.strideW() - l.padLeft() + kx * l.dilationW();
                            if (iy < 0 || iy >= l.inH() || ix < 0 || ix >= l.inW()) {
                                java.util.Arrays.fill(column, k, k + inC, 0);
                                continue;
                            }
                            int xb = ((n * l.inH() + iy) * l.inW() + ix) * inC;
                            for (int c = 0; c < inC; c++) {
                                column[k + c] = input[xb + c] + offset;
                            }
                        }
                    }
                    weights.multiply(column, acc);
                    int yb = ((n * l.outH() + oy) * l.outW() + ox) * outC;
                    for (int oc = 0; oc < outC; oc++) {
                        output[yb + oc] = (byte) stage.output(acc[oc], oc);
                    }
                }
            }
        }
    }
}
