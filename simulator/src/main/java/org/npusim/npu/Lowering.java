// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.npusim.graph.Activation;
import org.npusim.graph.ActivationPacking;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ElementType;
import org.npusim.graph.LeakyReluForm;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.PadFolding;
import org.npusim.graph.Operator;
import org.npusim.graph.Padding;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.SliceIndex;
import org.npusim.graph.StridedConvRewrite;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.NpuOperation.ActivationKind;
import org.npusim.npu.NpuOperation.Function;
import org.npusim.npu.NpuOperation.Resampling;

/**
 * Lowers graph operators to the operations the NPU executes, following Vela 3.10's graph rewrites where they
 * change the work (ethos-u-facts.md §3.1; each method names the Vela functions it follows): convolutions,
 * depthwise convolutions (one input channel: a plain convolution), fully connected layers and 1×1 convolutions on a
 * 1×1 IFM (vector products), transpose convolutions, pooling, element-wise arithmetic with Vela's operand swap
 * (ADD, SUB, MUL, MAXIMUM, MINIMUM, ABS), QUANTIZE and TRANSPOSE (average pools), SHAPE (a constant: nothing), LUT
 * functions (fused into the producing operation where Vela fuses them), standalone ReLUs (packed into the producer's
 * pass, or an average pool), LEAKY_RELU and PRELU in their LUT, native, MUL + MAX and MIN, MUL, RELU, ADD forms,
 * SOFTMAX (31 operations, 14 for int16), MEAN (depthwise sums over row bands, their ADDs and a multiply), ARG_MAX (a depthwise
 * shift, max pools and a cast), SQUARED_DIFFERENCE (casts and element-wise int32 arithmetic), RESIZE (upscaling
 * average pools, or an ADD from 1×1), PAD (hardware padding of its readers, or copies), CONCATENATION and PACK (an
 * average pool per input writing its part), SPLIT, SPLIT_V, SLICE, STRIDED_SLICE and UNPACK (parts read in place by
 * their readers, or copied out), RESHAPE (removed, or a DMA copy), UNIDIRECTIONAL_SEQUENCE_LSTM (unrolled), and the
 * stride folding of {@link StridedConvRewrite}.
 *
 * <p>An operator this class cannot lower returns {@link Result.NotLowered} with the reason.
 */
public final class Lowering {

    /** LUT sizes (ethos-u-facts.md §2.6; softmax's exponent table is 256 uint32 entries). */
    static final int LUT8_BYTES = 256;
    static final int LUT16_BYTES = 2048;
    static final int SOFTMAX_EXP_LUT_BYTES = 1024;

    private final Subgraph graph;
    private final Optional<NpuVariant> variant;
    /** For every tensor, the operators that read it. */
    private final List<List<Operator>> consumers;
    /** For every tensor, the operator that writes it, or null for inputs and constants. */
    private final Operator[] producers;
    private final boolean[] graphInput;
    private final boolean[] graphOutput;
    /**
     * Results by operator index as the operator's own lowering gives them: lowering an operator twice must not
     * create its internal tensors twice.
     */
    private final Result[] lowered;
    /** Whether an operator's own lowering is under way (a lowering that depended on itself would be a bug). */
    private final boolean[] lowering;
    /** Results by operator index with the reads of folded slices moved to the sliced tensor ({@link #lower}). */
    private final Result[] bound;
    /**
     * Per graph tensor: for an output of a split or slice that its readers read in place, the tensor they read
     * instead (Vela's SplitSliceRead moved to its consumers); else -1. Set when the split is lowered.
     */
    private final int[] readInPlaceFrom;
    private int nextInternal;

    /** Creates a lowering of {@code graph} that does not depend on the variant (no LUT fusion decisions). */
    public Lowering(Subgraph graph) {
        this(graph, Optional.empty());
    }

    /** Creates a lowering of {@code graph} for {@code variant}. */
    public Lowering(Subgraph graph, Optional<NpuVariant> variant) {
        this.graph = graph;
        this.variant = variant;
        int n = graph.tensors().size();
        this.nextInternal = n;
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
        this.lowered = new Result[graph.operators().size()];
        this.lowering = new boolean[graph.operators().size()];
        this.bound = new Result[graph.operators().size()];
        this.readInPlaceFrom = new int[n];
        Arrays.fill(readInPlaceFrom, -1);
        this.graphInput = new boolean[n];
        for (int t : graph.inputs()) {
            graphInput[t] = true;
        }
        this.graphOutput = new boolean[n];
        for (int t : graph.outputs()) {
            graphOutput[t] = true;
        }
    }

    /** The result of lowering one operator. */
    public sealed interface Result {
        /**
         * The operator becomes these NPU operations (possibly none, for memory-only operators), with the tensors
         * the lowering created, and the graph tensors it needs stored linearly (NHWC): a tensor read from a depth
         * that is not a multiple of 16 ({@code _avoid_nhcwb16_for_split}).
         */
        record Npu(List<NpuOperation> operations, List<InternalTensor> internals, List<Integer> linearTensors)
                implements Result {
            public Npu {
                operations = List.copyOf(operations);
                internals = List.copyOf(internals);
                linearTensors = List.copyOf(linearTensors);
            }

            /** The operator becomes these operations, with no constraint on the storage of graph tensors. */
            public Npu(List<NpuOperation> operations, List<InternalTensor> internals) {
                this(operations, internals, List.of());
            }

            static Npu of(NpuOperation op) {
                return new Npu(List.of(op), List.of());
            }

            static Npu none() {
                return new Npu(List.of(), List.of());
            }
        }

        /** The operator cannot run on the NPU, for this reason. */
        record NotLowered(String reason) implements Result {}
    }

    /**
     * Lowers {@code op}; lowering the same operator again returns the same result. Operations that read an output
     * of a split or slice that is read in place read the sliced tensor instead (with the slice's shape).
     */
    public Result lower(Operator op) {
        Result r = bound[op.index()];
        if (r == null) {
            r = withPackedRelu(op, readSlicesInPlace(lowerOwn(op)));
            bound[op.index()] = r;
        }
        return r;
    }

    /** Lowers {@code op} on its own, reads of sliced tensors as the graph has them; memoised. */
    private Result lowerOwn(Operator op) {
        Result r = lowered[op.index()];
        if (r == null) {
            if (lowering[op.index()]) {
                throw new IllegalStateException("the lowering of operator " + op.index() + " depends on itself");
            }
            lowering[op.index()] = true;
            r = lowerOnce(op);
            lowered[op.index()] = r;
        }
        return r;
    }

    /** Returns the id the next internal tensor would get: graph tensors plus all internals created so far. */
    public int tensorIdLimit() {
        return nextInternal;
    }

    private Result lowerOnce(Operator op) {
        if (op.outputCount() == 0 || op.inputCount() == 0) {
            return new Result.NotLowered(op.opName() + " has no inputs or outputs");
        }
        if (rule(op) instanceof SupportRules.Unsupported u) {
            return new Result.NotLowered(u.reason());
        }
        return switch (op.options().kind()) {
            case CONV_2D -> conv(op);
            case DEPTHWISE_CONV_2D -> depthwise(op);
            case FULLY_CONNECTED -> fullyConnected(op);
            case TRANSPOSE_CONV -> transposeConv(op);
            case POOL_2D -> pool(op);
            case ARITHMETIC -> arithmetic(op);
            case RESHAPE, SQUEEZE -> reshape(op);
            case SOFTMAX -> softmax(op);
            case REDUCER -> op.is(BuiltinOperator.MEAN) ? mean(op) : notSupported(op);
            case NONE -> simple(op);
            case SEQUENCE_LSTM -> lstm(op);
            case LEAKY_RELU -> leakyRelu(op);
            case CONCATENATION -> concatenation(op);
            case STRIDED_SLICE, SPLIT -> splitOrSlice(op);
            case PACK -> op.is(BuiltinOperator.PACK) ? pack(op) : splitOrSlice(op);
            case RESIZE -> resize(op);
            case SVDF, CUSTOM, OPAQUE ->
                    new Result.NotLowered(op.opName() + " has no NPU lowering in npusim yet");
        };
    }

    private SupportRules.Decision rule(Operator op) {
        return variant.map(v -> SupportRules.check(graph, op, v)).orElseGet(() -> SupportRules.check(graph, op));
    }

    /**
     * Whether {@code op} runs on the NPU. A split or slice is asked without lowering it: its readers' lowerings ask
     * this of it (a reshape behind it) while its own lowering asks them whether they take its reads.
     */
    private boolean onNpu(Operator op) {
        if (isSplitOrSlice(op)) {
            return !(rule(op) instanceof SupportRules.Unsupported) && sliceReads(op, new ArrayList<>()).isEmpty();
        }
        if (op.options().kind() == OpKind.RESIZE) {
            return !(rule(op) instanceof SupportRules.Unsupported);
        }
        return lowerOwn(op) instanceof Result.Npu;
    }

    /** One operation of {@code type} and {@code f} reading the operator's first input whole. */
    private NpuOperation.Builder unary(Operator op, NpuBlockType type, Function f) {
        Tensor ifm = in(op, 0);
        return start(op, type).function(f).ifm(op.input(0), shape(ifm), bits(ifm));
    }

