// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * The integer LSTM on the real models against a float LSTM (double precision) computed from the dequantized
 * weights, biases and the very input the integer kernel received. The difference of the dequantized outputs, in
 * units of the output scale, measures the whole fixed-point pipeline (Q3.12 gates, table sigmoid and tanh, int16
 * cell state, int8 hidden state fed back at every step).
 *
 * <p>Measured with uniformly random int8 inputs (seed 7), max / mean difference in LSB of the output scale:
 * trained_lstm_int8 (28 steps, 20 units) 1.19 / 0.275; micro_speech_lstm (49 steps, 80 units) 3.00 / 0.277;
 * dtln_noise_suppression's two LSTMs (1 step, 128 units) 0.50 / 0.137 and 0.50 / 0.256. The bounds below are
 * those figures rounded up (the inputs are fixed, so the figures are too); a wrong gate order, scale or rounding
 * gives tens of LSB.
 */
final class LstmFloatReferenceTest {

    /** A float LSTM: standard Keras gates, no peephole or projection, cell clipped when clip > 0. */
    static double[] floatLstm(double[] x, int batches, int steps, int inputSize, int units, boolean timeMajor,
            double[][] wi, double[][] wr, double[][] bias, double clip) {
        double[] y = new double[batches * steps * units];
        double[] gates = new double[4 * units];
        for (int b = 0; b < batches; b++) {
            double[] h = new double[units];
            double[] c = new double[units];
            for (int t = 0; t < steps; t++) {
                int row = timeMajor ? t * batches + b : b * steps + t;
                for (int g = 0; g < 4; g++) {
                    for (int u = 0; u < units; u++) {
                        double s = bias[g][u];
                        for (int k = 0; k < inputSize; k++) {
                            s += wi[g][u * inputSize + k] * x[row * inputSize + k];
                        }
                        for (int k = 0; k < units; k++) {
                            s += wr[g][u * units + k] * h[k];
                        }
                        gates[g * units + u] = g == 2 ? Math.tanh(s) : 1 / (1 + Math.exp(-s));
                    }
                }
                for (int u = 0; u < units; u++) {
                    double cell = gates[units + u] * c[u] + gates[u] * gates[2 * units + u];
                    c[u] = clip > 0 ? Math.max(-clip, Math.min(clip, cell)) : cell;
                    h[u] = gates[3 * units + u] * Math.tanh(c[u]);
                    y[row * units + u] = h[u];
                }
            }
        }
        return y;
    }

    static double[] dequantize(TensorBuffer v, Tensor t) {
        double scale = t.quantization().orElseThrow().scale(0);
        long zp = t.quantization().orElseThrow().zeroPoint(0);
        double[] out = new double[v.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (v.get(i) - zp) * scale;
        }
        return out;
    }

    static double[] constant(Subgraph g, int tensor) {
        Tensor t = g.tensor(tensor);
        return dequantize(TensorBuffer.decode(t.type(), t.shape(), t.data().orElseThrow()), t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"trained_lstm_int8", "micro_speech_lstm", "dtln_noise_suppression"})
    void run_realModel_withinAFewOutputLsbOfFloatLstm(String name) {
        Model model = TfliteReader.read(SharedData.model(name));
        ExecutionResult r = InterpreterTest.runRandom(Interpreter.of(model), 7);
        Subgraph g = model.main();
        for (Operator op : g.operators()) {
            if (!op.is(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM)) {
                continue;
            }
            Tensor in = g.tensor(op.input(0));
            Tensor out = g.tensor(op.output(0));
            OpOptions.SequenceLstm o = (OpOptions.SequenceLstm) op.options();
            int units = out.shape().dim(2);
            int inputSize = in.shape().dim(2);
            int batches = in.shape().dim(o.timeMajor() ? 1 : 0);
            int steps = in.shape().dim(o.timeMajor() ? 0 : 1);
            double[][] wi = new double[4][];
            double[][] wr = new double[4][];
            double[][] bias = new double[4][];
            for (int k = 0; k < 4; k++) {
                wi[k] = constant(g, op.input(1 + k));
                wr[k] = constant(g, op.input(5 + k));
                bias[k] = constant(g, op.input(12 + k));
            }
            double[] reference = floatLstm(dequantize(r.tensor(in.index()), in), batches, steps, inputSize, units,
                    o.timeMajor(), wi, wr, bias, o.cellClip());
            double[] actual = dequantize(r.tensor(out.index()), out);
            double scale = out.quantization().orElseThrow().scale(0);
            double max = 0;
            double sum = 0;
            for (int i = 0; i < actual.length; i++) {
                double lsb = Math.abs(actual[i] - reference[i]) / scale;
                max = Math.max(max, lsb);
                sum += lsb;
            }
            double mean = sum / actual.length;
            System.out.printf("%s operator %d (%d steps x %d units): integer vs float LSTM, max %.2f LSB, mean %.3f"
                    + " LSB of the output scale%n", name, op.index(), steps, units, max, mean);
            assertThat(max).as("%s operator %d max", name, op.index()).isLessThan(3.5);
            assertThat(mean).as("%s operator %d mean", name, op.index()).isLessThan(0.3);
        }
    }
}
