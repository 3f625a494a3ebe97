// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.hw.NpuVariant;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/** Lowerings checked against Vela 3.10's rows (/work notes on Vela's lowering, sections cited per test). */
final class LoweringTest {

    private static Lowering.Result.Npu lowered(String model, BuiltinOperator builtin) {
        Model m = TfliteReader.read(SharedData.model(model));
        Lowering lowering = new Lowering(m.main(), java.util.Optional.of(NpuVariant.ETHOS_U65_256));
        for (Operator op : m.main().operators()) {
            if (op.is(builtin)) {
                return (Lowering.Result.Npu) lowering.lower(op);
            }
        }
        throw new AssertionError(builtin + " not in " + model);
    }

    private static String kind(NpuOperation op) {
        return op.type() == NpuBlockType.ELEMENTWISE ? op.function().name() : op.type().name();
    }

    /**
     * §2.2: trained_lstm_int8 (28 steps, 20 units) unrolls into 18 operations per step plus the initial cell-state
     * copy: 505, of which 224 fully connected (8 per step), 140 Adds (5), 84 Muls (3) and 57 average pools (2 per
     * step and the copy). The first is the output gate's recurrent product on the initial state, Vela's row 0.
     */
    @Test
    void lower_trainedLstm_eighteenOperationsPerStepInVelasOrder() {
        List<NpuOperation> ops = lowered("trained_lstm_int8", BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM).operations();
        Map<String, Integer> counts = new TreeMap<>();
        for (NpuOperation op : ops) {
            counts.merge(kind(op), 1, Integer::sum);
        }
        assertThat(ops).hasSize(505);
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("VECTOR_PRODUCT", 224, "ADD", 140, "MUL", 84, "POOLING", 57));
        assertThat(ops.get(0).name()).isEqualTo("output_gate#0.0:tfl.pseudo_qconst_state#0_fc");
        assertThat(ops.get(13).name()).isEqualTo("tfl.pseudo_qconst1_state#0_avgpool");
        // The row copies are named after the reshape the output is read through (bypassed before conversion).
        assertThat(ops.get(ops.size() - 1).name()).isEqualTo("model/sequential/flatten/Reshape#0.27");
    }

    /**
     * §2.1: gate products write int16; the gate Adds carry the native sigmoid/tanh (LUT-class cost, no table to
     * load); the row copy writes one 20-unit row of the 28×20 output.
     */
    @Test
    void lower_trainedLstm_int16GatesWithNativeActivations() {
        List<NpuOperation> ops = lowered("trained_lstm_int8", BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM).operations();
        NpuOperation fc = ops.get(1);
        assertThat(fc.type()).isEqualTo(NpuBlockType.VECTOR_PRODUCT);
        assertThat(fc.ifm()).isEqualTo(new Shape4(1, 1, 1, 28));
        assertThat(fc.ofmBits()).isEqualTo(16);
        NpuOperation add = ops.get(2);
        assertThat(add.activation()).isEqualTo(NpuOperation.ActivationKind.LUT);
        assertThat(add.lutBytes()).isZero();
        NpuOperation row = ops.get(18);
        assertThat(row.ofm()).isEqualTo(new Shape4(1, 1, 1, 20));
    }
}
