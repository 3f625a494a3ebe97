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
import org.npusim.plan.Step;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;

/** LEAKY_RELU as Vela 3.10's {@code convert_lrelu} lowers it: a LUT for 8 bits, the NPU's own function for int16. */
final class LeakyReluLoweringTest {

    private static final Shape SHAPE = Shape.of(1, 4, 4, 8);

    private static Tensor tensor(List<Tensor> ts, String name, ElementType type, float scale) {
        Tensor t = new Tensor(ts.size(), name, type, SHAPE, Optional.of(Quantization.perTensor(scale, 0)), Optional.empty(),
                false);
        ts.add(t);
        return t;
    }

    /** A graph of one LEAKY_RELU from {@code in} to {@code out}, optionally behind a 1x1 average pool. */
    private static Subgraph graph(ElementType in, float inScale, ElementType out, float outScale, boolean pooled) {
        return graph(in, inScale, out, outScale, pooled, 0.1f);
    }

    private static Subgraph graph(ElementType in, float inScale, ElementType out, float outScale, boolean pooled,
            float alpha) {
        List<Tensor> ts = new ArrayList<>();
        List<Operator> ops = new ArrayList<>();
        tensor(ts, "x", in, inScale);
        int src = 0;
        if (pooled) {
            tensor(ts, "p", in, inScale);
            ops.add(new Operator(0, OperatorCode.of(BuiltinOperator.AVERAGE_POOL_2D), new int[] {0}, new int[] {1}, new int[0],
                    new OpOptions.Pool2D(Padding.VALID, 1, 1, 1, 1, Activation.NONE)));
            src = 1;
        }
        tensor(ts, "y", out, outScale);
        int y = ts.size() - 1;
        ops.add(new Operator(ops.size(), OperatorCode.of(BuiltinOperator.LEAKY_RELU), new int[] {src}, new int[] {y},
                new int[0], new OpOptions.LeakyRelu(alpha)));
        return Subgraph.of("main", ts, ops, new int[] {0}, new int[] {y});
    }

    private static Lowering.Result lowerLast(Subgraph g, NpuVariant v) {
        return new Lowering(g, Optional.of(v)).lower(g.operators().get(g.operators().size() - 1));
    }

    @Test
    void lower_int8_standaloneLutOf256Entries() {
        Lowering.Result r = lowerLast(graph(ElementType.INT8, 0.05f, ElementType.INT8, 0.04f, false), NpuVariant.ETHOS_U55_128);
        List<NpuOperation> ops = ((Lowering.Result.Npu) r).operations();
        assertThat(ops).hasSize(1);
        assertThat(ops.get(0).type()).isEqualTo(NpuBlockType.ELEMENTWISE);
        assertThat(ops.get(0).function()).isEqualTo(NpuOperation.Function.LUT);
        assertThat(ops.get(0).lutBytes()).isEqualTo(256);
    }

    @Test
    void lower_int8AfterAPool_fusedWhereTheVariantKeepsLutBanks() {
        // The pool takes the LUT (and writes y); the LEAKY_RELU has no operation of its own. U55-64 keeps no SHRAM
        // banks for a LUT, so there it stays a standalone LUT operation.
        Subgraph g = graph(ElementType.INT8, 0.05f, ElementType.INT8, 0.04f, true);
        Lowering fused = new Lowering(g, Optional.of(NpuVariant.ETHOS_U55_128));
        NpuOperation pool = ((Lowering.Result.Npu) fused.lower(g.operators().get(0))).operations().get(0);
        assertThat(pool.activation()).isEqualTo(NpuOperation.ActivationKind.LUT);
        assertThat(pool.tensors().ofm()).isEqualTo(2);
        assertThat(((Lowering.Result.Npu) fused.lower(g.operators().get(1))).operations()).isEmpty();
        List<NpuOperation> standalone = ((Lowering.Result.Npu) lowerLast(g, NpuVariant.ETHOS_U55_64)).operations();
        assertThat(standalone).hasSize(1);
        assertThat(standalone.get(0).function()).isEqualTo(NpuOperation.Function.LUT);
    }

    @Test
    void lower_int16_nativeWithEqualScales_elseMulAndMax() {
        Lowering.Result same = lowerLast(graph(ElementType.INT16, 0.001f, ElementType.INT16, 0.001f, false),
                NpuVariant.ETHOS_U55_256);
        NpuOperation op = ((Lowering.Result.Npu) same).operations().get(0);
        assertThat(op.type()).isEqualTo(NpuBlockType.ELEMENTWISE);
        assertThat(op.function()).isEqualTo(NpuOperation.Function.SIMPLE);
        assertThat(op.lutBytes()).isZero();
        // Other scales: max(x·a, x·1), the MUL by 1 rescaling the input (convert_lrelu_to_mul_max).
        Lowering.Result other = lowerLast(graph(ElementType.INT16, 0.001f, ElementType.INT16, 0.002f, false),
                NpuVariant.ETHOS_U55_256);
        List<NpuOperation> ops = ((Lowering.Result.Npu) other).operations();
        assertThat(ops).extracting(NpuOperation::function).containsExactly(NpuOperation.Function.MUL,
                NpuOperation.Function.MUL, NpuOperation.Function.SIMPLE);
        assertThat(ops.get(1).ifm2Scalar()).isTrue();
        assertThat(ops.get(2).ifm2()).isPresent();
        assertThat(ops.stream().mapToLong(NpuOperation::macs).sum()).isZero();
    }

