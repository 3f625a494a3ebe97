// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The optimized kernels against naive reference loops written the way TFLite's reference kernels are: one output
 * element at a time, every tap tested against the image bounds, the offset added to every input value. The shapes,
 * strides, paddings, zero points and multipliers are random.
 */
final class KernelPropertiesTest {

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static int[] randomMultipliers(Random r, int n) {
        int[] m = new int[n];
        for (int i = 0; i < n; i++) {
            m[i] = (1 << 30) + r.nextInt(1 << 30);
        }
        return m;
    }

    static int[] randomShifts(Random r, int n) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = -12 + r.nextInt(8);
        }
        return s;
    }

    static int requant(int acc, int m, int s, int zp, int lo, int hi) {
        return Math.min(Math.max(FixedPoint.multiplyByQuantizedMultiplier(acc, m, s) + zp, lo), hi);
    }

    @Property(tries = 200)
    void conv2dInt8_randomShapes_matchesNaiveLoop(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int groups) {
        Random r = new Random(seed);
        int filterDepth = 1 + r.nextInt(5);
        int inC = filterDepth * groups;
        int outC = groups * (1 + r.nextInt(4));
        int kH = 1 + r.nextInt(4);
        int kW = 1 + r.nextInt(4);
        int sH = 1 + r.nextInt(3);
        int sW = 1 + r.nextInt(3);
        int dH = 1 + r.nextInt(2);
        int dW = 1 + r.nextInt(2);
        int inH = 1 + r.nextInt(9);
        int inW = 1 + r.nextInt(9);
        int batches = 1 + r.nextInt(2);
        int outH = 1 + r.nextInt(6);
        int outW = 1 + r.nextInt(6);
        int padTop = r.nextInt(3);
        int padLeft = r.nextInt(3);
        var g = new ConvKernels.Geometry(batches, inH, inW, inC, outH, outW, outC, kH, kW, sH, sW, dH, dW, padTop,
                padLeft);
        byte[] x = randomBytes(r, batches * inH * inW * inC);
        byte[] w = randomBytes(r, outC * kH * kW * filterDepth);
        int[] bias = new int[outC];
        for (int i = 0; i < outC; i++) {
            bias[i] = r.nextInt(20001) - 10000;
        }
        int[] m = randomMultipliers(r, outC);
        int[] s = randomShifts(r, outC);
        int inOff = r.nextInt(256) - 127;
        int outZp = r.nextInt(256) - 128;
        int lo = -128 + r.nextInt(20);
        int hi = 127 - r.nextInt(20);
        byte[] y = new byte[batches * outH * outW * outC];
        ConvKernels.conv2dInt8(g, filterDepth, x, inOff, w, bias, m, s, outZp, lo, hi, y);
        int filtersPerGroup = outC / groups;
        for (int n = 0; n < batches; n++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int oc = 0; oc < outC; oc++) {
                        int group = oc / filtersPerGroup;
                        int acc = 0;
                        for (int ky = 0; ky < kH; ky++) {
                            for (int kx = 0; kx < kW; kx++) {
                                int iy = oy * sH - padTop + dH * ky;
                                int ix = ox * sW - padLeft + dW * kx;
                                if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
                                    continue;
                                }
                                for (int ic = 0; ic < filterDepth; ic++) {
                                    int xv = x[((n * inH + iy) * inW + ix) * inC + ic + group * filterDepth];
                                    int wv = w[((oc * kH + ky) * kW + kx) * filterDepth + ic];
                                    acc += wv * (xv + inOff);
                                }
                            }
                        }
                        acc += bias[oc];
                        int expected = requant(acc, m[oc], s[oc], outZp, lo, hi);
                        assertThat(y[((n * outH + oy) * outW + ox) * outC + oc]).isEqualTo((byte) expected);
                    }
                }
            }
        }
    }

    @Property(tries = 200)
    void depthwiseInt8_randomShapes_matchesNaiveLoop(@ForAll long seed) {
        Random r = new Random(seed);
        int inC = 1 + r.nextInt(6);
        int mult = 1 + r.nextInt(3);
        int outC = inC * mult;
        int kH = 1 + r.nextInt(4);
        int kW = 1 + r.nextInt(4);
        int sH = 1 + r.nextInt(3);
        int sW = 1 + r.nextInt(3);
        int dH = 1 + r.nextInt(2);
        int dW = 1 + r.nextInt(2);
        int inH = 1 + r.nextInt(9);
        int inW = 1 + r.nextInt(9);
        int outH = 1 + r.nextInt(6);
        int outW = 1 + r.nextInt(6);
        int padTop = r.nextInt(3);
        int padLeft = r.nextInt(3);
        var g = new ConvKernels.Geometry(1, inH, inW, inC, outH, outW, outC, kH, kW, sH, sW, dH, dW, padTop, padLeft);
        byte[] x = randomBytes(r, inH * inW * inC);
        byte[] w = randomBytes(r, kH * kW * outC);
        int[] bias = new int[outC];
        for (int i = 0; i < outC; i++) {
            bias[i] = r.nextInt(20001) - 10000;
        }
        int[] m = randomMultipliers(r, outC);
        int[] s = randomShifts(r, outC);
        int inOff = r.nextInt(256) - 127;
        int outZp = r.nextInt(256) - 128;
        byte[] y = new byte[outH * outW * outC];
        ConvKernels.depthwiseInt8(g, mult, x, inOff, w, bias, m, s, outZp, -128, 127, y);
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int ic = 0; ic < inC; ic++) {
                    for (int k = 0; k < mult; k++) {
                        int oc = k + ic * mult;
                        int acc = 0;
                        for (int ky = 0; ky < kH; ky++) {
                            for (int kx = 0; kx < kW; kx++) {
                                int iy = oy * sH - padTop + dH * ky;
                                int ix = ox * sW - padLeft + dW * kx;
                                if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                                    acc += w[(ky * kW + kx) * outC + oc] * (x[(iy * inW + ix) * inC + ic] + inOff);
                                }
                            }
                        }
                        int expected = requant(acc + bias[oc], m[oc], s[oc], outZp, -128, 127);
                        assertThat(y[(oy * outW + ox) * outC + oc]).isEqualTo((byte) expected);
                    }
                }
            }
        }
    }

    @Property(tries = 200)
    void fullyConnectedInt8_randomShapes_matchesNaiveLoop(@ForAll long seed) {
        Random r = new Random(seed);
        int batches = 1 + r.nextInt(3);
        int units = 1 + r.nextInt(10);
        int depth = 1 + r.nextInt(40);
        byte[] x = randomBytes(r, batches * depth);
        byte[] w = randomBytes(r, units * depth);
        int[] bias = new int[units];
        for (int i = 0; i < units; i++) {
            bias[i] = r.nextInt(20001) - 10000;
        }
        int[] m = randomMultipliers(r, 1);
        int[] s = randomShifts(r, 1);
        int inOff = r.nextInt(256) - 127;
        int wOff = r.nextInt(5) - 2;
        int outZp = r.nextInt(256) - 128;
        int[] mult = new int[units];
        int[] shift = new int[units];
        java.util.Arrays.fill(mult, m[0]);
        java.util.Arrays.fill(shift, s[0]);
        byte[] y = new byte[batches * units];
        FullyConnectedKernels.int8(batches, units, depth, x, inOff, w, wOff, bias, mult, shift, outZp, -128, 127, y);
        for (int n = 0; n < batches; n++) {
            for (int u = 0; u < units; u++) {
                int acc = 0;
                for (int d = 0; d < depth; d++) {
                    acc += (w[u * depth + d] + wOff) * (x[n * depth + d] + inOff);
                }
                assertThat(y[n * units + u]).isEqualTo((byte) requant(acc + bias[u], m[0], s[0], outZp, -128, 127));
            }
        }
    }

    /**
     * The scatter implementation of TRANSPOSE_CONV against the gather formulation: output (oy, ox) collects every
     * input (iy, ix) and tap (ky, kx) with iy * stride - pad + ky = oy.
     */
    @Property(tries = 200)
    void transposeConvInt8_randomShapes_matchesGatherFormulation(@ForAll long seed) {
        Random r = new Random(seed);
        int inC = 1 + r.nextInt(4);
        int outC = 1 + r.nextInt(4);
        int kH = 1 + r.nextInt(4);
        int kW = 1 + r.nextInt(4);
        int sH = 1 + r.nextInt(3);
        int sW = 1 + r.nextInt(3);
        int inH = 1 + r.nextInt(5);
        int inW = 1 + r.nextInt(5);
        int outH = 1 + r.nextInt(12);
        int outW = 1 + r.nextInt(12);
        int padTop = r.nextInt(3);
        int padLeft = r.nextInt(3);
        var g = new TransposeConvKernels.Scatter(1, inH, inW, inC, outH, outW, outC, kH, kW, sH, sW, padTop, padLeft);
        byte[] x = randomBytes(r, inH * inW * inC);
        byte[] w = randomBytes(r, outC * kH * kW * inC);
        int[] bias = new int[outC];
        int[] m = randomMultipliers(r, outC);
        int[] s = randomShifts(r, outC);
        int inOff = r.nextInt(256) - 127;
        byte[] y = new byte[outH * outW * outC];
        TransposeConvKernels.int8(g, x, inOff, w, bias, m, s, 3, -128, 127, y);
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int oc = 0; oc < outC; oc++) {
                    int acc = 0;
                    for (int iy = 0; iy < inH; iy++) {
                        for (int ix = 0; ix < inW; ix++) {
                            int ky = oy - (iy * sH - padTop);
                            int kx = ox - (ix * sW - padLeft);
                            if (ky < 0 || ky >= kH || kx < 0 || kx >= kW) {
                                continue;
                            }
                            for (int ic = 0; ic < inC; ic++) {
                                acc += (x[(iy * inW + ix) * inC + ic] + inOff) * w[((oc * kH + ky) * kW + kx) * inC + ic];
                            }
                        }
                    }
                    assertThat(y[(oy * outW + ox) * outC + oc]).isEqualTo((byte) requant(acc, m[oc], s[oc], 3, -128, 127));
                }
            }
        }
    }

    @Property(tries = 200)
    void averagePool_randomShapes_matchesNaiveLoop(@ForAll long seed) {
        Random r = new Random(seed);
        int c = 1 + r.nextInt(5);
        int kH = 1 + r.nextInt(4);
        int kW = 1 + r.nextInt(4);
        int sH = 1 + r.nextInt(3);
        int sW = 1 + r.nextInt(3);
        int inH = 1 + r.nextInt(8);
        int inW = 1 + r.nextInt(8);
        int outH = 1 + (inH - 1) / sH;
        int outW = 1 + (inW - 1) / sW;
        int padTop = r.nextInt(Math.max(1, kH));
        int padLeft = r.nextInt(Math.max(1, kW));
        var g = new ConvKernels.Geometry(1, inH, inW, c, outH, outW, c, kH, kW, sH, sW, 1, 1, padTop, padLeft);
        byte[] x = randomBytes(r, inH * inW * c);
        TensorBuffer in = TensorBuffer.wrap(org.npusim.graph.ElementType.INT8,
                org.npusim.graph.Shape.of(1, inH, inW, c), x);
        TensorBuffer out = TensorBuffer.allocate(org.npusim.graph.ElementType.INT8,
                org.npusim.graph.Shape.of(1, outH, outW, c));
        PoolKernels.pool(new PoolKernels.Window(g, -128, 127), true, in, out);
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int ch = 0; ch < c; ch++) {
                    int sum = 0;
                    int count = 0;
                    for (int ky = 0; ky < kH; ky++) {
                        for (int kx = 0; kx < kW; kx++) {
                            int iy = oy * sH - padTop + ky;
                            int ix = ox * sW - padLeft + kx;
                            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                                sum += x[(iy * inW + ix) * c + ch];
                                count++;
                            }
                        }
                    }
                    // Round half away from zero, computed on the exact quotient.
                    long expected = count == 0 ? 0 : Math.round(Math.abs(sum) / (double) count) * Long.signum(sum);
                    assertThat(out.get((oy * outW + ox) * c + ch)).isEqualTo(expected);
                }
            }
        }
    }

    @Property(tries = 200)
    void broadcastIndexMap_randomShapes_matchesCoordinateArithmetic(@ForAll long seed) {
        Random r = new Random(seed);
        int rank = 1 + r.nextInt(4);
        int[] out = new int[rank];
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = 1 + r.nextInt(4);
            a[i] = r.nextBoolean() ? 1 : out[i];
        }
        int drop = r.nextInt(rank);
        int[] aDims = java.util.Arrays.copyOfRange(a, drop, rank);
        int[] map = Broadcast.indexMap(org.npusim.graph.Shape.of(aDims), org.npusim.graph.Shape.of(out));
        int[] idx = new int[rank];
        for (int k = 0; k < map.length; k++) {
            int rem = k;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d] = rem % out[d];
                rem /= out[d];
            }
            int flat = 0;
            for (int d = drop; d < rank; d++) {
                flat = flat * a[d] + (a[d] == 1 ? 0 : idx[d]);
            }
            assertThat(map[k]).isEqualTo(flat);
        }
    }
}
