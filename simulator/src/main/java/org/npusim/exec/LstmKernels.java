// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.Activation;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Tensor;

/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM as TFLite Micro (2023 and later) prepares it (unidirectional_sequence_lstm.cc,
 * lstm_eval_common.cc, {@code LstmTensors::ValidateTensorStatus}): the standard LSTM of Keras with int8
 * activations, int8 weights, int32 biases and an int16 cell state, computed by {@link IntegerLstm}.
 *
 * <p>Inputs (lstm_shared.h): 0 input; 1-4 input weights of the input, forget, cell and output gates; 5-8 their
 * recurrent weights; 9-11 peephole weights; 12-15 gate biases; 16-17 projection weights and bias; 18 the hidden
 * (output) state; 19 the cell state; 20-23 layer normalization coefficients. TFLite Micro refuses peephole,
 * projection, layer normalization and CIFG (no input gate) variants, and this executor refuses them with it, as
 * it refuses float and hybrid LSTMs and 16-bit activations; each refusal names the operator and the layer.
 *
 * <p>As in TFLite Micro, the output rows are copies of the hidden state: they carry the hidden state's
 * quantization, and the intermediate tensors the converter attaches are not read (the gate products always
 * have scale 2^-12 and the gate outputs 2^-15).
 */
final class LstmKernels {

    private LstmKernels() {}

    private static final int INPUT = 0;
    private static final int INPUT_WEIGHTS = 1;
    private static final int RECURRENT_WEIGHTS = 5;
    private static final int BIASES = 12;
    private static final int HIDDEN_STATE = 18;
    private static final int CELL_STATE = 19;
    private static final String[] GATES = {"input", "forget", "cell", "output"};

    /** The fixed-point format of the gates' inputs, Q3.12 (lstm_eval_common.cc, {@code nonlinear_input_scale}). */
    private static final float GATE_INPUT_SCALE = 0x1p-12f;
    /** The format of the gates' outputs, Q0.15 ({@code nonlinear_output_scale}). */
    private static final double GATE_OUTPUT_SCALE = 0x1p-15;

    static Step unidirectionalSequenceLstm(OpBinding b) {
        b.requireInputCount(20, 24);
        OpOptions.SequenceLstm o = b.options(OpOptions.SequenceLstm.class, OpKind.SEQUENCE_LSTM);
        Tensor in = b.input(INPUT);
        Tensor out = b.output(0);
        requireIntegerVariant(b, in, o);
        IntegerLstm.Sizes sizes = sizes(b, in, out, o.timeMajor());
        Tensor hidden = state(b, HIDDEN_STATE, "hidden state", ElementType.INT8, sizes);
        Tensor cellState = state(b, CELL_STATE, "cell state", ElementType.INT16, sizes);
        b.requireSymmetricInt16(cellState, "cell state");
        ScaleLog2 cellLog2 = ScaleLog2.of(b.scale(cellState, "cell state"));
        if (!cellLog2.powerOfTwo()) {
            // TFLite Micro rounds the exponent and carries on, computing tanh in a format the state is not in.
            throw b.fail("cell state '" + cellState.name() + "' has scale " + b.scale(cellState, "cell state")
                    + "; the integer LSTM needs a power-of-two cell state scale");
        }
        // The cell's tanh scales its input by 3·2^(12 + e) (Int16Sigmoid.Scaling.lstmTanh): a right shift of at most
        // 31, and a multiplier that stays a 16-bit value (3·2^13), bound the exponent e to [-43, 1].
        if (cellLog2.exponent() < -43 || cellLog2.exponent() > 1) {
            throw b.fail("cell state '" + cellState.name() + "' has scale 2^" + cellLog2.exponent()
                    + "; the integer LSTM's tanh takes a cell state scale from 2^-43 to 2^1");
        }
        IntegerLstm.Gate[] gates = new IntegerLstm.Gate[4];
        for (int g = 0; g < 4; g++) {
            gates[g] = gate(b, g, in, hidden, sizes);
        }
        IntegerLstm lstm = new IntegerLstm(sizes, gates[1], gates[0], gates[2], gates[3],
                elementwise(b, o, hidden, cellState, cellLog2.exponent()));
        int inIdx = b.inputIndex(INPUT);
        int hiddenIdx = b.inputIndex(HIDDEN_STATE);
        int cellIdx = b.inputIndex(CELL_STATE);
        int outIdx = b.outputIndex(0);
        return tensors -> lstm.run(tensors[inIdx].int8(), tensors[hiddenIdx].int8(), tensors[cellIdx].int16(),
                tensors[outIdx].int8());
    }

