// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.npusim.graph.Activation;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpOptions;
import org.npusim.graph.PadFolding;
import org.npusim.graph.Operator;
import org.npusim.graph.Padding;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.StridedConvRewrite;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.NpuVariant;

/**
 * Whether the Ethos-U can run an operator, by Vela 3.10's operator support rules (ethos-u-facts.md §6; Vela's
 * {@code tflite_model_semantic.py} and {@code tflite_supported_operators.py}): a pure function of the graph, the
 * operator and the NPU variant. An operator that fails a rule stays on the CPU, as Vela's
 * {@code --show-cpu-operations} lists it; the decision carries the rule it failed and, where a change of the model
 * would satisfy the rule, that change.
 *
 * <p>Rules are checked in Vela's order: the operator must be one the Ethos-U supports; then the generic semantic
 * checks (no dynamic or scalar tensors where Vela rejects them, rank at most 4, quantization present and finite);
 * then the generic NPU checks (data types, int32 only for the operators that take it, dimensions in [1, 65535],
 * per-axis quantization only for convolutions, the fused activation, batch 1); then the operator's own checks
 * (strides, kernel sizes, dilation, weights, bias, shapes). Vela 3.10 applies the same rules to every Ethos-U55 and
 * Ethos-U65 variant, so the variant does not change a decision; it is a parameter for the Ethos-U85, whose rules
 * differ.
 */
public final class SupportRules {

    private SupportRules() {}

    /** The decision for one operator. */
    public sealed interface Decision {
        /** Returns the decision's kind, for switch dispatch. */
        Kind kind();

        /** Returns whether the operator runs on the NPU. */
        default boolean supported() {
            return kind() == Kind.SUPPORTED;
        }
    }

    /** Decision kinds. */
    public enum Kind {
        SUPPORTED,
        UNSUPPORTED
    }

    /** The operator runs on the NPU. */
    public record Supported() implements Decision {
        @Override
        public Kind kind() {
            return Kind.SUPPORTED;
        }
    }

    /**
     * The operator stays on the CPU.
     *
     * @param reason the rule it fails, with the operator's values
     * @param remedy the change of the model that would satisfy the rule, when one would
     */
    public record Unsupported(String reason, Optional<String> remedy) implements Decision {
        public Unsupported {
            java.util.Objects.requireNonNull(reason, "reason");
            java.util.Objects.requireNonNull(remedy, "remedy");
        }

        @Override
        public Kind kind() {
            return Kind.UNSUPPORTED;
        }
    }

    private static final Supported SUPPORTED = new Supported();

    /** {@code tens_dim_range}. */
    static final int MAX_DIMENSION = 65535;
    /** {@code stride_range}. */
    static final int MAX_STRIDE = 3;
    /** {@code dilated_height_range}. */
    static final int MAX_DILATED_HEIGHT = 64;
    /** {@code dilated_product_range}. */
    static final int MAX_DILATED_PRODUCT = 64 * 64;
    /** {@code weights_limit}: the largest sum of |w - zero point| over one output channel. */
    static final long WEIGHTS_LIMIT = 127L * 65536;
    /** {@code filter_range}: kernel sizes of SAME-padded average pooling. */
    static final int MAX_SAME_POOL_KERNEL = 8;
    /** {@code filter_height_range}. */
    static final int MAX_POOL_HEIGHT = 256;
    /** {@code filter_product_range}. */
    static final int MAX_POOL_PRODUCT = 256 * 256;
    /** {@code mean_reduced_axis_max_size}. */
    static final int MAX_MEAN_AXIS = 4096;
    /** Bits a 64-bit bias may use. */
    static final int BIAS_BITS = 40;

    /** The TFLite operators Vela 3.10 places on the NPU when their checks pass (ethos-u-facts.md §6.2, §9). */
    private static final Set<BuiltinOperator> OPERATORS = EnumSet.of(BuiltinOperator.CONV_2D,
            BuiltinOperator.DEPTHWISE_CONV_2D, BuiltinOperator.TRANSPOSE_CONV, BuiltinOperator.FULLY_CONNECTED,
            BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.ADD, BuiltinOperator.SUB,
            BuiltinOperator.MUL, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM, BuiltinOperator.ABS,
            BuiltinOperator.LEAKY_RELU, BuiltinOperator.HARD_SWISH, BuiltinOperator.LOGISTIC, BuiltinOperator.TANH,
            BuiltinOperator.EXP, BuiltinOperator.RSQRT, BuiltinOperator.LOG, BuiltinOperator.SQRT, BuiltinOperator.GELU,
            BuiltinOperator.SQUARED_DIFFERENCE, BuiltinOperator.SOFTMAX, BuiltinOperator.MEAN, BuiltinOperator.ARG_MAX,
            BuiltinOperator.RESIZE_BILINEAR, BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, BuiltinOperator.PAD,
            BuiltinOperator.CONCATENATION, BuiltinOperator.SPLIT, BuiltinOperator.SPLIT_V, BuiltinOperator.SLICE,
            BuiltinOperator.STRIDED_SLICE, BuiltinOperator.PACK, BuiltinOperator.UNPACK, BuiltinOperator.RESHAPE,
            BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS, BuiltinOperator.TRANSPOSE, BuiltinOperator.QUANTIZE,
            BuiltinOperator.PRELU, BuiltinOperator.RELU, BuiltinOperator.RELU6, BuiltinOperator.RELU_N1_TO_1,
            BuiltinOperator.SHAPE, BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM);

    /** Operators whose scalar inputs Vela accepts ({@code shapeless_input_ops}). */
    private static final Set<BuiltinOperator> SCALAR_INPUTS = EnumSet.of(BuiltinOperator.ADD, BuiltinOperator.SUB,
            BuiltinOperator.MUL, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM, BuiltinOperator.ARG_MAX,
            BuiltinOperator.EXPAND_DIMS, BuiltinOperator.MEAN, BuiltinOperator.QUANTIZE, BuiltinOperator.SPLIT,
            BuiltinOperator.SPLIT_V);

