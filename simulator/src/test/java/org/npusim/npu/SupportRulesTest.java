// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Activation;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Padding;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.NpuVariant;

/** Does each Ethos-U support rule (ethos-u-facts.md §6) accept and reject the operators it should, with a reason? */
class SupportRulesTest {

    /** A one-operator graph: the last tensor added is the output. */
    static final class OneOp {
        final List<Tensor> tensors = new ArrayList<>();

        int fm(String name, ElementType type, int... dims) {
            int i = tensors.size();
            tensors.add(new Tensor(i, name, type, Shape.of(dims), Optional.of(Quantization.perTensor(0.1f, 0)),
                    Optional.empty(), false));
            return i;
        }

        int constant(String name, ElementType type, ConstantData data, int... dims) {
            int i = tensors.size();
            tensors.add(new Tensor(i, name, type, Shape.of(dims), Optional.of(Quantization.perTensor(0.1f, 0)),
                    Optional.of(data), false));
            return i;
        }

        int int32s(String name, int... values) {
            int i = tensors.size();
            tensors.add(new Tensor(i, name, ElementType.INT32, Shape.of(values.length), Optional.empty(),
                    Optional.of(ConstantData.ofInt32(values)), false));
            return i;
        }

        SupportRules.Decision check(BuiltinOperator op, OpOptions options, int... inputs) {
            int out = tensors.size() - 1;
            Operator o = new Operator(0, OperatorCode.of(op), inputs, new int[] {out}, new int[0], options);
            // Every feature map the operator reads is a subgraph input (nothing else writes it).
            int[] fed = java.util.Arrays.stream(inputs).filter(t -> t >= 0 && !tensors.get(t).isConstant()).toArray();
            Subgraph g = Subgraph.of("main", tensors, List.of(o), fed, new int[] {out});
            return SupportRules.check(g, o, NpuVariant.ETHOS_U55_128);
        }
    }

    private static ConstantData weights(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return ConstantData.ofInt8(b);
    }

    private static SupportRules.Decision conv(int strideW, int strideH, int kernel, int weightValue) {
        OneOp m = new OneOp();
        int x = m.fm("x", ElementType.INT8, 1, 16, 16, 8);
        int w = m.constant("w", ElementType.INT8, weights(8 * kernel * kernel * 8, weightValue), 8, kernel, kernel, 8);
        int b = m.int32s("b", new int[8]);
        m.fm("y", ElementType.INT8, 1, 16 / strideH, 16 / strideW, 8);
        return m.check(BuiltinOperator.CONV_2D, new OpOptions.Conv2D(Padding.SAME, strideW, strideH, 1, 1,
                Activation.RELU), x, w, b);
    }

    @Test
    void check_convolutionWithStride2_isSupported() {
        assertThat(conv(2, 2, 3, 1).supported()).isTrue();
    }

    @Test
    void check_convolutionWithHeightStride4_isUnsupportedWithRemedy() {
        SupportRules.Decision d = conv(1, 4, 3, 1);
        assertThat(d).isInstanceOf(SupportRules.Unsupported.class);
        SupportRules.Unsupported u = (SupportRules.Unsupported) d;
        assertThat(u.reason()).contains("stride 1x4");
        assertThat(u.remedy()).contains("use strides of at most 3");
    }

