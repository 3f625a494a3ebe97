// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.graph.Activation;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Shape;
import org.npusim.graph.StridedConvRewrite;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.npu.NpuOperation.ActivationKind;
import org.npusim.npu.NpuOperation.Function;
import org.npusim.npu.NpuOperation.Resampling;

/**
 * Lowers graph operators to the operations the NPU executes, following Vela 3.10's graph rewrites where they
 * change the work (ethos-u-facts.md §3.1 table): convolutions, depthwise convolutions (a depthwise convolution of
 * one input channel is a plain convolution), fully connected layers and 1×1 convolutions on a 1×1 IFM (vector
 * products), transpose convolutions (convolution with ×2 upscaling), pooling, element-wise arithmetic, QUANTIZE
 * (an average pool), LUT functions, and the stride folding of {@link StridedConvRewrite}.
 *
 * <p>Operators that only move or reinterpret memory (RESHAPE, SQUEEZE, EXPAND_DIMS, CONCATENATION by sliced
 * writes) lower to no NPU operation. An operator this class cannot lower returns an empty list from
 * {@link #lower}; whether it then runs on the CPU is the partitioner's decision.
 */
public final class Lowering {

    private final Subgraph graph;
    /** For every tensor, the operators that read it. */
    private final List<List<Operator>> consumers;
    /** For every tensor, the operator that writes it, or null for inputs and constants. */
    private final Operator[] producers;