    /** Operators that may have int32 tensors ({@code supported_int32_tensor_ops}). */
    private static final Set<BuiltinOperator> INT32_OPERATORS = EnumSet.of(BuiltinOperator.ADD, BuiltinOperator.SUB,
            BuiltinOperator.MUL, BuiltinOperator.ARG_MAX, BuiltinOperator.SHAPE, BuiltinOperator.TRANSPOSE);

    /** Operators that may be unquantized. */
    private static final Set<BuiltinOperator> UNQUANTIZED = EnumSet.of(BuiltinOperator.ARG_MAX, BuiltinOperator.SHAPE,
            BuiltinOperator.TRANSPOSE);

    /** Binary element-wise operators (the IFM2 is their second input). */
    private static final Set<BuiltinOperator> BINARY = EnumSet.of(BuiltinOperator.ADD, BuiltinOperator.SUB,
            BuiltinOperator.MUL, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM, BuiltinOperator.SQUARED_DIFFERENCE,
            BuiltinOperator.PRELU);

    /** Element-wise operators, whose tensors of rank above 2 need batch 1 ({@code constraint_elemwise_batch_size}). */
    private static final Set<BuiltinOperator> ELEMENTWISE = EnumSet.of(BuiltinOperator.ADD, BuiltinOperator.SUB,
            BuiltinOperator.MUL, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM, BuiltinOperator.ABS,
            BuiltinOperator.LEAKY_RELU, BuiltinOperator.SQUARED_DIFFERENCE);

    /** Returns the decision for {@code op} of {@code graph} on {@code variant}. */
    public static Decision check(Subgraph graph, Operator op, NpuVariant variant) {
        java.util.Objects.requireNonNull(variant, "variant");
        return check(graph, op);
    }

    /** Returns the decision for {@code op} of {@code graph}, by the rules every Ethos-U55 and U65 variant shares. */
    public static Decision check(Subgraph graph, Operator op) {
        Optional<BuiltinOperator> b = op.code().builtin();
        if (b.isEmpty() || !OPERATORS.contains(b.get())) {
            return new Unsupported(op.opName() + " is not an Ethos-U operator (Vela leaves it to the CPU)",
                    Optional.empty());
        }
        if (op.outputCount() == 0 || op.inputCount() == 0) {
            return new Unsupported(op.opName() + " has no inputs or outputs", Optional.empty());
        }
        Rules r = new Rules(graph, op, b.get());
        Optional<Unsupported> failed = r.generic();
        if (failed.isEmpty()) {
            failed = r.specific();
        }
        return failed.<Decision>map(u -> u).orElse(SUPPORTED);
    }

    /** The checks of one operator. */
    private static final class Rules {
        final Subgraph g;
        final Operator op;
        final BuiltinOperator b;

        Rules(Subgraph g, Operator op, BuiltinOperator b) {
            this.g = g;
            this.op = op;
            this.b = b;
        }

        Tensor t(int index) {
            return g.tensor(index);
        }

        Optional<Tensor> input(int slot) {
            int i = op.input(slot);
            return i >= 0 ? Optional.of(t(i)) : Optional.empty();
        }

        Tensor ofm() {
            return t(op.output(0));
        }

        /**
         * The feature map an operator reads, at Vela's IFM index ({@code operation.py}: {@code TensorIndices}): the
         * third input of TRANSPOSE_CONV, the second of SPLIT (after its axis), else the first.
         */
        Tensor ifm() {
            return switch (b) {
                case TRANSPOSE_CONV -> input(2).orElseGet(() -> t(op.input(0)));
                case SPLIT -> input(1).orElseGet(() -> t(op.input(0)));
                default -> t(op.input(0));
            };
        }

        Optional<Tensor> ifm2() {
            return BINARY.contains(b) ? input(1) : Optional.empty();
        }

        Optional<Tensor> weights() {
            return switch (b) {
                case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV -> input(1);
                default -> Optional.empty();
            };
        }

        Optional<Tensor> bias() {
            return switch (b) {
                case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> input(2);
                case TRANSPOSE_CONV -> input(3);
                default -> Optional.empty();
            };
        }

        /** Vela's {@code get_ifm_ifm2_weights_ofm}: the tensors the generic checks look at. */
        java.util.List<Tensor> mainTensors() {
            java.util.List<Tensor> l = new java.util.ArrayList<>();
            l.add(ifm());
            ifm2().ifPresent(l::add);
            weights().ifPresent(l::add);
            l.add(ofm());
            return l;
        }

        /** Returns a tensor's name for messages, or its index when it has none. */
        static String label(Tensor x) {
            return x.name().isEmpty() ? "#" + x.index() : x.name();
        }

        static Unsupported no(String reason, String remedy) {
            return new Unsupported(reason, Optional.of(remedy));
        }

        static Unsupported no(String reason) {
            return new Unsupported(reason, Optional.empty());
        }

