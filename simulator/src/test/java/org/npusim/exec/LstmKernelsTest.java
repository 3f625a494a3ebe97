// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
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

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM on graphs built in memory: a one-unit LSTM whose every intermediate value is worked
 * out by hand from TFLite Micro's algorithm (bit-exact), TFLite Micro's own int8 kernel test case (within the
 * tolerances that test allows), and the variants the executor must refuse.
 */
final class LstmKernelsTest {

    /** Builds a graph of one LSTM: tensor 0 is the input, the last tensor added the output. */
    static final class LstmGraph {
        final List<Tensor> tensors = new ArrayList<>();
        final int[] inputs = new int[24];

        LstmGraph() {
            Arrays.fill(inputs, Operator.OMITTED);
        }

        int tensor(String name, ElementType type, Shape shape, float scale, long zp, ConstantData data,
                boolean variable) {
            int i = tensors.size();
            tensors.add(new Tensor(i, name, type, shape, Optional.of(Quantization.perTensor(scale, zp)),
                    Optional.ofNullable(data), variable));
            return i;
        }

        void slot(int slot, String name, ElementType type, Shape shape, float scale, long zp, ConstantData data) {
            inputs[slot] = tensor(name, type, shape, scale, zp, data, false);
        }

        void state(int slot, String name, ElementType type, Shape shape, float scale, long zp) {
            inputs[slot] = tensor(name, type, shape, scale, zp, null, true);
        }

        Interpreter build(float cellClip) {
            return build(new OpOptions.SequenceLstm(Activation.TANH, cellClip, 0f, false, false, false));
        }

        Interpreter build(OpOptions.SequenceLstm options) {
            int out = tensors.size() - 1;
            Operator o = new Operator(0, OperatorCode.of(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM), inputs,
                    new int[] {out}, new int[0], options);
            Subgraph g = Subgraph.of("main", tensors, List.of(o), new int[] {0}, new int[] {out});
            return Interpreter.of(new Model("test", "", 3, List.of(g)));
        }
    }

    static ConstantData int8(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return ConstantData.ofInt8(b);
    }

    /**
     * One unit, one input feature, batch 1, two steps. Every product has scale 2^-7 * 2^-5 = 2^-12, so the gate
     * multipliers are exactly 1 and the gate inputs are {@code w * x} in Q3.12; the cell state is Q4.11 (2^-11)
     * and the hidden state 2^-7. Input weights (input, forget, cell, output) = (32, 16, 48, -16), recurrent
     * weights (64, 0, 32, 16), biases 0.
     */
    static LstmGraph oneUnit(int steps) {
        LstmGraph m = new LstmGraph();
        m.inputs[0] = m.tensor("x", ElementType.INT8, Shape.of(1, steps, 1), 0x1p-7f, 0, null, false);
        int[] wi = {32, 16, 48, -16};
        int[] wr = {64, 0, 32, 16};
        for (int g = 0; g < 4; g++) {
            m.slot(1 + g, "wi" + g, ElementType.INT8, Shape.of(1, 1), 0x1p-5f, 0, int8(wi[g]));
            m.slot(5 + g, "wr" + g, ElementType.INT8, Shape.of(1, 1), 0x1p-5f, 0, int8(wr[g]));
            m.slot(12 + g, "b" + g, ElementType.INT32, Shape.of(1), 0x1p-12f, 0, ConstantData.ofInt32(new int[1]));
        }
        m.state(18, "h", ElementType.INT8, Shape.of(1, 1), 0x1p-7f, 0);
        m.state(19, "c", ElementType.INT16, Shape.of(1, 1), 0x1p-11f, 0);
        m.tensor("y", ElementType.INT8, Shape.of(1, steps, 1), 0x1p-7f, 0, null, false);
        return m;
    }

