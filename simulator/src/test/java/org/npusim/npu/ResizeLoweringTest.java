// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
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
 * RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR as Vela 3.10 rewrites them ({@code fixup_resize}): log2(f) average
 * pools upscaling by 2 in the IFM read, an ADD of zeros for a 1x1 IFM, nothing for the same size.
 */
final class ResizeLoweringTest {

    private static final HardwareConfig CORSTONE_300 = HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"));

    /** x (h x w x 16) → pool → p → resize to {@code oh x ow} → pool → y. */
    private static TestGraph resize(BuiltinOperator kind, int h, int w, int oh, int ow, boolean alignCorners, boolean halfPixel) {
        TestGraph g = new TestGraph(Shape.of(1, h, w, 16));
        int r = g.tensor("r", Shape.of(1, oh, ow, 16), null);
        g.op(kind, new int[] {g.p, g.ints("size", oh, ow)}, new int[] {r}, new OpOptions.Resize(alignCorners, halfPixel));
        g.poolTo("y", r, Shape.of(1, oh, ow, 16));
        return g;
    }

    private static Operator resizeOp(TestGraph g) {
        return g.ops.get(1);
    }

    @Test
    void nearestNeighbour_byTwo_oneAveragePoolUpscalingItsIfm() {
        TestGraph g = resize(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, 8, 8, 16, 16, false, false);
        Model m = g.model();
        List<NpuOperation> ops = TestGraph.lowered(m, resizeOp(g)).operations();
        assertThat(ops).hasSize(1);
        NpuOperation pool = ops.get(0);
        assertThat(pool.type()).isEqualTo(NpuBlockType.POOLING);
        assertThat(pool.resampling()).isEqualTo(NpuOperation.Resampling.NEAREST);
        // Costed on the stored IFM: the upscaling is in the IFM read.
        assertThat(pool.ifm()).isEqualTo(new Shape4(1, 8, 8, 16));
        assertThat(pool.ofm()).isEqualTo(new Shape4(1, 16, 16, 16));
        assertThat(pool.kernel()).isEqualTo(Kernel.UNIT);
        assertThat(pool.macs()).isEqualTo(16 * 16 * 16).isEqualTo(m.main().facts().operators().get(1).macs());
        simulatedOnTheNpu(m);
    }

    @Test
    void bilinear_byFour_aPoolToTwiceTheSizeThenAFourByFourPool() {
        TestGraph g = resize(BuiltinOperator.RESIZE_BILINEAR, 4, 4, 16, 16, false, false);
        Model m = g.model();
        Lowering.Result.Npu r = TestGraph.lowered(m, resizeOp(g));
        assertThat(r.operations()).extracting(NpuOperation::ofm).containsExactly(new Shape4(1, 8, 8, 16), new Shape4(1, 16, 16, 16));
        assertThat(r.operations()).extracting(NpuOperation::kernel)
                .containsExactly(Kernel.UNIT, new Kernel(4, 4, 1, 1, 1, 1));
        assertThat(r.operations()).allMatch(o -> o.resampling() == NpuOperation.Resampling.NEAREST);
        // The intermediate 8x8 map is a tensor of the lowering, read by the second pool.
        assertThat(r.internals()).hasSize(1);
        assertThat(r.operations().get(1).tensors().ifm()).isEqualTo(r.internals().get(0).id());
        long macs = r.operations().stream().mapToLong(NpuOperation::macs).sum();
        assertThat(macs).isEqualTo(8 * 8 * 16 + 16 * 16 * 16 * 16).isEqualTo(m.main().facts().operators().get(1).macs());
        simulatedOnTheNpu(m);
    }

    @Test
    void bilinear_alignCornersByFour_fourTo13() {
        TestGraph g = resize(BuiltinOperator.RESIZE_BILINEAR, 4, 4, 13, 13, true, false);
        Lowering.Result.Npu r = TestGraph.lowered(g.model(), resizeOp(g));
        assertThat(r.operations()).extracting(NpuOperation::ofm).containsExactly(new Shape4(1, 8, 8, 16), new Shape4(1, 13, 13, 16));
        assertThat(r.operations().get(1).kernel()).isEqualTo(new Kernel(4, 4, 1, 1, 1, 1));
        simulatedOnTheNpu(g.model());
    }

    @Test
    void fromOneByOne_anAddOfZerosAndTheBroadcastIfm() {
        TestGraph g = resize(BuiltinOperator.RESIZE_BILINEAR, 1, 1, 8, 8, false, false);
        Lowering.Result.Npu r = TestGraph.lowered(g.model(), resizeOp(g));
        NpuOperation add = r.operations().get(0);
        assertThat(add.type()).isEqualTo(NpuBlockType.ELEMENTWISE);
        assertThat(add.function()).isEqualTo(NpuOperation.Function.ADD);
        assertThat(add.tensors().ifm2().getAsInt()).isEqualTo(g.p);
        assertThat(add.ifm2().get()).isEqualTo(new Shape4(1, 1, 1, 16));
        // The zeros are a constant of the OFM's shape, read from permanent storage.
        assertThat(r.internals()).singleElement().satisfies(t -> {
            assertThat(t.constant()).isTrue();
            assertThat(t.shape()).isEqualTo(new Shape4(1, 8, 8, 16));
        });
        simulatedOnTheNpu(g.model());
    }

