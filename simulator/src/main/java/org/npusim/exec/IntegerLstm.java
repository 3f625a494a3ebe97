// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * The prepared integer LSTM of TFLite Micro's UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations, int8 weights,
 * int32 biases and an int16 cell state (lstm_eval.h, {@code EvalLstm<int8_t, int8_t, int16_t, int32_t>} and
 * {@code lstm_internal::LstmStep}; the parameters are prepared by lstm_eval_common.cc). No peephole, projection,
 * layer normalization or CIFG: TFLite Micro's kernel has none of them.
 *
 * <p>One time step of one batch row, in TFLite Micro's order:
 * <ol>
 *   <li>each gate g in (forget, input, cell): two fully connected products, the input's and the hidden state's,
 *       each requantized to Q3.12 (scale 2^-12) and saturated to int16, their saturating sum, then sigmoid (tanh for
 *       the cell gate) to Q0.15 ({@code CalculateLstmGate});</li>
 *   <li>cell = sat16(forget * cell rescaled by 2^-15) + (input * cellGate rescaled by 2^-30 / cellScale),
 *       saturated, then clipped to the quantized cell clip ({@code UpdateLstmCell});</li>
 *   <li>the output gate as in 1;</li>
 *   <li>hidden = int8(hiddenZp + tanh(cell) * output rescaled by 2^-30 / hiddenScale) ({@code UpdateLstmHidden}),
 *       and the hidden state is copied into the output row ({@code LstmStep}, step 4).</li>
 * </ol>
 * Batch rows are independent, so processing batch-major input row by row and time-major input step by step give
 * the same bytes; TFLite Micro itself runs time-major input as one batched step.
 *
 * <p>The arrays in the records are owned by this object and never modified after preparation.
 */
final class IntegerLstm {

    /** The table scaling of a Q3.12 gate input: a multiplier of 3 and no shift (TFLite's power-of-two case). */
    private static final Int16Sigmoid.Scaling GATE_INPUT = Int16Sigmoid.Scaling.lstmTanh(-12);

    /**
     * One gate's two fully connected products (lstm_eval_common.cc, {@code CreateGateParams}). TFLite's
     * {@code FullyConnected} computes {@code sum(w * (x + inputOffset)) + bias} (weights are symmetric); since
     * int32 sums wrap the same whatever their order, the offset's share {@code inputOffset * sum(w)} is folded into
     * a per-unit bias here once, as TFLite's 8x8_16 LSTM of the interpreter does ("effective bias").
     *
     * @param inputWeights [units, inputSize] int8
     * @param inputBias per unit: the gate bias plus inputOffset times the row sum of inputWeights
     * @param inputScale inputScale * weightScale / 2^-12 (the product taken in float, as
     *     {@code GetQuantizedConvolutionMultipler} does)
     * @param recurrentWeights [units, units] int8
     * @param recurrentBias per unit: hiddenOffset times the row sum (TFLite Micro passes no recurrent bias)
     * @param recurrentScale hiddenScale * recurrentWeightScale / 2^-12
     * @param tanh whether the activation is tanh (the cell gate) rather than sigmoid
     */
    record Gate(byte[] inputWeights, int[] inputBias, QuantizedMultiplier inputScale, byte[] recurrentWeights,
            int[] recurrentBias, QuantizedMultiplier recurrentScale, boolean tanh) {}

    /**
     * The sizes and order of the sequence.
     *
     * @param batches batch rows
     * @param timeSteps time steps
     * @param inputSize features per input row
     * @param units cell units (the hidden and cell state dimension)
     * @param timeMajor whether the input is [time, batch, input] rather than [batch, time, input]
     */
    record Sizes(int batches, int timeSteps, int inputSize, int units, boolean timeMajor) {

        /** Returns the row (of inputSize or units elements) that batch {@code b} at time {@code t} occupies. */
        int row(int b, int t) {
            return timeMajor ? t * batches + b : b * timeSteps + t;
        }
    }

    /**
     * The element-wise stages (lstm_eval_common.cc, {@code PrepareGateParametersInteger} and
     * {@code CreateLstmCellStateInfo}).
     *
     * @param forgetTimesCell 2^-15 * cellScale / cellScale: forget gate (Q0.15) times cell into the cell's scale
     * @param inputTimesCellGate 2^-15 * 2^-15 / cellScale
     * @param hiddenScale 2^-15 * 2^-15 / hiddenScale: tanh(cell) times output gate into the hidden state
     * @param hiddenZeroPoint the hidden state's zero point
     * @param cellClip the quantized cell clip, or {@link #NO_CLIP}
     * @param cellTanh the table scaling of tanh on the cell state (from its power-of-two scale)
     */
    record Elementwise(QuantizedMultiplier forgetTimesCell, QuantizedMultiplier inputTimesCellGate,
            QuantizedMultiplier hiddenScale, int hiddenZeroPoint, int cellClip, Int16Sigmoid.Scaling cellTanh) {}

