// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Shape;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.testsupport.TestGraph;

/**
 * MEAN as Vela 3.10 lowers it ({@code convert_mean_to_depthwise_conv}): int32 depthwise sums over bands of at
 * most 64 rows and 4096 kernel elements, ADDs of the bands, a MUL by a constant.
 */
final class MeanLoweringTest {

    private static final HardwareConfig CORSTONE_300 = HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"));

    /** p of {@code shape} → MEAN over {@code axes} (keep_dims) → output of {@code out}. */
    private static TestGraph mean(Shape shape, Shape out, int... axes) {
        TestGraph g = new TestGraph(shape);
        int m = g.tensor("mean", out, null);
        g.op(BuiltinOperator.MEAN, new int[] {g.p, g.ints("axes", axes)}, new int[] {m}, new OpOptions.Reducer(true));
        g.outputs.add(m);
        return g;
    }

    private static List<NpuOperation> lowered(TestGraph g) {
        return TestGraph.lowered(g.model(), g.ops.get(1)).operations();
    }

    @Test
    void overHundredRows_twoBandsOf64And36_addedThenScaled() {
        TestGraph g = mean(Shape.of(1, 100, 4, 16), Shape.of(1, 1, 4, 16), 1);
        List<NpuOperation> ops = lowered(g);
        assertThat(ops).extracting(NpuOperation::type).containsExactly(NpuBlockType.DEPTHWISE, NpuBlockType.DEPTHWISE,
                NpuBlockType.ELEMENTWISE, NpuBlockType.ELEMENTWISE);
        assertThat(ops.get(0).kernel().h()).isEqualTo(64);
        assertThat(ops.get(1).kernel().h()).isEqualTo(36);
        assertThat(ops.get(1).ifm()).isEqualTo(new Shape4(1, 36, 4, 16));
        assertThat(ops.get(2).function()).isEqualTo(NpuOperation.Function.ADD);
        assertThat(ops.get(3).function()).isEqualTo(NpuOperation.Function.MUL);
        assertThat(ops.get(3).tensors().ofm()).isEqualTo(g.ops.get(1).output(0));
        simulatedOnTheNpu(g.model());
    }

    @Test
    void tallAreaThatFitsOneKernel_seenAsOneRow() {
        // 100 x 4 = 400 elements, more than 64 rows: one 1 x 400 kernel over the IFM seen as 1 x 400 x 16.
        TestGraph g = mean(Shape.of(1, 100, 4, 16), Shape.of(1, 1, 1, 16), 1, 2);
        List<NpuOperation> ops = lowered(g);
        assertThat(ops).hasSize(2);
        assertThat(ops.get(0).ifm()).isEqualTo(new Shape4(1, 1, 400, 16));
        assertThat(ops.get(0).kernel()).isEqualTo(new Kernel(400, 1, 1, 1, 1, 1));
        simulatedOnTheNpu(g.model());
    }

    @Test
    void overTheDepth_theDepthSeenAsTheWidth() {
        TestGraph g = mean(Shape.of(1, 8, 1, 32), Shape.of(1, 8, 1, 1), 3);
        List<NpuOperation> ops = lowered(g);
        assertThat(ops.get(0).ifm()).isEqualTo(new Shape4(1, 8, 32, 1));
        assertThat(ops.get(0).kernel()).isEqualTo(new Kernel(32, 1, 1, 1, 1, 1));
        assertThat(ops.get(0).ofm()).isEqualTo(new Shape4(1, 8, 1, 1));
        simulatedOnTheNpu(g.model());
    }

    @Test
    void axesOfSizeOne_ignored_batchAndDepthOfOneDoNotSendItToTheCpu() {
        // Over [0, 1, 2] with batch 1: a mean over height and width; over [1, 2, 3] with depth 1: the same.
        TestGraph batch = mean(Shape.of(1, 8, 8, 32), Shape.of(1, 1, 1, 32), 0, 1, 2);
        assertThat(lowered(batch).get(0).kernel()).isEqualTo(new Kernel(8, 8, 1, 1, 1, 1));
        TestGraph depth = mean(Shape.of(1, 8, 8, 1), Shape.of(1, 1, 1, 1), 1, 2, 3);
        assertThat(lowered(depth).get(0).kernel()).isEqualTo(new Kernel(8, 8, 1, 1, 1, 1));
        // Only dimensions of size 1: a DMA copy, no MACs, in the graph's count too.
        TestGraph none = mean(Shape.of(1, 1, 1, 16), Shape.of(1, 1, 1, 16), 1, 2);
        assertThat(lowered(none)).singleElement().satisfies(o -> assertThat(o.type()).isEqualTo(NpuBlockType.DMA));
        assertThat(none.model().main().facts().operators().get(1).macs()).isZero();
    }

    private static void simulatedOnTheNpu(Model m) {
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
        assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
    }
}
