// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Requantization;

/** The integer Winograd matrices: correctness, the bit growth the Javadoc derives, and exactness at the bounds. */
final class WinogradTileTest {

    static int[] times(int[][] a, int[] x) {
        int[] y = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < x.length; k++) {
                y[i] += a[i][k] * x[k];
            }
        }
        return y;
    }

    /**
     * In one dimension F(m, 3) computes y_i = Σ_k g_k d_(i+k); with the integer matrices,
     * A'ᵀ[(G_int g) ⊙ (Bᵀ d)] = L · y where L² is the divisor (L = 2 for F2, 24 for F4).
     */
    @Property(tries = 200)
    void oneDimension_randomFilterAndInput_isLTimesTheCorrelation(@ForAll long seed) {
        Random r = new Random(seed);
        for (WinogradTile tile : WinogradTile.values()) {
            int m = tile.outputEdge();
            int[] g = {r.nextInt(256) - 128, r.nextInt(256) - 128, r.nextInt(256) - 128};
            int[] d = new int[tile.inputEdge()];
            for (int i = 0; i < d.length; i++) {
                d[i] = r.nextInt(511) - 255;
            }
            int[] gw = times(tile.g(), g);
            int[] dv = times(tile.bt(), d);
            int[] product = new int[gw.length];
            for (int i = 0; i < product.length; i++) {
                product[i] = gw[i] * dv[i];
            }
            int[] y = times(tile.at(), product);
            int l = (int) Math.round(Math.sqrt(tile.divisor()));
            for (int i = 0; i < m; i++) {
                int expected = g[0] * d[i] + g[1] * d[i + 1] + g[2] * d[i + 2];
                assertThat(y[i]).as(tile + " output " + i).isEqualTo(l * expected);
            }
        }
    }

    @Test
    void operationCounts_matchTheFactsForF2AndTheDerivationForF4() {
        // cortex-m-kernel-facts.md §3.1: F2 needs 32 adds per 4x4 input tile and 24 per 2x2 output tile.
        assertThat(WinogradTile.F2.inputTransformOps()).isEqualTo(32);
        assertThat(WinogradTile.F2.outputTransformOps()).isEqualTo(24);
        // F4: every row of Bᵀ costs 4 (e.g. 4a - 5c + e: 2 adds, shifts for 4 and 5), 12 passes of 6 rows: 288;
        // A'ᵀ rows cost 6 + 5 + 4 + 7 = 22, over 6 + 4 passes: 220.
        assertThat(WinogradTile.F4.inputTransformOps()).isEqualTo(288);
        assertThat(WinogradTile.F4.outputTransformOps()).isEqualTo(220);
    }

    /** Returns max over i, j of (Σ|row i|)(Σ|row j|) · scale: the largest magnitude of M x Mᵀ-style transforms. */
    static int bound(int[][] rows, int scale) {
        int max = 0;
        for (int[] a : rows) {
            for (int[] b : rows) {
                int sa = Arrays.stream(a).map(Math::abs).sum();
                int sb = Arrays.stream(b).map(Math::abs).sum();
                max = Math.max(max, sa * sb * scale);
            }
        }
        return max;
    }

    @Test
    void bitGrowth_transformedOperands_fitInt16AsDerived() {
        assertThat(bound(WinogradTile.F2.bt(), 255)).isEqualTo(1_020);
        assertThat(bound(WinogradTile.F4.bt(), 255)).isEqualTo(25_500);
        assertThat(bound(WinogradTile.F2.g(), 128)).isEqualTo(1_152);
        assertThat(bound(WinogradTile.F4.g(), 128)).isEqualTo(6_272);
        for (WinogradTile t : WinogradTile.values()) {
            assertThat(bound(t.bt(), 255)).isLessThanOrEqualTo(Short.MAX_VALUE);
            assertThat(bound(t.g(), 128)).isLessThanOrEqualTo(Short.MAX_VALUE);
        }
    }

    @Test
    void maxInputChannels_followsFromThe31BitLimit() {
        // |s| <= 9 · C · 255 · 128 = 293,760 · C must stay below 2^(31 - e): e = 2 for F2, 6 for F4.
        assertThat(WinogradTile.F2.maxInputChannels()).isEqualTo(1827);
        assertThat(WinogradTile.F4.maxInputChannels()).isEqualTo(114);
        assertThat(9 * WinogradTile.F4.oddInverse()).isEqualTo(1);
    }

    /**
     * One output tile of a 3x3 convolution with {@code inC} input channels, at the extremes of int8, with an
     * output stage that maps the largest accumulators, about 2^(31 - e), to about ±64.
     */
    static Int8ConvLayer extremeLayer(WinogradTile tile, int inC, byte[] weights, int inputOffset) {
        int shift = 7 - (31 - tile.shift());
        return extremeLayer(tile, inC, weights, inputOffset,
                new Requantization(new int[] {0}, new int[] {1 << 30}, new int[] {shift}, 0, -128, 127));
    }

    static Int8ConvLayer extremeLayer(WinogradTile tile, int inC, byte[] weights, int inputOffset, Requantization stage) {
        int m = tile.outputEdge();
        return new Int8ConvLayer(1, m + 2, m + 2, inC, m, m, 1, 3, 3, 1, 1, 1, 1, 0, 0, weights, inputOffset, stage);
    }

    @Test
    void winograd_atTheChannelBoundWithExtremeValues_equalsDense() {
        Random r = new Random(7);
        for (WinogradTile tile : WinogradTile.values()) {
            int inC = tile.maxInputChannels();
            // All weights -128 and all activations 127 with zero point -128: every product is -128 · 255, so the
            // accumulator reaches the bound -293,760 · C exactly; then random signs at full magnitude.
            byte[] w = new byte[9 * inC];
            Arrays.fill(w, (byte) -128);
            Int8ConvLayer worst = extremeLayer(tile, inC, w, 128);
            byte[] x = new byte[worst.inputLength()];
            Arrays.fill(x, (byte) 127);
            check(worst, tile, x);
            // The same with a bias that cancels the accumulator and a multiplier of (2^31 - 1) / 2^31: every
            // output is the accumulator's error, so it must be exactly 0.
            int s = -9 * inC * 255 * 128;
            Int8ConvLayer exact = extremeLayer(tile, inC, w, 128, new Requantization(new int[] {-s},
                    new int[] {Integer.MAX_VALUE}, new int[] {0}, 0, -128, 127));
            byte[] y = new byte[exact.outputLength()];
            new WinogradConv(exact, tile).run(x, y);
            assertThat(y).as(tile + " accumulator " + s).containsOnly(0);
            for (int trial = 0; trial < 3; trial++) {
                for (int i = 0; i < w.length; i++) {
                    w[i] = r.nextBoolean() ? (byte) -128 : (byte) 127;
                }
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextBoolean() ? (byte) -128 : (byte) 127;
                }
                check(extremeLayer(tile, inC, w, trial % 2 == 0 ? 128 : -127), tile, x);
            }
        }
    }

    private static void check(Int8ConvLayer l, WinogradTile tile, byte[] x) {
        byte[] expected = new byte[l.outputLength()];
        byte[] actual = new byte[l.outputLength()];
        l.runDense(x, expected);
        new WinogradConv(l, tile).run(x, actual);
        assertThat(actual).as(tile.toString()).isEqualTo(expected);
    }

    @Test
    void winograd_beyondTheChannelBound_isRejected() {
        int inC = WinogradTile.F4.maxInputChannels() + 1;
        Int8ConvLayer l = extremeLayer(WinogradTile.F4, inC, new byte[9 * inC], 0);
        assertThatThrownBy(() -> LayerKernels.conv(l, KernelVariant.WINOGRAD_F4, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int32");
        assertThat(LayerKernels.conv(l, KernelVariant.WINOGRAD_F2, Optional.empty()).variant())
                .isEqualTo(KernelVariant.WINOGRAD_F2);
    }
}
