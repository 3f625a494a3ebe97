// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.testsupport.TestGraph;

/**
 * A 16x8 UNIDIRECTIONAL_SEQUENCE_LSTM (int16 activations, int8 weights, int64 biases), which Vela lowers as the int8
 * one with the feature rows, the output state and the output rows int16 (lstm.py takes them from the IFM's type).
 */
final class LstmInt16LoweringTest {

    private static final int STEPS = 3;
    private static final int FEATURES = 8;
    private static final int UNITS = 4;

    private static Model lstm16() {
        List<Tensor> ts = new ArrayList<>();
        int[] in = new int[24];
        Arrays.fill(in, Operator.OMITTED);
        in[0] = add(ts, "x", ElementType.INT16, Shape.of(1, STEPS, FEATURES), 1f / 4096, null, false);
        for (int g = 0; g < 4; g++) {
            in[1 + g] = add(ts, "wi" + g, ElementType.INT8, Shape.of(UNITS, FEATURES), 0.01f,
                    ConstantData.ofInt8(new byte[UNITS * FEATURES]), false);
            in[5 + g] = add(ts, "wr" + g, ElementType.INT8, Shape.of(UNITS, UNITS), 0.01f,
                    ConstantData.ofInt8(new byte[UNITS * UNITS]), false);
            in[12 + g] = add(ts, "b" + g, ElementType.INT64, Shape.of(UNITS), 1e-6f,
                    ConstantData.copyOf(new byte[8 * UNITS]), false);
        }
        in[18] = add(ts, "h", ElementType.INT16, Shape.of(1, UNITS), 1f / 4096, null, true);
        in[19] = add(ts, "c", ElementType.INT16, Shape.of(1, UNITS), 1f / 2048, null, true);
        int y = add(ts, "y", ElementType.INT16, Shape.of(1, STEPS, UNITS), 1f / 4096, null, false);
        Operator op = new Operator(0, OperatorCode.of(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM), in, new int[] {y},
                new int[0], new OpOptions.SequenceLstm(Activation.TANH, 0f, 0f, false, false, false));
        return new Model("lstm16", "", 3, List.of(Subgraph.of("main", ts, List.of(op), new int[] {in[0]}, new int[] {y})));
    }

    private static int add(List<Tensor> ts, String name, ElementType type, Shape shape, float scale, ConstantData data,
            boolean variable) {
        ts.add(new Tensor(ts.size(), name, type, shape, Optional.of(Quantization.perTensor(scale, 0)), Optional.ofNullable(data),
                variable));
        return ts.size() - 1;
    }

    @Test
    void lower_int16_theInt8StepsWithSixteenBitRowsAndStates() {
        Model m = lstm16();
        List<NpuOperation> ops = TestGraph.lowered(m, m.main().operators().get(0)).operations();
        // 18 operations per step and one copy of the initial cell state.
        assertThat(ops).hasSize(18 * STEPS + 1);
        assertThat(ops).filteredOn(o -> o.type() == NpuBlockType.VECTOR_PRODUCT).allMatch(o -> o.ifmBits() == 16);
        NpuOperation rowCopy = ops.get(ops.size() - 1);
        assertThat(rowCopy.tensors().ofm()).isEqualTo(m.main().operators().get(0).output(0));
        assertThat(rowCopy.ofmBits()).isEqualTo(16);
        SimulationResult r = Simulator.standard().simulate(m, m.name(), HardwareLoader.load(ShippedHardware.file("corstone-300.yaml")));
        assertThat(r.layers()).extracting(LayerResult::unit).containsExactly(Unit.NPU);
        assertThat(r.layers().get(0).cycles()).isPositive();
    }
}
