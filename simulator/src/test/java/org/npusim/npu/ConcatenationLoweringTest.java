// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Activation;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Padding;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.NpuVariant;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Step;
import org.npusim.plan.TensorPlacement;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.testsupport.TestGraph;

/**
 * CONCATENATION as Vela 3.10 lowers it (notes on Vela's lowering §3.5): one 1x1 average pool per input writing its
 * part of the output, and a linear output where a part starts at a depth that is not a multiple of 16.
 */
final class ConcatenationLoweringTest {

    private static final HardwareConfig CORSTONE_300 =
            HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"));

    /**
     * Two 1x1 average pools produce depths {@code a} and {@code b} from an 8x8x8 input; a CONCATENATION joins them
     * on C, and a third pool reads the result (so that it is an intermediate NPU tensor, free to be NHCWB16).
     * With {@code constant}, the second part is a constant tensor instead of a pool's output.
     */
    private static Model model(int a, int b, boolean constant) {
        List<Tensor> ts = new ArrayList<>();
        List<Operator> ops = new ArrayList<>();
        int x = add(ts, "x", Shape.of(1, 8, 8, 8), null);
        int pa = add(ts, "a", Shape.of(1, 8, 8, a), null);
        ops.add(pool(ops.size(), x, pa));
        int pb;
        if (constant) {
            pb = add(ts, "b", Shape.of(1, 8, 8, b), ConstantData.ofInt8(new byte[8 * 8 * b]));
        } else {
            pb = add(ts, "b", Shape.of(1, 8, 8, b), null);
            ops.add(pool(ops.size(), x, pb));
        }
        int cat = add(ts, "cat", Shape.of(1, 8, 8, a + b), null);
        ops.add(new Operator(ops.size(), OperatorCode.of(BuiltinOperator.CONCATENATION), new int[] {pa, pb}, new int[] {cat},
                new int[0], new OpOptions.Concatenation(3, Activation.NONE)));
        int y = add(ts, "y", Shape.of(1, 8, 8, a + b), null);
        ops.add(pool(ops.size(), cat, y));
        return new Model("concat", "", 3, List.of(Subgraph.of("main", ts, ops, new int[] {x}, new int[] {y})));
    }

    private static int add(List<Tensor> ts, String name, Shape shape, ConstantData data) {
        ts.add(new Tensor(ts.size(), name, ElementType.INT8, shape, Optional.of(Quantization.perTensor(0.05f, 0)),
                Optional.ofNullable(data), false));
        return ts.size() - 1;
    }

    private static Operator pool(int index, int in, int out) {
        return new Operator(index, OperatorCode.of(BuiltinOperator.AVERAGE_POOL_2D), new int[] {in}, new int[] {out},
                new int[0], new OpOptions.Pool2D(Padding.VALID, 1, 1, 1, 1, Activation.NONE));
    }

    private static Operator concat(Model m) {
        return m.main().operators().stream().filter(o -> o.is(BuiltinOperator.CONCATENATION)).findFirst().orElseThrow();
    }

    @Test
    void lower_twoInputs_oneAveragePoolPerInputWritingItsPart() {
        Model m = model(24, 8, false);
        Lowering.Result r = new Lowering(m.main(), Optional.of(NpuVariant.ETHOS_U55_128)).lower(concat(m));
        List<NpuOperation> writes = ((Lowering.Result.Npu) r).operations();
        assertThat(writes).hasSize(2);
        assertThat(writes).allMatch(w -> w.type() == NpuBlockType.POOLING && w.function() == NpuOperation.Function.AVG_POOL);
        assertThat(writes).extracting(NpuOperation::ofm).containsExactly(new Shape4(1, 8, 8, 24), new Shape4(1, 8, 8, 8));
        assertThat(writes).allMatch(w -> w.tensors().ofm() == concat(m).output(0));
        // One MAC per element written, as Vela counts an average pool: the graph's count for the operator.
        assertThat(writes.stream().mapToLong(NpuOperation::macs).sum()).isEqualTo(8 * 8 * 32)
                .isEqualTo(m.main().facts().operators().get(concat(m).index()).macs());
    }

    @Test
    void lower_withAFusedRelu_partsWrittenToAnIntermediate_thenAPoolApplyingIt() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        int cat = g.tensor("cat", Shape.of(1, 8, 8, 32), null);
        g.op(BuiltinOperator.CONCATENATION, new int[] {g.p, g.p}, new int[] {cat}, new OpOptions.Concatenation(3, Activation.RELU));
        g.poolTo("y", cat, Shape.of(1, 8, 8, 32));
        Model m = g.model();
        Lowering.Result.Npu r = TestGraph.lowered(m, g.ops.get(1));
        assertThat(r.operations()).hasSize(3);
        int intermediate = r.internals().get(0).id();
        assertThat(r.operations().subList(0, 2)).allMatch(w -> w.tensors().ofm() == intermediate && w.activation() == NpuOperation.ActivationKind.NONE);
        NpuOperation relu = r.operations().get(2);
        assertThat(relu.tensors().ifm()).isEqualTo(intermediate);
        assertThat(relu.tensors().ofm()).isEqualTo(cat);
        assertThat(relu.activation()).isEqualTo(NpuOperation.ActivationKind.RELU);
        // The writes and the split-off activation pool: one MAC per element each, the graph's count too.
        assertThat(r.operations().stream().mapToLong(NpuOperation::macs).sum()).isEqualTo(2 * 8 * 8 * 32)
                .isEqualTo(m.main().facts().operators().get(1).macs());
        SimulationResult s = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(s.layers()).allMatch(l -> l.unit() == Unit.NPU);
    }

    @Test
    void plan_partAtDepth24_outputLinear_partsAt16_outputNhcwb16() {
        assertThat(concatOutputFormat(model(24, 8, false))).isEqualTo(TensorFormat.NHWC);
        assertThat(concatOutputFormat(model(16, 16, false))).isEqualTo(TensorFormat.NHCWB16);
    }

    private static TensorFormat concatOutputFormat(Model m) {
        ExecutionPlan plan = Simulator.standard().run(m, m.name(), CORSTONE_300, false).plan();
        int cat = concat(m).index();
        List<TensorFormat> formats = plan.steps().stream().filter(s -> s instanceof Step.Npu n && n.operator() == cat)
                .map(s -> ((Step.Npu) s).ofm()).map(TensorPlacement::format).distinct().toList();
        assertThat(formats).hasSize(1);
        return formats.get(0);
    }

    @Test
    void simulate_withAConstantPart_onTheNpuAndEveryMacCounted() {
        Model m = model(16, 8, true);
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        LayerResult cat = r.layers().get(concat(m).index());
        assertThat(cat.unit()).isEqualTo(Unit.NPU);
        assertThat(cat.cycles()).isPositive();
        assertThat(cat.macs()).isEqualTo(8 * 8 * 24);
        assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
        assertThat(r.notes()).noneMatch(n -> n.startsWith("on the CPU"));
    }
}
