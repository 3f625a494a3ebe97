// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
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

/** Single-operator graphs built in memory, with expected values worked out by hand. */
final class InterpreterTest {

    /** Builds a one-operator model: tensor 0 is the graph input, the last tensor the output. */
    static final class OneOp {
        final List<Tensor> tensors = new ArrayList<>();

        int tensor(String name, ElementType type, Shape shape, float scale, long zp, ConstantData data) {
            int i = tensors.size();
            tensors.add(new Tensor(i, name, type, shape, Optional.of(Quantization.perTensor(scale, zp)),
                    Optional.ofNullable(data), false));
            return i;
        }

        Interpreter build(BuiltinOperator op, OpOptions options, int... inputs) {
            int out = tensors.size() - 1;
            Operator o = new Operator(0, OperatorCode.of(op), inputs, new int[] {out}, new int[0], options);
            Subgraph g = Subgraph.of("main", tensors, List.of(o), new int[] {0}, new int[] {out});
            return Interpreter.of(new Model("test", "", 3, List.of(g)));
        }
    }

    static TensorBuffer int8(Shape shape, int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return TensorBuffer.wrap(ElementType.INT8, shape, b);
    }

    /** Runs {@code it} on uniformly random inputs drawn with {@code seed} ({@link InputFiles#random}). */
    static ExecutionResult runRandom(Interpreter it, long seed) {
        List<TensorBuffer> inputs = new ArrayList<>();
        for (Tensor t : it.inputs()) {
            inputs.add(InputFiles.random(t, seed));
        }
        return it.run(inputs);
    }

    static long[] values(TensorBuffer b) {
        long[] v = new long[b.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.get(i);
        }
        return v;
    }

