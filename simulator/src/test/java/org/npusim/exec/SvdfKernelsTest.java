// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.npusim.graph.ElementType;
import org.npusim.graph.Shape;

final class SvdfKernelsTest {

    /**
     * Two steps of a 2-filter, rank-1, memory-2 SVDF with scales chosen so that the first requantization is exactly
     * 1 (multiplier 2^30, shift 1) and the second exactly 1/2 (2^30, shift 0); every expected value is worked out
     * by hand in the comments.
     */
    @Test
    void run_twoSteps_shiftsStateAndMatchesHandComputation() {
        var p = new SvdfKernels.Params(1, 2, 2, 2, 1, 2, 0, 0, 0, 1 << 30, 1, 1 << 30, 0, Short.MIN_VALUE,
                Short.MAX_VALUE);
        byte[] wf = {1, 2, -1, 1};
        TensorBuffer wt = TensorBuffer.wrap(ElementType.INT16, Shape.of(2, 2), new short[] {4, 6, 2, 3});
        int[] bias = {10, 1};
        TensorBuffer state = TensorBuffer.allocate(ElementType.INT16, Shape.of(1, 4));
        byte[] y = new byte[2];

        // x = (3, -2): feature dots 3 - 4 = -1 and -3 - 2 = -5 become the newest slots: state (0, -1, 0, -5).
        // Time dots 6 * -1 = -6 and 3 * -5 = -15; plus bias 10 and 1 gives 4 and -14; halved: 2 and -7.
        SvdfKernels.run(p, new byte[] {3, -2}, wf, wt, bias, state, y);
        assertThat(state.int16()).containsExactly(0, -1, 0, -5);
        assertThat(y).containsExactly(2, -7);

        // x = (1, 1): dots 3 and 0. The state shifts left as one array, (-1, 0, -5, -5), then the newest slots are
        // set: (-1, 3, -5, 0). Time dots 4 * -1 + 6 * 3 = 14 and 2 * -5 = -10; with bias 24 and -9; halved 12 and
        // -4.5, which the doubling high multiply rounds toward plus infinity: -4.
        SvdfKernels.run(p, new byte[] {1, 1}, wf, wt, bias, state, y);
        assertThat(state.int16()).containsExactly(-1, 3, -5, 0);
        assertThat(y).containsExactly(12, -4);
    }
}