    @Test
    void run_oneUnitTwoSteps_equalsHandComputation() {
        LstmGraph m = oneUnit(2);
        Interpreter it = m.build(0f);
        ExecutionResult r = it.run(List.of(InterpreterTest.int8(Shape.of(1, 2, 1), 64, 0)));
        // Step 1, x = 64 (0.5), h = 0, c = 0. Gate inputs w * 64: input 2048, forget 1024, cell 3072, output -1024.
        //  input  sigmoid(0.5):   v = 3 * 2048 = 6144, index 12: (40794 << 9 + 512) >> 10 = 20397
        //  forget sigmoid(0.25):  v = 3072, index 6: (36843 << 9 + 512) >> 10 = 18422
        //  cell   tanh(0.75):     v = 9216, index 36: (53581 << 8 - 2^23 + 128) >> 8 = 20813
        //  output sigmoid(-0.25): (2^25 - 36843 << 9 + 511) >> 10 = 14346
        //  cell = 18422 * 0 rescaled + 20397 * 20813 * 2^-30 / 2^-11: 424522761 halved (rounding up) 212261381,
        //         then / 2^18 rounded = 810 (0.3955).
        //  tanh(cell) on Q4.11, multiplier 6: v = 4860, index 18, fraction 252:
        //         (44511 * 256 + 252 * 591 - 2^23 + 128) >> 8 = 12325
        //  hidden = 12325 * 14346 * 2^-30 / 2^-7: 176814450 / 2 / 2^22 = 21.08 -> 21.
        // Step 2, x = 0, h = 21: gate inputs 21 * (64, 0, 32, 16) = (1344, 0, 672, 336).
        //  input  sigmoid: v = 4032, index 7, fraction 448: (37513 * 512 + 448 * 667 + 512) >> 10 = 19048
        //  forget sigmoid(0) = 16384; cell tanh: v = 2016, index 7, fraction 224: 5329
        //  output sigmoid: v = 1008, index 1, fraction 496: 17056
        //  cell = 16384 * 810 * 2^-15 = 405, plus 19048 * 5329 * 2^-19 = 193.6 -> 194: 599
        //  tanh(599): v = 3594, index 14, fraction 10: (42064 * 256 + 6240 - 2^23 + 128) >> 8 = 9320
        //  hidden = 9320 * 17056 * 2^-23 = 18.95 -> 19.
        assertThat(InterpreterTest.values(r.outputs().get(0))).containsExactly(21, 19);
        assertThat(r.tensor(m.inputs[18]).get(0)).isEqualTo(19);
        assertThat(r.tensor(m.inputs[19]).get(0)).isEqualTo(599);
        // Runs are independent: the states start afresh.
        assertThat(InterpreterTest.values(it.run(List.of(InterpreterTest.int8(Shape.of(1, 2, 1), 64, 0)))
                .outputs().get(0))).containsExactly(21, 19);
    }

    @Test
    void run_cellClip_clampsTheCellState() {
        LstmGraph m = oneUnit(1);
        // A clip of 0.25 is 512 on Q4.11: step 1's cell 810 becomes 512; tanh(0.25): v = 3072, index 12:
        // (40794 << 8 - 2^23 + 128) >> 8 = 8026; hidden = 8026 * 14346 * 2^-23 = 13.7 -> 14.
        ExecutionResult r = m.build(0.25f).run(List.of(InterpreterTest.int8(Shape.of(1, 1, 1), 64)));
        assertThat(r.tensor(m.inputs[19]).get(0)).isEqualTo(512);
        assertThat(InterpreterTest.values(r.outputs().get(0))).containsExactly(14);
    }

    // ------------------------------------------------------------------------- TFLite Micro's own test case

    /** Quantizes as TFLite Micro's test helpers do: round(v / scale) in float, plus the zero point, clamped. */
    static int quantize(float v, float scale, int zp, int min, int max) {
        int q = (int) FixedPoint.roundHalfAwayFromZero(v / scale) + zp;
        return Math.max(min, Math.min(max, q));
    }

