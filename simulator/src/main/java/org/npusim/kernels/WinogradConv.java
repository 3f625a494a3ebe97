// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Objects;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Requantization;

/**
 * A 3x3 stride-1 convolution by Winograd F(m x m, 3 x 3) in exact integer arithmetic ({@link WinogradTile}
 * derives the scaling and the bit growth). Per output tile: the t x t input tile {@code d = x + inputOffset} (0
 * outside the image) is transformed to {@code V = Bᵀ d B} (int16 per channel); for every output channel and tile
 * position the Winograd-domain products are summed over the input channels, {@code M = Σ_c U ⊙ V}, with the int16
 * transformed weights {@code U = G_int g G_intᵀ} prepared once; the output transform {@code A'ᵀ M A'} gives
 * {@code L²} times the dense accumulator modulo 2³², which an exact division turns into the dense accumulator
 * itself; the shared output stage does the rest. Output tiles that overhang the image are computed whole and
 * cropped.
 */
public final class WinogradConv implements LayerKernel {

    private final Int8ConvLayer layer;
    private final WinogradTile tile;
    /** Transformed weights, {@code [t²][outC][inC]}. */
    private final short[] u;

    /**
     * Prepares {@code layer}, which must be a 3x3, stride-1, undilated convolution with at most
     * {@link WinogradTile#maxInputChannels()} input channels.
     */
    public WinogradConv(Int8ConvLayer layer, WinogradTile tile) {
        this.layer = Objects.requireNonNull(layer, "layer");
        this.tile = Objects.requireNonNull(tile, "tile");
        Applicability.reason(LayerShape.of(layer), tile.variant(), java.util.Optional.empty()).ifPresent(r -> {
            throw new IllegalArgumentException(r);
        });
        this.u = transformWeights(layer, tile);
    }

    private static short[] transformWeights(Int8ConvLayer l, WinogradTile tile) {
        int t = tile.inputEdge();
        int[][] g = tile.g();
        int inC = l.inC();
        int outC = l.outC();
        byte[] w = l.weights();
        short[] u = new short[t * t * outC * inC];
        int[][] gw = new int[t][3];
        for (int oc = 0; oc < outC; oc++) {
            for (int ic = 0; ic < inC; ic++) {
                // gw = G_int · filter (t x 3), then U = gw · G_intᵀ (t x t).
                for (int i = 0; i < t; i++) {
                    for (int kx = 0; kx < 3; kx++) {
                        int s = 0;
                        for (int ky = 0; ky < 3; ky++) {
                            s += g[i][ky] * w[((oc * 3 + ky) * 3 + kx) * inC + ic];
                        }
                        gw[i][kx] = s;
                    }
                }
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < t; j++) {
                        int s = 0;
                        for (int kx = 0; kx < 3; kx++) {
                            s += gw[i][kx] * g[j][kx];
                        }
                        u[((i * t + j) * outC + oc) * inC + ic] = (short) s;
                    }
                }
            }
        }
        return u;
    }

    @Override
    public KernelVariant variant() {
        return tile.variant();
    }

    /** Returns t² int16 transformed weights per channel pair: {@code 2 t² · inC · outC} bytes. */
    @Override
    public long weightBytes() {
        return 2L * u.length;
    }

    @Override
    public void run(byte[] input, byte[] output) {
        Int8ConvLayer l = layer;
        l.checkLengths(input, output);
        Requantization stage = l.output();
        int m = tile.outputEdge();
        int t = tile.inputEdge();
        int tt = t * t;
        int[][] bt = tile.bt();
        int[][] at = tile.at();
        int inC = l.inC();
        int outC = l.outC();
        int offset = l.inputOffset();
        int[] d = new int[tt];
        int[] half = new int[tt];
        short[] v = new short[tt * inC];
        int[] mAcc = new int[tt * outC];
        int[] tmp = new int[m * t];
        int tilesY = (l.outH() + m - 1) / m;
        int tilesX = (l.outW() + m - 1) / m;
        for (int n = 0; n < l.batches(); n++) {
            for (int ty = 0; ty < tilesY; ty++) {
                for (int tx = 0; tx < tilesX; tx++) {
                    int iy0 = ty * m - l.padTop();
                    int ix0 = tx * m - l.padLeft();
                    // Input transform, one channel at a time: V = Bᵀ d B.
                    for (int ic = 0; ic < inC; ic++) {
                        for (int a = 0; a < t; a++) {
                            int iy = iy0 + a;
                            for (int b = 0; b < t; b++) {
                                int ix = ix0 + b;
                                boolean inside = iy >= 0 && iy < l.inH() && ix >= 0 && ix < l.inW();
                                d[a * t + b] = inside ? input[((n * l.inH() + iy) * l.inW() + ix) * inC + ic] + offset : 0;
                            }
                        }
                        multiplyLeft(bt, d, half, t, t, t);
                        for (int i = 0; i < t; i++) {
                            for (int j = 0; j < t; j++) {
                                int s = 0;
                                int[] row = bt[j];
                                for (int b = 0; b < t; b++) {
                                    s += half[i * t + b] * row[b];
                                }
                                v[(i * t + j) * inC + ic] = (short) s;
                            }
                        }
                    }
                    // Winograd-domain products, summed over input channels: M[ξ][oc] = Σ_ic U[ξ][oc][ic] V[ξ][ic].
                    for (int xi = 0; xi < tt; xi++) {
                        int vb = xi * inC;
                        for (int oc = 0; oc < outC; oc++) {
                            int ub = (xi * outC + oc) * inC;
                            int s = 0;
                            for (int ic = 0; ic < inC; ic++) {
                                s += u[ub + ic] * v[vb + ic];
                            }
                            mAcc[xi * outC + oc] = s;
                        }
                    }
                    // Output transform A'ᵀ M A', exact division by L², output stage; the tile is cropped.
                    for (int oc = 0; oc < outC; oc++) {
                        for (int xi = 0; xi < tt; xi++) {
                            d[xi] = mAcc[xi * outC + oc];
                        }
                        multiplyLeft(at, d, tmp, m, t, t);
                        for (int p = 0; p < m; p++) {
                            int oy = ty * m + p;
                            if (oy >= l.outH()) {
                                break;
                            }
                            for (int q = 0; q < m; q++) {
                                int ox = tx * m + q;
                                if (ox >= l.outW()) {
                                    break;
                                }
                                int s = 0;
                                int[] row = at[q];
                                for (int j = 0; j < t; j++) {
                                    s += tmp[p * t + j] * row[j];
                                }
                                int acc = tile.divideExactly(s);
                                output[((n * l.outH() + oy) * l.outW() + ox) * outC + oc] = (byte) stage.output(acc, oc);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Sets {@code out} (rows x cols) to {@code a} (rows x inner) times {@code x} (inner x cols), both row-major. */
    private static void multiplyLeft(int[][] a, int[] x, int[] out, int rows, int inner, int cols) {
        for (int i = 0; i < rows; i++) {
            int[] row = a[i];
            for (int j = 0; j < cols; j++) {
                int s = 0;
                for (int k = 0; k < inner; k++) {
                    s += row[k] * x[k * cols + j];
                }
                out[i * cols + j] = s;
            }
        }
    }
}
