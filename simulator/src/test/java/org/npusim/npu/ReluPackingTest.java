// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Shape;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.testsupport.TestGraph;

/**
 * A standalone ReLU after an NPU operation, as Vela 3.10's pass packing treats it ({@code can_pack},
 * {@code fixup_relus_with_differing_ifm_ofm_scaling}): packed into the producer's pass when it keeps the
 * quantization and is the producer's only reader; else its own rescaling 1x1 average pool.
 */
final class ReluPackingTest {

    private static final HardwareConfig CORSTONE_300 = HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"));
    private static final Shape SHAPE = Shape.of(1, 8, 8, 16);

    /** x → pool → p → RELU6 (output of {@code scale}) → r → pool → y; with {@code secondReader}, p is also pooled. */
    private static TestGraph graph(float scale, boolean secondReader) {
        TestGraph g = new TestGraph(SHAPE);
        int r = g.tensor("r", SHAPE, null, scale);
        g.op(BuiltinOperator.RELU6, new int[] {g.p}, new int[] {r}, new OpOptions.NoOptions());
        g.poolTo("y", r, SHAPE);
        if (secondReader) {
            g.poolTo("z", g.p, SHAPE);
        }
        return g;
    }

    @Test
    void sameQuantization_onlyReader_packedIntoTheProducer() {
        TestGraph g = graph(0.05f, false);
        Model m = g.model();
        assertThat(TestGraph.lowered(m, g.ops.get(1)).operations()).isEmpty();
        NpuOperation producer = TestGraph.lowered(m, g.ops.get(0)).operations().get(0);
        assertThat(producer.activation()).isEqualTo(NpuOperation.ActivationKind.RELU);
        assertThat(producer.tensors().ofm()).isEqualTo(g.ops.get(1).output(0));
        // The graph's MACs leave the packed ReLU out, as the simulation does.
        assertThat(m.main().facts().operators().get(1).macs()).isZero();
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers().get(1).cycles()).isZero();
        assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
    }

    @Test
    void otherQuantizationOrASecondReader_itsOwnAveragePool() {
        for (TestGraph g : new TestGraph[] {graph(0.025f, false), graph(0.05f, true)}) {
            Model m = g.model();
            NpuOperation pool = TestGraph.lowered(m, g.ops.get(1)).operations().get(0);
            assertThat(pool.type()).isEqualTo(NpuBlockType.POOLING);
            assertThat(pool.activation()).isEqualTo(NpuOperation.ActivationKind.RELU);
            assertThat(TestGraph.lowered(m, g.ops.get(0)).operations().get(0).activation())
                    .isEqualTo(NpuOperation.ActivationKind.NONE);
            assertThat(m.main().facts().operators().get(1).macs()).isEqualTo(8 * 8 * 16);
            SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
            assertThat(r.layers().get(1).cycles()).isPositive();
            assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
        }
    }
}