        Optional<Unsupported> generic() {
            // Semantic checks (tflite_model_semantic.py).
            for (int i : op.inputs()) {
                if (i < 0) {
                    continue;
                }
                Tensor in = t(i);
                if (in.shape().rank() == 0 && !in.isConstant() && b != BuiltinOperator.QUANTIZE) {
                    return Optional.of(no("input " + label(in) + " is a dynamic (shapeless) tensor",
                            "give the tensor a static shape"));
                }
                if (in.shape().rank() == 0 && !SCALAR_INPUTS.contains(b)) {
                    return Optional.of(no(op.opName() + " has the scalar input " + label(in)
                            + "; only ADD, SUB, MUL, MAXIMUM, MINIMUM, ARG_MAX, EXPAND_DIMS, MEAN, QUANTIZE, SPLIT and"
                            + " SPLIT_V take scalars", "give the input a shape of rank 1 or more"));
                }
                if (in.shape().rank() > 4) {
                    return Optional.of(no("input " + label(in) + " has rank " + in.shape().rank() + " (at most 4)",
                            "reshape it to at most 4 dimensions"));
                }
            }
            for (int o : op.outputs()) {
                if (t(o).shape().rank() > 4) {
                    return Optional.of(no("output " + label(t(o)) + " has rank " + t(o).shape().rank()
                            + " (at most 4)", "reshape it to at most 4 dimensions"));
                }
            }
            if (ofm().shape().rank() == 0 && b != BuiltinOperator.QUANTIZE) {
                return Optional.of(no("the output " + label(ofm()) + " is a scalar", "give the output a shape"));
            }
            if (!UNQUANTIZED.contains(b)) {
                for (Tensor x : mainTensors()) {
                    if (x.quantization().isEmpty() || x.quantization().get().channelCount() == 0) {
                        return Optional.of(no("tensor " + label(x) + " has no quantization parameters",
                                "quantize the model (int8, or int16 activations with int8 weights)"));
                    }
                    for (float s : x.quantization().get().scales()) {
                        if (!Float.isFinite(s)) {
                            return Optional.of(no("tensor " + label(x) + " has a scale that is not finite",
                                    "requantize the tensor with a finite scale"));
                        }
                    }
                }
            }
            // Generic NPU checks (tflite_supported_operators.py).
            for (Tensor x : mainTensors()) {
                ElementType e = x.type();
                boolean ok = e == ElementType.INT8 || e == ElementType.UINT8 || e == ElementType.INT16
                        || e == ElementType.INT32;
                if (!ok && b != BuiltinOperator.ARG_MAX) {
                    return Optional.of(no("tensor " + label(x) + " is " + e.label()
                            + "; the Ethos-U takes int8, uint8, int16 and int32", "quantize it to int8 or int16"));
                }
                if (e == ElementType.INT32 && !INT32_OPERATORS.contains(b)) {
                    return Optional.of(no(op.opName() + " has the int32 tensor " + label(x)
                            + "; int32 tensors are allowed only for ADD, SUB, MUL, ARG_MAX, SHAPE and TRANSPOSE",
                            "make " + label(x) + " int8 or int16"));
                }
                for (int d : x.shape().dims()) {
                    if (d < 1 || d > MAX_DIMENSION) {
                        return Optional.of(no("tensor " + label(x) + " has shape " + x.shape()
                                + "; every dimension must be in [1, " + MAX_DIMENSION + "]",
                                "split the tensor so that every dimension is at most " + MAX_DIMENSION));
                    }
                }
                boolean perAxisOk = b == BuiltinOperator.CONV_2D || b == BuiltinOperator.DEPTHWISE_CONV_2D
                        || b == BuiltinOperator.TRANSPOSE_CONV;
                if (!perAxisOk && x.quantization().map(Quantization::isPerChannel).orElse(false)) {
                    return Optional.of(no("tensor " + label(x) + " has per-axis quantization, which the Ethos-U takes"
                            + " only for convolutions", "quantize " + label(x) + " per tensor"));
                }
            }
            Activation act = activation();
            if (act == Activation.SIGN_BIT) {
                return Optional.of(no("the fused activation SIGN_BIT is not one the Ethos-U applies",
                        "fuse only RELU, RELU6, RELU_N1_TO_1 or TANH"));
            }
            if (act != Activation.NONE) {
                ElementType e = ofm().type();
                if (e != ElementType.INT8 && e != ElementType.UINT8 && e != ElementType.INT16) {
                    return Optional.of(no("a fused " + act + " needs an int8, uint8 or int16 output, not "
                            + e.label(), "make the output int8 or int16"));
                }
            }
            return Optional.empty();
        }

        Activation activation() {
            return switch (op.options().kind()) {
                case CONV_2D -> ((OpOptions.Conv2D) op.options()).activation();
                case DEPTHWISE_CONV_2D -> ((OpOptions.DepthwiseConv2D) op.options()).activation();
                case FULLY_CONNECTED -> ((OpOptions.FullyConnected) op.options()).activation();
                case TRANSPOSE_CONV -> ((OpOptions.TransposeConv) op.options()).activation();
                case POOL_2D -> ((OpOptions.Pool2D) op.options()).activation();
                case ARITHMETIC -> ((OpOptions.Arithmetic) op.options()).activation();
                case CONCATENATION -> ((OpOptions.Concatenation) op.options()).activation();
                default -> Activation.NONE;
            };
        }

        Optional<Unsupported> batchOne(Tensor x) {
            if (x.shape().rank() >= 1 && x.shape().nhwc(0) != 1) {
                return Optional.of(no("the IFM " + label(x) + " has batch " + x.shape().nhwc(0)
                        + "; the Ethos-U runs batch 1 only", "run the batches one at a time (batch 1)"));
            }
            return Optional.empty();
        }

        Optional<Unsupported> specific() {
            return switch (b) {
                case CONV_2D, DEPTHWISE_CONV_2D -> convolution();
                case TRANSPOSE_CONV -> transposeConv();
                case FULLY_CONNECTED -> fullyConnected();
                case AVERAGE_POOL_2D, MAX_POOL_2D -> pool();
                case ADD, SUB, MUL -> arithmetic();
                case MAXIMUM, MINIMUM -> minMax();
                case ABS, LEAKY_RELU, SQUARED_DIFFERENCE -> firstOf(elementwiseBatch(), eitherShape(),
                        b == BuiltinOperator.SQUARED_DIFFERENCE ? Optional.empty() : typesMatch());
                case HARD_SWISH -> firstOf(eightBit(ifm()), typesMatch());
                case EXP -> firstOf(ifm().type() == ElementType.INT8 || ifm().type() == ElementType.INT16
                        ? Optional.empty() : Optional.of(no("EXP takes int8 or int16, not " + ifm().type().label(),
                        "make the input int8 or int16")), shapesMatch());
                case RSQRT -> ifm().type() == ElementType.INT8 ? Optional.empty()
                        : Optional.of(no("RSQRT takes int8 only, not " + ifm().type().label(), "make the input int8"));
                case SOFTMAX -> softmax();
                case MEAN -> mean();
                case ARG_MAX -> argMax();
                case RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR -> resize();
                case PAD -> pad();
                case RESHAPE -> reshape();
                case SQUEEZE, EXPAND_DIMS -> quantizationKept();
                case STRIDED_SLICE -> stridedSlice();
                case CONCATENATION -> concatenation();
                case TRANSPOSE -> transpose();
                case QUANTIZE -> Optional.empty();
                case UNIDIRECTIONAL_SEQUENCE_LSTM -> lstm();
                default -> Optional.empty();
            };
        }

