// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

final class ConvGeometryTest {

    /** The walk the closed form replaces: every output position and kernel tap, counted where it lands inside. */
    private static long walked(int out, int kernel, int stride, int pad, int dilation, int in) {
        long n = 0;
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < kernel; k++) {
                long i = (long) o * stride - pad + (long) k * dilation;
                if (i >= 0 && i < in) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The closed form counts as the walk does, padding on either side, strides and dilations, outputs past the input. */
    @Test
    void inside_closedForm_equalsTheWalk() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20_000; trial++) {
            int in = 1 + r.nextInt(40);
            int kernel = 1 + r.nextInt(9);
            int stride = 1 + r.nextInt(4);
            int dilation = 1 + r.nextInt(3);
            int pad = r.nextInt(8);
            int out = 1 + r.nextInt(45);
            assertThat(ConvGeometry.inside(out, kernel, stride, pad, dilation, in))
                    .as("out %d kernel %d stride %d pad %d dilation %d in %d", out, kernel, stride, pad, dilation, in)
                    .isEqualTo(walked(out, kernel, stride, pad, dilation, in));
        }
        // A 3x3 window with padding 1 over 8 rows: 8·3 taps less the two that fall off the edges.
        assertThat(ConvGeometry.inside(8, 3, 1, 1, 1, 8)).isEqualTo(22);
        // A declared height of 2^30 is counted at once: every tap of a 1-row kernel lands inside.
        assertThat(ConvGeometry.inside(1 << 30, 1, 1, 0, 1, 1 << 30)).isEqualTo(1L << 30);
    }
}