    /** Refuses what TFLite Micro's integer kernel does not compute, naming the variant. */
    private static void requireIntegerVariant(OpBinding b, Tensor in, OpOptions.SequenceLstm o) {
        if (in.type() == ElementType.FLOAT32) {
            throw b.fail("float (and hybrid) LSTMs are not supported by the functional executor; only the integer"
                    + " LSTM with int8 activations and an int16 cell state is");
        }
        if (in.type() == ElementType.INT16) {
            throw b.fail("the LSTM with 16-bit activations (int16 input, int64 biases) is not supported by the"
                    + " functional executor; only int8 activations are");
        }
        b.requireType(in, "input", ElementType.INT8);
        b.requireType(b.output(0), "output", ElementType.INT8);
        if (!b.hasInput(INPUT_WEIGHTS) || !b.hasInput(RECURRENT_WEIGHTS)) {
            throw b.fail("CIFG LSTMs (no input gate) are not supported: TFLite Micro's LSTM has no such variant");
        }
        requireAbsent(b, 9, 11, "peephole connections");
        requireAbsent(b, 16, 17, "projection");
        requireAbsent(b, 20, 23, "layer normalization");
        if (o.diagonalRecurrentTensors()) {
            throw b.fail("diagonal recurrent weights are not supported by TFLite Micro's LSTM");
        }
        if (o.activation() != Activation.TANH) {
            throw b.fail("cell activation " + o.activation() + " is not supported: TFLite Micro's LSTM computes the"
                    + " cell gate with tanh (or sigmoid, which a model file cannot name)");
        }
        if (!(o.cellClip() >= 0)) {
            throw b.fail("cell clip " + o.cellClip() + " is negative");
        }
    }

    private static void requireAbsent(OpBinding b, int first, int last, String variant) {
        for (int slot = first; slot <= last; slot++) {
            if (b.hasInput(slot)) {
                throw b.fail("LSTM with " + variant + " (input " + slot + ") is not supported: TFLite Micro's LSTM"
                        + " has no such variant");
            }
        }
    }

    /** Reads batch, time and sizes from the input (rank 3) and checks the output's shape against them. */
    private static IntegerLstm.Sizes sizes(OpBinding b, Tensor in, Tensor out, boolean timeMajor) {
        b.requireRank(in, "input", 3);
        b.requireRank(out, "output", 3);
        Tensor w = b.input(INPUT_WEIGHTS);
        b.requireRank(w, "input-to-input weights", 2);
        int units = w.shape().dim(0);
        int inputSize = in.shape().dim(2);
        int batches = in.shape().dim(timeMajor ? 1 : 0);
        int timeSteps = in.shape().dim(timeMajor ? 0 : 1);
        if (out.shape().dim(0) != in.shape().dim(0) || out.shape().dim(1) != in.shape().dim(1)
                || out.shape().dim(2) != units) {
            throw b.fail("output " + out.shape() + " does not fit input " + in.shape() + " and " + units + " units");
        }
        return new IntegerLstm.Sizes(batches, timeSteps, inputSize, units, timeMajor);
    }

    private static Tensor state(OpBinding b, int slot, String role, ElementType type, IntegerLstm.Sizes sizes) {
        Tensor t = b.input(slot);
        b.requireType(t, role, type);
        if (!t.variable()) {
            throw b.fail(role + " '" + t.name() + "' must be a variable tensor");
        }
        if (t.elementCount() != (long) sizes.batches() * sizes.units()) {
            throw b.fail(role + " '" + t.name() + "' has shape " + t.shape() + "; " + sizes.batches() + " x "
                    + sizes.units() + " values expected");
        }
        return t;
    }