        @SafeVarargs
        static Optional<Unsupported> firstOf(Optional<Unsupported>... checks) {
            for (Optional<Unsupported> c : checks) {
                if (c.isPresent()) {
                    return c;
                }
            }
            return Optional.empty();
        }

        Optional<Unsupported> eightBit(Tensor x) {
            return x.type() == ElementType.INT8 || x.type() == ElementType.UINT8 ? Optional.empty()
                    : Optional.of(no(op.opName() + " takes int8 or uint8, not " + x.type().label() + " (" + label(x)
                    + ")", "make " + label(x) + " int8"));
        }

        Optional<Unsupported> typesMatch() {
            return ifm().type() == ofm().type() ? Optional.empty()
                    : Optional.of(no(op.opName() + " from " + ifm().type().label() + " to " + ofm().type().label()
                    + ": IFM and OFM types must match", "give the output the input's type ("
                    + ifm().type().label() + ")"));
        }

        Optional<Unsupported> shapesMatch() {
            return ifm().shape().equals(ofm().shape()) ? Optional.empty()
                    : Optional.of(no(op.opName() + ": IFM shape " + ifm().shape() + " and OFM shape " + ofm().shape()
                    + " must match", "make the shapes equal"));
        }

        // ---- Convolutions ----

        Optional<Unsupported> convolution() {
            Optional<Tensor> w = weights();
            if (w.isEmpty() || w.get().shape().rank() != 4) {
                return Optional.of(no(op.opName() + " has no 4-D weight tensor", "give it constant 4-D weights"));
            }
            int kh = w.get().shape().dim(1);
            int kw = w.get().shape().dim(2);
            int sw;
            int sh;
            int dw;
            int dh;
            if (op.options() instanceof OpOptions.Conv2D c) {
                sw = c.strideW();
                sh = c.strideH();
                dw = c.dilationW();
                dh = c.dilationH();
            } else {
                OpOptions.DepthwiseConv2D d = (OpOptions.DepthwiseConv2D) op.options();
                sw = d.strideW();
                sh = d.strideH();
                dw = d.dilationW();
                dh = d.dilationH();
            }
            boolean conv = b == BuiltinOperator.CONV_2D;
            int ofmH = ofm().shape().nhwc(1);
            boolean strideWOk = sw <= MAX_STRIDE || (conv && StridedConvRewrite.of(op, g.tensors()).isPresent());
            boolean strideHOk = sh <= MAX_STRIDE || (conv && ofmH == 1);
            if (!strideWOk || !strideHOk) {
                return Optional.of(no("stride " + sw + "x" + sh + " (WxH); the Ethos-U takes strides 1 to 3"
                        + (conv ? ", or a larger width stride Vela can fold into the depth" : ""),
                        "use strides of at most 3"));
            }
            Optional<Unsupported> k = firstOf(dilation(kw, kh, dw, dh), weightsOk(w.get()), biasOk(), batchOne(ifm()));
            if (k.isPresent()) {
                return k;
            }
            if (conv) {
                int depth = w.get().shape().dim(3);
                int ifmC = ifm().shape().nhwc(3);
                if (depth <= 0 || ifmC % depth != 0) {
                    return Optional.of(no("the IFM depth " + ifmC + " is not a multiple of the kernel depth " + depth,
                            "make the IFM depth a multiple of the kernel depth"));
                }
                return Optional.empty();
            }
            int multiplier = ((OpOptions.DepthwiseConv2D) op.options()).depthMultiplier();
            int ifmC = ifm().shape().nhwc(3);
            int ofmC = ofm().shape().nhwc(3);
            if (multiplier > 1 && !(ifmC == 1 && ofmC == multiplier)) {
                return Optional.of(no("depth multiplier " + multiplier + " with IFM depth " + ifmC + " and OFM depth "
                        + ofmC + "; a multiplier above 1 needs one IFM channel",
                        "use depth multiplier 1, or a CONV_2D"));
            }
            return Optional.empty();
        }

        Optional<Unsupported> dilation(int kw, int kh, int dw, int dh) {
            int dilatedH = (kh - 1) * dh + 1;
            int dilatedW = (kw - 1) * dw + 1;
            if (dilatedH > MAX_DILATED_HEIGHT) {
                return Optional.of(no("dilated kernel height " + dilatedH + " (at most " + MAX_DILATED_HEIGHT + ")",
                        "use a smaller kernel or dilation"));
            }
            if ((long) dilatedH * dilatedW > MAX_DILATED_PRODUCT) {
                return Optional.of(no("dilated kernel area " + dilatedW + "x" + dilatedH + " (at most "
                        + MAX_DILATED_PRODUCT + ")", "use a smaller kernel or dilation"));
            }
            return Optional.empty();
        }

        Optional<Unsupported> weightsOk(Tensor w) {
            if (w.type().sizeBits() != 8) {
                return Optional.of(no("the weights " + label(w) + " are " + w.type().sizeBits()
                        + "-bit; the Ethos-U takes 8-bit weights", "quantize the weights to int8"));
            }
            if (!w.isConstant()) {
                return Optional.of(no("the weights " + label(w) + " are not constant", "make the weights constant"));
            }
            if (b == BuiltinOperator.FULLY_CONNECTED) {
                return Optional.empty();
            }
            long sum = maxChannelWeightSum(w);
            if (sum > WEIGHTS_LIMIT) {
                return Optional.of(no("the weights " + label(w) + " sum to " + sum + " in one output channel (at most "
                        + WEIGHTS_LIMIT + ")", "reduce the weights' magnitude, or split the output channel"));
            }
            return Optional.empty();
        }