    /** The cell clip of a model without one (its clip option is 0). */
    static final int NO_CLIP = -1;

    private final Sizes sizes;
    private final Gate forget;
    private final Gate input;
    private final Gate cell;
    private final Gate output;
    private final Elementwise elementwise;

    IntegerLstm(Sizes sizes, Gate forget, Gate input, Gate cell, Gate output, Elementwise elementwise) {
        this.sizes = sizes;
        this.forget = forget;
        this.input = input;
        this.cell = cell;
        this.output = output;
        this.elementwise = elementwise;
    }

    /**
     * Runs the whole sequence: {@code x} is the input, {@code hidden} [batches, units] and {@code cellState}
     * [batches, units] are the variable states (read and updated), {@code y} receives every step's hidden state.
     */
    void run(byte[] x, byte[] hidden, short[] cellState, byte[] y) {
        int units = sizes.units();
        short[] forgetOut = new short[units];
        short[] inputOut = new short[units];
        short[] cellOut = new short[units];
        short[] outputOut = new short[units];
        for (int b = 0; b < sizes.batches(); b++) {
            int state = b * units;
            for (int t = 0; t < sizes.timeSteps(); t++) {
                int row = sizes.row(b, t);
                int xOffset = row * sizes.inputSize();
                gate(forget, x, xOffset, hidden, state, forgetOut);
                gate(input, x, xOffset, hidden, state, inputOut);
                gate(cell, x, xOffset, hidden, state, cellOut);
                updateCell(cellState, state, forgetOut, inputOut, cellOut);
                gate(output, x, xOffset, hidden, state, outputOut);
                updateHidden(cellState, state, outputOut, hidden);
                System.arraycopy(hidden, state, y, row * units, units);
            }
        }
    }

    /**
     * {@code CalculateLstmGate}: input and recurrent products, each through TFLite's int32
     * {@code MultiplyByQuantizedMultiplier} and clamped to int16 (the fully connected output has zero point 0),
     * summed with int16 saturation ({@code AddElementWise}), then the activation on Q3.12.
     */
    private void gate(Gate g, byte[] x, int xOffset, byte[] hidden, int hOffset, short[] out) {
        int inputSize = sizes.inputSize();
        int units = sizes.units();
        QuantizedMultiplier mi = g.inputScale();
        QuantizedMultiplier mr = g.recurrentScale();
        for (int u = 0; u < units; u++) {
            int fromInput = ConvKernels.dot(x, xOffset, g.inputWeights(), u * inputSize, inputSize) + g.inputBias()[u];
            int fromHidden = ConvKernels.dot(hidden, hOffset, g.recurrentWeights(), u * units, units)
                    + g.recurrentBias()[u];
            int sum = FixedPoint.saturateToInt16(mi.apply(fromInput)) + FixedPoint.saturateToInt16(mr.apply(fromHidden));
            int q312 = FixedPoint.saturateToInt16(sum);
            out[u] = g.tanh() ? Int16Sigmoid.tanh(q312, GATE_INPUT) : Int16Sigmoid.logistic(q312, GATE_INPUT);
        }
    }

    /**
     * {@code UpdateLstmCell}: two {@code MulElementwise} products with int16 outputs (offsets 0), their saturating
     * sum, and {@code Clipping} to [-clip, clip] when the model sets a cell clip.
     */
    private void updateCell(short[] cellState, int offset, short[] forgetGate, short[] inputGate, short[] cellGate) {
        Elementwise e = elementwise;
        int clip = e.cellClip();
        for (int u = 0; u < sizes.units(); u++) {
            int kept = FixedPoint.saturateToInt16(e.forgetTimesCell().apply(forgetGate[u] * cellState[offset + u]));
            int added = FixedPoint.saturateToInt16(e.inputTimesCellGate().apply(inputGate[u] * cellGate[u]));
            int c = FixedPoint.saturateToInt16(kept + added);
            if (clip != NO_CLIP) {
                c = Math.max(Math.min(clip, c), -clip);
            }
            cellState[offset + u] = (short) c;
        }
    }

    /**
     * {@code UpdateLstmHidden}: tanh of the cell state in its own power-of-two format, times the output gate,
     * requantized to the hidden state's scale, offset by its zero point and clamped to int8.
     */
    private void updateHidden(short[] cellState, int offset, short[] outputGate, byte[] hidden) {
        Elementwise e = elementwise;
        for (int u = 0; u < sizes.units(); u++) {
            int tanhCell = Int16Sigmoid.tanh(cellState[offset + u], e.cellTanh());
            int h = e.hiddenZeroPoint() + e.hiddenScale().apply(tanhCell * outputGate[u]);
            hidden[offset + u] = (byte) Math.min(Math.max(h, -128), 127);
        }
    }
}