    @Test
    void sameSize_nothingRuns_theReaderReadsTheInput() {
        TestGraph g = resize(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, 8, 8, 8, 8, false, false);
        Model m = g.model();
        assertThat(TestGraph.lowered(m, resizeOp(g)).operations()).isEmpty();
        assertThat(TestGraph.lowered(m, g.ops.get(2)).operations().get(0).tensors().ifm()).isEqualTo(g.p);
        simulatedOnTheNpu(m);
    }

    @Test
    void sameSize_thenASplitOrARemovedReshape_theirReadersReadTheInput() {
        // p → resize to the same size (nothing runs) → SPLIT → pools: the pools read p in place.
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 32));
        int r = g.tensor("r", Shape.of(1, 8, 8, 32), null);
        g.op(BuiltinOperator.RESIZE_BILINEAR, new int[] {g.p, g.ints("size", 8, 8)}, new int[] {r}, new OpOptions.Resize(false, false));
        int a = g.tensor("a", Shape.of(1, 8, 8, 16), null);
        int b = g.tensor("b", Shape.of(1, 8, 8, 16), null);
        g.op(BuiltinOperator.SPLIT, new int[] {g.scalar("axis", 3), r}, new int[] {a, b}, new OpOptions.Split(2));
        g.poolTo("ya", a, Shape.of(1, 8, 8, 16));
        g.poolTo("yb", b, Shape.of(1, 8, 8, 16));
        Model m = g.model();
        assertThat(TestGraph.lowered(m, g.ops.get(3)).operations().get(0).tensors().ifm()).isEqualTo(g.p);
        // p → resize to the same size → RESHAPE (removed) → pool: the pool reads p.
        TestGraph h = new TestGraph(Shape.of(1, 8, 8, 16));
        int r2 = h.tensor("r", Shape.of(1, 8, 8, 16), null);
        h.op(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, new int[] {h.p, h.ints("size", 8, 8)}, new int[] {r2}, new OpOptions.Resize(false, false));
        int q = h.tensor("q", Shape.of(1, 64, 1, 16), null);
        h.op(BuiltinOperator.RESHAPE, new int[] {r2, h.ints("shape", 1, 64, 1, 16)}, new int[] {q}, new OpOptions.Reshape(new int[] {1, 64, 1, 16}));
        h.poolTo("y", q, Shape.of(1, 64, 1, 16));
        Model n = h.model();
        assertThat(TestGraph.lowered(n, h.ops.get(3)).operations().get(0).tensors().ifm()).isEqualTo(h.p);
        simulatedOnTheNpu(m);
        simulatedOnTheNpu(n);
    }

    @Test
    void bilinearHalfPixel_aCopyAndFourDepthwiseCorners_nearestHalfPixel_aPool() {
        TestGraph nn = resize(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, 8, 8, 16, 16, false, true);
        assertThat(TestGraph.lowered(nn.model(), resizeOp(nn)).operations()).hasSize(1);
        TestGraph bl = resize(BuiltinOperator.RESIZE_BILINEAR, 8, 8, 16, 16, false, true);
        Model m = bl.model();
        Lowering.Result.Npu r = TestGraph.lowered(m, resizeOp(bl));
        assertThat(r.operations()).extracting(NpuOperation::type).containsExactly(NpuBlockType.POOLING,
                NpuBlockType.DEPTHWISE, NpuBlockType.DEPTHWISE, NpuBlockType.DEPTHWISE, NpuBlockType.DEPTHWISE);
        // Each corner writes 8x8 of the 16x16 output; the output is stored linearly.
        assertThat(r.operations().subList(1, 5)).allMatch(o -> o.ofm().equals(new Shape4(1, 8, 8, 16))
                && o.kernel().equals(new Kernel(2, 2, 1, 1, 1, 1)) && o.tensors().ofm() == resizeOp(bl).output(0));
        assertThat(r.linearTensors()).containsExactly(resizeOp(bl).output(0));
        assertThat(r.operations().stream().mapToLong(NpuOperation::macs).sum()).isEqualTo(17 * 8 * 8 * 16)
                .isEqualTo(m.main().facts().operators().get(1).macs());
        simulatedOnTheNpu(m);
    }

    @Test
    void nearestAlignCorners_poolsThenAnFxFDepthwise() {
        TestGraph g = resize(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, 4, 4, 13, 13, true, false);
        Lowering.Result.Npu r = TestGraph.lowered(g.model(), resizeOp(g));
        assertThat(r.operations()).extracting(NpuOperation::type).containsExactly(NpuBlockType.POOLING, NpuBlockType.DEPTHWISE);
        assertThat(r.operations().get(1).kernel()).isEqualTo(new Kernel(4, 4, 1, 1, 1, 1));
        assertThat(r.operations().get(1).resampling()).isEqualTo(NpuOperation.Resampling.NEAREST);
        simulatedOnTheNpu(g.model());
    }

    private static void simulatedOnTheNpu(Model m) {
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
        assertThat(r.notes()).noneMatch(n -> n.startsWith("on the CPU"));
        assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
    }
}