        /**
         * Returns max over output channels of Σ|w − zero point| ({@code constraint_weights_limit}): CONV_2D and
         * TRANSPOSE_CONV weights are [C_out, kh, kw, C_in], DEPTHWISE_CONV_2D weights [1, kh, kw, C_out]. Returns 0
         * without summing when a channel has too few weights to reach the limit.
         */
        long maxChannelWeightSum(Tensor w) {
            Shape s = w.shape();
            boolean depthwise = b == BuiltinOperator.DEPTHWISE_CONV_2D;
            int channels = depthwise ? s.dim(3) : s.dim(0);
            if (channels <= 0) {
                return 0;
            }
            // No channel can exceed the limit when even |w - zp| = 255 everywhere stays under it: skip the sum.
            if (s.elementCount() / channels * 255 <= WEIGHTS_LIMIT) {
                return 0;
            }
            byte[] v = w.data().get().toByteArray();
            long[] sums = new long[channels];
            Quantization q = w.quantization().orElse(Quantization.perTensor(1f, 0));
            boolean unsigned = w.type() == ElementType.UINT8;
            int inner = (int) (s.elementCount() / channels);
            for (int i = 0; i < v.length && i < s.elementCount(); i++) {
                int c = depthwise ? i % channels : i / inner;
                long value = unsigned ? (v[i] & 0xff) : v[i];
                sums[c] += Math.abs(value - q.zeroPoint(q.channelCount() > 1 ? c : 0));
            }
            long max = 0;
            for (long x : sums) {
                max = Math.max(max, x);
            }
            return max;
        }

        Optional<Unsupported> biasOk() {
            Optional<Tensor> bias = bias();
            if (bias.isEmpty()) {
                return Optional.empty();
            }
            Tensor t = bias.get();
            if (t.type() != ElementType.INT32 && t.type() != ElementType.INT64) {
                return Optional.of(no("the bias " + label(t) + " is " + t.type().label() + " (int32 or int64)",
                        "make the bias int32"));
            }
            if (t.type() == ElementType.INT64 && t.isConstant()) {
                for (long x : t.data().get().toLongArray()) {
                    if (64 - Long.numberOfLeadingZeros(Math.abs(x)) > BIAS_BITS) {
                        return Optional.of(no("the bias " + label(t) + " has values wider than " + BIAS_BITS + " bits",
                                "keep bias values within 40 bits"));
                    }
                }
            }
            return Optional.empty();
        }

        Optional<Unsupported> transposeConv() {
            Optional<Tensor> w = weights();
            if (w.isEmpty() || w.get().shape().rank() != 4) {
                return Optional.of(no("TRANSPOSE_CONV has no 4-D weight tensor", "give it constant 4-D weights"));
            }
            OpOptions.TransposeConv o = (OpOptions.TransposeConv) op.options();
            int kh = w.get().shape().dim(1);
            int kw = w.get().shape().dim(2);
            int ifmH = ifm().shape().nhwc(1);
            int ifmW = ifm().shape().nhwc(2);
            int ofmH = ofm().shape().nhwc(1);
            int ofmW = ofm().shape().nhwc(2);
            boolean strideOk = (o.strideW() == 1 && o.strideH() == 1) || (o.strideW() == 2 && o.strideH() == 2)
                    || (o.strideW() == 2 && o.strideH() == 1 && ifmH == 1 && kh == 1);
            if (!strideOk) {
                return Optional.of(no("TRANSPOSE_CONV stride " + o.strideW() + "x" + o.strideH()
                        + " (WxH); the Ethos-U takes 1x1 and 2x2 (2x1 with IFM and kernel height 1)",
                        "use stride 2x2"));
            }
            boolean sizeOk = o.padding() == Padding.SAME
                    ? ofmH == ifmH * o.strideH() && ofmW == ifmW * o.strideW()
                    : ofmH == ifmH * o.strideH() + Math.max(kh - o.strideH(), 0)
                            && ofmW == ifmW * o.strideW() + Math.max(kw - o.strideW(), 0);
            if (!sizeOk) {
                return Optional.of(no("TRANSPOSE_CONV output " + ofmW + "x" + ofmH + " does not follow from input "
                        + ifmW + "x" + ifmH + " and the strides with " + o.padding() + " padding",
                        "give the output the size the padding rule gives"));
            }
            return firstOf(dilation(kw, kh, 1, 1), weightsOk(w.get()), biasOk(), batchOne(ifm()));
        }

        Optional<Unsupported> fullyConnected() {
            Optional<Tensor> w = weights();
            if (w.isEmpty()) {
                return Optional.of(no("FULLY_CONNECTED has no weight tensor", "give it constant weights"));
            }
            Optional<Unsupported> k = firstOf(weightsOk(w.get()), biasOk());
            if (k.isPresent()) {
                return k;
            }
            OpOptions.FullyConnected o = (OpOptions.FullyConnected) op.options();
            int outRank = ofm().shape().rank();
            if (o.keepNumDims() ? outRank != ifm().shape().rank() : outRank != 2) {
                return Optional.of(no("the FULLY_CONNECTED output has rank " + outRank + (o.keepNumDims()
                        ? " but keep_num_dims needs the input's rank " + ifm().shape().rank() : "; it must be 2-D"),
                        "reshape the output to 2-D"));
            }
            return Optional.empty();
        }

        // ---- Pooling ----