    @Test
    void simulate_int8OnCorstone300_runsOnTheNpuWithItsLut() {
        Subgraph g = graph(ElementType.INT8, 0.05f, ElementType.INT8, 0.04f, false);
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"));
        Simulator.Run run = Simulator.standard().run(new Model("lrelu", "", 3, List.of(g)), "lrelu", hw, false);
        SimulationResult r = run.result();
        LayerResult l = r.layers().get(0);
        Step.Npu step = (Step.Npu) run.plan().steps().stream().filter(s -> s instanceof Step.Npu).findFirst().orElseThrow();
        assertThat(step.op().function()).isEqualTo(NpuOperation.Function.LUT);
        assertThat(step.lutBytes()).isEqualTo(256);
        assertThat(l.unit()).isEqualTo(Unit.NPU);
        assertThat(l.cycles()).isPositive();
        assertThat(r.notes()).noneMatch(n -> n.startsWith("on the CPU"));
    }

    @Test
    void lower_slopeZero_aReluNotALut_andItsMacsCountedAlike() {
        // Vela retypes a LEAKY_RELU of slope 0 as a ReLU: a 1x1 average pool with a ReLU, no table to load.
        Subgraph g = graph(ElementType.INT8, 0.05f, ElementType.INT8, 0.04f, true, 0f);
        Lowering l = new Lowering(g, Optional.of(NpuVariant.ETHOS_U55_128));
        NpuOperation relu = ((Lowering.Result.Npu) l.lower(g.operators().get(1))).operations().get(0);
        assertThat(relu.type()).isEqualTo(NpuBlockType.POOLING);
        assertThat(relu.activation()).isEqualTo(NpuOperation.ActivationKind.RELU);
        assertThat(relu.lutBytes()).isZero();
        NpuOperation pool = ((Lowering.Result.Npu) l.lower(g.operators().get(0))).operations().get(0);
        assertThat(pool.activation()).isNotEqualTo(NpuOperation.ActivationKind.LUT);
        // check (the graph's count) and simulate (the lowered operation's) agree: one MAC per element.
        assertThat(g.facts().operators().get(1).macs()).isEqualTo(relu.macs()).isEqualTo(4 * 4 * 8);
    }

    @Test
    void lower_int16NegativeSlope_minMulReluAdd_theMinimumInInt32() {
        Subgraph g = graph(ElementType.INT16, 0.001f, ElementType.INT16, 0.001f, false, -0.5f);
        List<NpuOperation> ops = ((Lowering.Result.Npu) lowerLast(g, NpuVariant.ETHOS_U55_256)).operations();
        assertThat(ops).extracting(NpuOperation::function).containsExactly(NpuOperation.Function.SIMPLE,
                NpuOperation.Function.MUL, NpuOperation.Function.AVG_POOL, NpuOperation.Function.ADD);
        assertThat(ops.get(0).ofmBits()).isEqualTo(32);
        assertThat(ops.get(2).activation()).isEqualTo(NpuOperation.ActivationKind.RELU);
        assertThat(ops.get(3).tensors().ofm()).isEqualTo(g.operators().get(g.operators().size() - 1).output(0));
        // The ReLU pool's MACs, as the graph counts them.
        assertThat(ops.stream().mapToLong(NpuOperation::macs).sum())
                .isEqualTo(g.facts().operators().get(g.operators().size() - 1).macs()).isPositive();
    }

    @Test
    void lower_lutAfterABatchedFullyConnected_notFusedWhenTheLeakyReluItselfStaysOnTheCpu() {
        // FULLY_CONNECTED keeps batch 2 (allowed for it); LEAKY_RELU on a batch of 2 fails Vela's batch rule and runs
        // on the CPU. Vela never fuses an operator it leaves to the CPU: the FC writes its own output, without LUT.
        List<Tensor> ts = new ArrayList<>();
        Shape in = Shape.of(2, 4, 16);
        Shape out = Shape.of(2, 4, 8);
        ts.add(new Tensor(0, "x", ElementType.INT8, in, Optional.of(Quantization.perTensor(0.05f, 0)), Optional.empty(), false));
        ts.add(new Tensor(1, "w", ElementType.INT8, Shape.of(8, 16), Optional.of(Quantization.perTensor(0.01f, 0)),
                Optional.of(ConstantData.ofInt8(new byte[8 * 16])), false));
        ts.add(new Tensor(2, "b", ElementType.INT32, Shape.of(8), Optional.of(Quantization.perTensor(0.0005f, 0)),
                Optional.of(ConstantData.ofInt32(new int[8])), false));
        ts.add(new Tensor(3, "f", ElementType.INT8, out, Optional.of(Quantization.perTensor(0.05f, 0)), Optional.empty(), false));
        ts.add(new Tensor(4, "y", ElementType.INT8, out, Optional.of(Quantization.perTensor(0.04f, 0)), Optional.empty(), false));
        List<Operator> ops = List.of(
                new Operator(0, OperatorCode.of(BuiltinOperator.FULLY_CONNECTED), new int[] {0, 1, 2}, new int[] {3}, new int[0],
                        new OpOptions.FullyConnected(Activation.NONE, 0, true, false)),
                new Operator(1, OperatorCode.of(BuiltinOperator.LEAKY_RELU), new int[] {3}, new int[] {4}, new int[0],
                        new OpOptions.LeakyRelu(0.1f)));
        Subgraph g = Subgraph.of("main", ts, ops, new int[] {0}, new int[] {4});
        Lowering l = new Lowering(g, Optional.of(NpuVariant.ETHOS_U55_128));
        assertThat(l.lower(ops.get(1))).isInstanceOf(Lowering.Result.NotLowered.class);
        NpuOperation fc = ((Lowering.Result.Npu) l.lower(ops.get(0))).operations().get(0);
        assertThat(fc.activation()).isNotEqualTo(NpuOperation.ActivationKind.LUT);
        assertThat(fc.tensors().ofm()).isEqualTo(3);
    }
}
