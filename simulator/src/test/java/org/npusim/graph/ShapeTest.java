// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class ShapeTest {

    @Test
    void new_negativeDimension_isRejected() {
        assertThatThrownBy(() -> Shape.of(1, -3, 4)).hasMessage("dimension 1 is negative (-3)");
    }

    @Test
    void new_elementCountOverflow_isRejected() {
        assertThatThrownBy(() -> Shape.of(1 << 30, 1 << 28, 1 << 30)).hasMessage("element count overflows a 64-bit integer");
    }

    /**
     * Dimensions up to 2^30 and element counts up to 2^59 (whose bytes fit a long at 8 bytes an element): past them
     * a reader's int arithmetic on a dimension (a depth rounded up to 16) or a byte count would overflow.
     */
    @Test
    void new_dimensionOrElementCountOutOfRange_isRejected() {
        assertThat(Shape.of(1, 1 << 30).elementCount()).isEqualTo(1L << 30);
        assertThatThrownBy(() -> Shape.of(1, (1 << 30) + 1)).hasMessage("dimension 1 is 1073741825, above 2^30");
        assertThatThrownBy(() -> Shape.of(Integer.MAX_VALUE)).hasMessage("dimension 0 is 2147483647, above 2^30");
        assertThatThrownBy(() -> Shape.of(1 << 30, 1 << 30)).hasMessage("element count 1152921504606846976 is above 2^59");
    }

    @Test
    void nhwc_lowRank_padsOuterDimensionsWithOne() {
        Shape s = Shape.of(10, 64);
        assertThat(new int[] {s.nhwc(0), s.nhwc(1), s.nhwc(2), s.nhwc(3)}).containsExactly(1, 1, 10, 64);
    }

    @Test
    void padding_sameAndValid_followTensorFlowOutputSizes() {
        assertThat(Padding.SAME.outputSize(96, 3, 2, 1)).isEqualTo(48);
        assertThat(Padding.VALID.outputSize(96, 3, 2, 1)).isEqualTo(47);
        assertThat(Padding.SAME.padBefore(96, 3, 2, 1)).isZero();
        assertThat(Padding.SAME.padBefore(5, 3, 1, 1)).isEqualTo(1);
    }

    /**
     * person_detect's first layer: 3x3 stride-2 SAME conv on 96x96x1. Vela folds two columns into the depth:
     * SAME padding total 1, filter padded right by 1 to width 4, folded to width 2 over depth 2 (see
     * {@link StridedConvRewrite}); 3*2*2 = 12 MACs per output instead of 9.
     */
    @Test
    void stridedConvRewrite_firstLayerStride2_foldsColumnsIntoDepth() {
        assertThat(StridedConvRewrite.resizeFactor(96, 2)).isEqualTo(2);
        assertThat(StridedConvRewrite.neededTotalPadding(96, 2, 3)).isEqualTo(1);
        assertThat(StridedConvRewrite.filterPadding(Padding.SAME, 1, 1, 2, 3, 96)).containsExactly(0, 1);
        assertThat(StridedConvRewrite.resizeFactor(133, 14)).isEqualTo(7);
        assertThat(StridedConvRewrite.resizeFactor(7, 2)).isEqualTo(1);
    }
}