        Optional<Unsupported> pool() {
            OpOptions.Pool2D o = (OpOptions.Pool2D) op.options();
            boolean avg = b == BuiltinOperator.AVERAGE_POOL_2D;
            Optional<Unsupported> k = firstOf(batchOne(ifm()), typesMatch());
            if (k.isPresent()) {
                return k;
            }
            boolean strideOk = o.strideH() <= MAX_STRIDE
                    && (o.strideW() <= MAX_STRIDE || (avg && o.padding() == Padding.VALID));
            if (!strideOk) {
                return Optional.of(no("stride " + o.strideW() + "x" + o.strideH() + " (WxH); pooling takes strides 1"
                        + " to 3" + (avg ? " (a wider average-pool stride needs VALID padding)" : ""),
                        "use strides of at most 3"));
            }
            if (avg && o.padding() == Padding.SAME) {
                if (o.filterW() > MAX_SAME_POOL_KERNEL || o.filterH() > MAX_SAME_POOL_KERNEL) {
                    return Optional.of(no("SAME-padded average pool of " + o.filterW() + "x" + o.filterH()
                            + "; the kernel must be at most 8x8", "use VALID padding or a kernel of at most 8x8"));
                }
                return Optional.empty();
            }
            if (o.filterH() > MAX_POOL_HEIGHT) {
                return Optional.of(no("kernel height " + o.filterH() + " (at most " + MAX_POOL_HEIGHT + ")",
                        "pool in several steps"));
            }
            if ((long) o.filterW() * o.filterH() > MAX_POOL_PRODUCT) {
                return Optional.of(no("kernel area " + o.filterW() + "x" + o.filterH() + " (at most "
                        + MAX_POOL_PRODUCT + ")", "pool in several steps"));
            }
            return Optional.empty();
        }

        // ---- Element-wise ----

        Optional<Unsupported> elementwiseBatch() {
            for (Tensor x : new Tensor[] {ifm(), ifm2().orElse(ifm())}) {
                if (x.shape().rank() > 2 && x.shape().dim(0) != 1) {
                    return Optional.of(no("the input " + label(x) + " has batch " + x.shape().dim(0)
                            + "; element-wise operators take batch 1", "run the batches one at a time"));
                }
            }
            return Optional.empty();
        }

        Optional<Unsupported> eitherShape() {
            Shape out = ofm().shape();
            boolean either = ifm().shape().equals(out) || ifm2().map(t -> t.shape().equals(out)).orElse(false);
            return either ? Optional.empty()
                    : Optional.of(no("neither input has the output's shape " + out,
                    "broadcast only one input, to the other's shape"));
        }

        Optional<Unsupported> broadcast() {
            if (ifm2().isEmpty()) {
                return Optional.empty();
            }
            int[] a = ifm().shape().dims();
            int[] c = ifm2().get().shape().dims();
            int[] o = ofm().shape().dims();
            int n = Math.min(a.length, c.length);
            for (int i = 1; i <= n; i++) {
                int x = a[a.length - i];
                int y = c[c.length - i];
                int z = o.length >= i ? o[o.length - i] : 1;
                if (!(x == y || x == 1 || y == 1) || z != Math.max(x, y)) {
                    return Optional.of(no("inputs " + ifm().shape() + " and " + ifm2().get().shape()
                            + " broadcast along a dimension that is not 1", "broadcast only along dimensions of size 1"));
                }
            }
            return Optional.empty();
        }

        Optional<Unsupported> arithmetic() {
            Optional<Unsupported> k = firstOf(elementwiseBatch(), eitherShape(), broadcast());
            if (k.isPresent() || ifm2().isEmpty()) {
                return k;
            }
            ElementType a = ifm().type();
            ElementType c = ifm2().get().type();
            ElementType o = ofm().type();
            if (a != c) {
                return Optional.of(no(op.opName() + " of " + a.label() + " and " + c.label()
                        + ": the input types must match", "give both inputs the same type"));
            }
            boolean signed = a != ElementType.UINT8;
            if (signed && o == ElementType.UINT8) {
                return Optional.of(no(op.opName() + " of signed inputs to an unsigned output",
                        "make the output signed"));
            }
            if (!signed && o != a && o != ElementType.INT32) {
                return Optional.of(no(op.opName() + " of uint8 inputs to " + o.label()
                        + ": the output must be uint8 or int32", "make the output uint8"));
            }
            return Optional.empty();
        }

        Optional<Unsupported> minMax() {
            Optional<Unsupported> k = firstOf(elementwiseBatch(), eitherShape(), broadcast(), typesMatch());
            if (k.isPresent()) {
                return k;
            }
            Optional<Quantization> out = ofm().quantization();
            for (Tensor x : new Tensor[] {ifm(), ifm2().orElse(ifm())}) {
                if (!Quantization.sameScaling(x.quantization(), out)) {
                    return Optional.of(no(op.opName() + ": the input " + label(x)
                            + " is quantized differently from the output", "quantize inputs and output alike"));
                }
            }
            return Optional.empty();
        }

        // ---- SOFTMAX, MEAN, ARG_MAX, RESIZE ----

        Optional<Unsupported> softmax() {
            Optional<Unsupported> k = firstOf(shapesMatch(), typesMatch());
            if (k.isPresent()) {
                return k;
            }
            float beta = ((OpOptions.Softmax) op.options()).beta();
            return beta >= 0 ? Optional.empty()
                    : Optional.of(no("SOFTMAX beta " + beta + " is negative", "use a positive beta"));
        }

