// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Activation;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Padding;
import org.npusim.graph.Shape;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.NpuVariant;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Step;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.testsupport.TestGraph;

/**
 * SPLIT, SPLIT_V, SLICE and STRIDED_SLICE as Vela 3.10 lowers them ({@code rewrite_split_ops},
 * {@code remove_SplitSliceRead}): readers on the NPU read their part of the input in place; otherwise a 1x1 average
 * pool copies it out; an input read from a depth that is not a multiple of 16 is stored linearly.
 */
final class SplitSliceLoweringTest {

    private static final HardwareConfig CORSTONE_300 = HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"));

    /** SPLIT of p (8x8x32) on C into two 8x8x16 parts, each pooled into a model output. */
    private static TestGraph splitInTwo(TestGraph g) {
        int[] parts = g.split(3, Shape.of(1, 8, 8, 16), Shape.of(1, 8, 8, 16));
        int a = parts[0];
        int b = parts[1];
        g.poolTo("ya", a, Shape.of(1, 8, 8, 16));
        g.poolTo("yb", b, Shape.of(1, 8, 8, 16));
        return g;
    }

    @Test
    void split_readersOnTheNpu_readTheirPartsInPlace() {
        TestGraph g = splitInTwo(new TestGraph(Shape.of(1, 8, 8, 32)));
        Model m = g.model();
        // SPLIT's feature map is its second input: its axis, an unquantized int32 constant, is not checked as one.
        assertThat(SupportRules.check(m.main(), g.ops.get(1), NpuVariant.ETHOS_U55_128)).isInstanceOf(SupportRules.Supported.class);
        Lowering lowering = new Lowering(m.main(), Optional.of(NpuVariant.ETHOS_U55_128));
        assertThat(((Lowering.Result.Npu) lowering.lower(g.ops.get(1))).operations()).isEmpty();
        for (int reader = 2; reader <= 3; reader++) {
            NpuOperation o = ((Lowering.Result.Npu) lowering.lower(g.ops.get(reader))).operations().get(0);
            assertThat(o.tensors().ifm()).as("reader %d reads the split's input", reader).isEqualTo(g.p);
            assertThat(o.ifm()).isEqualTo(new Shape4(1, 8, 8, 16));
        }
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).allMatch(l -> l.unit() == Unit.NPU);
        assertThat(r.layers().get(1).cycles()).isZero();
        assertThat(r.notes()).contains("no work of their own, fused into a neighbouring layer or removed when lowered: layer 1");
        // Each reader reads its half of p (8x8x16 bytes, re-reads included), not the whole tensor.
        assertThat(readBytes(r.layers().get(2))).isEqualTo(readBytes(r.layers().get(3))).isBetween(8L * 8 * 16, 8L * 8 * 32 - 1);
        assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
    }

    private static long readBytes(LayerResult l) {
        return l.traffic().values().stream().mapToLong(MemoryTraffic::readBytes).sum();
    }

    @Test
    void split_aReaderThatIsAReshape_thatPartIsCopiedOut() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 32));
        int[] parts = g.split(-1, Shape.of(1, 8, 8, 16), Shape.of(1, 8, 8, 16));
        int a = parts[0];
        int b = parts[1];
        g.poolTo("ya", a, Shape.of(1, 8, 8, 16));
        int flat = g.tensor("flat", Shape.of(1, 1024), null);
        g.op(BuiltinOperator.RESHAPE, new int[] {b, g.ints("shape", 1, 1024)}, new int[] {flat},
                new OpOptions.Reshape(new int[] {1, 1024}));
        g.poolTo("yb", flat, Shape.of(1, 1024));
        Model m = g.model();
        List<NpuOperation> copies = TestGraph.lowered(m, g.ops.get(1)).operations();
        assertThat(copies).hasSize(1);
        NpuOperation copy = copies.get(0);
        assertThat(copy.type()).isEqualTo(NpuBlockType.POOLING);
        assertThat(copy.function()).isEqualTo(NpuOperation.Function.AVG_POOL);
        assertThat(copy.tensors().ifm()).isEqualTo(g.p);
        assertThat(copy.tensors().ofm()).isEqualTo(b);
        assertThat(copy.ifm()).isEqualTo(new Shape4(1, 8, 8, 16));
        // The copy is an average pool: one MAC per element, as Vela counts it.
        assertThat(copy.macs()).isEqualTo(8 * 8 * 16);
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).allMatch(l -> l.unit() == Unit.NPU);
        assertThat(r.layers().get(1).cycles()).isPositive();
        // The graph counts a SPLIT as no MACs; its copy is 1,024: the result says where the extra MACs come from.
        assertThat(r.notes()).contains("the layers do 5,120 MACs, 1,024 more than the model counts: copies that their"
                + " lowering adds (average pools, one MAC per element) in layer 1");
    }

    @Test
    void split_throughARemovedSqueezeKeepingThe4dShape_readInPlaceByTheSqueezesReader() {
        // SPLIT of p (1x2x8x32) on H, then SQUEEZE 1x1x8x32 → 1x8x32 (4-D 1x1x8x32, unchanged): Vela removes the
        // squeeze first, so the part is read in place by the pool behind it.
        TestGraph g = new TestGraph(Shape.of(1, 2, 8, 32));
        int[] parts = g.split(1, Shape.of(1, 1, 8, 32), Shape.of(1, 1, 8, 32));
        int a = parts[0];
        int b = parts[1];
        int sq = g.tensor("sq", Shape.of(1, 8, 32), null);
        g.op(BuiltinOperator.SQUEEZE, new int[] {a}, new int[] {sq}, new OpOptions.Squeeze(new int[] {1}));
        g.poolTo("ya", sq, Shape.of(1, 8, 32));
        g.poolTo("yb", b, Shape.of(1, 1, 8, 32));
        Model m = g.model();
        assertThat(TestGraph.lowered(m, g.ops.get(1)).operations()).isEmpty();
        NpuOperation reader = TestGraph.lowered(m, g.ops.get(3)).operations().get(0);
        assertThat(reader.tensors().ifm()).isEqualTo(g.p);
        assertThat(reader.ifm()).isEqualTo(new Shape4(1, 1, 8, 32));
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).allMatch(l -> l.unit() == Unit.NPU);
    }

    @Test
    void split_throughAPadAppliedAsHardwarePadding_readInPlaceByTheConvolution() {
        TestGraph g = new TestGraph(Shape.of(1, 16, 16, 32));
        int[] parts = g.split(3, Shape.of(1, 16, 16, 16), Shape.of(1, 16, 16, 16));
        int a = parts[0];
        int b = parts[1];
        int padded = g.tensor("padded", Shape.of(1, 18, 18, 16), null);
        g.op(BuiltinOperator.PAD, new int[] {a, g.ints("pads", Shape.of(4, 2), 0, 0, 1, 1, 1, 1, 0, 0)}, new int[] {padded},
                new OpOptions.NoOptions());
        int w = g.tensor("w", Shape.of(8, 3, 3, 16), ConstantData.ofInt8(new byte[8 * 3 * 3 * 16]));
        int conv = g.tensor("conv", Shape.of(1, 16, 16, 8), null);
        g.op(BuiltinOperator.CONV_2D, new int[] {padded, w, -1}, new int[] {conv},
                new OpOptions.Conv2D(Padding.VALID, 1, 1, 1, 1, Activation.NONE));
        g.outputs.add(conv);
        g.poolTo("yb", b, Shape.of(1, 16, 16, 16));
        Model m = g.model();
        assertThat(TestGraph.lowered(m, g.ops.get(2)).operations()).as("the PAD").isEmpty();
        assertThat(TestGraph.lowered(m, g.ops.get(1)).operations()).as("the SPLIT").isEmpty();
        NpuOperation c = TestGraph.lowered(m, g.ops.get(3)).operations().get(0);
        assertThat(c.tensors().ifm()).isEqualTo(g.p);
        assertThat(c.ifm()).isEqualTo(new Shape4(1, 16, 16, 16));
    }

    @Test
    void split_readerBlockConfig_searchedOnTheWholeInput() {
        // Vela searches a reader's block config on the pass's IFM shape, the whole input, and costs it on the part.
        TestGraph g = splitInTwo(new TestGraph(Shape.of(1, 8, 8, 32)));
        Model m = g.model();
        ExecutionPlan plan = Simulator.standard().run(m, m.name(), CORSTONE_300, false).plan();
        Step.Npu reader = plan.steps().stream().filter(s -> s instanceof Step.Npu n && n.operator() == 2)
                .map(s -> (Step.Npu) s).findFirst().orElseThrow();
        NpuOperation whole = reader.op().toBuilder().ifm(g.p, new Shape4(1, 8, 8, 32), 8).build();
        assertThat(reader.blockConfig()).isEqualTo(BlockConfigSearch.find(NpuVariant.ETHOS_U55_128, whole).orElseThrow());
    }

    @Test
    void split_aModelOutputOrAMulReader_copiedOut() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 32));
        int[] parts = g.split(3, Shape.of(1, 8, 8, 16), Shape.of(1, 8, 8, 16));
        int a = parts[0];
        int b = parts[1];
        g.outputs.add(a);
        int y = g.tensor("y", Shape.of(1, 8, 8, 16), null);
        g.op(BuiltinOperator.MUL, new int[] {b, b}, new int[] {y}, new OpOptions.Arithmetic(Activation.NONE, false));
        g.outputs.add(y);
        assertThat(TestGraph.lowered(g.model(), g.ops.get(1)).operations()).extracting(o -> o.tensors().ofm()).containsExactly(a, b);
    }

    @Test
    void splitV_partAtDepth8_inputStoredLinearly_partsAt16_not() {
        assertThat(splitVInputFormat(8)).isEqualTo(TensorFormat.NHWC);
        assertThat(splitVInputFormat(16)).isEqualTo(TensorFormat.NHCWB16);
    }

    /** SPLIT_V of p (8x8x32) into depths {@code first} and 32 − first, each pooled; p's format in the plan. */
    private static TensorFormat splitVInputFormat(int first) {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 32));
        int a = g.tensor("a", Shape.of(1, 8, 8, first), null);
        int b = g.tensor("b", Shape.of(1, 8, 8, 32 - first), null);
        g.op(BuiltinOperator.SPLIT_V, new int[] {g.p, g.ints("sizes", first, -1), g.scalar("axis", 3)}, new int[] {a, b},
                new OpOptions.Split(2));
        g.poolTo("ya", a, Shape.of(1, 8, 8, first));
        int yb = g.poolTo("yb", b, Shape.of(1, 8, 8, 32 - first));
        Model m = g.model();
        Lowering.Result.Npu split = TestGraph.lowered(m, g.ops.get(1));
        assertThat(split.operations()).isEmpty();
        assertThat(split.linearTensors()).isEqualTo(first % 16 == 0 ? List.of() : List.of(g.p));
        ExecutionPlan plan = Simulator.standard().run(m, m.name(), CORSTONE_300, false).plan();
        Step.Npu reader = plan.steps().stream().filter(s -> s instanceof Step.Npu n && n.op().tensors().ofm() == yb)
                .map(s -> (Step.Npu) s).findFirst().orElseThrow();
        assertThat(reader.op().tensors().ifm()).isEqualTo(g.p);
        assertThat(reader.op().ifm()).isEqualTo(new Shape4(1, 8, 8, 32 - first));
        return reader.ifm().format();
    }

    @Test
    void slice_toTheEnd_readInPlaceFromItsOffset() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 32));
        int s = g.tensor("s", Shape.of(1, 4, 8, 12), null);
        g.op(BuiltinOperator.SLICE, new int[] {g.p, g.ints("begin", 0, 4, 0, 20), g.ints("size", 1, -1, -1, -1)},
                new int[] {s}, new OpOptions.NoOptions());
        g.poolTo("y", s, Shape.of(1, 4, 8, 12));
        Model m = g.model();
        Lowering.Result.Npu slice = TestGraph.lowered(m, g.ops.get(1));
        assertThat(slice.operations()).isEmpty();
        assertThat(slice.linearTensors()).containsExactly(g.p);
        NpuOperation reader = TestGraph.lowered(m, g.ops.get(2)).operations().get(0);
        assertThat(reader.tensors().ifm()).isEqualTo(g.p);
        assertThat(reader.ifm()).isEqualTo(new Shape4(1, 4, 8, 12));
    }

    @Test
    void stridedSlice_shrunkAxisMovesTheDimensions_copiedOut() {
        // p is 1x4x8x16; column 3 of every row, the width axis shrunk: the output 1x4x16 is 1x1x4x16 in 4-D while
        // the part read is 1x4x1x16, so a reader cannot take the read: Vela copies it out.
        TestGraph g = new TestGraph(Shape.of(1, 4, 8, 16));
        int s = g.tensor("s", Shape.of(1, 4, 16), null);
        g.op(BuiltinOperator.STRIDED_SLICE, new int[] {g.p, g.ints("begin", 0, 0, 3, 0), g.ints("end", 1, 4, 4, 16),
                g.ints("strides", 1, 1, 1, 1)}, new int[] {s}, new OpOptions.StridedSlice(0b1011, 0b1011, 0, 0, 0b0100, false));
        g.poolTo("y", s, Shape.of(1, 4, 16));
        Model m = g.model();
        List<NpuOperation> copy = TestGraph.lowered(m, g.ops.get(1)).operations();
        assertThat(copy).hasSize(1);
        assertThat(copy.get(0).ifm()).isEqualTo(new Shape4(1, 4, 1, 16));
        assertThat(copy.get(0).tensors().ifm()).isEqualTo(g.p);
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).allMatch(l -> l.unit() == Unit.NPU);
        assertThat(r.notes()).noneMatch(n -> n.startsWith("on the CPU"));
        // The copy's 4x16 average pool: 64 MACs the graph does not count for a STRIDED_SLICE.
        assertThat(r.notes()).anyMatch(n -> n.contains("64 more than the model counts") && n.endsWith("in layer 1"));
    }

    @Test
    void stridedSlice_negativeAndMaskedIndices_readTheRowsTheyName() {
        // Rows -3 to the end (masked) of a 1x8x8x16 tensor: rows 5, 6, 7, read in place.
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 16));
        int s = g.tensor("s", Shape.of(1, 3, 8, 16), null);
        g.op(BuiltinOperator.STRIDED_SLICE, new int[] {g.p, g.ints("begin", 0, -3, 0, 0), g.ints("end", 1, 0, 8, 16),
                g.ints("strides", 1, 1, 1, 1)}, new int[] {s}, new OpOptions.StridedSlice(0, 0b0010, 0, 0, 0, false));
        g.poolTo("y", s, Shape.of(1, 3, 8, 16));
        Model m = g.model();
        assertThat(TestGraph.lowered(m, g.ops.get(1)).operations()).isEmpty();
        assertThat(TestGraph.lowered(m, g.ops.get(2)).operations().get(0).ifm()).isEqualTo(new Shape4(1, 3, 8, 16));
    }

    @Test
    void unpack_alongHeight_bothPartsReadInPlaceByAnAdd() {
        // p is 1x2x8x16; UNPACK along axis 1 gives two 1x8x16 tensors (4-D 1x1x8x16, the parts' shape), added.
        TestGraph g = new TestGraph(Shape.of(1, 2, 8, 16));
        int u0 = g.tensor("u0", Shape.of(1, 8, 16), null);
        int u1 = g.tensor("u1", Shape.of(1, 8, 16), null);
        g.op(BuiltinOperator.UNPACK, new int[] {g.p}, new int[] {u0, u1}, new OpOptions.Pack(2, 1));
        int sum = g.tensor("sum", Shape.of(1, 8, 16), null);
        g.op(BuiltinOperator.ADD, new int[] {u0, u1}, new int[] {sum}, new OpOptions.Arithmetic(Activation.NONE, false));
        g.outputs.add(sum);
        Model m = g.model();
        assertThat(TestGraph.lowered(m, g.ops.get(1)).operations()).isEmpty();
        NpuOperation add = TestGraph.lowered(m, g.ops.get(2)).operations().get(0);
        assertThat(add.tensors().ifm()).isEqualTo(g.p);
        assertThat(add.tensors().ifm2().getAsInt()).isEqualTo(g.p);
        assertThat(add.ifm()).isEqualTo(new Shape4(1, 1, 8, 16));
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).allMatch(l -> l.unit() == Unit.NPU);
    }

    @Test
    void pack_twoInputsAlongHeight_oneAveragePoolWritingEachRow() {
        TestGraph g = new TestGraph(Shape.of(1, 1, 8, 16));
        int s = g.tensor("s", Shape.of(1, 8, 16), null);
        g.op(BuiltinOperator.RESHAPE, new int[] {g.p, g.ints("shape", 1, 8, 16)}, new int[] {s},
                new OpOptions.Reshape(new int[] {1, 8, 16}));
        int k = g.tensor("k", Shape.of(1, 2, 8, 16), null);
        g.op(BuiltinOperator.PACK, new int[] {s, s}, new int[] {k}, new OpOptions.Pack(2, 1));
        g.poolTo("y", k, Shape.of(1, 2, 8, 16));
        Model m = g.model();
        List<NpuOperation> writes = TestGraph.lowered(m, g.ops.get(2)).operations();
        assertThat(writes).hasSize(2);
        assertThat(writes).allMatch(w -> w.ifm().equals(new Shape4(1, 1, 8, 16)) && w.ofm().equals(new Shape4(1, 1, 8, 16))
                && w.tensors().ofm() == k);
        // As a concatenation: one MAC per element written, the graph's count too.
        assertThat(writes.stream().mapToLong(NpuOperation::macs).sum()).isEqualTo(2 * 8 * 16)
                .isEqualTo(m.main().facts().operators().get(2).macs());
        SimulationResult r = Simulator.standard().simulate(m, m.name(), CORSTONE_300);
        assertThat(r.layers()).allMatch(l -> l.unit() == Unit.NPU);
        assertThat(r.layers().stream().mapToLong(LayerResult::macs).sum()).isEqualTo(m.main().facts().totalMacs());
    }

    @Test
    void slice_partOutsideTheInput_notLowered() {
        TestGraph g = new TestGraph(Shape.of(1, 8, 8, 32));
        int s = g.tensor("s", Shape.of(1, 8, 8, 16), null);
        g.op(BuiltinOperator.SLICE, new int[] {g.p, g.ints("begin", 0, 0, 0, 24), g.ints("size", 1, 8, 8, 16)},
                new int[] {s}, new OpOptions.NoOptions());
        g.poolTo("y", s, Shape.of(1, 8, 8, 16));
        Lowering.Result r = new Lowering(g.model().main(), Optional.of(NpuVariant.ETHOS_U55_128)).lower(g.ops.get(1));
        assertThat(r).isInstanceOf(Lowering.Result.NotLowered.class);
        assertThat(((Lowering.Result.NotLowered) r).reason()).contains("[24, 40) of dimension 3 (32 elements)");
    }
}