    /**
     * Σ|w − zp| per output channel may not exceed 127 · 65536 = 8,323,072: a 64×64 kernel over 16 input channels,
     * every weight −128 with zero point 0, sums to 64 · 64 · 16 · 128 = 8,388,608 per output channel.
     */
    @Test
    void check_weightSumAboveLimit_isUnsupported() {
        OneOp m = new OneOp();
        int x = m.fm("x", ElementType.INT8, 1, 64, 64, 16);
        int w = m.constant("w", ElementType.INT8, weights(2 * 64 * 64 * 16, -128), 2, 64, 64, 16);
        m.fm("y", ElementType.INT8, 1, 1, 1, 2);
        SupportRules.Decision d = m.check(BuiltinOperator.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, 1, 1,
                Activation.NONE), x, w);
        assertThat(d.supported()).isFalse();
        assertThat(((SupportRules.Unsupported) d).reason()).contains("8388608").contains("8323072");
    }

    @Test
    void check_softmaxInt8ToInt16_isUnsupported() {
        OneOp m = new OneOp();
        int x = m.fm("x", ElementType.INT8, 1, 2);
        m.fm("y", ElementType.INT16, 1, 2);
        SupportRules.Decision d = m.check(BuiltinOperator.SOFTMAX, new OpOptions.Softmax(1f), x);
        assertThat(d.supported()).isFalse();
        assertThat(((SupportRules.Unsupported) d).reason()).contains("types must match");
    }

    @Test
    void check_quantizeToInt32_isUnsupportedAndQuantizeToInt8Supported() {
        OneOp m = new OneOp();
        int x = m.fm("x", ElementType.INT16, 1, 2);
        m.fm("y", ElementType.INT32, 1, 2);
        assertThat(m.check(BuiltinOperator.QUANTIZE, new OpOptions.NoOptions(), x).supported()).isFalse();
        OneOp n = new OneOp();
        int x2 = n.fm("x", ElementType.INT16, 1, 2);
        n.fm("y", ElementType.INT8, 1, 2);
        assertThat(n.check(BuiltinOperator.QUANTIZE, new OpOptions.NoOptions(), x2).supported()).isTrue();
    }

    @Test
    void check_transposeNchwToNhwc_isUnsupportedAndHeightWidthSwapSupported() {
        OneOp m = new OneOp();
        int x = m.fm("x", ElementType.INT8, 1, 3, 8, 8);
        int p = m.int32s("perm", 0, 2, 3, 1);
        m.fm("y", ElementType.INT8, 1, 8, 8, 3);
        assertThat(m.check(BuiltinOperator.TRANSPOSE, new OpOptions.NoOptions(), x, p).supported()).isFalse();
        OneOp n = new OneOp();
        int x2 = n.fm("x", ElementType.INT8, 1, 4, 8, 3);
        int p2 = n.int32s("perm", 0, 2, 1, 3);
        n.fm("y", ElementType.INT8, 1, 8, 4, 3);
        assertThat(n.check(BuiltinOperator.TRANSPOSE, new OpOptions.NoOptions(), x2, p2).supported()).isTrue();
    }

    @Test
    void check_svdf_isNotAnEthosUOperator() {
        OneOp m = new OneOp();
        int x = m.fm("x", ElementType.INT8, 1, 4);
        m.fm("y", ElementType.INT8, 1, 4);
        SupportRules.Decision d = m.check(BuiltinOperator.SVDF, new OpOptions.Svdf(1, Activation.NONE, false), x);
        assertThat(d.supported()).isFalse();
        assertThat(((SupportRules.Unsupported) d).remedy()).isEmpty();
    }

    @Test
    void check_float32Add_isUnsupported() {
        OneOp m = new OneOp();
        int a = m.fm("a", ElementType.FLOAT32, 1, 4);
        int b = m.fm("b", ElementType.FLOAT32, 1, 4);
        m.fm("y", ElementType.FLOAT32, 1, 4);
        SupportRules.Decision d = m.check(BuiltinOperator.ADD, new OpOptions.Arithmetic(Activation.NONE, true), a, b);
        assertThat(d.supported()).isFalse();
        assertThat(((SupportRules.Unsupported) d).reason()).contains("float32");
    }

    @Test
    void check_addBroadcastingAlongANonUnitDimension_isUnsupported() {
        OneOp m = new OneOp();
        int a = m.fm("a", ElementType.INT8, 1, 4, 4, 8);
        int b = m.fm("b", ElementType.INT8, 1, 4, 2, 8);
        m.fm("y", ElementType.INT8, 1, 4, 4, 8);
        assertThat(m.check(BuiltinOperator.ADD, new OpOptions.Arithmetic(Activation.NONE, true), a, b).supported())
                .isFalse();
    }

    @Test
    void check_maxPoolWithStride4_isUnsupported() {
        OneOp m = new OneOp();
        int x = m.fm("x", ElementType.INT8, 1, 16, 16, 8);
        m.fm("y", ElementType.INT8, 1, 4, 4, 8);
        assertThat(m.check(BuiltinOperator.MAX_POOL_2D, new OpOptions.Pool2D(Padding.VALID, 4, 4, 4, 4,
                Activation.NONE), x).supported()).isFalse();
    }

    @Test
    void check_batchOfTwoConvolution_isUnsupported() {
        OneOp m = new OneOp();
        int x = m.fm("x", ElementType.INT8, 2, 8, 8, 8);
        int w = m.constant("w", ElementType.INT8, weights(8 * 8, 1), 8, 1, 1, 8);
        m.fm("y", ElementType.INT8, 2, 8, 8, 8);
        SupportRules.Decision d = m.check(BuiltinOperator.CONV_2D, new OpOptions.Conv2D(Padding.VALID, 1, 1, 1, 1,
                Activation.NONE), x, w);
        assertThat(d.supported()).isFalse();
        assertThat(((SupportRules.Unsupported) d).reason()).contains("batch 2");
    }
}
