// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.exec.ExecutionResult;
import org.npusim.exec.Interpreter;
import org.npusim.exec.TensorBuffer;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.tflite.TfliteReader;
import org.npusim.tflite.TfliteWriter;

/**
 * transpose, slice, strided_slice, maximum, minimum and hard_swish layers in model descriptions: shapes, the
 * constants TFLite reads, shared quantization, operator versions, the round trip through a .tflite file, a
 * simulation on the NPU and a bit-exact run.
 */
final class SliceTransposeDescriptionTest {

    private static final String BRANCHES = """
            schema: npusim.model/v1
            name: branches
            input: {shape: [1, 8, 8, 16], type: %s, scale: 0.02, zero_point: %d}
            weights: {seed: 11}
            layers:
              - {op: conv2d, name: conv, filters: 32, kernel: 3, padding: same}
              - {op: slice, name: left, inputs: [conv], begin: [0, 0, 0, 0], size: [-1, -1, -1, 16]}
              - {op: strided_slice, name: right, inputs: [conv], begin: [0, 0, 0, 16], end: [1, 8, 8, 32]}
              - {op: maximum, name: hi, inputs: [left, right]}
              - {op: minimum, name: lo, inputs: [left, right]}
              - {op: add, name: both, inputs: [hi, lo]}
              - {op: hard_swish, name: act}
              - {op: strided_slice, name: every_other, begin: [0, 1, -8, 0], end: [1, 8, 8, 16], strides: [1, 2, 2, 1]}
              - {op: transpose, name: swapped, perm: [0, 2, 1, 3]}
            """;

    private static Model build(ElementType type) {
        return ModelDescriptions.parse(BRANCHES.formatted(type.label(), type == ElementType.INT16 ? 0 : -5),
                "branches.yaml");
    }

    private static Tensor output(Subgraph g, int op) {
        return g.tensor(g.operators().get(op).output(0));
    }

    private static int[] constant(Subgraph g, int op, int input) {
        return g.tensor(g.operators().get(op).input(input)).data().orElseThrow().toIntArray();
    }

    @Test
    void parse_shapesConstantsAndOptions() {
        Subgraph g = build(ElementType.INT8).main();
        assertThat(g.operators()).extracting(Operator::opName).containsExactly("CONV_2D", "SLICE", "STRIDED_SLICE",
                "MAXIMUM", "MINIMUM", "ADD", "HARD_SWISH", "STRIDED_SLICE", "TRANSPOSE");
        // Rows 1, 3, 5, 7 and columns 0, 2, 4, 6 (-8 is column 0); then H and W swap.
        assertThat(output(g, 7).shape()).isEqualTo(Shape.of(1, 4, 4, 16));
        assertThat(output(g, 8).shape()).isEqualTo(Shape.of(1, 4, 4, 16));
        assertThat(output(g, 1).shape()).isEqualTo(Shape.of(1, 8, 8, 16));
        // A size of -1 and a negative index are written as what they stand for.
        assertThat(constant(g, 1, 2)).containsExactly(1, 8, 8, 16);
        assertThat(constant(g, 7, 1)).containsExactly(0, 1, 0, 0);
        assertThat(constant(g, 7, 3)).containsExactly(1, 2, 2, 1);
        assertThat(constant(g, 2, 3)).containsExactly(1, 1, 1, 1);
        assertThat(constant(g, 8, 1)).containsExactly(0, 2, 1, 3);
        assertThat(g.operators().get(2).options()).isEqualTo(new OpOptions.StridedSlice(0, 0, 0, 0, 0, false));
        assertThat(g.operators().get(3).options()).isEqualTo(new OpOptions.NoOptions());
    }

