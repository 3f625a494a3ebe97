// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.testsupport.SharedData;

final class LayerShapeTest {

    @Test
    void parse_convWithSamePadding_hasTensorFlowsOutputSize() {
        LayerShape s = LayerShape.parse("conv 3x3 s2 32->64 47x48", "--layer");
        // SAME: ceil(47 / 2) = 24, ceil(48 / 2) = 24.
        assertThat(s).isEqualTo(new LayerShape(LayerShape.Kind.CONV, 1, 47, 48, 32, 24, 24, 64, 3, 3, 2, 2, 1, 1));
        assertThat(s.macs()).isEqualTo(24L * 24 * 64 * 9 * 32);
        assertThat(s.label()).isEqualTo("conv 3x3 s2 32->64 47x48");
    }

    @Test
    void parse_validPaddingAndFullyConnected_areRead() {
        LayerShape v = LayerShape.parse("  CONV 3x3 16->8 10x10 valid ", "--layer");
        assertThat(v.outH()).isEqualTo(8);
        assertThat(v.strideH()).isEqualTo(1);
        LayerShape f = LayerShape.parse("fc 640->128 b4", "--layer");
        assertThat(f).isEqualTo(LayerShape.fullyConnected(4, 640, 128));
        assertThat(f.macs()).isEqualTo(4L * 640 * 128);
    }

    @Test
    void parse_malformed_failsWithTheExpectedSyntax() {
        for (String bad : new String[] {"", "conv 3x3", "conv 3x3 s1 32->64", "dw 3x3 s1 32->32 8x8", "fc 10",
            "conv 3x3 s1 0->64 8x8", "conv 3x3 s1 32->64 8x8 full", "conv 3x3 s1 32->99999999 8x8"}) {
            assertThatThrownBy(() -> LayerShape.parse(bad, "--layer")).as(bad).isInstanceOf(InputException.class)
                    .hasMessageStartingWith("--layer: ").hasMessageContaining("conv KxK");
        }
        assertThatThrownBy(() -> LayerShape.parse("conv 5x5 s1 3->8 4x4 valid", "--layer"))
                .isInstanceOf(InputException.class).hasMessageContaining("does not fit");
        // Each size is allowed alone; their products overflowed into "0 MACs" and saturated cycles.
        for (String huge : new String[] {"conv 65536x65536 s1 1->1 65536x65536 valid", "conv 3x3 s1 65536->65536 65536x65536",
            "fc 65536->65536 b65536"}) {
            assertThatThrownBy(() -> LayerShape.parse(huge, "--layer")).as(huge).isInstanceOf(InputException.class)
                    .hasMessageEndingWith("is too large: at most 2^31 - 1 weights per filter and 2^40 MACs");
        }
        assertThat(LayerShape.parse("fc 65536->65536 b256", "--layer").macs()).isEqualTo(1L << 40);
    }

    @Test
    void of_resnet8Layers_readsConvAndFullyConnectedShapes() {
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));
        Subgraph g = m.main();
        int convs = 0;
        int fcs = 0;
        for (Operator op : g.operators()) {
            var shape = LayerShape.of(g, op);
            switch (op.opName()) {
                case "CONV_2D" -> {
                    convs++;
                    assertThat(shape).isPresent();
                    assertThat(shape.get().macs()).isEqualTo(g.operatorFacts(op.index()).macs());
                }
                case "FULLY_CONNECTED" -> {
                    fcs++;
                    assertThat(shape).contains(LayerShape.fullyConnected(1, 64, 10));
                }
                default -> assertThat(shape).as(op.opName()).isEmpty();
            }
        }
        assertThat(convs).isEqualTo(9);
        assertThat(fcs).isEqualTo(1);
    }
}