    @Test
    void of_tensorTooLargeToHold_isRefusedNamingTheTensor() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT8, Shape.of(1, 65536, 65536, 1), 1f, 0, null);
        m.tensor("y", ElementType.INT8, Shape.of(1, 65536, 65536, 1), 1f, 0, null);
        assertThatThrownBy(() -> m.build(BuiltinOperator.RELU, new OpOptions.NoOptions(), 0))
                .isInstanceOf(InputException.class)
                .hasMessage("test: tensor 0 'x': shape 1x65536x65536x1 has 4294967296 elements, more than the"
                        + " functional executor can hold (2147483639)");
    }

    @Test
    void of_unsupportedOperator_namesOperatorAndLayer() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT8, Shape.of(4), 1f, 0, null);
        m.tensor("y", ElementType.INT8, Shape.of(4), 1f, 0, null);
        assertThatThrownBy(() -> m.build(BuiltinOperator.EXP, new OpOptions.NoOptions(), 0))
                .isInstanceOf(InputException.class)
                .hasMessage("test: operator 0 (EXP, output 'y'): operator EXP is not supported by the functional"
                        + " executor");
    }

    @Test
    void of_unsupportedType_namesTheTensorAndTheSupportedTypes() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT16, Shape.of(1, 4), 1f / 4096, 0, null);
        m.tensor("y", ElementType.INT16, Shape.of(1, 4), 1f / 4096, 0, null);
        assertThatThrownBy(() -> m.build(BuiltinOperator.HARD_SWISH, new OpOptions.NoOptions(), 0))
                .isInstanceOf(InputException.class).hasMessageContaining("operator 0 (HARD_SWISH, output 'y')")
                .hasMessageContaining("input 'x' has element type int16; supported: int8");
    }

    @Test
    void run_int16LogisticAndTanh_useTfliteMicrosTable() {
        for (BuiltinOperator op : new BuiltinOperator[] {BuiltinOperator.LOGISTIC, BuiltinOperator.TANH}) {
            OneOp m = new OneOp();
            m.tensor("x", ElementType.INT16, Shape.of(3), 0x1p-12f, 0, null);
            m.tensor("y", ElementType.INT16, Shape.of(3), 0x1p-15f, 0, null);
            Interpreter it = m.build(op, new OpOptions.NoOptions(), 0);
            TensorBuffer x = TensorBuffer.wrap(ElementType.INT16, Shape.of(3), new short[] {0, 4096, -4096});
            // The values Int16SigmoidTest derives by hand: sigmoid(0, 1, -1) and tanh(0, 1, -1) in Q0.15.
            long[] expected = op == BuiltinOperator.LOGISTIC ? new long[] {16384, 23956, 8812}
                    : new long[] {0, 24956, -24956};
            assertThat(values(it.run(List.of(x)).outputs().get(0))).containsExactly(expected);
        }
    }

    @Test
    void of_int16LogisticWithOutputScaleOtherThanQ015_isInputException() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT16, Shape.of(3), 0x1p-12f, 0, null);
        m.tensor("y", ElementType.INT16, Shape.of(3), 0x1p-14f, 0, null);
        assertThatThrownBy(() -> m.build(BuiltinOperator.LOGISTIC, new OpOptions.NoOptions(), 0))
                .isInstanceOf(InputException.class).hasMessageContaining("operator 0 (LOGISTIC, output 'y')")
                .hasMessageContaining("must have scale 2^-15");
    }

    @Test
    void run_wrongInputShape_isInputException() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT8, Shape.of(1, 4), 1f, 0, null);
        m.tensor("y", ElementType.INT8, Shape.of(1, 4), 1f, 0, null);
        Interpreter it = m.build(BuiltinOperator.RESHAPE, new OpOptions.Reshape(new int[] {1, 4}), 0);
        assertThatThrownBy(() -> it.run(List.of(int8(Shape.of(4), 1, 2, 3, 4))))
                .isInstanceOf(InputException.class).hasMessageContaining("expected int8 1x4, given int8 4");
    }

    @Test
    void run_transposeNchwToNhwc_movesChannelsLast() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT8, Shape.of(1, 2, 2, 3), 1f, 0, null);
        m.tensor("perm", ElementType.INT32, Shape.of(4), 1f, 0, ConstantData.ofInt32(new int[] {0, 2, 3, 1}));
        m.tensor("y", ElementType.INT8, Shape.of(1, 2, 3, 2), 1f, 0, null);
        Interpreter it = m.build(BuiltinOperator.TRANSPOSE, new OpOptions.NoOptions(), 0, 1);
        // x[0][a][b][c] = 40a + 10b + c; the permutation (0, 2, 3, 1) gives y[0][b][c][a] = x[0][a][b][c].
        int[] x = new int[12];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 3; c++) {
                    x[(a * 2 + b) * 3 + c] = 40 * a + 10 * b + c;
                }
            }
        }
        TensorBuffer y = it.run(List.of(int8(Shape.of(1, 2, 2, 3), x))).outputs().get(0);
        // y row-major over (b, c, a): (0,0,0)=0 (0,0,1)=40 (0,1,0)=1 (0,1,1)=41 ...
        assertThat(values(y)).containsExactly(0, 40, 1, 41, 2, 42, 10, 50, 11, 51, 12, 52);
    }

    @Test
    void run_stridedSliceNegativeStride_walksBackward() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT8, Shape.of(5), 1f, 0, null);
        m.tensor("begin", ElementType.INT32, Shape.of(1), 1f, 0, ConstantData.ofInt32(new int[] {-1}));
        m.tensor("end", ElementType.INT32, Shape.of(1), 1f, 0, ConstantData.ofInt32(new int[] {0}));
        m.tensor("strides", ElementType.INT32, Shape.of(1), 1f, 0, ConstantData.ofInt32(new int[] {-2}));
        m.tensor("y", ElementType.INT8, Shape.of(2), 1f, 0, null);
        Interpreter it = m.build(BuiltinOperator.STRIDED_SLICE, new OpOptions.StridedSlice(0, 0, 0, 0, 0, false),
                0, 1, 2, 3);
        // begin -1 is index 4; stepping by -2 while the index stays above end 0 visits 4 and 2.
        assertThat(values(it.run(List.of(int8(Shape.of(5), 10, 11, 12, 13, 14))).outputs().get(0)))
                .containsExactly(14, 12);
    }

    @Test
    void run_padInt8_fillsWithTheOutputZeroPoint() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT8, Shape.of(1, 2), 0.5f, -3, null);
        m.tensor("pads", ElementType.INT32, Shape.of(2, 2), 1f, 0, ConstantData.ofInt32(new int[] {1, 0, 1, 2}));
        m.tensor("y", ElementType.INT8, Shape.of(2, 5), 0.5f, -3, null);
        Interpreter it = m.build(BuiltinOperator.PAD, new OpOptions.NoOptions(), 0, 1);
        // One row above, one column before and two after; the padding is real zero, the zero point -3.
        assertThat(values(it.run(List.of(int8(Shape.of(1, 2), 7, 8))).outputs().get(0)))
                .containsExactly(-3, -3, -3, -3, -3, -3, 7, 8, -3, -3);
    }

    @Test
    void run_meanOverHeightAndWidth_roundsHalfAwayFromZero() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.INT8, Shape.of(1, 2, 2, 1), 0.25f, 0, null);
        m.tensor("axis", ElementType.INT32, Shape.of(2), 1f, 0, ConstantData.ofInt32(new int[] {1, 2}));
        m.tensor("y", ElementType.INT8, Shape.of(1, 1, 1, 1), 0.25f, 0, null);
        Interpreter it = m.build(BuiltinOperator.MEAN, new OpOptions.Reducer(true), 0, 1);
        // (1 + 2 + 3 + 5) / 4 = 2.75 -> 3, and (-1 - 2 - 3 - 4) / 4 = -2.5 -> -3 (away from zero).
        assertThat(values(it.run(List.of(int8(Shape.of(1, 2, 2, 1), 1, 2, 3, 5))).outputs().get(0))).containsExactly(3);
        assertThat(values(it.run(List.of(int8(Shape.of(1, 2, 2, 1), -1, -2, -3, -4))).outputs().get(0)))
                .containsExactly(-3);
    }

    @Test
    void run_addWithBroadcastAndRelu_matchesRealArithmetic() {
        OneOp m = new OneOp();
        m.tensor("a", ElementType.INT8, Shape.of(2, 2), 0.5f, 0, null);
        m.tensor("b", ElementType.INT8, Shape.of(2), 0.5f, 0, ConstantData.ofInt8(new byte[] {-6, 2}));
        m.tensor("y", ElementType.INT8, Shape.of(2, 2), 0.5f, 0, null);
        Interpreter it = m.build(BuiltinOperator.ADD, new OpOptions.Arithmetic(Activation.RELU, false), 0, 1);
        // Equal scales: the sum is exact in quantized units; RELU clamps negatives to the zero point 0.
        assertThat(values(it.run(List.of(int8(Shape.of(2, 2), 1, 2, 10, 20))).outputs().get(0)))
                .containsExactly(0, 4, 4, 22);
    }

    @Test
    void run_concatenationOnLastAxis_interleavesRows() {
        OneOp m = new OneOp();
        m.tensor("a", ElementType.INT8, Shape.of(2, 1), 1f, 0, null);
        m.tensor("b", ElementType.INT8, Shape.of(2, 2), 1f, 0, ConstantData.ofInt8(new byte[] {5, 6, 7, 8}));
        m.tensor("y", ElementType.INT8, Shape.of(2, 3), 1f, 0, null);
        Interpreter it = m.build(BuiltinOperator.CONCATENATION, new OpOptions.Concatenation(-1, Activation.NONE), 0, 1);
        assertThat(values(it.run(List.of(int8(Shape.of(2, 1), 1, 2))).outputs().get(0)))
                .containsExactly(1, 5, 6, 2, 7, 8);
    }

    @Test
    void run_quantizeFloatThenStats_roundsAndCountsZeros() {
        OneOp m = new OneOp();
        m.tensor("x", ElementType.FLOAT32, Shape.of(5), 1f, 0, null);
        m.tensor("y", ElementType.INT8, Shape.of(5), 0.5f, 1, null);
        Interpreter it = m.build(BuiltinOperator.QUANTIZE, new OpOptions.NoOptions(), 0);
        TensorBuffer x = TensorBuffer.wrap(ElementType.FLOAT32, Shape.of(5), new float[] {0f, 0.25f, -0.75f, 100f, 1f});
        ExecutionResult r = it.run(List.of(x));
        // x / 0.5 = 0, 0.5, -1.5, 200, 2 -> round half away: 0, 1, -2, 200, 2; + zp 1; 201 saturates at 127.
        assertThat(values(r.outputs().get(0))).containsExactly(1, 2, -1, 127, 3);
        ActivationStats s = r.stats(1);
        assertThat(s.zeros()).isEqualTo(1); // only the first value is the zero point
        assertThat(s.atTypeMax()).isEqualTo(1);
        assertThat(s.min()).isEqualTo(-1);
        assertThat(s.zeroFraction()).isEqualTo(0.2);
    }
}