    private static Result notSupported(Operator op) {
        return new Result.NotLowered(op.opName() + " is not supported by the Ethos-U");
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

    private static Shape4 shape(Tensor t) {
        return Shape4.of(t.shape());
    }

    private static ActivationKind activation(Activation a) {
        return switch (a) {
            case NONE, SIGN_BIT -> ActivationKind.NONE;
            case RELU, RELU6, RELU_N1_TO_1 -> ActivationKind.RELU;
            case TANH -> ActivationKind.LUT;
        };
    }

    private String name(Operator op) {
        return out(op).name();
    }

    private NpuOperation.Builder start(Operator op, NpuBlockType type) {
        return NpuOperation.builder(name(op), op.index(), type).ofm(op.output(0), shape(out(op)), bits(out(op)));
    }

    /**
     * Returns the LUT function (LOGISTIC, TANH, EXP, RSQRT, ...) that moves onto {@code op}
     * ({@code fuse_activation_function_with_prev}): the single reader of op's output is an int8 LUT function that Vela
     * fuses, so op takes the LUT activation.
     */
    private Optional<Operator> fusedLut(Operator op) {
        List<Operator> readers = consumers.get(op.output(0));
        if (readers.size() != 1) {
            return Optional.empty();
        }
        Operator r = readers.get(0);
        return lutFusesInto(r, op) ? Optional.of(r) : Optional.empty();
    }

    /**
     * Whether LUT function {@code lut} is fused into its producer {@code producer}: the producer runs on the NPU
     * as a real block (not a memory copy), writes only for {@code lut}, has no activation of its own, and the
     * variant reserves SHRAM banks for the LUT (not the 16-bank U55-32 and U55-64).
     */
    private boolean lutFusesInto(Operator lut, Operator producer) {
        // Every LUT function becomes a LUT through convert_to_lut, which marks it a no-op that
        // fuse_activation_function_with_prev may move onto its producer: LOGISTIC, TANH, EXP, RSQRT, HARD_SWISH (and
        // NXP's LOG, SQRT, GELU), and a LEAKY_RELU or PRELU in its LUT form.
        boolean lutFunction = lut.is(BuiltinOperator.LOGISTIC) || lut.is(BuiltinOperator.TANH) || lut.is(BuiltinOperator.EXP)
                || lut.is(BuiltinOperator.RSQRT) || lut.is(BuiltinOperator.HARD_SWISH) || lut.is(BuiltinOperator.LOG)
                || lut.is(BuiltinOperator.SQRT) || lut.is(BuiltinOperator.GELU)
                || LeakyReluForm.of(lut, graph.tensors()).filter(f -> f == LeakyReluForm.LUT).isPresent();
        if (!lutFunction || variant.isEmpty() || variant.get().shramReservedEndBanks() == 0) {
            return false;
        }
        if (in(lut, 0).type() != ElementType.INT8 && in(lut, 0).type() != ElementType.UINT8) {
            return false;
        }
        // Vela fuses only what it has rewritten into a LUT: an operator it runs on the NPU, with 8 bits in and out.
        if (SupportRules.check(graph, lut, variant.get()) instanceof SupportRules.Unsupported || in(lut, 0).type() != out(lut).type()) {
            return false;
        }
        if (consumers.get(producer.output(0)).size() != 1) {
            return false;
        }
        Activation own = switch (producer.options().kind()) {
            case CONV_2D -> ((OpOptions.Conv2D) producer.options()).activation();
            case DEPTHWISE_CONV_2D -> ((OpOptions.DepthwiseConv2D) producer.options()).activation();
            case FULLY_CONNECTED -> ((OpOptions.FullyConnected) producer.options()).activation();
            case POOL_2D -> ((OpOptions.Pool2D) producer.options()).activation();
            case ARITHMETIC -> ((OpOptions.Arithmetic) producer.options()).activation();
            // Element-wise MAX, MIN and ABS have no activation of their own.
            case NONE -> producer.is(BuiltinOperator.MAXIMUM) || producer.is(BuiltinOperator.MINIMUM)
                    || producer.is(BuiltinOperator.ABS) ? Activation.NONE : Activation.SIGN_BIT;
            default -> Activation.SIGN_BIT;
        };
        return own == Activation.NONE;
    }

    /** Applies a fused activation (own or from a following LUT function) to a builder; returns the OFM tensor. */
    private NpuOperation.Builder withActivation(NpuOperation.Builder b, Operator op, Activation own) {
        Optional<Operator> lut = fusedLut(op);
        if (lut.isPresent()) {
            Tensor o = out(lut.get());
            return b.activation(ActivationKind.LUT).lut(LUT8_BYTES).ofm(lut.get().output(0), shape(o), bits(o));
        }
        return b.activation(activation(own));
    }

    // ---- Convolutions ----

    private Result conv(Operator op) {
        OpOptions.Conv2D o = (OpOptions.Conv2D) op.options();
        Shape w = in(op, 1).shape();
        return convolution(op, w.dim(2), w.dim(1), o.strideW(), o.strideH(), o.dilationW(), o.dilationH(), o.activation());
    }

    private Result depthwise(Operator op) {
        OpOptions.DepthwiseConv2D o = (OpOptions.DepthwiseConv2D) op.options();
        Shape w = in(op, 1).shape();
        int ifmTensor = ifmOf(op);
        Shape4 ifm = shape(graph.tensor(ifmTensor));
        if (ifm.c() == 1 && out(op).shape().nhwc(3) == o.depthMultiplier()) {
            // convert_depthwise_to_conv: one input channel times a multiplier is a plain convolution.
            return convolution(op, w.dim(2), w.dim(1), o.strideW(), o.strideH(), o.dilationW(), o.dilationH(), o.activation());
        }
        Kernel k = new Kernel(w.dim(2), w.dim(1), o.strideW(), o.strideH(), o.dilationW(), o.dilationH());
        NpuOperation.Builder b = start(op, NpuBlockType.DEPTHWISE).ifm(ifmTensor, ifm, bits(in(op, 0))).kernel(k).scaled(true)
                .weights(new NpuOperation.WeightTensor(op.input(1), true));
        return Result.Npu.of(withActivation(b, op, o.activation()).build());
    }

    private Result convolution(Operator op, int kw, int kh, int strideX, int strideY, int dilX, int dilY, Activation act) {
        int ifmTensor = ifmOf(op);
        Shape4 ifm = shape(graph.tensor(ifmTensor));
        Shape4 ofm = shape(out(op));
        Optional<StridedConvRewrite> rewrite = StridedConvRewrite.of(op, graph.tensors());
        if (rewrite.isPresent()) {
            StridedConvRewrite r = rewrite.get();
            ifm = new Shape4(ifm.n(), ifm.h(), r.ifmW(), r.ifmC());
            kw = r.kernelW();
            strideX = r.stride();
        }
        // fixup_strided_conv: the stride is 1 along an axis where the OFM has size 1.
        if (ofm.w() == 1) {
            strideX = 1;
        }
        if (ofm.h() == 1) {
            strideY = 1;
        }
        Kernel k = new Kernel(kw, kh, strideX, strideY, dilX, dilY);
        NpuBlockType type = NpuBlockType.CONVOLUTION;
        if (ifm.h() == 1 && ifm.w() == 1 && kw == 1 && kh == 1) {
            // convert_conv_to_fc: a 1x1 convolution on a 1x1 IFM is a vector product.
            type = NpuBlockType.VECTOR_PRODUCT;
            k = Kernel.UNIT;
        }
        NpuOperation.Builder b = start(op, type).ifm(ifmTensor, ifm, bits(in(op, 0))).kernel(k).scaled(true)
                .weights(new NpuOperation.WeightTensor(op.input(1), false));
        return Result.Npu.of(withActivation(b, op, act).build());
    }

    /**
     * Returns the tensor a convolution reads: its input, or the input of a PAD in front of it that the NPU applies
     * as hardware padding instead ({@link PadFolding#foldsInto}).
     */
    private int ifmOf(Operator op) {
        int t = op.input(0);
        Operator pad = producers[t];
        if (pad != null && pad.is(BuiltinOperator.PAD) && PadFolding.foldsInto(pad, op, graph.tensors())) {
            return pad.input(0);
        }
        return t;
    }

    /**
     * PAD as Vela 3.10 lowers it: nothing when every reader takes it as hardware padding
     * ({@link PadFolding#foldsInto}; those readers read the PAD's input); otherwise ({@code convert_pad}) a 1x1
     * average pool copies the input into the middle of the output, and one 1x1 average pool per padded side writes
     * a zero constant (in permanent storage) into that border: the top and bottom rows across the whole width, the
     * left and right columns beside the input. Readers that take the padding still read the input.
     */
    private Result pad(Operator op) {
        List<Operator> readers = consumers.get(op.output(0));
        // Vela folds a PAD only into readers it runs on the NPU: one left to the CPU needs the padded tensor.
        boolean readersOnNpu = readers.stream().noneMatch(r -> rule(r) instanceof SupportRules.Unsupported);
        if (readersOnNpu && !PadFolding.convertedToCopies(op, readers, graphOutput[op.output(0)], graph.tensors())) {
            return Result.Npu.none();
        }
        Optional<PadFolding.Padding2D> pads = PadFolding.heightAndWidth(op, graph.tensors());
        if (pads.isEmpty()) {
            return new Result.NotLowered("PAD of dimensions other than height and width, or with paddings that are not"
                    + " constant, has no NPU lowering in npusim");
        }
        PadFolding.Padding2D p = pads.get();
        Shape4 x = shape(in(op, 0));
        Shape4 y = shape(out(op));
        int bits = bits(out(op));
        List<InternalTensor> internals = new ArrayList<>();
        IntermediateTensors constants = new IntermediateTensors(op, internals);
        List<NpuOperation> ops = new ArrayList<>();
        ops.add(NpuOperation.builder(name(op) + "_main", op.index(), NpuBlockType.POOLING).function(Function.AVG_POOL)
                .ifm(op.input(0), x, bits(in(op, 0))).ofm(op.output(0), x, bits).build());
        // Per side: how much it pads, and the border's height and width.
        int[] amount = {p.top(), p.bottom(), p.left(), p.right()};
        int[][] borders = {{p.top(), y.w()}, {p.bottom(), y.w()}, {x.h(), p.left()}, {x.h(), p.right()}};
        String[] sides = {"_top", "_bottom", "_left", "_right"};
        for (int k = 0; k < 4; k++) {
            if (amount[k] > 0) {
                Shape4 border = new Shape4(1, borders[k][0], borders[k][1], y.c());
                int zeros = constants.constant(border, bits);
                ops.add(NpuOperation.builder(name(op) + sides[k], op.index(), NpuBlockType.POOLING).function(Function.AVG_POOL)
                        .ifm(zeros, border, bits).ofm(op.output(0), border, bits).build());
            }
        }
        return new Result.Npu(ops, internals);
    }

    private Result fullyConnected(Operator op) {
        OpOptions.FullyConnected o = (OpOptions.FullyConnected) op.options();
        Tensor weights = in(op, 1);
        if (!weights.isConstant()) {
            return new Result.NotLowered("FULLY_CONNECTED with non-constant weights is not supported by the Ethos-U");
        }
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
        NpuOperation.Builder b = NpuOperation.builder(name(op), op.index(), NpuBlockType.VECTOR_PRODUCT)
                .ifm(op.input(0), new Shape4(1, bh, bw, cin), bits(in(op, 0)))
                .ofm(op.output(0), new Shape4(1, bh, bw, cout), bits(out(op)))
                .scaled(true).weights(new NpuOperation.WeightTensor(op.input(1), false));
        NpuOperation built = withActivation(b, op, o.activation()).build();
        if (built.tensors().ofm() != op.output(0)) {
            Tensor lutOut = graph.tensor(built.tensors().ofm());
            built = built.toBuilder().ofm(built.tensors().ofm(), new Shape4(1, bh, bw, cout), bits(lutOut)).build();
        }
        return Result.Npu.of(built);
    }

    private Result transposeConv(Operator op) {
        OpOptions.TransposeConv o = (OpOptions.TransposeConv) op.options();
        Shape w = in(op, 1).shape();
        Tensor ifm = in(op, 2);
        Kernel k = new Kernel(w.dim(2), w.dim(1), 1, 1, 1, 1);
        NpuOperation.Builder b = start(op, NpuBlockType.CONVOLUTION).ifm(op.input(2), shape(ifm), bits(ifm)).kernel(k)
                .resampling(Resampling.TRANSPOSE).scaled(true).weights(new NpuOperation.WeightTensor(op.input(1), false));
        return Result.Npu.of(withActivation(b, op, o.activation()).build());
    }

    private Result pool(Operator op) {
        OpOptions.Pool2D o = (OpOptions.Pool2D) op.options();
        boolean max = op.is(BuiltinOperator.MAX_POOL_2D);
        if (!max && !op.is(BuiltinOperator.AVERAGE_POOL_2D)) {
            return notSupported(op);
        }
        Kernel k = new Kernel(o.filterW(), o.filterH(), o.strideW(), o.strideH(), 1, 1);
        int ifm = ifmOf(op);
        if (ifm != op.input(0)) {
            // replace_pad_by_hw_pad: an average pool that takes a PAD as its padding runs as a depthwise
            // convolution of the PAD's input (its weights of one value, not sized as a weight stream).
            NpuOperation.Builder b = start(op, NpuBlockType.DEPTHWISE).ifm(ifm, shape(graph.tensor(ifm)), bits(graph.tensor(ifm)))
                    .kernel(k).scaled(true);
            return Result.Npu.of(withActivation(b, op, o.activation()).build());
        }
        NpuOperation.Builder b = start(op, NpuBlockType.POOLING).function(max ? Function.MAX_POOL : Function.AVG_POOL)
                .ifm(op.input(0), shape(in(op, 0)), bits(in(op, 0))).kernel(k);
        return Result.Npu.of(withActivation(b, op, o.activation()).build());
    }

    // ---- Element-wise ----

    /**
     * ADD, SUB, MUL. Vela swaps the operands when the first is constant (or broadcast) and the second is not
     * ({@code SchedulerOperation.__init__}), so the "IFM" that sets the cost is the full feature map.
     */
    private Result arithmetic(Operator op) {
        Function f;
        if (op.is(BuiltinOperator.ADD)) {
            f = Function.ADD;
        } else if (op.is(BuiltinOperator.SUB)) {
            f = Function.SUB;
        } else if (op.is(BuiltinOperator.MUL)) {
            f = Function.MUL;
        } else {
            return notSupported(op);
        }
        return binaryElementwise(op, f, ((OpOptions.Arithmetic) op.options()).activation());
    }

    /**
     * A binary element-wise operation, with the operands in the order Vela runs them: a constant or broadcast
     * first operand becomes the IFM2; a rank-0 second operand is a scalar in the command stream.
     */
    private Result binaryElementwise(Operator op, Function f, Activation activation) {
        if (op.inputCount() < 2 || op.input(0) < 0 || op.input(1) < 0) {
            return new Result.NotLowered(op.opName() + " needs two inputs");
        }
        int a = op.input(0);
        int b = op.input(1);
        Tensor ta = graph.tensor(a);
        Tensor tb = graph.tensor(b);
        long ofmElements = out(op).elementCount();
        boolean aSecondary = ta.isConstant() || ta.elementCount() < ofmElements;
        boolean bSecondary = tb.isConstant() || tb.elementCount() < ofmElements;
        if (aSecondary && !bSecondary) {
            int t = a;
            a = b;
            b = t;
            Tensor tt = ta;
            ta = tb;
            tb = tt;
        }
        NpuOperation.Builder builder = start(op, NpuBlockType.ELEMENTWISE).function(f).ifm(a, shape(ta), bits(ta));
        if (tb.shape().rank() == 0) {
            builder.scalarIfm2(bits(tb));
        } else {
            builder.ifm2(b, shape(tb), bits(tb));
        }
        return Result.Npu.of(withActivation(builder, op, activation).build());
    }

    // ---- Memory-only operators ----

    /**
     * RESHAPE and SQUEEZE are removed (the producer writes the reshaped tensor) unless their input is a model input,
     * comes from the CPU, or has several readers; then Vela copies it with the DMA ({@code bypass_memory_only_ops}),
     * which costs time only when source and destination are in different memories.
     */
    private Result reshape(Operator op) {
        int t = op.input(0);
        Operator producer = producers[t];
        boolean copy = graphInput[t] || consumers.get(t).size() > 1
                || (producer != null && !onNpu(producer));
        if (!copy) {
            return Result.Npu.none();
        }
        Tensor ifm = in(op, 0);
        NpuOperation dma = NpuOperation.builder(name(op), op.index(), NpuBlockType.DMA)
                .ifm(t, shape(ifm), Math.max(8, bits(ifm)))
                .ofm(op.output(0), shape(out(op)), Math.max(8, bits(out(op))))
                .build();
        return Result.Npu.of(dma);
    }

    // ---- Unary operators ----

    private Result simple(Operator op) {
        Optional<BuiltinOperator> b = op.code().builtin();
        if (b.isEmpty()) {
            return notSupported(op);
        }
        Tensor ifm = in(op, 0);
        Tensor ofm = out(op);
        switch (b.get()) {
            case EXPAND_DIMS:
                return reshape(op);
            case SLICE:
                return splitOrSlice(op);
            case PAD:
                return pad(op);
            case QUANTIZE:
                // QUANTIZE between integer types runs as a 1x1 average pool that rescales (convert_quantize); an
                // int32 output is not among the types an average pool writes.
                if (!ifm.type().isQuantizedInteger() || !ofm.type().isQuantizedInteger() || ofm.type() == ElementType.INT32) {
                    return new Result.NotLowered("QUANTIZE from " + ifm.type().label() + " to " + ofm.type().label()
                            + " is not an integer requantization the Ethos-U supports");
                }
                return Result.Npu.of(unary(op, NpuBlockType.POOLING, Function.AVG_POOL).build());
            case LOGISTIC, TANH, HARD_SWISH, EXP, RSQRT, LOG, SQRT, GELU:
                return lutFunction(op, ifm);
            case PRELU:
                if (op.inputCount() < 2 || op.input(1) < 0) {
                    return new Result.NotLowered("PRELU needs its slopes as a second input");
                }
                return leakyRelu(op);
            case MAXIMUM, MINIMUM:
                // Element-wise MAX and MIN, one-cycle-class functions of the output stage.
                return binaryElementwise(op, Function.SIMPLE, Activation.NONE);
            case ABS:
                return Result.Npu.of(withActivation(unary(op, NpuBlockType.ELEMENTWISE, Function.SIMPLE), op, Activation.NONE)
                        .build());
            case SHAPE:
                // The shape of a tensor of static shape is a constant: nothing runs.
                return Result.Npu.none();
            case TRANSPOSE:
                return transpose(op);
            case ARG_MAX:
                return argMax(op);
            case SQUARED_DIFFERENCE:
                return squaredDifference(op);
            case RELU, RELU6, RELU_N1_TO_1:
                return reluPool(op, ifm);
            default:
                return new Result.NotLowered(op.opName() + " has no NPU lowering in npusim yet");
        }
    }

    /**
     * int8 LUT functions become an ADD of a rank-0 scalar 0 with a 256-entry LUT activation (lut.py:
     * convert_to_lut), unless fused into the producer; int16 LOGISTIC/TANH use the native activation (no table).
     */
    private Result lutFunction(Operator op, Tensor ifm) {
        ElementType t = ifm.type();
        if (t != ElementType.INT8 && t != ElementType.UINT8 && t != ElementType.INT16) {
            return new Result.NotLowered(op.opName() + " on " + t.label() + " is not supported by the Ethos-U");
        }
        Operator producer = producers[op.input(0)];
        if (producer != null && lutFusesInto(op, producer) && lowerOwn(producer) instanceof Result.Npu) {
            return Result.Npu.none();
        }
        boolean native16 = t == ElementType.INT16 && (op.is(BuiltinOperator.LOGISTIC) || op.is(BuiltinOperator.TANH));
        NpuOperation.Builder b = start(op, native16 ? NpuBlockType.POOLING : NpuBlockType.ELEMENTWISE)
                .ifm(op.input(0), shape(ifm), bits(ifm)).activation(ActivationKind.LUT);
        if (native16) {
            b.function(Function.AVG_POOL);
        } else {
            b.function(Function.LUT).scalarIfm2(8).lut(t == ElementType.INT16 ? LUT16_BYTES : LUT8_BYTES);
        }
        return Result.Npu.of(b.build());
    }

    /**
     * CONCATENATION as Vela 3.10 lowers it ({@code rewrite_concat_ops}, {@code create_avg_pool_for_concat}; notes on
     * Vela's lowering §3.5): every input becomes a 1x1 average pool (a ConcatSliceWrite) that writes the input's
     * shape into the output at the running offset on the concatenation axis, and costs what that write shape costs.
     * A fused activation Vela splits off ({@code unfuse_activation_function}): the parts are written into an
     * intermediate, which a 1x1 average pool with the ReLU (or an element-wise LUT for TANH) writes out. The planner
     * keeps the output linear (NHWC) when a write starts at a depth that is not a multiple of 16
     * ({@code _avoid_nhcwb16_for_concat}). Not checked against Vela's figures: no reference model concatenates.
     * This follows Arm's Vela 3.10; NXP's build of it adds an ADD of 0 after every concatenation
     * ({@code add_add_op_after_concat}), which npusim does not model.
     */
    private Result concatenation(Operator op) {
        Activation activation = ((OpOptions.Concatenation) op.options()).activation();
        if (activation == Activation.NONE) {
            return writesInParts(op, "_concat#", in -> shape(in), op.output(0), List.of());
        }
        if (activation == Activation.TANH && bits(out(op)) == 32) {
            return new Result.NotLowered("CONCATENATION with a fused " + activation + " activation on "
                    + out(op).type().label() + " has no NPU lowering in npusim");
        }
        // unfuse_activation_function: the parts are written into an intermediate of the output's shape, then the
        // activation runs over it as an operation of its own: a 1x1 average pool with the ReLU (the pass packing of
        // a ReLU whose input has several writers), or for TANH an element-wise LUT (convert_to_lut).
        Tensor ofm = out(op);
        List<InternalTensor> internals = new ArrayList<>();
        int whole = new IntermediateTensors(op, internals).featureMap(shape(ofm), bits(ofm));
        List<NpuOperation> ops = new ArrayList<>(((Result.Npu) writesInParts(op, "_concat#", in -> shape(in), whole, internals))
                .operations());
        // int8 TANH becomes a LUT (convert_to_lut); int16 TANH is the NPU's own, on a 1x1 average pool.
        NpuOperation.Builder act = activation == Activation.TANH && bits(ofm) == 8
                ? start(op, NpuBlockType.ELEMENTWISE).function(Function.LUT).scalarIfm2(8).activation(ActivationKind.LUT).lut(LUT8_BYTES)
                : start(op, NpuBlockType.POOLING).function(Function.AVG_POOL)
                        .activation(activation == Activation.TANH ? ActivationKind.LUT : ActivationKind.RELU);
        ops.add(act.ifm(whole, shape(ofm), bits(ofm)).build());
        return new Result.Npu(ops, internals);
    }

    /**
     * PACK as Vela 3.10 lowers it ({@code rewrite_concat_ops} with {@code Op.Pack}): a concatenation of the inputs,
     * each seen with a 1 inserted at the stacking axis ({@code desired_shape}), so one 1x1 average pool per input
     * writes its slice of the output.
     */
    private Result pack(Operator op) {
        int axis = ((OpOptions.Pack) op.options()).axis();
        int rank = in(op, 0).shape().rank();
        int at = axis < 0 ? axis + rank + 1 : axis;
        if (at < 0 || at > rank) {
            return new Result.NotLowered("PACK along axis " + axis + " of rank-" + rank + " inputs has no NPU lowering");
        }
        return writesInParts(op, "_pack#", in -> {
            int[] dims = new int[rank + 1];
            for (int d = 0, s = 0; d <= rank; d++) {
                dims[d] = d == at ? 1 : in.shape().dim(s++);
            }
            return Shape4.of(Shape.of(dims));
        }, op.output(0), List.of());
    }

    /**
     * One 1x1 average pool per input, writing the input, seen with {@code part}'s shape, into its part of tensor
     * {@code target} (the output, or an intermediate among {@code internals}).
     */
    private Result writesInParts(Operator op, String suffix, java.util.function.Function<Tensor, Shape4> part, int target,
            List<InternalTensor> internals) {
        Tensor ofm = out(op);
        List<NpuOperation> writes = new ArrayList<>();
        for (int k = 0; k < op.inputCount(); k++) {
            int t = op.input(k);
            if (t < 0) {
                continue;
            }
            Tensor in = graph.tensor(t);
            Shape4 s = part.apply(in);
            writes.add(NpuOperation.builder(name(op) + suffix + k, op.index(), NpuBlockType.POOLING)
                    .function(Function.AVG_POOL).ifm(t, s, bits(in)).ofm(target, s, bits(ofm)).build());
        }
        return new Result.Npu(writes, internals);
    }

    // ---- SPLIT, SPLIT_V, SLICE, STRIDED_SLICE ----

    /** One output of a split or slice: the part of the input it holds. */
    private record SliceRead(int output, int source, int[] offset, Shape4 shape) {}

    /**
     * SPLIT, SPLIT_V, SLICE, STRIDED_SLICE and UNPACK as Vela 3.10 lowers them ({@code rewrite_split_ops},
     * {@code rewrite_unpack_output}, {@code remove_SplitSliceRead}, {@code move_splitsliceread_to_consumer}): every
     * output is a read of a part of the input, at an offset. Where the output's readers can take that read
     * themselves ({@link #readersTakeRead}), they read the part in place and the operator costs nothing: the
     * output's 4-D shape is the part's and it is not a model output. Otherwise a 1x1 average pool copies the part
     * into the output (a SplitSliceRead's average-pool "nop", with its MACs as Vela counts them). An input read
     * from a depth that is not a multiple of 16 is stored linearly ({@code _avoid_nhcwb16_for_split}). Not checked
     * against Vela's figures: no reference model splits or slices.
     */
    private Result splitOrSlice(Operator op) {
        List<SliceRead> reads = new ArrayList<>();
        Optional<String> refused = sliceReads(op, reads);
        if (refused.isPresent()) {
            return new Result.NotLowered(refused.get());
        }
        List<NpuOperation> copies = new ArrayList<>();
        List<Integer> linear = new ArrayList<>();
        for (SliceRead r : reads) {
            Tensor out = graph.tensor(r.output());
            if (r.offset()[3] % 16 != 0 && !linear.contains(r.source())) {
                linear.add(r.source());
            }
            if (readInPlace(r)) {
                readInPlaceFrom[r.output()] = r.source();
                continue;
            }
            Tensor source = graph.tensor(r.source());
            copies.add(NpuOperation.builder(out.name() + "_avgpool", op.index(), NpuBlockType.POOLING)
                    .function(Function.AVG_POOL).ifm(r.source(), r.shape(), bits(source)).ofm(r.output(), r.shape(), bits(out))
                    .build());
        }
        return new Result.Npu(copies, List.of(), linear);
    }

    /**
     * Fills {@code reads} with the part of the input every output of {@code op} holds, as Vela's
     * {@code get_split_inputs_axis} finds it: SPLIT and SPLIT_V stack their outputs along the axis, SLICE reads
     * {@code size} elements from {@code begin} ({@code -1}: to the end), STRIDED_SLICE (stride 1) from its start to
     * its stop index by TFLite's rules ({@link SliceIndex}), a shrunk axis keeping one element. Returns why it
     * cannot, if it cannot.
     */
    private Optional<String> sliceReads(Operator op, List<SliceRead> reads) {
        boolean split = op.is(BuiltinOperator.SPLIT) || op.is(BuiltinOperator.SPLIT_V);
        boolean unpack = op.is(BuiltinOperator.UNPACK);
        int dataSlot = op.is(BuiltinOperator.SPLIT) ? 1 : 0;
        if (op.inputCount() <= dataSlot || op.input(dataSlot) < 0) {
            return Optional.of(op.opName() + " has no input to split");
        }
        int source = op.input(dataSlot);
        Shape in = graph.tensor(source).shape();
        int rank = in.rank();
        if (rank < 1 || rank > 4) {
            return Optional.of(op.opName() + " of a rank-" + rank + " tensor has no NPU lowering in npusim");
        }
        int lead = 4 - rank;
        if (unpack) {
            // rewrite_unpack_output: every output is the input with the unstacked axis cut to its index.
            int axis = ((OpOptions.Pack) op.options()).axis();
            if (axis < -rank || axis >= rank || op.outputCount() != in.dim(Math.floorMod(axis, rank))) {
                return Optional.of("UNPACK along axis " + axis + " into " + op.outputCount() + " outputs does not fit its input");
            }
            int axis4 = Math.floorMod(axis, rank) + lead;
            Shape4 whole = Shape4.of(in);
            int[] dims = {whole.n(), whole.h(), whole.w(), whole.c()};
            dims[axis4] = 1;
            for (int k = 0; k < op.outputCount(); k++) {
                int[] offset = new int[4];
                offset[axis4] = k;
                reads.add(new SliceRead(op.output(k), source, offset, new Shape4(dims[0], dims[1], dims[2], dims[3])));
            }
            return Optional.empty();
        }
        if (split) {
            int axisSlot = op.is(BuiltinOperator.SPLIT) ? 0 : 2;
            Optional<int[]> axis = constantInts(op, axisSlot);
            if (axis.isEmpty() || axis.get().length != 1 || axis.get()[0] < -rank || axis.get()[0] >= rank) {
                return Optional.of(op.opName() + " needs a constant axis within the input's rank");
            }
            int axis4 = Math.floorMod(axis.get()[0], rank) + lead;
            int at = 0;
            for (int k = 0; k < op.outputCount(); k++) {
                Shape4 part = shape(graph.tensor(op.output(k)));
                int[] offset = new int[4];
                offset[axis4] = at;
                at += dim(part, axis4);
                reads.add(new SliceRead(op.output(k), source, offset, part));
            }
            return at == dim(Shape4.of(in), axis4) ? Optional.empty()
                    : Optional.of(op.opName() + " outputs do not add up to the input along the axis");
        }
        int[] start = new int[rank];
        int[] stop = new int[rank];
        if (op.is(BuiltinOperator.SLICE)) {
            Optional<int[]> begin = constantInts(op, 1);
            Optional<int[]> size = constantInts(op, 2);
            if (begin.isEmpty() || size.isEmpty() || begin.get().length != rank || size.get().length != rank) {
                return Optional.of("SLICE needs a constant begin and size, one value per input dimension");
            }
            for (int a = 0; a < rank; a++) {
                start[a] = begin.get()[a];
                stop[a] = size.get()[a] == -1 ? in.dim(a) : start[a] + size.get()[a];
            }
        } else {
            OpOptions.StridedSlice o = (OpOptions.StridedSlice) op.options();
            Optional<int[]> begin = constantInts(op, 1);
            Optional<int[]> end = constantInts(op, 2);
            if (begin.isEmpty() || end.isEmpty() || begin.get().length != rank || end.get().length != rank) {
                return Optional.of("STRIDED_SLICE needs a constant begin and end, one value per input dimension");
            }
            for (int a = 0; a < rank; a++) {
                start[a] = SliceIndex.start(o.beginMask(), begin.get()[a], 1, in.dim(a), a);
                int e = o.offset() ? begin.get()[a] + end.get()[a] : end.get()[a];
                stop[a] = (o.shrinkAxisMask() & (1 << a)) != 0 ? start[a] + 1 : SliceIndex.stop(o.endMask(), e, 1, in.dim(a), a);
            }
        }
        int[] offset = new int[4];
        int[] extent = {1, 1, 1, 1};
        for (int a = 0; a < rank; a++) {
            if (start[a] < 0 || stop[a] > in.dim(a) || stop[a] <= start[a]) {
                return Optional.of(op.opName() + " reads [" + start[a] + ", " + stop[a] + ") of dimension " + a
                        + " (" + in.dim(a) + " elements): not a part of the input");
            }
            offset[lead + a] = start[a];
            extent[lead + a] = stop[a] - start[a];
        }
        Shape4 part = new Shape4(extent[0], extent[1], extent[2], extent[3]);
        if (part.elements() != graph.tensor(op.output(0)).elementCount()) {
            return Optional.of(op.opName() + " reads " + part.elements() + " elements into an output of "
                    + graph.tensor(op.output(0)).elementCount());
        }
        reads.add(new SliceRead(op.output(0), source, offset, part));
        return Optional.empty();
    }

    private static int dim(Shape4 s, int axis) {
        return switch (axis) {
            case 0 -> s.n();
            case 1 -> s.h();
            case 2 -> s.w();
            default -> s.c();
        };
    }

    private Optional<int[]> constantInts(Operator op, int slot) {
        if (op.inputCount() <= slot || op.input(slot) < 0 || !in(op, slot).isConstant() || in(op, slot).data().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(in(op, slot).data().get().toIntArray());
    }

    /**
     * Whether the readers of a split's or slice's output read its part of the input in place (the conditions of
     * {@link #splitOrSlice}); if so, records where they read it.
     */
    private boolean readInPlace(SliceRead r) {
        if (!r.shape().equals(shape(graph.tensor(r.output()))) || !readersTakeRead(r.output(), r.shape())) {
            return false;
        }
        recordReadInPlace(r.output(), r.source());
        return true;
    }

    /**
     * Whether every reader of tensor {@code t}, which holds a part of shape {@code part}, can take the read: it
     * runs on the NPU as operations that read {@code t} as a feature map (IFM or IFM2, not as weights or a scalar),
     * and it is not a MUL, a TRANSPOSE, another split or slice, or an LSTM. Readers that Vela's earlier rewrites
     * remove pass the read on ({@code remove_SplitSliceRead} runs after {@code bypass_memory_only_ops} and
     * {@code replace_pad_by_hw_pad}): a removed RESHAPE, SQUEEZE or EXPAND_DIMS that keeps the part's 4-D shape, to
     * its own readers; a PAD applied as hardware padding, to the convolutions that apply it (they read {@code t}).
     * A reshape copied by the DMA takes the read like any reader. Vela would also hand the read to a split, slice or
     * LSTM, but moving it there overwrites their own read offset (its passes run from inputs to outputs), so its
     * result is wrong; npusim copies the part out instead.
     */
    private boolean readersTakeRead(int t, Shape4 part) {
        if (graphOutput[t]) {
            return false;
        }
        for (Operator reader : consumers.get(t)) {
            boolean movable = !reader.is(BuiltinOperator.MUL) && !reader.is(BuiltinOperator.TRANSPOSE) && !isSplitOrSlice(reader)
                    && reader.options().kind() != OpKind.SEQUENCE_LSTM;
            if (!movable || !(lowerOwn(reader) instanceof Result.Npu n)) {
                return false;
            }
            if (n.operations().isEmpty()) {
                boolean passesOn = isMemoryOnly(reader) ? shape(out(reader)).equals(part)
                        : reader.is(BuiltinOperator.PAD) || reader.is(BuiltinOperator.PADV2);
                if (!passesOn || !readersTakeRead(reader.output(0), part)) {
                    return false;
                }
                continue;
            }
            for (NpuOperation o : n.operations()) {
                // Only a feature-map read can take an offset: not weights, not a scalar in the command stream.
                boolean otherwise = o.weights().map(w -> w.tensor() == t).orElse(false)
                        || o.ifm2Scalar() && o.tensors().ifm2().orElse(-1) == t;
                if (otherwise) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Records that the readers of {@code t}, and of the removed reshapes of it, read {@code source} instead. */
    private void recordReadInPlace(int t, int source) {
        readInPlaceFrom[t] = source;
        for (Operator reader : consumers.get(t)) {
            if (isMemoryOnly(reader) && lowerOwn(reader) instanceof Result.Npu n && n.operations().isEmpty()) {
                recordReadInPlace(reader.output(0), source);
            }
        }
    }

    /**
     * The standalone ReLU that Vela packs into {@code producer}'s pass ({@link ActivationPacking#packs}), when the
     * ReLU is itself an NPU operator and the producer runs on the NPU as one operation writing the ReLU's input,
     * without a LUT of its own (a pass has one activation).
     */
    private Optional<Operator> packedRelu(Operator producer) {
        if (producer.outputCount() != 1 || producer.output(0) < 0) {
            return Optional.empty();
        }
        List<Operator> readers = consumers.get(producer.output(0));
        if (readers.size() != 1 || !ActivationPacking.packs(readers.get(0), producer, readers.size(),
                graphOutput[producer.output(0)], graph.tensors())) {
            return Optional.empty();
        }
        Operator relu = readers.get(0);
        if (rule(relu) instanceof SupportRules.Unsupported || !(lowerOwn(producer) instanceof Result.Npu n)) {
            return Optional.empty();
        }
        List<NpuOperation> writers = n.operations().stream().filter(o -> o.tensors().ofm() == producer.output(0)).toList();
        return writers.size() == 1 && writers.get(0).activation() != ActivationKind.LUT ? Optional.of(relu) : Optional.empty();
    }

    /** Gives {@code op}'s operation the activation of a ReLU packed into its pass, writing the ReLU's output. */
    private Result withPackedRelu(Operator op, Result r) {
        if (!(r instanceof Result.Npu n) || n.operations().isEmpty()) {
            return r;
        }
        Optional<Operator> relu = packedRelu(op);
        if (relu.isEmpty()) {
            return r;
        }
        Tensor out = out(relu.get());
        List<NpuOperation> ops = new ArrayList<>(n.operations().size());
        for (NpuOperation o : n.operations()) {
            ops.add(o.tensors().ofm() != op.output(0) ? o
                    : o.toBuilder().activation(ActivationKind.RELU).ofm(relu.get().output(0), o.ofm(), bits(out)).build());
        }
        return new Result.Npu(ops, n.internals(), n.linearTensors());
    }

    private static boolean isSplitOrSlice(Operator op) {
        return op.is(BuiltinOperator.SPLIT) || op.is(BuiltinOperator.SPLIT_V) || op.is(BuiltinOperator.SLICE)
                || op.is(BuiltinOperator.STRIDED_SLICE) || op.is(BuiltinOperator.UNPACK);
    }

    /**
     * Moves the reads of outputs that are read in place to the sliced tensor: an operation whose IFM or IFM2 is
     * such an output reads the input of the split instead, with the shape it had (the part's), as Vela's moved
     * SplitSliceRead does.
     */
    private Result readSlicesInPlace(Result r) {
        if (!(r instanceof Result.Npu n)) {
            return r;
        }
        List<NpuOperation> ops = null;
        for (int k = 0; k < n.operations().size(); k++) {
            NpuOperation o = n.operations().get(k);
            int ifm = readSource(o.tensors().ifm());
            int ifm2 = o.ifm2Scalar() ? -1 : readSource(o.tensors().ifm2().orElse(-1));
            if (ifm < 0 && ifm2 < 0) {
                if (ops != null) {
                    ops.add(o);
                }
                continue;
            }
            if (ops == null) {
                // The first operation that moves: the list is needed from here on.
                ops = new ArrayList<>(n.operations().subList(0, k));
            }
            NpuOperation.Builder b = o.toBuilder();
            if (ifm >= 0) {
                b.ifm(ifm, o.ifm(), o.ifmBits());
            }
            if (ifm2 >= 0) {
                b.ifm2(ifm2, o.ifm2().get(), o.ifm2Bits());
            }
            ops.add(b.build());
        }
        return ops != null ? new Result.Npu(ops, n.internals(), n.linearTensors()) : r;
    }

    /**
     * Returns the tensor a read of graph tensor {@code t} reads in the end, following reads in place through
     * chains (a slice of a resize to the same size, a split read through a removed reshape), or -1 if none.
     */
    private int readSource(int t) {
        int source = -1;
        for (int next = inPlaceSource(t), steps = 0; next >= 0 && steps < producers.length; next = inPlaceSource(next), steps++) {
            source = next;
        }
        return source;
    }

    /**
     * Returns the tensor read in place of graph tensor {@code t} (an output of a split read in place, or of a
     * resize that changes nothing), or -1.
     */
    private int inPlaceSource(int t) {
        if (t < 0 || t >= producers.length || producers[t] == null) {
            return -1;
        }
        Operator p = producers[t];
        if (isMemoryOnly(p) && p.inputCount() > 0) {
            // A removed reshape passes on a read in place of its input: the split before it decides.
            inPlaceSource(p.input(0));
        } else if (isSplitOrSlice(p) || p.options().kind() == OpKind.RESIZE) {
            lowerOwn(p);
        } else {
            return -1;
        }
        return readInPlaceFrom[t];
    }

    /**
     * TRANSPOSE as Vela 3.10 lowers it ({@code fixup_transpose}): one 1x1 average pool whose IFM and OFM have the
     * same shape, the two swapped dimensions as height and width (the depth too when it stays last: [1, a, b, C],
     * else [1, a, b, 1]); the command stream swaps the OFM's height and width strides, which costs nothing. The OFM
     * is stored linearly; so is the IFM where it is seen through another shape.
     */
    private Result transpose(Operator op) {
        Optional<int[]> perm = constantInts(op, 1);
        Shape in = in(op, 0).shape();
        int rank = in.rank();
        if (perm.isEmpty() || perm.get().length != rank || rank < 2 || rank > 4) {
            return new Result.NotLowered("TRANSPOSE needs a constant permutation of its input's 2 to 4 dimensions");
        }
        int a = -1;
        int b = -1;
        for (int d = 0; d < rank; d++) {
            if (perm.get()[d] != d) {
                if (a < 0) {
                    a = d;
                } else {
                    b = d;
                }
            }
        }
        if (b < 0) {
            return new Result.NotLowered("TRANSPOSE that swaps no two axes has no NPU lowering");
        }
        Shape4 seen;
        if (b == rank - 2 && rank >= 3) {
            // Height and width swap with the depth last: the input's own 4-D shape ([1, H, W, C]).
            seen = new Shape4(1, in.dim(a), in.dim(b), in.dim(rank - 1));
        } else {
            seen = new Shape4(1, in.dim(a), in.dim(b), 1);
        }
        Tensor ifm = in(op, 0);
        NpuOperation pool = start(op, NpuBlockType.POOLING).function(Function.AVG_POOL).ifm(op.input(0), seen, bits(ifm))
                .ofm(op.output(0), seen, bits(out(op))).build();
        return new Result.Npu(List.of(pool), List.of(), List.of(op.output(0)));
    }

    /** Rows of W elements one max-pool pass of an ARG_MAX reads: its IFM is seen as H·W rows, at most 65536. */
    private static final int ARG_MAX_POOL_ELEMENTS = 65536;

    /**
     * ARG_MAX over the depth as Vela 3.10 lowers it ({@code convert_argmax_to_depthwise_conv_and_max_pool}): a 1x1
     * depthwise convolution shifts every value left by 7 and adds its reversed channel index (int16); max pools
     * with a C x 1 kernel over the IFM seen as [1, H·W, C, 1], in chunks of at most 65536 / W rows, keep the
     * largest, whose low bits a 16-bit LUT turns into the index; a 1x1 depthwise convolution casts it to int32. An
     * int64 output takes a DMA copy into two int16 halves, a cast of both to int32 and a DMA copy out. The
     * depthwise weights Vela creates (one value per channel) are not sized as a weight stream.
     */
    private Result argMax(Operator op) {
        Tensor ifm = in(op, 0);
        Optional<int[]> axis = constantInts(op, 1);
        int rank = ifm.shape().rank();
        if (axis.isEmpty() || axis.get().length != 1 || Math.floorMod(axis.get()[0], Math.max(1, rank)) != rank - 1) {
            return new Result.NotLowered("ARG_MAX along an axis other than the last is not supported by the Ethos-U");
        }
        Shape4 i = shape(ifm);
        int h = i.n() * i.h();
        int w = i.w();
        int c = i.c();
        List<NpuOperation> ops = new ArrayList<>();
        List<InternalTensor> internals = new ArrayList<>();
        IntermediateTensors map = new IntermediateTensors(op, internals);
        int shifted = map.featureMap(i, 16);
        ops.add(NpuOperation.builder(name(op) + "_depthwise_conv_SHL_7", op.index(), NpuBlockType.DEPTHWISE)
                .ifm(op.input(0), i, bits(ifm)).ofm(shifted, i, 16).scaled(true).build());
        Shape4 rows = new Shape4(1, h * w, 1, 1);
        int maxima = map.featureMap(rows, 16);
        int rowsPerPool = Math.max(1, ARG_MAX_POOL_ELEMENTS / w);
        for (int first = 0, k = 0; first < h; first += rowsPerPool, k++) {
            int hk = Math.min(rowsPerPool, h - first);
            ops.add(NpuOperation.builder(name(op) + "_dw_maxpool_" + k, op.index(), NpuBlockType.POOLING)
                    .function(Function.MAX_POOL).ifm(shifted, new Shape4(1, hk * w, c, 1), 16)
                    .ofm(maxima, new Shape4(1, hk * w, 1, 1), 16).kernel(new Kernel(c, 1, 1, 1, 1, 1))
                    .activation(ActivationKind.LUT).lut(LUT16_BYTES).build());
        }
        Shape4 index = new Shape4(1, h, w, 1);
        boolean int64 = out(op).type() == ElementType.INT64;
        int cast = int64 ? map.featureMap(index, 32) : op.output(0);
        ops.add(NpuOperation.builder(name(op) + "_cast", op.index(), NpuBlockType.DEPTHWISE)
                .ifm(maxima, index, 16).ofm(cast, index, 32).scaled(true).build());
        if (int64) {
            // The int32 index as two int16 halves, each cast to int32: the int64 value's two words.
            Shape4 halves = new Shape4(1, h, w, 2);
            int split = map.featureMap(halves, 16);
            ops.add(NpuOperation.builder(name(op) + "_memcpy_in", op.index(), NpuBlockType.DMA).ifm(cast, index, 32)
                    .ofm(split, halves, 16).build());
            int wide = map.featureMap(halves, 32);
            ops.add(NpuOperation.builder(name(op) + "_cast64", op.index(), NpuBlockType.DEPTHWISE).ifm(split, halves, 16)
                    .ofm(wide, halves, 32).scaled(true).build());
            ops.add(NpuOperation.builder(name(op) + "_memcpy_out", op.index(), NpuBlockType.DMA).ifm(wide, halves, 32)
                    .ofm(op.output(0), halves, 32).build());
        }
        return new Result.Npu(ops, internals);
    }

    /**
     * SQUARED_DIFFERENCE as Vela 3.10 lowers it ({@code convert_squared_difference}): each input is cast to int32 by
     * a 1x1 depthwise convolution (shifted left by 7 for 8-bit inputs) and rescaled by a MUL with an int32
     * constant; a SUB, a MUL of the difference by itself and a MUL by the output's multiplier follow, all int32 but
     * the last. The casts' weights (one value per channel) are not sized as a weight stream.
     */
    private Result squaredDifference(Operator op) {
        if (op.inputCount() < 2 || op.input(1) < 0) {
            return new Result.NotLowered("SQUARED_DIFFERENCE needs two inputs");
        }
        List<NpuOperation> ops = new ArrayList<>();
        List<InternalTensor> internals = new ArrayList<>();
        IntermediateTensors map = new IntermediateTensors(op, internals);
        Shape4 one = new Shape4(1, 1, 1, 1);
        int[] scaled = new int[2];
        Shape4[] shapes = new Shape4[2];
        for (int k = 0; k < 2; k++) {
            Tensor in = in(op, k);
            shapes[k] = shape(in);
            int cast = map.featureMap(shapes[k], 32);
            ops.add(NpuOperation.builder(name(op) + "_cast" + k, op.index(), NpuBlockType.DEPTHWISE)
                    .ifm(op.input(k), shapes[k], bits(in)).ofm(cast, shapes[k], 32).scaled(true).build());
            scaled[k] = map.featureMap(shapes[k], 32);
            ops.add(elementwisePart(op, "_mul" + k, Function.MUL, cast, shapes[k], 32).ifm2(map.constant(one, 32), one, 32)
                    .ofm(scaled[k], shapes[k], 32).build());
        }
        Shape4 y = shape(out(op));
        int diff = map.featureMap(y, 32);
        ops.add(elementwisePart(op, "_sub", Function.SUB, scaled[0], shapes[0], 32).ifm2(scaled[1], shapes[1], 32)
                .ofm(diff, y, 32).build());
        int squared = map.featureMap(y, 32);
        ops.add(elementwisePart(op, "_square", Function.MUL, diff, y, 32).ifm2(diff, y, 32).ofm(squared, y, 32).build());
        ops.add(elementwisePart(op, "", Function.MUL, squared, y, 32).ifm2(map.constant(one, 32), one, 32)
                .ofm(op.output(0), y, bits(out(op))).build());
        return new Result.Npu(ops, internals);
    }

    /** Creates the tensors of one operator's lowering, named after it and numbered, into {@code internals}. */
    private final class IntermediateTensors {
        private final Operator op;
        private final List<InternalTensor> internals;

        IntermediateTensors(Operator op, List<InternalTensor> internals) {
            this.op = op;
            this.internals = internals;
        }

        /** A feature map between two operations of the lowering, in the arena, its format the planner's choice. */
        int featureMap(Shape4 shape, int bits) {
            return add(shape, bits, false, Optional.empty());
        }

        /** A feature map between two operations of the lowering, in the format Vela gives it. */
        int featureMap(Shape4 shape, int bits, TensorFormat format) {
            return add(shape, bits, false, Optional.of(format));
        }

        /** A constant operand (NHWC, in permanent storage beside the weights). */
        int constant(Shape4 shape, int bits) {
            return add(shape, bits, true, Optional.of(TensorFormat.NHWC));
        }

        private int add(Shape4 shape, int bits, boolean constant, Optional<TensorFormat> format) {
            int id = nextInternal++;
            internals.add(new InternalTensor(id, name(op) + "_t" + internals.size(), shape, bits, constant, format));
            return id;
        }
    }

    // ---- RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR ----

    /**
     * RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR as Vela 3.10 rewrites them ({@code fixup_resize}):
     * <ul>
     *   <li>to the same size: nothing (the operator becomes an Identity and its tensor is bypassed; its readers
     *       read the input);
     *   <li>from a 1x1 IFM: an element-wise ADD of a constant of zeros of the OFM's shape (in permanent storage,
     *       read like weights) and the IFM broadcast as IFM2 ({@code convert_resize_1x1_to_add});
     *   <li>by f = 2, 4 or 8 ({@code convert_resize_to_upscale_and_average_pool}): log2(f) average pools, each
     *       upscaling its IFM by 2 (nearest) in the IFM read; all but the last 1x1 and writing an intermediate
     *       tensor; the last 1x1 for nearest neighbour, f x f for bilinear (padded below and right without
     *       align_corners; VALID with it, so that the OFM is f·(IFM − 1) + 1 high and wide);
     * </ul>
     * Vela costs each pool on its stored (not upscaled) IFM, the upscaling entering through the block config's IFM
     * block; so does npusim. Bilinear by 2 with half_pixel_centers is {@link #halfPixelBilinear}; nearest neighbour
     * with align_corners ends in an f x f depthwise convolution instead of the last pool, its one-hot weights not
     * sized as a weight stream. A following LUT function is not fused into the last operation (Vela would fuse it).
     */
    private Result resize(Operator op) {
        OpOptions.Resize o = (OpOptions.Resize) op.options();
        Tensor ifm = in(op, 0);
        Tensor ofm = out(op);
        Shape4 i = shape(ifm);
        Shape4 out = shape(ofm);
        boolean bilinear = op.is(BuiltinOperator.RESIZE_BILINEAR);
        if (i.equals(out)) {
            // remove_passthrough_tensor, on model outputs too: nothing runs; readers (and readers of removed reshapes
            // of it) read the input.
            recordReadInPlace(op.output(0), op.input(0));
            return Result.Npu.none();
        }
        if (i.h() == 1 && i.w() == 1) {
            List<InternalTensor> zeros = new ArrayList<>();
            int zero = new IntermediateTensors(op, zeros).constant(out, bits(ifm));
            return new Result.Npu(List.of(start(op, NpuBlockType.ELEMENTWISE).function(Function.ADD)
                    .ifm(zero, out, bits(ifm)).ifm2(op.input(0), i, bits(ifm)).build()), zeros);
        }
        if (bilinear && o.halfPixelCenters()) {
            return halfPixelBilinear(op, i, out);
        }
        int factor = o.alignCorners() ? (out.h() - 1) / Math.max(1, i.h() - 1) : out.h() / i.h();
        int passes = Integer.numberOfTrailingZeros(factor);
        List<NpuOperation> ops = new ArrayList<>();
        List<InternalTensor> internals = new ArrayList<>();
        IntermediateTensors map = new IntermediateTensors(op, internals);
        int from = op.input(0);
        Shape4 fromShape = i;
        for (int k = 1; k < passes; k++) {
            Shape4 up = new Shape4(1, fromShape.h() * 2, fromShape.w() * 2, i.c());
            int t = map.featureMap(up, bits(ifm));
            ops.add(NpuOperation.builder(name(op) + "_" + k, op.index(), NpuBlockType.POOLING).function(Function.AVG_POOL)
                    .ifm(from, fromShape, bits(ifm)).ofm(t, up, bits(ifm)).resampling(Resampling.NEAREST).build());
            from = t;
            fromShape = up;
        }
        if (!bilinear && o.alignCorners()) {
            // convert_resizenn_ac_to_depthwise_conv: the last x2 is an f x f depthwise convolution whose one weight
            // of 1 selects the neighbour (VALID, so the OFM is f·(IFM − 1) + 1).
            ops.add(start(op, NpuBlockType.DEPTHWISE).ifm(from, fromShape, bits(ifm))
                    .kernel(new Kernel(factor, factor, 1, 1, 1, 1)).resampling(Resampling.NEAREST).scaled(true).build());
            return new Result.Npu(ops, internals);
        }
        int kernel = bilinear ? factor : 1;
        ops.add(start(op, NpuBlockType.POOLING).function(Function.AVG_POOL).ifm(from, fromShape, bits(ifm))
                .kernel(new Kernel(kernel, kernel, 1, 1, 1, 1)).resampling(Resampling.NEAREST).build());
        return new Result.Npu(ops, internals);
    }

    /**
     * Bilinear by 2 with half_pixel_centers ({@code convert_resizebilinear_to_depthwise_convolutions}): a 1x1
     * average pool copies the IFM into an NHCWB16 intermediate, then four 2x2 depthwise convolutions over it, one
     * per corner of the output's 2x2 cells, each padded on two sides by repeating the edge (tiled padding) and
     * writing every second row and column of the output (an OFM stride multiplier of 2): each writes h x w of the
     * 2h x 2w output, its cost taken on that part and its block config on the whole output, which is stored
     * linearly. The weights Vela creates (four per channel) are not sized as a weight stream.
     */
    private Result halfPixelBilinear(Operator op, Shape4 i, Shape4 out) {
        int bits = bits(in(op, 0));
        List<InternalTensor> internals = new ArrayList<>();
        int copy = new IntermediateTensors(op, internals).featureMap(i, bits, TensorFormat.NHCWB16);
        List<NpuOperation> ops = new ArrayList<>();
        ops.add(NpuOperation.builder(name(op) + "_rb_init_avgpool", op.index(), NpuBlockType.POOLING)
                .function(Function.AVG_POOL).ifm(op.input(0), i, bits).ofm(copy, i, bits).build());
        for (String corner : new String[] {"tl", "tr", "bl", "br"}) {
            ops.add(NpuOperation.builder(name(op) + "_" + corner, op.index(), NpuBlockType.DEPTHWISE).ifm(copy, i, bits)
                    .ofm(op.output(0), i, bits(out(op))).kernel(new Kernel(2, 2, 1, 1, 1, 1)).scaled(true).build());
        }
        return new Result.Npu(ops, internals, List.of(op.output(0)));
    }

    /**
     * LEAKY_RELU and PRELU as Vela 3.10 lowers them ({@code convert_lrelu}, {@code convert_lrelu_to_mul_max},
     * {@code convert_prelu}), in the {@link LeakyReluForm} the slope and types select:
     * <ul>
     *   <li>a slope of 0: a ReLU (packed into its producer's pass, or a 1x1 average pool);
     *   <li>8 bits in and out of one type: a 256-entry LUT (standalone, or fused into its producer like LOGISTIC's);
     *   <li>int16 in and out with equal quantization and a positive slope: the NPU's own element-wise LeakyReLU;
     *   <li>a slope between 0 and 1 otherwise: a MUL by the slope (a one-element constant, a PRELU's slope
     *       tensor), a MUL by a scalar 1 that rescales the input where the quantization differs, and a MAXIMUM;
     *   <li>any other slope: a MINIMUM with a scalar 0 (int32 for a LEAKY_RELU's negative slope), a MUL by the
     *       slope, a ReLU of the input (a 1x1 average pool: its input has other readers, so it is not packed) and
     *       an ADD of the two.
     * </ul>
     */
    private Result leakyRelu(Operator op) {
        Tensor ifm = in(op, 0);
        Tensor ofm = out(op);
        LeakyReluForm form = LeakyReluForm.of(op, graph.tensors()).orElseThrow();
        switch (form) {
            case RELU:
                return reluPool(op, ifm);
            case LUT:
                return lutFunction(op, ifm);
            case NATIVE:
                return Result.Npu.of(unary(op, NpuBlockType.ELEMENTWISE, Function.SIMPLE).build());
            default:
                break;
        }
        boolean prelu = op.is(BuiltinOperator.PRELU);
        boolean minForm = form == LeakyReluForm.MIN_MUL_RELU_ADD;
        float alpha = prelu ? 0 : ((OpOptions.LeakyRelu) op.options()).alpha();
        int minBits = minForm && !prelu && alpha < 0 ? 32 : bits(ifm);
        List<NpuOperation> ops = new ArrayList<>();
        List<InternalTensor> internals = new ArrayList<>();
        IntermediateTensors map = new IntermediateTensors(op, internals);
        // The slope: a PRELU's tensor where its slopes differ, else a one-element constant of the multiplied
        // operand's width (convert_prelu drops the tensor of equal slopes and converts to a LEAKY_RELU).
        int slope;
        Shape4 slopeShape;
        int slopeBits;
        if (prelu && !LeakyReluForm.equalSlopes(op, graph.tensors())) {
            slope = op.input(1);
            slopeShape = shape(in(op, 1));
            slopeBits = bits(in(op, 1));
        } else {
            slopeShape = new Shape4(1, 1, 1, 1);
            slopeBits = minForm ? minBits : bits(ifm);
            slope = map.constant(slopeShape, slopeBits);
        }
        Shape4 x = shape(ifm);
        Shape4 y = shape(ofm);
        if (!minForm) {
            int scaled = map.featureMap(y, bits(ofm));
            ops.add(elementwisePart(op, "_mul_alpha", Function.MUL, op.input(0), x, bits(ifm)).ifm2(slope, slopeShape, slopeBits)
                    .ofm(scaled, y, bits(ofm)).build());
            int identity = op.input(0);
            Shape4 identityShape = x;
            int identityBits = bits(ifm);
            if (!Quantization.sameScaling(ifm.quantization(), ofm.quantization())) {
                identity = map.featureMap(y, bits(ofm));
                identityShape = y;
                identityBits = bits(ofm);
                ops.add(elementwisePart(op, "_mul_identity", Function.MUL, op.input(0), x, bits(ifm)).scalarIfm2(bits(ifm))
                        .ofm(identity, y, bits(ofm)).build());
            }
            ops.add(elementwisePart(op, "", Function.SIMPLE, scaled, y, bits(ofm)).ifm2(identity, identityShape, identityBits)
                    .ofm(op.output(0), y, bits(ofm)).build());
            return new Result.Npu(ops, internals);
        }
        int negative = map.featureMap(x, minBits);
        ops.add(elementwisePart(op, "_min", Function.SIMPLE, op.input(0), x, bits(ifm)).scalarIfm2(bits(ifm))
                .ofm(negative, x, minBits).build());
        int scaled = map.featureMap(y, bits(ofm));
        ops.add(elementwisePart(op, "_mul_alpha", Function.MUL, negative, x, minBits).ifm2(slope, slopeShape, slopeBits)
                .ofm(scaled, y, bits(ofm)).build());
        int positive = map.featureMap(y, bits(ofm));
        ops.add(NpuOperation.builder(name(op) + "_relu", op.index(), NpuBlockType.POOLING).function(Function.AVG_POOL)
                .ifm(op.input(0), x, bits(ifm)).ofm(positive, y, bits(ofm)).activation(ActivationKind.RELU).build());
        ops.add(elementwisePart(op, "", Function.ADD, scaled, y, bits(ofm)).ifm2(positive, y, bits(ofm))
                .ofm(op.output(0), y, bits(ofm)).build());
        return new Result.Npu(ops, internals);
    }

    /** An element-wise part of a lowering named {@code name(op) + suffix}, reading {@code ifm}. */
    private NpuOperation.Builder elementwisePart(Operator op, String suffix, Function f, int ifm, Shape4 shape, int bits) {
        return NpuOperation.builder(name(op) + suffix, op.index(), NpuBlockType.ELEMENTWISE).function(f).ifm(ifm, shape, bits);
    }

    /**
     * A standalone ReLU family activation: nothing when Vela packs it into its producer's pass
     * ({@link #packedRelu}), else a 1x1 average pool with the activation (rescaling when the quantization differs).
     */
    private Result reluPool(Operator op, Tensor ifm) {
        Operator producer = producers[op.input(0)];
        if (producer != null && packedRelu(producer).isPresent()) {
            return Result.Npu.none();
        }
        return Result.Npu.of(unary(op, NpuBlockType.POOLING, Function.AVG_POOL).activation(ActivationKind.RELU).build());
    }

    // ---- UNIDIRECTIONAL_SEQUENCE_LSTM ----

    /** LSTM gates in the order Vela's pass packing emits them, with their weight and bias input slots. */
    private enum Gate {
        OUTPUT("output_gate", 4, 8, 15, false),
        INPUT("input_gate", 1, 5, 12, false),
        CELL("cell_gate", 3, 7, 14, true),
        FORGET("forget_gate", 2, 6, 13, false);

        final String label;
        final int inputWeights;
        final int recurrentWeights;
        final int bias;
        final boolean tanh;

        Gate(String label, int inputWeights, int recurrentWeights, int bias, boolean tanh) {
            this.label = label;
            this.inputWeights = inputWeights;
            this.recurrentWeights = recurrentWeights;
            this.bias = bias;
            this.tanh = tanh;
        }
    }

    /**
     * UNIDIRECTIONAL_SEQUENCE_LSTM as Vela unrolls it (lstm.py: Lstm.get_graph; /work notes on Vela's lowering
     * §2): for every batch and time step, 18 operations:
     *
     * <ul>
     *   <li>per gate, two vector products writing int16: the step's IFM row by the input weights, the output
     *       state by the recurrent weights (with a zero bias); an int16 Add of the two with the gate's native
     *       sigmoid (tanh for the cell gate) activation, which needs no LUT;
     *   <li>the new cell state {@code cell·forget + cell_gate·input} (two Muls and an Add), written in place into
     *       the cell-state variable;
     *   <li>a 1×1 average pool applying tanh to the cell state, a Mul by the output gate writing the new output
     *       state (of the input's width) in place, and a 1×1 average pool copying it into the step's row of the LSTM output.
     * </ul>
     *
     * <p>Once per batch, an average pool copies the initial cell state (Vela cannot fold that read into the first
     * Mul). The state variables stay NHWC in the arena; the row copy is costed on the row it writes but its block
     * config is searched on the whole output, as Vela does for sliced writes. Operations are named and ordered as
     * Vela's rows. Only the int8 and int16 (16x8) LSTM with 16-bit cell state and without CIFG, peepholes, projection or layer
     * normalisation, which is what Vela supports, is lowered.
     */
    private Result lstm(Operator op) {
        OpOptions.SequenceLstm o = (OpOptions.SequenceLstm) op.options();
        Tensor ifm = in(op, 0);
        if (op.inputCount() < 20 || (ifm.type() != ElementType.INT8 && ifm.type() != ElementType.INT16)) {
            return new Result.NotLowered(op.opName() + " on " + ifm.type().label()
                    + " has no NPU lowering in npusim (int8 and int16 only)");
        }
        for (int slot : new int[] {9, 10, 11, 16, 17}) {
            if (op.input(slot) >= 0) {
                return new Result.NotLowered(op.opName() + " with peepholes or projection is not supported by the Ethos-U");
            }
        }
        for (int slot = 20; slot < op.inputCount(); slot++) {
            if (op.input(slot) >= 0) {
                return new Result.NotLowered(op.opName() + " with layer normalisation is not supported by the Ethos-U");
            }
        }
        for (Gate gate : Gate.values()) {
            if (op.input(gate.inputWeights) < 0 || op.input(gate.recurrentWeights) < 0) {
                return new Result.NotLowered(op.opName() + " without an input gate (CIFG) is not supported by the Ethos-U");
            }
        }
        int outputState = op.input(18);
        int cellState = op.input(19);
        if (outputState < 0 || cellState < 0 || in(op, 19).type() != ElementType.INT16 || in(op, 18).type() != ifm.type()) {
            return new Result.NotLowered(op.opName() + " needs an output state of its input's type and an int16 cell state");
        }
        // The feature rows, the output state and the output rows are of the input's width (lstm.py takes them from
        // the IFM's type: int8, or int16 for a 16x8 LSTM); gates and the cell state are int16 either way.
        int width = bits(ifm);
        Shape ifmShape = ifm.shape();
        int rank = ifmShape.rank();
        int features = ifmShape.dim(rank - 1);
        int steps = o.timeMajor() ? ifmShape.dim(0) : ifmShape.dim(rank - 2);
        int batches = rank < 3 ? 1 : (o.timeMajor() ? ifmShape.dim(1) : ifmShape.dim(0));
        int units = graph.tensor(outputState).shape().nhwc(3);
        Shape4 row = new Shape4(1, 1, 1, units);
        Shape4 featureRow = new Shape4(1, 1, 1, features);
        String ifmName = ifm.name();
        // Vela names the row copies after the output tensor as it is when the LSTM is converted: the output of
        // a reshape it reads through, since the reshape has been bypassed by then.
        String rowsName = name(op);
        List<Operator> readers = consumers.get(op.output(0));
        if (readers.size() == 1 && isMemoryOnly(readers.get(0)) && !graphInput[op.output(0)]) {
            // The reshape's only input comes from this NPU operation and has no other reader: it is removed.
            rowsName = out(readers.get(0)).name();
        }
        List<NpuOperation> ops = new ArrayList<>();
        List<InternalTensor> internals = new ArrayList<>();
        IntermediateTensors map = new IntermediateTensors(op, internals);
        for (int b = 0; b < batches; b++) {
            String stateName = graph.tensor(outputState).name() + "_state#" + b;
            int cellIn = cellState;
            for (int t = 0; t < steps; t++) {
                String at = "#" + b + "." + t;
                int[] gateOut = new int[Gate.values().length];
                int ci = -1;
                for (Gate gate : Gate.values()) {
                    if (gate == Gate.FORGET) {
                        // Vela emits the cell gate times the input gate before the forget gate.
                        ci = map.featureMap(row, 16);
                        ops.add(elementwise("cell_state" + at + "_ci_mul", op, Function.MUL, gateOut[Gate.CELL.ordinal()],
                                gateOut[Gate.INPUT.ordinal()], ci, row, 16, ActivationKind.NONE));
                    }
                    int recurrent = map.featureMap(row, 16);
                    ops.add(NpuOperation.builder(gate.label + at + ":" + stateName + "_fc", op.index(),
                                    NpuBlockType.VECTOR_PRODUCT)
                            .ifm(outputState, row, width).ofm(recurrent, row, 16).scaled(true)
                            .weights(new NpuOperation.WeightTensor(op.input(gate.recurrentWeights), false)).build());
                    int feature = map.featureMap(row, 16);
                    ops.add(NpuOperation.builder(gate.label + at + ":" + ifmName + "_feature" + at + "_fc", op.index(),
                                    NpuBlockType.VECTOR_PRODUCT)
                            .ifm(op.input(0), featureRow, width).ofm(feature, row, 16).scaled(true)
                            .weights(new NpuOperation.WeightTensor(op.input(gate.inputWeights), false)).build());
                    gateOut[gate.ordinal()] = map.featureMap(row, 16);
                    ops.add(elementwise(gate.label + at + "_add", op, Function.ADD, feature, recurrent, gateOut[gate.ordinal()],
                            row, 16, ActivationKind.LUT));
                }
                if (t == 0) {
                    // The initial cell state is read through a copy: Vela cannot fold the read into a Mul.
                    int copy = map.featureMap(row, 16);
                    ops.add(NpuOperation.builder(graph.tensor(cellState).name() + "_state#" + b + "_avgpool", op.index(),
                                    NpuBlockType.POOLING).function(Function.AVG_POOL)
                            .ifm(cellState, row, 16).ofm(copy, row, 16).build());
                    cellIn = copy;
                }
                int cf = map.featureMap(row, 16);
                ops.add(elementwise("cell_state" + at + "_cf_mul", op, Function.MUL, cellIn, gateOut[Gate.FORGET.ordinal()], cf,
                        row, 16, ActivationKind.NONE));
                ops.add(elementwise("cell_state" + at + "_add", op, Function.ADD, cf, ci, cellState, row, 16,
                        ActivationKind.NONE));
                cellIn = cellState;
                int tanh = map.featureMap(row, 16);
                ops.add(NpuOperation.builder("output_state" + at + "_tanh", op.index(), NpuBlockType.POOLING)
                        .function(Function.AVG_POOL).ifm(cellState, row, 16).ofm(tanh, row, 16)
                        .activation(ActivationKind.LUT).build());
                ops.add(elementwise("output_state" + at + "_mul", op, Function.MUL, tanh, gateOut[Gate.OUTPUT.ordinal()],
                        outputState, row, width, ActivationKind.NONE));
                ops.add(NpuOperation.builder(rowsName + at, op.index(), NpuBlockType.POOLING).function(Function.AVG_POOL)
                        .ifm(outputState, row, width).ofm(op.output(0), row, width).build());
                stateName = "output_state" + at + "_mul_tens0";
            }
        }
        return new Result.Npu(ops, internals);
    }

    /** Returns whether {@code op} only reinterprets its input's shape (RESHAPE, SQUEEZE, EXPAND_DIMS). */
    public static boolean isMemoryOnly(Operator op) {
        return op.is(BuiltinOperator.RESHAPE) || op.is(BuiltinOperator.SQUEEZE) || op.is(BuiltinOperator.EXPAND_DIMS);
    }

    /** A binary element-wise operation of an LSTM step on 16-bit rows. */
    private static NpuOperation elementwise(String name, Operator op, Function f, int a, int b, int out, Shape4 row, int outBits,
            ActivationKind act) {
        return NpuOperation.builder(name, op.index(), NpuBlockType.ELEMENTWISE).function(f).ifm(a, row, 16).ifm2(b, row, 16)
                .ofm(out, row, outBits).activation(act).build();
    }

    // ---- MEAN ----

    /** Most kernel elements and rows of one depthwise pass of a MEAN ({@code max_kernel_size}, {@code max_height}). */
    private static final int MEAN_MAX_KERNEL = 4096;
    private static final int MEAN_MAX_HEIGHT = 64;

    /**
     * MEAN as Vela 3.10 lowers it ({@code convert_mean_to_depthwise_conv}): the reduced area of h rows and w
     * columns is summed into int32 by depthwise convolutions of at most 64 rows and 4096 kernel elements each,
     * reading consecutive row bands of the IFM; their sums are added (an int32 ADD per further band); a MUL by an
     * int32 constant scales the sum to the output. A reduction over the depth first sees the IFM with its depth as
     * the width (N x H x 1 x C as N x H x C x 1, else N x 1 x W x C as N x W x C x 1); an area of more than 64 rows
     * that fits one kernel is seen as one row (N x 1 x h·w x C). A reduction over dimensions of size 1 is a DMA copy.
     */
    private Result mean(Operator op) {
        Tensor ifm = in(op, 0);
        Optional<int[]> axes = constantInts(op, 1);
        if (axes.isEmpty()) {
            return new Result.NotLowered("MEAN with non-constant axes is not supported by the Ethos-U");
        }
        Shape4 i = shape(ifm);
        boolean rh = false;
        boolean rw = false;
        boolean rc = false;
        // Reducing a dimension of size 1 changes nothing: only the others decide the form.
        for (int a : axes.get()) {
            int d = (a < 0 ? a + ifm.shape().rank() : a) + (4 - ifm.shape().rank());
            rh |= d == 1 && i.h() > 1;
            rw |= d == 2 && i.w() > 1;
            rc |= d == 3 && i.c() > 1;
            if (d == 0 && i.n() > 1) {
                return new Result.NotLowered("MEAN over the batch is not supported by the Ethos-U");
            }
        }
        Shape4 seen = i;
        if (rc) {
            // The depth becomes the width: reduced as a width.
            if (i.w() == 1) {
                seen = new Shape4(i.n(), i.h(), i.c(), 1);
            } else if (i.h() == 1) {
                seen = new Shape4(i.n(), i.w(), i.c(), 1);
                rh = rw;
            } else {
                return new Result.NotLowered("MEAN over the depth of " + i + " is not supported by the Ethos-U");
            }
            rw = true;
        }
        int h = rh ? seen.h() : 1;
        int w = rw ? seen.w() : 1;
        if ((long) h * w == 1) {
            return Result.Npu.of(NpuOperation.builder(name(op), op.index(), NpuBlockType.DMA)
                    .ifm(op.input(0), i, Math.max(8, bits(ifm))).ofm(op.output(0), shape(out(op)), Math.max(8, bits(out(op))))
                    .build());
        }
        if (h > MEAN_MAX_HEIGHT && (long) h * w <= MEAN_MAX_KERNEL && rh && rw) {
            seen = new Shape4(seen.n(), 1, h * w, seen.c());
            w = h * w;
            h = 1;
        }
        if (w > MEAN_MAX_KERNEL) {
            return new Result.NotLowered("MEAN over " + w + " columns (at most " + MEAN_MAX_KERNEL + ")");
        }
        int rowsPerPass = Math.min(Math.min(MEAN_MAX_KERNEL / w, h), MEAN_MAX_HEIGHT);
        int passes = (h + rowsPerPass - 1) / rowsPerPass;
        Shape4 sumShape = new Shape4(seen.n(), rh ? 1 : seen.h(), rw ? 1 : seen.w(), seen.c());
        List<NpuOperation> ops = new ArrayList<>();
        List<InternalTensor> internals = new ArrayList<>();
        IntermediateTensors map = new IntermediateTensors(op, internals);
        int total = -1;
        for (int k = 0; k < passes; k++) {
            int rows = Math.min(rowsPerPass, h - k * rowsPerPass);
            Shape4 read = new Shape4(seen.n(), rh ? rows : seen.h(), rw ? w : seen.w(), seen.c());
            int part = map.featureMap(sumShape, 32, TensorFormat.NHCWB16);
            // Vela names the depthwise parts "<name><name>_conv_<k>" (the operator's name, then the part's own).
            ops.add(NpuOperation.builder(name(op) + name(op) + "_conv_" + k, op.index(), NpuBlockType.DEPTHWISE)
                    .ifm(op.input(0), read, bits(ifm)).ofm(part, sumShape, 32).kernel(new Kernel(w, rows, 1, 1, 1, 1))
                    .scaled(true).build());
            if (total < 0) {
                total = part;
            } else {
                int next = map.featureMap(sumShape, 32, TensorFormat.NHCWB16);
                ops.add(NpuOperation.builder(name(op) + "_add_" + k, op.index(), NpuBlockType.ELEMENTWISE)
                        .function(Function.ADD).ifm(total, sumShape, 32).ifm2(part, sumShape, 32).ofm(next, sumShape, 32)
                        .build());
                total = next;
            }
        }
        int constant = map.constant(new Shape4(1, 1, 1, 1), 32);
        ops.add(NpuOperation.builder(name(op) + "_mul", op.index(), NpuBlockType.ELEMENTWISE).function(Function.MUL)
                .ifm(total, sumShape, 32).ifm2(constant, new Shape4(1, 1, 1, 1), 32)
                .ofm(op.output(0), sumShape, bits(out(op))).build());
        return new Result.Npu(ops, internals);
    }

    // ---- SOFTMAX ----

    /**
     * int8 SOFTMAX as Vela lowers it (softmax.py: get_graph_8bit): a max-pool over each row, a subtraction with the
     * exponent LUT (1024-byte table) writing int32, and 29 int32 element-wise and ReduceSum steps computing the
     * reciprocal of the sum by Newton-Raphson and the final scaling. Constants are [1,1,1,1] int32 tensors in
     * permanent storage. Formats are Vela's for one row (H = W = 1): most of the reciprocal chain is NHWC.
     * int16 to int16 is {@link #softmax16}; other type combinations stay on the CPU (Vela's rules refuse them).
     */
    private Result softmax(Operator op) {
        Tensor ifm = in(op, 0);
        Tensor ofm = out(op);
        if (ifm.type() == ElementType.INT16 && ofm.type() == ElementType.INT16) {
            return softmax16(op);
        }
        if (!(ifm.type() == ElementType.INT8 || ifm.type() == ElementType.UINT8) || ifm.type() != ofm.type()) {
            return new Result.NotLowered("SOFTMAX from " + ifm.type().label() + " to " + ofm.type().label()
                    + " is not lowered to the NPU (Vela lowers int8 to int8 and int16 to int16)");
        }
        SoftmaxBuilder sb = new SoftmaxBuilder(op);
        Shape4 s = sb.rows;
        Shape4 r = sb.row;
        Shape4 one = SoftmaxBuilder.ONE;
        String base = sb.base;
        int x = op.input(0);
        // #0 max per row, reading the input as [1, H·W, C, 1].
        int max = sb.rowMax(x, 8);
        // #1 x - max with the exponent LUT, int32 out.
        int exp = sb.fm(s, 32, TensorFormat.NHCWB16);
        sb.add(NpuOperation.builder(base + "_sub1", op.index(), NpuBlockType.ELEMENTWISE).function(Function.SUB)
                .ifm(x, s, 8).ifm2(max, r, 8).ofm(exp, s, 32).activation(ActivationKind.LUT).lut(SOFTMAX_EXP_LUT_BYTES).build());
        int shr2 = sb.binary("_shr2", Function.SIMPLE, exp, s, sb.constant(), one, s, TensorFormat.NHWC);
        int sum3 = sb.reduceSum("_reduce_sum3", shr2, s, 32, r);
        int clz4 = sb.clz("_clz4", sum3, r, TensorFormat.NHCWB16);
        int shift5 = sb.binary("_sub5", Function.SUB, clz4, r, sb.constant(), one, r, TensorFormat.NHWC);
        int sub6 = sb.binary("_sub6", Function.SUB, clz4, r, sb.constant(), one, r, TensorFormat.NHWC);
        int shl7 = sb.binary("_shl7", Function.SIMPLE, sum3, r, sub6, r, r, TensorFormat.NHWC);
        int sub8 = sb.binary("_sub8", Function.SUB, shl7, r, sb.constant(), one, r, TensorFormat.NHWC);
        int shl9 = sb.binary("_shl9", Function.SIMPLE, sub8, r, sb.constant(), one, r, TensorFormat.NHWC);
        int half = sb.binary("_add10", Function.ADD, shl9, r, sb.constant(), one, r, TensorFormat.NHWC);
        int mul11 = sb.binary("_mul11", Function.MUL, half, r, sb.constant(), one, r, TensorFormat.NHWC);
        int xk = sb.binary("_add12", Function.ADD, mul11, r, sb.constant(), one, r, TensorFormat.NHWC);
        int pass = 13;
        for (int k = 0; k < 3; k++) {
            int a = sb.binary("_mul" + pass, Function.MUL, xk, r, half, r, r, TensorFormat.NHWC);
            int b = sb.binary("_sub" + (pass + 1), Function.SUB, a, r, sb.constant(), one, r, TensorFormat.NHWC);
            int c = sb.binary("_mul" + (pass + 2), Function.MUL, xk, r, b, r, r, TensorFormat.NHWC);
            int d = sb.binary("_mul" + (pass + 3), Function.MUL, c, r, sb.constant(), one, r, TensorFormat.NHWC);
            xk = sb.binary("_add" + (pass + 4), Function.ADD, xk, r, d, r, r, TensorFormat.NHWC);
            pass += 5;
        }
        int mul28 = sb.binary("_mul28", Function.MUL, xk, r, sb.constant(), one, r, TensorFormat.NHWC);
        int mul29 = sb.binary("_mul29", Function.MUL, exp, s, mul28, r, s, TensorFormat.NHCWB16);
        sb.add(NpuOperation.builder(base + "_shr30", op.index(), NpuBlockType.ELEMENTWISE).function(Function.SIMPLE)
                .ifm(mul29, s, 32).ifm2(shift5, r, 32).ofm(op.output(0), s, bits(ofm)).build());
        return new Result.Npu(sb.ops, sb.internals);
    }

    /**
     * int16 SOFTMAX as Vela lowers it (softmax.py: get_graph_int16), 14 operations: a max-pool over each row; x − max
     * (int32), a MUL by the beta scale and an ADD with the 16-bit exponent LUT (2,048 bytes) giving int16
     * exponentials; their ReduceSum (int32); CLZ, SUB, SHL, SUB, SHL and SHR normalising the sum; a SUB with the 16-bit
     * 1/(1 + x) LUT giving its reciprocal (int16); a MUL of the exponentials by it (int32) and a SHR writing the
     * output. Vela swaps the constant operand of its SUB 31 − clz and SHL 1 << n into the IFM2. Tensor formats of
     * the intermediates are not known from Vela's output: row-shaped ones are taken linear, as in the int8 graph.
     */
    private Result softmax16(Operator op) {
        SoftmaxBuilder sb = new SoftmaxBuilder(op);
        int x = op.input(0);
        int max = sb.rowMax(x, 16);
        Shape4 s = sb.rows;
        Shape4 r = sb.row;
        Shape4 one = SoftmaxBuilder.ONE;
        String base = sb.base;
        int diff = sb.fm(s, 32, TensorFormat.NHCWB16);
        sb.add(NpuOperation.builder(base + "_sub1", op.index(), NpuBlockType.ELEMENTWISE).function(Function.SUB)
                .ifm(x, s, 16).ifm2(max, r, 16).ofm(diff, s, 32).build());
        int scaled = sb.binary("_mul2", Function.MUL, diff, s, sb.constant(), one, s, TensorFormat.NHCWB16);
        int exp = sb.fm(s, 16, TensorFormat.NHCWB16);
        sb.add(NpuOperation.builder(base + "_add3", op.index(), NpuBlockType.ELEMENTWISE).function(Function.ADD)
                .ifm(scaled, s, 32).ifm2(sb.constant(), one, 32).ofm(exp, s, 16).activation(ActivationKind.LUT)
                .lut(LUT16_BYTES).build());
        int sum = sb.reduceSum("_reduce_sum4", exp, s, 16, r);
        int clz = sb.clz("_clz5", sum, r, TensorFormat.NHWC);
        int headroom = sb.binary("_sub6", Function.SUB, clz, r, sb.constant(), one, r, TensorFormat.NHWC);
        int power = sb.binary("_shl7", Function.SIMPLE, headroom, r, sb.constant(), one, r, TensorFormat.NHWC);
        int rest = sb.binary("_sub8", Function.SUB, sum, r, power, r, r, TensorFormat.NHWC);
        int shifted = sb.binary("_shl9", Function.SIMPLE, rest, r, clz, r, r, TensorFormat.NHWC);
        int q = sb.binary("_shr10", Function.SIMPLE, shifted, r, sb.constant(), one, r, TensorFormat.NHWC);
        int reciprocal = sb.fm(r, 16, TensorFormat.NHWC);
        sb.add(NpuOperation.builder(base + "_sub11", op.index(), NpuBlockType.ELEMENTWISE).function(Function.SUB)
                .ifm(q, r, 32).ifm2(sb.constant(), one, 32).ofm(reciprocal, r, 16).activation(ActivationKind.LUT)
                .lut(LUT16_BYTES).build());
        int product = sb.fm(s, 32, TensorFormat.NHCWB16);
        sb.add(NpuOperation.builder(base + "_mul12", op.index(), NpuBlockType.ELEMENTWISE).function(Function.MUL)
                .ifm(exp, s, 16).ifm2(reciprocal, r, 16).ofm(product, s, 32).build());
        sb.add(NpuOperation.builder(base + "_shr13", op.index(), NpuBlockType.ELEMENTWISE).function(Function.SIMPLE)
                .ifm(product, s, 32).ifm2(headroom, r, 32).ofm(op.output(0), s, 16).build());
        return new Result.Npu(sb.ops, sb.internals);
    }

    /** Collects the operations and tensors of a multi-operation lowering. */
    private final class SoftmaxBuilder {
        static final Shape4 ONE = new Shape4(1, 1, 1, 1);
        final int source;
        final String base;
        /** The input as Vela sees it, [1, N·H, W, C], and one value per row of it, [1, N·H, W, 1]. */
        final Shape4 rows;
        final Shape4 row;
        final List<NpuOperation> ops = new ArrayList<>();
        final List<InternalTensor> internals = new ArrayList<>();
        private final IntermediateTensors tensors;

        SoftmaxBuilder(Operator op) {
            this.tensors = new IntermediateTensors(op, internals);
            this.source = op.index();
            this.base = name(op);
            Shape4 in4 = shape(in(op, 0));
            this.rows = new Shape4(1, in4.n() * in4.h(), in4.w(), in4.c());
            this.row = rows.withDepth(1);
        }

        int fm(Shape4 shape, int bits, TensorFormat format) {
            return tensors.featureMap(shape, bits, format);
        }

        int constant() {
            return tensors.constant(ONE, 32);
        }

        void add(NpuOperation op) {
            ops.add(op);
        }

        /** #0: the maximum of every row of {@code x}, read as [1, H·W, C, 1], by a C x 1 max pool. */
        int rowMax(int x, int bits) {
            int cells = rows.h() * rows.w();
            Shape4 perRow = new Shape4(1, cells, 1, 1);
            int max = fm(perRow, bits, TensorFormat.NHCWB16);
            ops.add(NpuOperation.builder(base + "_maxpool0", source, NpuBlockType.POOLING).function(Function.MAX_POOL)
                    .ifm(x, new Shape4(1, cells, rows.c(), 1), bits).ofm(max, perRow, bits)
                    .kernel(new Kernel(rows.c(), 1, 1, 1, 1, 1)).build());
            return max;
        }

        /** The int32 sum over the depth of {@code in} (of shape {@code s}) into shape {@code r}, by a ReduceSum. */
        int reduceSum(String suffix, int in, Shape4 s, int bits, Shape4 r) {
            int sum = fm(r, 32, TensorFormat.NHCWB16);
            ops.add(NpuOperation.builder(base + suffix, source, NpuBlockType.REDUCE_SUM).ifm(in, s, bits).ofm(sum, r, 32).build());
            return sum;
        }

        /** The leading zeros of the int32 {@code in}, an element-wise CLZ. */
        int clz(String suffix, int in, Shape4 r, TensorFormat format) {
            int out = fm(r, 32, format);
            ops.add(NpuOperation.builder(base + suffix, source, NpuBlockType.ELEMENTWISE).function(Function.SIMPLE)
                    .ifm(in, r, 32).ofm(out, r, 32).build());
            return out;
        }

        /** Adds a 32-bit binary element-wise operation and returns its OFM's id. */
        int binary(String suffix, Function f, int a, Shape4 aShape, int b, Shape4 bShape, Shape4 out, TensorFormat format) {
            int o = fm(out, 32, format);
            ops.add(NpuOperation.builder(base + suffix, source, NpuBlockType.ELEMENTWISE).function(f)
                    .ifm(a, aShape, 32).ifm2(b, bShape, 32).ofm(o, out, 32).build());
            return o;
        }
    }
}