    static ConstantData quantizedInt8(float[] v, float scale) {
        int[] q = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = quantize(v[i], scale, 0, -128, 127);
        }
        return int8(q);
    }

    /**
     * TFLite Micro's TestUnidirectionalLSTMInt8 (kernels/unidirectional_sequence_lstm_test.cc with the data of
     * kernels/testdata/lstm_test_data.cc, {@code Get2X2LstmEvalCheckData}, {@code Create2x3x2X2Int8NodeContents},
     * {@code Get2X2Int8LstmQuantizationSettings}): batch 2, 3 steps, 2 inputs, 2 units, cell clip 6. Its expected
     * values are float (a float LSTM's outputs); TFLite Micro accepts the int8 kernel within 1e-2 of them for the
     * hidden state, the cell state and the outputs, and so does this test. No bit-exact int8 vector exists there.
     */
    @Test
    void run_tfliteMicroInt8TestCase_withinItsTolerance() {
        float inScale = 0.00784313725490196f;
        float hiddenScale = 0.004705882165580988f;
        int hiddenZp = -21;
        float cellScale = 0.00024414062f;
        // Gates in slot order (input, forget, cell, output): weights (input and recurrent equal), bias, scales.
        float[][] weights = {{10, 10, 20, 20}, {-10, -10, -20, -20}, {1, 1, 1, 1}, {1, 1, 1, 1}};
        float[][] bias = {{-1, -2}, {1, 2}, {0, 0}, {0, 0}};
        float[] weightScale = {0.15748031496062992f, 0.15748031496062992f, 0.007874015748031496f,
            0.007874015748031496f};
        float[] biasScale = {0.0012351397251814111f, 0.0012351397251814111f, 6.175698625907056e-5f,
            6.175698625907056e-5f};
        LstmGraph m = new LstmGraph();
        m.inputs[0] = m.tensor("x", ElementType.INT8, Shape.of(2, 3, 2), inScale, 0, null, false);
        for (int g = 0; g < 4; g++) {
            m.slot(1 + g, "wi" + g, ElementType.INT8, Shape.of(2, 2), weightScale[g], 0,
                    quantizedInt8(weights[g], weightScale[g]));
            m.slot(5 + g, "wr" + g, ElementType.INT8, Shape.of(2, 2), weightScale[g], 0,
                    quantizedInt8(weights[g], weightScale[g]));
            int[] q = new int[2];
            for (int u = 0; u < 2; u++) {
                q[u] = quantize(bias[g][u], biasScale[g], 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            }
            m.slot(12 + g, "b" + g, ElementType.INT32, Shape.of(2), biasScale[g], 0, ConstantData.ofInt32(q));
        }
        m.state(18, "h", ElementType.INT8, Shape.of(2, 2), hiddenScale, hiddenZp);
        m.state(19, "c", ElementType.INT16, Shape.of(2, 2), cellScale, 0);
        m.tensor("y", ElementType.INT8, Shape.of(2, 3, 2), hiddenScale, hiddenZp, null, false);
        Interpreter it = m.build(6f);

        float[] input = {0.2f, 0.3f, 0.2f, 0.3f, 0.2f, 0.3f, -0.98f, 0.62f, 0.01f, 0.99f, 0.49f, -0.32f};
        int[] x = new int[input.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = quantize(input[i], inScale, 0, -128, 127);
        }
        ExecutionResult r = it.run(List.of(InterpreterTest.int8(Shape.of(2, 3, 2), x)));

        double[] expectedOutput = {0.26455893, 0.26870455, 0.47935803, 0.47937014, 0.58013272, 0.58013278,
            -1.41184672e-3, -1.43329117e-5, 0.46887168, 0.46891281, 0.50054074, 0.50054148};
        double[] expectedHidden = {0.58013272, 0.58013278, 0.50054074, 0.50054148};
        double[] expectedCell = {0.89740515, 0.8974053, 0.80327607, 0.80327785};
        double worst = 0;
        TensorBuffer y = r.outputs().get(0);
        for (int i = 0; i < expectedOutput.length; i++) {
            worst = Math.max(worst, Math.abs((y.get(i) - hiddenZp) * (double) hiddenScale - expectedOutput[i]));
        }
        for (int i = 0; i < 4; i++) {
            double h = (r.tensor(m.inputs[18]).get(i) - hiddenZp) * (double) hiddenScale;
            double c = r.tensor(m.inputs[19]).get(i) * (double) cellScale;
            assertThat(h).as("hidden %d", i).isCloseTo(expectedHidden[i], org.assertj.core.data.Offset.offset(1e-2));
            assertThat(c).as("cell %d", i).isCloseTo(expectedCell[i], org.assertj.core.data.Offset.offset(1e-2));
        }
        System.out.printf("TFLite Micro int8 LSTM test case: largest output error %.5f (tolerance 1e-2)%n", worst);
        assertThat(worst).isLessThan(1e-2);
    }

    // ------------------------------------------------------------------------------------------- refusals

    @Test
    void of_peepholeProjectionLayerNormOrCifg_isRefusedNamingTheVariant() {
        int[][] cases = {{9}, {16}, {20}, {1}};
        String[] names = {"peephole", "projection", "layer normalization", "CIFG"};
        for (int k = 0; k < cases.length; k++) {
            LstmGraph m = oneUnit(1);
            int slot = cases[k][0];
            if (slot == 1) {
                m.inputs[1] = Operator.OMITTED;
            } else {
                m.slot(slot, "extra", ElementType.INT16, Shape.of(1), 1f, 0, ConstantData.ofInt8(new byte[2]));
                // Keep the output the last tensor.
                m.tensor("y2", ElementType.INT8, Shape.of(1, 1, 1), 0x1p-7f, 0, null, false);
            }
            assertThatThrownBy(() -> m.build(0f)).as(names[k]).isInstanceOf(InputException.class)
                    .hasMessageContaining("operator 0 (UNIDIRECTIONAL_SEQUENCE_LSTM, output '")
                    .hasMessageContaining(names[k]);
        }
    }

    @Test
    void of_floatLstm_isRefused() {
        LstmGraph m = oneUnit(1);
        m.tensors.set(m.inputs[0], new Tensor(m.inputs[0], "x", ElementType.FLOAT32, Shape.of(1, 1, 1),
                Optional.of(Quantization.perTensor(1f, 0)), Optional.empty(), false));
        int y = m.tensors.size() - 1;
        m.tensors.set(y, new Tensor(y, "y", ElementType.FLOAT32, Shape.of(1, 1, 1), Optional.of(Quantization.perTensor(1f, 0)),
                Optional.empty(), false));
        assertThatThrownBy(() -> m.build(0f)).isInstanceOf(InputException.class)
                .hasMessageContaining("operator 0 (UNIDIRECTIONAL_SEQUENCE_LSTM, output 'y')")
                .hasMessageContaining("float (and hybrid) LSTMs are not supported");
    }

    @Test
    void of_cellStateScaleNotAPowerOfTwo_isRefused() {
        LstmGraph m = oneUnit(1);
        m.tensors.set(m.inputs[19], new Tensor(m.inputs[19], "c", ElementType.INT16, Shape.of(1, 1),
                Optional.of(Quantization.perTensor(3e-4f, 0)), Optional.empty(), true));
        assertThatThrownBy(() -> m.build(0f)).isInstanceOf(InputException.class)
                .hasMessageContaining("power-of-two cell state scale");
    }

    /**
     * A state that is no variable: nothing writes it, so the graph itself is refused (Subgraph's data flow) before
     * the kernel would say it must be a variable.
     */
    @Test
    void of_stateNotVariable_isRefused() {
        LstmGraph m = oneUnit(1);
        m.tensors.set(m.inputs[18], new Tensor(m.inputs[18], "h", ElementType.INT8, Shape.of(1, 1),
                Optional.of(Quantization.perTensor(0x1p-7f, 0)), Optional.empty(), false));
        assertThatThrownBy(() -> m.build(0f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reads tensor " + m.inputs[18] + " ('h'), which is no constant, variable or subgraph"
                        + " input and no operator writes");
    }
}