        Optional<Unsupported> mean() {
            Shape s = ifm().shape();
            if (s.rank() < 2) {
                return Optional.of(no("MEAN of a " + s.rank() + "-D tensor; the IFM must be at least 2-D",
                        "reshape the input to at least 2-D"));
            }
            Optional<Unsupported> k = batchOne(ifm());
            if (k.isPresent()) {
                return k;
            }
            Optional<Tensor> axes = input(1);
            if (axes.isEmpty() || !axes.get().isConstant()) {
                return Optional.of(no("MEAN axes are not constant", "make the axes constant"));
            }
            int h = s.nhwc(1);
            int w = s.nhwc(2);
            int c = s.nhwc(3);
            boolean rh = false;
            boolean rw = false;
            boolean rc = false;
            for (int a : axes.get().data().get().toIntArray()) {
                int d = (a < 0 ? a + s.rank() : a) + (4 - s.rank());
                rh |= d == 1;
                rw |= d == 2;
                rc |= d == 3;
            }
            if (rc && !(h == 1 || w == 1 || c == 1)) {
                return Optional.of(no("MEAN over the depth of " + s + "; the depth is reduced only when height, width"
                        + " or depth is 1", "reduce over height and width"));
            }
            long product = (long) (rh ? h : 1) * (rw ? w : 1) * (rc ? c : 1);
            long limit = switch (ifm().type()) {
                case INT16 -> 1L << 16;
                case UINT8 -> 1L << 23;
                default -> 1L << 24;
            };
            if (product > limit) {
                return Optional.of(no("MEAN over " + product + " elements (at most " + limit + " for "
                        + ifm().type().label() + ")", "reduce in several steps"));
            }
            if ((rw && w > MAX_MEAN_AXIS) || (rc && c > MAX_MEAN_AXIS)) {
                return Optional.of(no("MEAN over a width or depth above " + MAX_MEAN_AXIS, "reduce in several steps"));
            }
            return Optional.empty();
        }

        Optional<Unsupported> argMax() {
            ElementType in = ifm().type();
            ElementType out = ofm().type();
            if (in != ElementType.INT8 && in != ElementType.UINT8) {
                return Optional.of(no("ARG_MAX of " + in.label() + " (int8 or uint8)", "make the input int8"));
            }
            if (out != ElementType.INT32 && out != ElementType.INT64) {
                return Optional.of(no("ARG_MAX to " + out.label() + " (int32 or int64)", "make the output int32"));
            }
            if (ifm().shape().nhwc(3) > 127) {
                return Optional.of(no("ARG_MAX over depth " + ifm().shape().nhwc(3) + " (at most 127)",
                        "reduce the depth to at most 127"));
            }
            // constraint_argmax_axis: along the last dimension, the depth.
            Optional<Tensor> axis = input(1);
            int rank = ifm().shape().rank();
            if (axis.isEmpty() || !axis.get().isConstant() || axis.get().data().get().toIntArray().length != 1
                    || Math.floorMod(axis.get().data().get().toIntArray()[0], Math.max(1, rank)) != rank - 1) {
                return Optional.of(no("ARG_MAX along an axis other than the last (the depth)", "take the arg max over the depth"));
            }
            return Optional.empty();
        }

        Optional<Unsupported> resize() {
            OpOptions.Resize o = (OpOptions.Resize) op.options();
            Shape in = ifm().shape();
            Shape out = ofm().shape();
            if (o.alignCorners() && o.halfPixelCenters()) {
                return Optional.of(no("align_corners and half_pixel_centers are both set", "set at most one"));
            }
            boolean bilinear = b == BuiltinOperator.RESIZE_BILINEAR;
            int ih = in.nhwc(1);
            int iw = in.nhwc(2);
            int oh = out.nhwc(1);
            int ow = out.nhwc(2);
            boolean ok = in.rank() == 4 && ((ih == 1 && iw == 1) || in.equals(out));
            double fh = o.alignCorners() ? (oh - 1) / (double) Math.max(1, ih - 1) : oh / (double) ih;
            double fw = o.alignCorners() ? (ow - 1) / (double) Math.max(1, iw - 1) : ow / (double) iw;
            if (!ok) {
                ok = in.rank() == 4 && fh == fw && (fh == 2 || fh == 4 || fh == 8);
            }
            if (!ok) {
                return Optional.of(no("resize from " + iw + "x" + ih + " to " + ow + "x" + oh
                        + "; the Ethos-U resizes 1x1 inputs, or by 2, 4 or 8 equally in both axes",
                        "resize by a factor of 2, 4 or 8"));
            }
            if (bilinear && o.halfPixelCenters() && !(ih == 1 && iw == 1) && !(fh == 2 && fw == 2)) {
                return Optional.of(no("half-pixel bilinear resize by " + fw + "; only by 2",
                        "resize by 2, or clear half_pixel_centers"));
            }
            Optional<Tensor> size = input(1);
            if (size.isEmpty() || !size.get().isConstant()) {
                return Optional.of(no("the size tensor is not constant", "make the size constant"));
            }
            int[] v = size.get().data().get().toIntArray();
            if (v.length != 2 || v[0] != oh || v[1] != ow) {
                return Optional.of(no("the size tensor does not match the output shape",
                        "make the size the output's height and width"));
            }
            return batchOne(ifm());
        }

        // ---- Memory operators ----

        Optional<Unsupported> pad() {
            if (op.inputCount() != 2 || input(1).isEmpty()) {
                return Optional.of(no("PAD with " + op.inputCount() + " inputs (2: the tensor and the pads)",
                        "give PAD its tensor and a constant pads tensor"));
            }
            Tensor p = input(1).get();
            if (!p.isConstant()) {
                return Optional.of(no("the pads of PAD are not constant", "make the pads constant"));
            }
            Shape s = p.shape();
            if (!(s.rank() == 2 && (s.dim(0) == 3 || s.dim(0) == 4) && s.dim(1) == 2)) {
                return Optional.of(no("the pads tensor has shape " + s + " ([3,2] or [4,2])",
                        "pad a 3-D or 4-D tensor"));
            }
            if (p.type() != ElementType.INT32 && p.type() != ElementType.INT64) {
                return Optional.of(no("the pads tensor is " + p.type().label() + " (int32 or int64)",
                        "make the pads int32"));
            }
            // constraint_padding_dimensions (Arm's Vela; NXP's build also pads the depth and batch).
            if (PadFolding.heightAndWidth(op, g.tensors()).isEmpty()) {
                return Optional.of(no("PAD of the depth or batch, or by negative amounts; the Ethos-U pads only height and"
                        + " width", "pad only height and width"));
            }
            return batchOne(ifm());
        }