    public Lowering(Subgraph graph) {
        this.graph = graph;
        int n = graph.tensors().size();
        this.consumers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            consumers.add(new ArrayList<>(2));
        }
        this.producers = new Operator[n];
        for (Operator op : graph.operators()) {
            for (int t : op.inputs()) {
                if (t >= 0) {
                    consumers.get(t).add(op);
                }
            }
            for (int t : op.outputs()) {
                producers[t] = op;
            }
        }
    }

    /** The result of lowering one operator. */
    public sealed interface Result {
        /** The operator becomes these NPU operations (possibly none, for memory-only operators). */
        record Npu(List<NpuOperation> operations) implements Result {
            public Npu {
                operations = List.copyOf(operations);
            }
        }

        /** The operator cannot run on the NPU, for this reason. */
        record NotLowered(String reason) implements Result {}
    }

    /** Lowers {@code op}. */
    public Result lower(Operator op) {
        return switch (op.options().kind()) {
            case CONV_2D -> conv(op);
            case DEPTHWISE_CONV_2D -> depthwise(op);
            case FULLY_CONNECTED -> fullyConnected(op);
            case TRANSPOSE_CONV -> transposeConv(op);
            case POOL_2D -> pool(op);
            case ARITHMETIC -> arithmetic(op);
            case RESHAPE, SQUEEZE, CONCATENATION -> new Result.Npu(List.of());
            case NONE -> simple(op);
            default -> new Result.NotLowered(op.opName() + " has no NPU lowering in npusim yet");
        };
    }

    private Tensor in(Operator op, int slot) {
        return graph.tensor(op.input(slot));
    }

    private Tensor out(Operator op) {
        return graph.tensor(op.output(0));
    }

    private static int bits(Tensor t) {
        return t.type().sizeBits();
    }

    private static ActivationKind activation(Activation a) {
        return switch (a) {
            case NONE, SIGN_BIT -> ActivationKind.NONE;
            case RELU, RELU6, RELU_N1_TO_1 -> ActivationKind.RELU;
            case TANH -> ActivationKind.LUT;
        };
    }

    private Optional<NpuOperation.WeightTensor> weights(Operator op, int slot, boolean depthwise) {
        int t = op.input(slot);
        return t >= 0 && graph.tensor(t).isConstant() ? Optional.of(new NpuOperation.WeightTensor(t, depthwise)) : Optional.empty();
    }

    private Result conv(Operator op) {
        OpOptions.Conv2D o = (OpOptions.Conv2D) op.options();
        Shape w = in(op, 1).shape();
        return convolution(op, Shape4.of(graph.tensor(ifmOf(op)).shape()), w.dim(2), w.dim(1), o.strideW(), o.strideH(),
                o.dilationW(), o.dilationH(), o.activation(), false);
    }

    /**
     * Returns the tensor a convolution-like operator reads: its input, or the input of a PAD in front of it that
     * the NPU applies as hardware padding instead ({@link #padFusesInto}).
     */
    private int ifmOf(Operator op) {
        int t = op.input(0);
        Operator pad = producers[t];
        if (pad != null && pad.is(BuiltinOperator.PAD) && padFusesInto(pad, op)) {
            return pad.input(0);
        }
        return t;
    }

    /**
     * Whether Vela replaces {@code pad} by the hardware padding of {@code consumer} ({@code replace_pad_by_hw_pad}):
     * the consumer is a VALID convolution or depthwise convolution, the PAD pads only height and width, keeps the
     * element type, and each pad is at most half the dilated kernel, with the leading pads equal to k/2, or
     * k/2 ≤ stride, or a multiple of the stride.
     */
    private boolean padFusesInto(Operator pad, Operator consumer) {
        int kw;
        int kh;
        int sx;
        int sy;
        int dx;
        int dy;
        if (consumer.options() instanceof OpOptions.Conv2D c && c.padding() == org.npusim.graph.Padding.VALID) {
            sx = c.strideW();
            sy = c.strideH();
            dx = c.dilationW();
            dy = c.dilationH();
        } else if (consumer.options() instanceof OpOptions.DepthwiseConv2D d && d.padding() == org.npusim.graph.Padding.VALID) {
            sx = d.strideW();
            sy = d.strideH();
            dx = d.dilationW();
            dy = d.dilationH();
        } else {
            return false;
        }
        Shape w = in(consumer, 1).shape();
        kh = (w.dim(1) - 1) * dy + 1;
        kw = (w.dim(2) - 1) * dx + 1;
        int padsTensor = pad.input(1);
        if (padsTensor < 0 || !graph.tensor(padsTensor).isConstant() || graph.tensor(pad.input(0)).type() != out(pad).type()) {
            return false;
        }
        Tensor pads = graph.tensor(padsTensor);
        long[] p = pads.type() == ElementType.INT64 ? pads.data().get().toLongArray() : toLong(pads.data().get().toIntArray());
        int rank = pads.shape().dim(0);
        if (p.length != rank * 2 || rank < 3) {
            return false;
        }
        int hIndex = rank - 3;
        for (int d = 0; d < rank; d++) {
            boolean spatial = d == hIndex || d == hIndex + 1;
            if (!spatial && (p[2 * d] != 0 || p[2 * d + 1] != 0)) {
                return false;
            }
        }
        long top = p[2 * hIndex];
        long bottom = p[2 * hIndex + 1];
        long left = p[2 * hIndex + 2];
        long right = p[2 * hIndex + 3];
        return top <= kh / 2 && bottom <= kh / 2 && left <= kw / 2 && right <= kw / 2
                && leadingPadOk(top, sy, kh) && leadingPadOk(left, sx, kw);
    }

    private static boolean leadingPadOk(long pad, int stride, int k) {
        return pad == k / 2 || k / 2 <= stride || pad % stride == 0;
    }

    private static long[] toLong(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** PAD lowers to nothing when every reader applies it as hardware padding; otherwise it stays off the NPU. */
    private Result pad(Operator op) {
        List<Operator> readers = consumers.get(op.output(0));
        if (readers.isEmpty()) {
            return new Result.NotLowered("PAD output is a model output; not fused into a convolution");
        }
        for (Operator r : readers) {
            if (!padFusesInto(op, r)) {
                return new Result.NotLowered("PAD is not fused into " + r.opName() + " as hardware padding");
            }
        }
        return new Result.Npu(List.of());
    }

    private Result depthwise(Operator op) {
        OpOptions.DepthwiseConv2D o = (OpOptions.DepthwiseConv2D) op.options();
        Shape w = in(op, 1).shape();
        Shape4 ifm = Shape4.of(graph.tensor(ifmOf(op)).shape());
        if (ifm.c() == 1 && out(op).shape().nhwc(3) == o.depthMultiplier()) {
            // convert_depthwise_to_conv: one input channel times a multiplier is a plain convolution.
            return convolution(op, ifm, w.dim(2), w.dim(1), o.strideW(), o.strideH(), o.dilationW(), o.dilationH(),
                    o.activation(), true);
        }
        Kernel k = new Kernel(w.dim(2), w.dim(1), o.strideW(), o.strideH(), o.dilationW(), o.dilationH());
        return single(new NpuOperation(name(op), op.index(), NpuBlockType.DEPTHWISE, Function.NONE, ifm,
                Optional.empty(), Shape4.of(out(op).shape()), bits(in(op, 0)), bits(out(op)), k, Resampling.NONE,
                false, true, activation(o.activation()), weights(op, 1, true),
                NpuOperation.TensorRefs.of(ifmOf(op), op.output(0))));
    }

    private Result convolution(Operator op, Shape4 ifm, int kw, int kh, int strideX, int strideY, int dilX, int dilY,
            Activation act, boolean fromDepthwise) {
        Shape4 ofm = Shape4.of(out(op).shape());
        Optional<StridedConvRewrite> rewrite = StridedConvRewrite.of(op, graph.tensors());
        if (rewrite.isPresent()) {
            StridedConvRewrite r = rewrite.get();
            ifm = new Shape4(ifm.n(), ifm.h(), r.ifmW(), r.ifmC());
            kw = r.kernelW();
            strideX = r.stride();
        }
        // Vela sets the stride to 1 along an axis where the OFM has size 1 (fixup_strided_conv).
        if (ofm.w() == 1) {
            strideX = 1;
        }
        if (ofm.h() == 1) {
            strideY = 1;
        }
        Kernel k = new Kernel(kw, kh, strideX, strideY, dilX, dilY);
        NpuBlockType type = NpuBlockType.CONVOLUTION;
        if (ifm.h() == 1 && ifm.w() == 1 && kw == 1 && kh == 1) {
            // convert_conv_to_fc: a 1×1 convolution on a 1×1 IFM is a vector product.
            type = NpuBlockType.VECTOR_PRODUCT;
            k = Kernel.UNIT;
        }
        return single(new NpuOperation(name(op), op.index(), type, Function.NONE, ifm, Optional.empty(), ofm,
                bits(in(op, 0)), bits(out(op)), k, Resampling.NONE, false, true, activation(act),
                weights(op, 1, false), NpuOperation.TensorRefs.of(ifmOf(op), op.output(0))));
    }

    private Result fullyConnected(Operator op) {
        OpOptions.FullyConnected o = (OpOptions.FullyConnected) op.options();
        Tensor weights = in(op, 1);
        int cin = weights.shape().dim(-1);
        int cout = weights.shape().dim(0);
        long batch = out(op).elementCount() / Math.max(1, cout);
        // Batched FC: Vela reshapes batches 4, 8, 16 to 2x2, 2x4, 4x4 and any other to 1xN (§6.1).
        int bh = 1;
        int bw = (int) batch;
        if (batch == 4) {
            bh = 2;
            bw = 2;
        } else if (batch == 8) {
            bh = 2;
            bw = 4;
        } else if (batch == 16) {
            bh = 4;
            bw = 4;
        }
        return single(new NpuOperation(name(op), op.index(), NpuBlockType.VECTOR_PRODUCT, Function.NONE,
                new Shape4(1, bh, bw, cin), Optional.empty(), new Shape4(1, bh, bw, cout), bits(in(op, 0)),
                bits(out(op)), Kernel.UNIT, Resampling.NONE, false, true, activation(o.activation()),
                weights(op, 1, false), unary(op, 0)));
    }

    private Result transposeConv(Operator op) {
        OpOptions.TransposeConv o = (OpOptions.TransposeConv) op.options();
        Shape w = in(op, 1).shape();
        Tensor ifm = in(op, 2);
        Kernel k = new Kernel(w.dim(2), w.dim(1), 1, 1, 1, 1);
        return single(new NpuOperation(name(op), op.index(), NpuBlockType.CONVOLUTION, Function.NONE,
                Shape4.of(ifm.shape()), Optional.empty(), Shape4.of(out(op).shape()), bits(ifm), bits(out(op)), k,
                Resampling.TRANSPOSE, false, true, activation(o.activation()), weights(op, 1, false), unary(op, 2)));
    }

    private Result pool(Operator op) {
        OpOptions.Pool2D o = (OpOptions.Pool2D) op.options();
        boolean max = op.is(BuiltinOperator.MAX_POOL_2D);
        if (!max && !op.is(BuiltinOperator.AVERAGE_POOL_2D)) {
            return new Result.NotLowered(op.opName() + " is not supported by the Ethos-U");
        }
        Kernel k = new Kernel(o.filterW(), o.filterH(), o.strideW(), o.strideH(), 1, 1);
        return single(new NpuOperation(name(op), op.index(), NpuBlockType.POOLING,
                max ? Function.MAX_POOL : Function.AVG_POOL, Shape4.of(in(op, 0).shape()), Optional.empty(),
                Shape4.of(out(op).shape()), bits(in(op, 0)), bits(out(op)), k, Resampling.NONE, false, false,
                activation(o.activation()), Optional.empty(), unary(op, 0)));
    }

    private Result arithmetic(Operator op) {
        Function f;
        if (op.is(BuiltinOperator.ADD)) {
            f = Function.ADD;
        } else if (op.is(BuiltinOperator.SUB)) {
            f = Function.SUB;
        } else if (op.is(BuiltinOperator.MUL)) {
            f = Function.MUL;
        } else {
            return new Result.NotLowered(op.opName() + " is not supported by the Ethos-U");
        }
        OpOptions.Arithmetic o = (OpOptions.Arithmetic) op.options();
        Tensor a = in(op, 0);
        Tensor b = in(op, 1);
        boolean scalar = b.elementCount() == 1;
        return single(new NpuOperation(name(op), op.index(), NpuBlockType.ELEMENTWISE, f, Shape4.of(a.shape()),
                Optional.of(Shape4.of(b.shape())), Shape4.of(out(op).shape()), bits(a), bits(out(op)), Kernel.UNIT,
                Resampling.NONE, scalar, false, activation(o.activation()), Optional.empty(),
                NpuOperation.TensorRefs.of(op.input(0), op.input(1), op.output(0))));
    }

    private Result simple(Operator op) {
        Optional<BuiltinOperator> b = op.code().builtin();
        if (b.isEmpty() || op.inputCount() == 0 || op.outputCount() == 0) {
            return new Result.NotLowered(op.opName() + " is not supported by the Ethos-U");
        }
        Tensor ifm = in(op, 0);
        Tensor ofm = out(op);
        switch (b.get()) {
            case EXPAND_DIMS:
                return new Result.Npu(List.of());
            case PAD:
                return pad(op);
            case QUANTIZE:
                // QUANTIZE between integer types runs as a 1x1 average pool that rescales (§6.2).
                if (!ifm.type().isQuantizedInteger() || !ofm.type().isQuantizedInteger()) {
                    return new Result.NotLowered("QUANTIZE from " + ifm.type().label() + " to " + ofm.type().label()
                            + " is not an integer requantization");
                }
                return single(new NpuOperation(name(op), op.index(), NpuBlockType.POOLING, Function.AVG_POOL,
                        Shape4.of(ifm.shape()), Optional.empty(), Shape4.of(ofm.shape()), bits(ifm), bits(ofm),
                        Kernel.UNIT, Resampling.NONE, false, false, ActivationKind.NONE, Optional.empty(), unary(op, 0)));
            case LOGISTIC, TANH, HARD_SWISH, EXP:
                if (ifm.type() != ElementType.INT8 && ifm.type() != ElementType.UINT8 && ifm.type() != ElementType.INT16) {
                    return new Result.NotLowered(op.opName() + " on " + ifm.type().label() + " is not supported by the Ethos-U");
                }
                // LUT functions run as an ADD of a scalar 0 with a LUT activation (lut.py: convert_to_lut).
                return single(new NpuOperation(name(op), op.index(), NpuBlockType.ELEMENTWISE, Function.LUT,
                        Shape4.of(ifm.shape()), Optional.empty(), Shape4.of(ofm.shape()), bits(ifm), bits(ofm),
                        Kernel.UNIT, Resampling.NONE, true, false, ActivationKind.LUT, Optional.empty(), unary(op, 0)));
            case RELU, RELU6, RELU_N1_TO_1:
                return single(new NpuOperation(name(op), op.index(), NpuBlockType.POOLING, Function.AVG_POOL,
                        Shape4.of(ifm.shape()), Optional.empty(), Shape4.of(ofm.shape()), bits(ifm), bits(ofm),
                        Kernel.UNIT, Resampling.NONE, false, false, ActivationKind.RELU, Optional.empty(), unary(op, 0)));
            default:
                return new Result.NotLowered(op.opName() + " has no NPU lowering in npusim yet");
        }
    }

    private static NpuOperation.TensorRefs unary(Operator op, int ifmSlot) {
        return NpuOperation.TensorRefs.of(op.input(ifmSlot), op.output(0));
    }

    private static Result single(NpuOperation op) {
        List<NpuOperation> ops = new ArrayList<>(1);
        ops.add(op);
        return new Result.Npu(ops);
    }

    private String name(Operator op) {
        return op.outputCount() == 0 ? "op" + op.index() : out(op).name();
    }
}