    @Test
    void parse_movesAndComparisonsShareTheirInputsQuantization() {
        Subgraph g = build(ElementType.INT8).main();
        var conv = output(g, 0).quantization();
        for (int op : new int[] {1, 2, 3, 4}) {
            assertThat(output(g, op).quantization()).as("op %d", op).isEqualTo(conv);
        }
        assertThat(output(g, 8).quantization()).isEqualTo(output(g, 7).quantization()).isEqualTo(output(g, 6).quantization());
        // hard_swish chooses its own, covering its least value, -3/8 (to within the zero point's rounding).
        var act = output(g, 6).quantization().orElseThrow();
        assertThat(act).isNotEqualTo(output(g, 5).quantization().orElseThrow());
        assertThat(act.scale(0) * (-128 - act.zeroPoint(0))).isLessThanOrEqualTo(-0.375f + act.scale(0));
    }

    @Test
    void parse_operatorVersionsOfOpVersionCc() {
        // int8: CONV_2D 3, SLICE 2, STRIDED_SLICE 2, MAXIMUM/MINIMUM 2, ADD 2, HARD_SWISH 1, TRANSPOSE 2.
        assertThat(build(ElementType.INT8).main().operators()).extracting(o -> o.code().version())
                .containsExactly(3, 2, 2, 2, 2, 2, 1, 2, 2);
        // int16: SLICE 4, STRIDED_SLICE has no int16 case (1), MAXIMUM/MINIMUM 4, ADD 3, TRANSPOSE 5.
        assertThat(build(ElementType.INT16).main().operators()).extracting(o -> o.code().version())
                .containsExactly(4, 4, 1, 4, 4, 3, 1, 1, 5);
    }

    @Test
    void roundTrip_throughTflite_sameOperatorsAndConstants() {
        Model m = build(ElementType.INT8);
        Model back = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(m)), "x.tflite", m.name());
        assertThat(back.main().operators()).extracting(Operator::options)
                .containsExactlyElementsOf(m.main().operators().stream().map(Operator::options).toList());
        assertThat(constant(back.main(), 7, 2)).containsExactly(constant(m.main(), 7, 2));
    }

    @Test
    void simulate_onCorstone300_placedAsVelaPlacesThem() {
        Model m = build(ElementType.INT8);
        SimulationResult r = Simulator.standard().simulate(m, m.name(),
                HardwareLoader.load(ShippedHardware.file("corstone-300.yaml")));
        assertThat(r.layers()).hasSize(9);
        // Vela 3.10 runs all but the strided slice of step 2 on the NPU (HARD_SWISH as a LUT, the slices read in
        // place); that one needs steps of 1 (constraint_stridedslice_stride_values).
        assertThat(r.layers()).extracting(l -> l.unit()).containsExactly(Unit.NPU, Unit.NPU, Unit.NPU, Unit.NPU,
                Unit.NPU, Unit.NPU, Unit.NPU, Unit.CPU, Unit.NPU);
        assertThat(r.total().cycles()).isPositive();
    }

    @Test
    void run_slicesAndComparisons_matchTheirDefinitions() {
        Model m = build(ElementType.INT8);
        Subgraph g = m.main();
        Tensor in = g.tensor(g.inputs()[0]);
        TensorBuffer x = TensorBuffer.allocate(in.type(), in.shape());
        byte[] v = x.int8();
        for (int i = 0; i < v.length; i++) {
            v[i] = (byte) (i * 37 % 251 - 125);
        }
        ExecutionResult r = Interpreter.of(m).run(List.of(x));
        byte[] conv = r.tensor(g.operators().get(0).output(0)).int8();
        byte[] left = r.tensor(g.operators().get(1).output(0)).int8();
        byte[] right = r.tensor(g.operators().get(2).output(0)).int8();
        byte[] hi = r.tensor(g.operators().get(3).output(0)).int8();
        byte[] lo = r.tensor(g.operators().get(4).output(0)).int8();
        for (int p = 0; p < 64; p++) {
            for (int c = 0; c < 16; c++) {
                int k = p * 16 + c;
                assertThat(left[k]).isEqualTo(conv[p * 32 + c]);
                assertThat(right[k]).isEqualTo(conv[p * 32 + 16 + c]);
                assertThat(hi[k]).isEqualTo((byte) Math.max(left[k], right[k]));
                assertThat(lo[k]).isEqualTo((byte) Math.min(left[k], right[k]));
            }
        }
    }
}