    /** Gate {@code g} (0 input, 1 forget, 2 cell, 3 output): weights, folded biases and multipliers. */
    private static IntegerLstm.Gate gate(OpBinding b, int g, Tensor in, Tensor hidden, IntegerLstm.Sizes sizes) {
        String name = GATES[g];
        byte[] wi = weights(b, INPUT_WEIGHTS + g, name + " gate input weights", sizes.units(), sizes.inputSize());
        byte[] wr = weights(b, RECURRENT_WEIGHTS + g, name + " gate recurrent weights", sizes.units(),
                sizes.units());
        int[] bias = bias(b, BIASES + g, name + " gate bias", sizes.units());
        int inputOffset = -b.zeroPoint(in, "input");
        int hiddenOffset = -b.zeroPoint(hidden, "hidden state");
        int[] inputBias = new int[sizes.units()];
        int[] recurrentBias = new int[sizes.units()];
        for (int u = 0; u < sizes.units(); u++) {
            inputBias[u] = bias[u] + inputOffset * rowSum(wi, u * sizes.inputSize(), sizes.inputSize());
            recurrentBias[u] = hiddenOffset * rowSum(wr, u * sizes.units(), sizes.units());
        }
        return new IntegerLstm.Gate(wi, inputBias, gateMultiplier(b, in, "input", INPUT_WEIGHTS + g, name + " gate"
                + " input weights"), wr, recurrentBias, gateMultiplier(b, hidden, "hidden state",
                RECURRENT_WEIGHTS + g, name + " gate recurrent weights"), g == 2);
    }

    private static byte[] weights(OpBinding b, int slot, String role, int rows, int cols) {
        Tensor w = b.input(slot);
        b.requireType(w, role, ElementType.INT8);
        if (w.shape().rank() != 2 || w.shape().dim(0) != rows || w.shape().dim(1) != cols) {
            throw b.fail(role + " '" + w.name() + "' has shape " + w.shape() + "; " + rows + "x" + cols + " expected");
        }
        b.scale(w, role);
        if (b.zeroPoint(w, role) != 0) {
            throw b.fail(role + " '" + w.name() + "' has zero point " + b.zeroPoint(w, role)
                    + "; LSTM weights must be symmetric");
        }
        return b.constant(slot, role).int8();
    }

    private static int[] bias(OpBinding b, int slot, String role, int units) {
        Tensor t = b.input(slot);
        b.requireType(t, role, ElementType.INT32);
        TensorBuffer v = b.constant(slot, role);
        if (v.length() != units) {
            throw b.fail(role + " '" + t.name() + "' has " + v.length() + " values for " + units + " units");
        }
        return v.int32().clone();
    }

    private static int rowSum(byte[] w, int offset, int length) {
        int s = 0;
        for (int i = 0; i < length; i++) {
            s += w[offset + i];
        }
        return s;
    }

    /**
     * {@code CalculateOpDataFullyConnected} for a gate product with output scale 2^-12: per-tensor weights only
     * (TFLite Micro's LSTM passes its fully connected layers no per-channel multipliers), and the multiplier of
     * {@code GetQuantizedConvolutionMultipler}, {@code (double)(activationScale * weightScale) / 2^-12}.
     */
    private static QuantizedMultiplier gateMultiplier(OpBinding b, Tensor activation, String activationRole,
            int weightSlot, String weightRole) {
        float product = b.scale(activation, activationRole) * b.scale(b.input(weightSlot), weightRole);
        return QuantizedMultiplier.of((double) product / (double) GATE_INPUT_SCALE);
    }

    /**
     * {@code PrepareGateParametersInteger}'s element-wise multipliers ({@code CreateInterGateMulParams}, products
     * of the float scales taken in double) and {@code CreateLstmCellStateInfo}'s quantized cell clip,
     * {@code int16(min(max(clip / cellScale, -32768), 32767))}, truncated toward zero.
     */
    private static IntegerLstm.Elementwise elementwise(OpBinding b, OpOptions.SequenceLstm o, Tensor hidden,
            Tensor cellState, int cellScalePower) {
        double cellScale = b.scale(cellState, "cell state");
        double hiddenScale = b.scale(hidden, "hidden state");
        QuantizedMultiplier forgetTimesCell = QuantizedMultiplier.of(GATE_OUTPUT_SCALE * cellScale / cellScale);
        QuantizedMultiplier inputTimesCellGate = QuantizedMultiplier.of(GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE
                / cellScale);
        QuantizedMultiplier hiddenMultiplier = QuantizedMultiplier.of(GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE
                / hiddenScale);
        // The model's float clip decides whether to clip at all; a clip that quantizes to 0 clamps the cell to 0.
        int clip = o.cellClip() > 0 ? (int) Math.min(Math.max((double) o.cellClip() / cellScale, -32768.0), 32767.0)
                : IntegerLstm.NO_CLIP;
        return new IntegerLstm.Elementwise(forgetTimesCell, inputTimesCellGate, hiddenMultiplier,
                b.zeroPoint(hidden, "hidden state"), clip, Int16Sigmoid.Scaling.lstmTanh(cellScalePower));
    }
}
