// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.testsupport.TestGraph;
import org.npusim.tflite.TfliteReader;
import org.npusim.tflite.TfliteWriter;

/**
 * Element-wise MAXIMUM, MINIMUM and ABS, and the LUT functions RSQRT, LOG, SQRT and GELU, as Vela 3.10 runs them
 * (ethos-u-facts.md §1.3, §6.2): one element-wise operation each, MIN, MAX and ABS of the one-cycle class, the LUT
 * functions an ADD of a scalar 0 with a 256-entry LUT; SHAPE of a static tensor is a constant.
 */
final class ElementwiseFunctionLoweringTest {

    private static final HardwareConfig CORSTONE_300 = HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"));

    @Test
    void maxMinAbsRsqrt_oneElementwiseOperationEach_allOnTheNpu() {
        Shape s = Shape.of(1, 8, 8, 16);
        TestGraph g = new TestGraph(s);
        int bound = g.tensor("bound", Shape.of(1, 1, 1, 16), ConstantData.ofInt8(new byte[16]));
        int max = g.tensor("max", s, null);
        g.op(BuiltinOperator.MAXIMUM, new int[] {bound, g.p}, new int[] {max}, new OpOptions.NoOptions());
        int min = g.tensor("min", s, null);
        g.op(BuiltinOperator.MINIMUM, new int[] {max, g.p}, new int[] {min}, new OpOptions.NoOptions());
        int abs = g.tensor("abs", s, null);
        g.op(BuiltinOperator.ABS, new int[] {min}, new int[] {abs}, new OpOptions.NoOptions());
        int rsqrt = g.tensor("rsqrt", s, null);
        g.op(BuiltinOperator.RSQRT, new int[] {abs}, new int[] {rsqrt}, new OpOptions.NoOptions());
        g.poolTo("y", rsqrt, s);
        Model m = g.model();

        NpuOperation maxOp = TestGraph.lowered(m, g.ops.get(1)).operations().get(0);
        assertThat(maxOp.type()).isEqualTo(NpuBlockType.ELEMENTWISE);
        assertThat(maxOp.function()).isEqualTo(NpuOperation.Function.SIMPLE);
        // The broadcast constant is Vela's IFM2, the feature map its IFM.
        assertThat(maxOp.tensors().ifm()).isEqualTo(g.p);
        assertThat(maxOp.tensors().ifm2().getAsInt()).isEqualTo(bound);
        NpuOperation absOp = TestGraph.lowered(m, g.ops.get(3)).operations().get(0);
        assertThat(absOp.function()).isEqualTo(NpuOperation.Function.SIMPLE);
        assertThat(absOp.ifm2()).isEmpty();
        // Read back from a TFLite file, with the options tables TensorFlow writes for MAXIMUM and the others.
        Model back = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(m)), "x.tflite", m.name());
        assertThat(TestGraph.lowered(back, back.main().operators().get(1)).operations()).hasSize(1);
        // RSQRT becomes a LUT (convert_to_lut), which Vela moves onto the ABS that produces its input.
        assertThat(TestGraph.lowered(m, g.ops.get(4)).operations()).isEmpty();
        NpuOperation absWithLut = TestGraph.lowered(m, g.ops.get(3)).operations().get(0);
        assertThat(absWithLut.activation()).isEqualTo(NpuOperation.ActivationKind.LUT);
        assertThat(absWithLut.lutBytes()).isEqualTo(256);
        assertThat(absWithLut.tensors().ofm()).isEqualTo(rsqrt);

        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
        assertThat(r.layers()).filteredOn(l -> l.index() != 4).allMatch(l -> l.cycles() > 0);
        assertThat(r.layers().get(4).cycles()).isZero();
        assertThat(r.notes()).noneMatch(n -> n.startsWith("on the CPU"));
    }

    @Test
    void transpose_heightAndWidth_oneAveragePoolOverTheInputsShape_outputLinear() {
        TestGraph g = new TestGraph(Shape.of(1, 4, 8, 16));
        int t = g.tensor("t", Shape.of(1, 8, 4, 16), null);
        g.op(BuiltinOperator.TRANSPOSE, new int[] {g.p, g.ints("perm", 0, 2, 1, 3)}, new int[] {t}, new OpOptions.NoOptions());
        g.poolTo("y", t, Shape.of(1, 8, 4, 16));
        Model m = g.model();
        Lowering.Result.Npu r = TestGraph.lowered(m, g.ops.get(1));
        NpuOperation pool = r.operations().get(0);
        assertThat(pool.type()).isEqualTo(NpuBlockType.POOLING);
        assertThat(pool.ifm()).isEqualTo(new Shape4(1, 4, 8, 16)).isEqualTo(pool.ofm());
        assertThat(r.linearTensors()).containsExactly(t);
        assertThat(pool.macs()).isEqualTo(4 * 8 * 16).isEqualTo(m.main().facts().operators().get(1).macs());
        // A width-by-depth swap of a 1 x W x C tensor is seen as [1, W, C, 1].
        TestGraph wc = new TestGraph(Shape.of(1, 1, 8, 16));
        int u = wc.tensor("u", Shape.of(1, 1, 16, 8), null);
        wc.op(BuiltinOperator.TRANSPOSE, new int[] {wc.p, wc.ints("perm", 0, 1, 3, 2)}, new int[] {u}, new OpOptions.NoOptions());
        wc.outputs.add(u);
        assertThat(TestGraph.lowered(wc.model(), wc.ops.get(1)).operations().get(0).ifm()).isEqualTo(new Shape4(1, 8, 16, 1));
        SimulationResult s = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(s.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
        assertThat(s.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
    }

    @Test
    void prelu_theFormItsSlopesSelect() {
        // Slopes 0.1 and 0.2 (max below 1): max(x·a, x); one slope 1.5 among them: min(x, 0)·a + relu(x); all equal
        // (0.1): a LUT, as a LEAKY_RELU of that slope, fused into the pool that produces the input; all 0: a ReLU,
        // packed into that pool.
        assertThat(preluFunctions(2, 4)).containsExactly(NpuOperation.Function.MUL, NpuOperation.Function.SIMPLE);
        assertThat(preluFunctions(2, 30)).containsExactly(NpuOperation.Function.SIMPLE, NpuOperation.Function.MUL,
                NpuOperation.Function.AVG_POOL, NpuOperation.Function.ADD);
        assertThat(preluFunctions(2, 2)).isEmpty();
        assertThat(preluFunctions(0, 0)).isEmpty();
    }

    /** The functions of a PRELU of p (8x8x16) whose int8 slopes (scale 0.05) alternate {@code a} and {@code b}. */
    private static List<NpuOperation.Function> preluFunctions(int a, int b) {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        byte[] slopes = new byte[16];
        for (int i = 0; i < 16; i++) {
            slopes[i] = (byte) (i % 2 == 0 ? a : b);
        }
        int alpha = g.tensor("alpha", Shape.of(1, 1, 16), ConstantData.ofInt8(slopes));
        int y = g.tensor("y", Shape.of(1, 8, 8, 16), null);
        g.op(BuiltinOperator.PRELU, new int[] {g.p, alpha}, new int[] {y}, new OpOptions.NoOptions());
        g.outputs.add(y);
        Model m = g.model();
        List<NpuOperation> ops = TestGraph.lowered(m, g.ops.get(1)).operations();
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
        assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
        return ops.stream().map(NpuOperation::function).toList();
    }

    @Test
    void argMax_shiftPoolCast_andForInt64TwoHalves() {
        for (ElementType type : new ElementType[] {ElementType.INT32, ElementType.INT64}) {
            TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
            g.tensors.add(new Tensor(g.tensors.size(), "index", type, Shape.of(1, 8, 8), Optional.empty(), Optional.empty(), false));
            int index = g.tensors.size() - 1;
            g.op(BuiltinOperator.ARG_MAX, new int[] {g.p, g.ints("axis", 3)}, new int[] {index}, new OpOptions.NoOptions());
            g.outputs.add(index);
            Model m = g.model();
            List<NpuOperation> ops = TestGraph.lowered(m, g.ops.get(1)).operations();
            assertThat(ops.get(0).type()).isEqualTo(NpuBlockType.DEPTHWISE);
            assertThat(ops.get(0).ofmBits()).isEqualTo(16);
            NpuOperation pool = ops.get(1);
            assertThat(pool.function()).isEqualTo(NpuOperation.Function.MAX_POOL);
            assertThat(pool.ifm()).isEqualTo(new Shape4(1, 64, 16, 1));
            assertThat(pool.kernel()).isEqualTo(new Kernel(16, 1, 1, 1, 1, 1));
            assertThat(pool.lutBytes()).isEqualTo(2048);
            assertThat(ops).hasSize(type == ElementType.INT32 ? 3 : 6);
            assertThat(ops.get(ops.size() - 1).tensors().ofm()).isEqualTo(index);
            assertThat(ops.stream().mapToLong(NpuOperation::macs).sum()).isEqualTo(m.main().facts().operators().get(1).macs())
                    .isEqualTo(2 * 8 * 8 * 16 + (type == ElementType.INT32 ? 64 : 3 * 64));
            SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
            assertThat(r.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
        }
    }

    @Test
    void squaredDifference_castsRescalesSubtractsSquaresScales() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        int mean = g.tensor("mean", Shape.of(1, 1, 1, 16), ConstantData.ofInt8(new byte[16]));
        int y = g.tensor("y", Shape.of(1, 8, 8, 16), null);
        g.op(BuiltinOperator.SQUARED_DIFFERENCE, new int[] {g.p, mean}, new int[] {y}, new OpOptions.NoOptions());
        g.outputs.add(y);
        Model m = g.model();
        List<NpuOperation> ops = TestGraph.lowered(m, g.ops.get(1)).operations();
        assertThat(ops).extracting(NpuOperation::type).containsExactly(NpuBlockType.DEPTHWISE, NpuBlockType.ELEMENTWISE,
                NpuBlockType.DEPTHWISE, NpuBlockType.ELEMENTWISE, NpuBlockType.ELEMENTWISE, NpuBlockType.ELEMENTWISE,
                NpuBlockType.ELEMENTWISE);
        assertThat(ops.get(4).function()).isEqualTo(NpuOperation.Function.SUB);
        assertThat(ops.get(6).tensors().ofm()).isEqualTo(y);
        assertThat(ops.get(6).ofmBits()).isEqualTo(8);
        assertThat(ops.stream().mapToLong(NpuOperation::macs).sum()).isEqualTo(m.main().facts().operators().get(1).macs())
                .isEqualTo(8 * 8 * 16 + 16);
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
    }

    @Test
    void missingOptionalInputs_leftToTheCpuWithAReason_neverACrash() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        int y = g.tensor("y", Shape.of(1, 8, 8, 16), null);
        g.op(BuiltinOperator.PRELU, new int[] {g.p, -1}, new int[] {y}, new OpOptions.NoOptions());
        int z = g.tensor("z", Shape.of(1, 8, 8, 16), null);
        g.op(BuiltinOperator.MAXIMUM, new int[] {y, -1}, new int[] {z}, new OpOptions.NoOptions());
        g.outputs.add(z);
        Model m = g.model();
        Lowering lowering = new Lowering(m.main(), java.util.Optional.of(org.npusim.hw.NpuVariant.ETHOS_U55_128));
        for (int k = 1; k <= 2; k++) {
            assertThat(lowering.lower(g.ops.get(k))).as("operator %d", k).isInstanceOf(Lowering.Result.NotLowered.class);
        }
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers().subList(1, 3)).extracting(LayerResult::unit).containsOnly(Unit.CPU);
        // A missing first input (a SPLIT's axis) is refused when the graph is built: SubgraphOperandsTest.
    }

    @Test
    void softmaxInt16_fourteenOperations_twoSixteenBitLuts() {
        Quantization q = Quantization.perTensor(1f / 32768, 0);
        List<Tensor> ts = List.of(
                new Tensor(0, "x", ElementType.INT16, Shape.of(1, 1, 4, 10), Optional.of(q), Optional.empty(), false),
                new Tensor(1, "y", ElementType.INT16, Shape.of(1, 1, 4, 10), Optional.of(q), Optional.empty(), false));
        Operator softmax = new Operator(0, OperatorCode.of(BuiltinOperator.SOFTMAX), new int[] {0}, new int[] {1}, new int[0],
                new OpOptions.Softmax(1f));
        Model m = new Model("softmax16", "", 3, List.of(Subgraph.of("main", ts, List.of(softmax), new int[] {0}, new int[] {1})));
        List<NpuOperation> ops = TestGraph.lowered(m, softmax).operations();
        assertThat(ops).hasSize(14);
        assertThat(ops.stream().mapToInt(NpuOperation::lutBytes).sum()).isEqualTo(2 * 2048);
        assertThat(ops.get(13).tensors().ofm()).isEqualTo(1);
        assertThat(ops.get(13).ofmBits()).isEqualTo(16);
        // A max pool and a ReduceSum over every element, as Vela counts them (and the graph).
        assertThat(ops.stream().mapToLong(NpuOperation::macs).sum()).isEqualTo(2 * 40)
                .isEqualTo(m.main().facts().operators().get(0).macs());
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
    }

    @Test
    void pad_beforeASameConvolution_aCopyAndFourBorderPools_everyElementOnce() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        int padded = g.tensor("padded", Shape.of(1, 10, 11, 16), null);
        g.op(BuiltinOperator.PAD, new int[] {g.p, g.ints("pads", Shape.of(4, 2), 0, 0, 1, 1, 1, 2, 0, 0)},
                new int[] {padded}, new OpOptions.NoOptions());
        g.poolTo("y", padded, Shape.of(1, 10, 11, 16));
        Model m = g.model();
        List<NpuOperation> ops = TestGraph.lowered(m, g.ops.get(1)).operations();
        assertThat(ops).extracting(NpuOperation::ofm).containsExactly(new Shape4(1, 8, 8, 16), new Shape4(1, 1, 11, 16),
                new Shape4(1, 1, 11, 16), new Shape4(1, 8, 1, 16), new Shape4(1, 8, 2, 16));
        assertThat(ops).allMatch(o -> o.tensors().ofm() == padded && o.type() == NpuBlockType.POOLING);
        assertThat(ops.stream().mapToLong(NpuOperation::macs).sum()).isEqualTo(10 * 11 * 16)
                .isEqualTo(m.main().facts().operators().get(1).macs());
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).extracting(LayerResult::unit).containsOnly(Unit.NPU);
        assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
    }

    @Test
    void pad_beforeAValidAveragePool_takenAsItsPadding_thePoolADepthwiseConvolution() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        int padded = g.tensor("padded", Shape.of(1, 10, 10, 16), null);
        g.op(BuiltinOperator.PAD, new int[] {g.p, g.ints("pads", Shape.of(4, 2), 0, 0, 1, 1, 1, 1, 0, 0)},
                new int[] {padded}, new OpOptions.NoOptions());
        int y = g.tensor("y", Shape.of(1, 8, 8, 16), null);
        g.op(BuiltinOperator.AVERAGE_POOL_2D, new int[] {padded}, new int[] {y},
                new OpOptions.Pool2D(org.npusim.graph.Padding.VALID, 1, 1, 3, 3, org.npusim.graph.Activation.NONE));
        g.outputs.add(y);
        Model m = g.model();
        assertThat(TestGraph.lowered(m, g.ops.get(1)).operations()).isEmpty();
        NpuOperation pool = TestGraph.lowered(m, g.ops.get(2)).operations().get(0);
        assertThat(pool.type()).isEqualTo(NpuBlockType.DEPTHWISE);
        assertThat(pool.tensors().ifm()).isEqualTo(g.p);
        assertThat(m.main().facts().operators().get(1).macs()).isZero();
    }

    @Test
    void pad_beforeAConvolutionLeftToTheCpu_writtenByCopies() {
        // The convolution's weights are not constant, so it runs on the CPU, which needs the padded tensor.
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        int padded = g.tensor("padded", Shape.of(1, 10, 10, 16), null);
        g.op(BuiltinOperator.PAD, new int[] {g.p, g.ints("pads", Shape.of(4, 2), 0, 0, 1, 1, 1, 1, 0, 0)},
                new int[] {padded}, new OpOptions.NoOptions());
        int w = g.input("w", Shape.of(4, 3, 3, 16));
        int y = g.tensor("y", Shape.of(1, 8, 8, 4), null);
        g.op(BuiltinOperator.CONV_2D, new int[] {padded, w, -1}, new int[] {y},
                new OpOptions.Conv2D(org.npusim.graph.Padding.VALID, 1, 1, 1, 1, org.npusim.graph.Activation.NONE));
        g.outputs.add(y);
        assertThat(TestGraph.lowered(g.model(), g.ops.get(1)).operations()).hasSize(5);
    }

    @Test
    void pad_ofTheDepth_orWithBatchTwo_offTheNpuByVelasRules() {
        // The depth padded by 4 (constraint_padding_dimensions); height and width padded on a batch of 2 (batch 1 only).
        assertThat(padRule(Shape.of(1, 8, 8, 16), Shape.of(1, 8, 8, 20), 0, 0, 0, 0, 0, 0, 0, 4))
                .isInstanceOf(SupportRules.Unsupported.class);
        assertThat(padRule(Shape.of(2, 8, 8, 16), Shape.of(2, 10, 10, 16), 0, 0, 1, 1, 1, 1, 0, 0))
                .isInstanceOf(SupportRules.Unsupported.class);
    }

    /** Vela's rule for a PAD of p (of {@code in}) to {@code out} by {@code pads} ([4, 2]). */
    private static SupportRules.Decision padRule(Shape in, Shape out, int... pads) {
        TestGraph g = new TestGraph(in);
        int padded = g.tensor("padded", out, null);
        g.op(BuiltinOperator.PAD, new int[] {g.p, g.ints("pads", Shape.of(4, 2), pads)}, new int[] {padded},
                new OpOptions.NoOptions());
        g.outputs.add(padded);
        return SupportRules.check(g.model().main(), g.ops.get(1), org.npusim.hw.NpuVariant.ETHOS_U55_128);
    }

    @Test
    void shape_ofAStaticTensor_nothingRuns() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        int shape = g.tensor("i32 shape", Shape.of(4), null);
        g.op(BuiltinOperator.SHAPE, new int[] {g.p}, new int[] {shape}, new OpOptions.NoOptions());
        g.outputs.add(g.p);
        assertThat(TestGraph.lowered(g.model(), g.ops.get(1)).operations()).isEmpty();
    }
}