        Optional<Unsupported> quantizationKept() {
            return Quantization.sameScaling(ifm().quantization(), ofm().quantization()) ? Optional.empty()
                    : Optional.of(no(op.opName() + " changes the quantization", "keep the input's quantization"));
        }

        Optional<Unsupported> reshape() {
            Optional<Unsupported> k = quantizationKept();
            if (k.isPresent()) {
                return k;
            }
            Optional<Tensor> shape = input(1);
            if (shape.isPresent() && !shape.get().isConstant()) {
                return Optional.of(no("the RESHAPE shape is not constant", "make the shape constant"));
            }
            for (Operator reader : g.operators()) {
                for (int i : reader.inputs()) {
                    if (i == op.output(0) && reader.is(BuiltinOperator.MEAN)) {
                        return Optional.of(no("a RESHAPE that feeds a MEAN stays on the CPU (Vela's"
                                + " constraint_reshape_before_mean)", "remove the RESHAPE before the MEAN"));
                    }
                }
            }
            return Optional.empty();
        }

        Optional<Unsupported> stridedSlice() {
            if (op.inputCount() != 4) {
                return Optional.of(no("STRIDED_SLICE with " + op.inputCount() + " inputs (4)",
                        "give it begin, end and strides"));
            }
            for (int s = 1; s < 4; s++) {
                if (input(s).isEmpty() || !input(s).get().isConstant()) {
                    return Optional.of(no("STRIDED_SLICE begin, end and strides must be constant",
                            "make them constant"));
                }
            }
            OpOptions.StridedSlice o = (OpOptions.StridedSlice) op.options();
            if (o.ellipsisMask() != 0 || o.newAxisMask() != 0) {
                return Optional.of(no("STRIDED_SLICE with an ellipsis or new-axis mask",
                        "use plain begin/end masks"));
            }
            for (int v : input(3).get().data().get().toIntArray()) {
                if (v != 1) {
                    return Optional.of(no("STRIDED_SLICE stride " + v + "; all strides must be 1",
                            "slice with stride 1"));
                }
            }
            return Optional.empty();
        }

        Optional<Unsupported> concatenation() {
            int axis = ((OpOptions.Concatenation) op.options()).axis();
            int rank = ofm().shape().rank();
            if (axis < -rank || axis >= rank) {
                return Optional.of(no("CONCATENATION axis " + axis + " outside rank " + rank, "use a valid axis"));
            }
            for (int i : op.inputs()) {
                if (i >= 0 && t(i).shape().rank() != rank) {
                    return Optional.of(no("CONCATENATION of tensors of different ranks",
                            "give every input the output's rank"));
                }
            }
            return Optional.empty();
        }

        /**
         * TRANSPOSE: the Ethos-U swaps height and width (an average pool with swapped strides): permutations
         * [1,0], [1,0,2], [0,2,1] with a leading 1, [2,1,0] with a middle 1, and their 4-D forms with batch 1
         * (ethos-u-facts.md §6.2).
         */
        Optional<Unsupported> transpose() {
            Optional<Tensor> perm = input(1);
            if (perm.isEmpty() || !perm.get().isConstant()) {
                return Optional.of(no("the TRANSPOSE permutation is not constant", "make the permutation constant"));
            }
            int[] p = perm.get().data().get().toIntArray();
            int[] d = ifm().shape().dims();
            String ps = java.util.Arrays.toString(p);
            boolean ok = switch (p.length) {
                case 2 -> ps.equals("[1, 0]");
                case 3 -> ps.equals("[1, 0, 2]") || (ps.equals("[0, 2, 1]") && d[0] == 1)
                        || (ps.equals("[2, 1, 0]") && d[1] == 1);
                case 4 -> d[0] == 1 && (ps.equals("[0, 2, 1, 3]") || (ps.equals("[0, 1, 3, 2]") && d[1] == 1)
                        || (ps.equals("[0, 3, 2, 1]") && d[2] == 1));
                default -> p.length <= 1;
            };
            return ok ? Optional.empty()
                    : Optional.of(no("TRANSPOSE with permutation " + ps + " of " + ifm().shape()
                    + "; the Ethos-U only swaps height and width", "fold the transpose into the model's input layout"
                    + " (e.g. feed NHWC data), or use a height-width swap"));
        }

        Optional<Unsupported> lstm() {
            Tensor in = ifm();
            if (in.type() != ElementType.INT8 && in.type() != ElementType.INT16) {
                return Optional.of(no("LSTM input is " + in.type().label() + " (int8 or int16)",
                        "quantize the LSTM's input to int8"));
            }
            if (in.shape().rank() != 3 || ofm().shape().rank() != 3) {
                return Optional.of(no("LSTM input and output must be 3-D", "use 3-D [batch, time, features] tensors"));
            }
            if (op.inputCount() != 24) {
                return Optional.of(no("LSTM with " + op.inputCount() + " inputs (24)", "use the 24-input LSTM"));
            }
            if (op.input(1) < 0 || op.input(5) < 0) {
                return Optional.of(no("CIFG LSTM (no input gate)", "add the input gate"));
            }
            for (int s : new int[] {9, 10, 11, 16, 17, 20, 21, 22, 23}) {
                if (op.input(s) >= 0) {
                    return Optional.of(no("LSTM with peephole, projection or layer-normalisation tensors",
                            "remove peepholes, projection and normalisation"));
                }
            }
            for (int s = 5; s <= 8; s++) {
                if (t(op.input(s)).shape().rank() != 2) {
                    return Optional.of(no("LSTM recurrent weights must be 2-D", "use 2-D recurrent weights"));
                }
            }
            for (int s : new int[] {18, 19}) {
                if (op.input(s) < 0 || !t(op.input(s)).variable()) {
                    return Optional.of(no("LSTM state tensors must be variables", "make the states variable tensors"));
                }
            }
            return Optional.empty();
        }
    }
}
