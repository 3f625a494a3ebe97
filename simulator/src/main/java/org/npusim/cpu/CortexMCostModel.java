// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.npusim.cpu.CoreTiming.Isa;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Padding;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.KernelLibrary;
import org.npusim.hw.Placement;
import org.npusim.result.FixedResource;

/**
 * The Cortex-M cost model: every operator is mapped to the kernel TensorFlow Lite Micro runs for it with the
 * description's kernel library (CMSIS-NN, or the reference kernels), the kernel's instructions are counted from its
 * loop structure (the kernel classes of this package), timed for the core ({@link CoreTiming}), and its operands'
 * accesses are charged to the memories the placement puts them in ({@link CpuMemoryModel}). Every operator pays the
 * per-call overhead {@link #CALL_OVERHEAD}.
 *
 * <p>Contract: deterministic; every operator gets a cost, operators without a kernel model are costed by their
 * data movement with a kernel name that says so; never throws for a valid graph.
 */
public final class CortexMCostModel implements CpuCostModel {

    /**
     * The overhead of running one operator, whatever its kernel: TensorFlow Lite Micro's interpreter loop per node
     * (the node and registration loads, the call, the status test: about 15 instructions), the kernel's
     * {@code Eval} prologue ({@code GetEvalInput}/{@code GetEvalOutput} through the context, about 10 instructions
     * per tensor for 4 tensors), building the CMSIS-NN parameter structures (4 {@code cmsis_nn_dims} of 4 fields
     * and the convolution parameters: about 20 loads, 20 stores, 20 moves), the wrapper's dispatch tests (10), and
     * the calls and returns with their register saves (about 16 loads and stores). Counted as 80 data-processing
     * instructions, 40 loads in 10 runs, 20 stores and 10 branches: 170 cycles on a Cortex-M4.
     */
    public static final InstructionMix CALL_OVERHEAD = InstructionMix.builder().alu(80).load(40, 10).store(20)
            .branch(10).build();

    /**
     * The driver work of one NPU invocation besides cache maintenance: the {@code ethos-u} operator's
     * {@code Eval} collecting the base addresses of its tensors (about 8 instructions each for 8 addresses), and
     * {@code ethosu_invoke}: reserving the driver and its mutex (30), checking the command-stream header (20),
     * programming the NPU (QBASE, QSIZE, 8 64-bit BASEP registers, CMD, clock and power requests: about 30 register
     * writes), waiting on the semaphore, the interrupt handler (reading and clearing the status, giving the
     * semaphore: 40), the status check and release (30). Counted as 200 data-processing instructions, 60 loads in
     * 20 runs, 40 stores and 20 branches.
     */
    static final InstructionMix NPU_DRIVER = InstructionMix.builder().alu(200).load(60, 20).store(40).branch(20).build();
    /** NPU register writes per invocation, each a peripheral-bus write of {@value #PERIPHERAL_WRITE_CYCLES} cycles. */
    static final int NPU_REGISTER_WRITES = 30;
    static final int PERIPHERAL_WRITE_CYCLES = 3;
    /** Exception entry and return of the NPU's completion interrupt: 12 cycles each on Cortex-M. */
    static final int INTERRUPT_CYCLES = 24;
    /**
     * Cycles per cache line of the set/way clean (before the NPU reads) and invalidate (after it wrote) that the
     * Ethos-U driver's default cache hooks do on cores with a data cache: a store to DCCSW or DCISW and the loop.
     */
    static final int CACHE_MAINTENANCE_CYCLES_PER_LINE = 3;

    private final CoreTiming timing;
    private final KernelLibrary library;
    private final CpuMemoryModel memory;
    private final Placement placement;

    private CortexMCostModel(CoreTiming timing, KernelLibrary library, CpuMemoryModel memory, Placement placement) {
        this.timing = timing;
        this.library = library;
        this.memory = memory;
        this.placement = placement;
    }

    /** Returns the cost model of {@code hw}'s CPU, kernel library and memories. */
    public static CortexMCostModel of(HardwareConfig hw) {
        CoreTiming t = CoreTiming.of(hw.cpu().core());
        return new CortexMCostModel(t, hw.cpu().kernels(), CpuMemoryModel.of(hw, t), hw.placement());
    }

    /** Returns the core's timing. */
    public CoreTiming timing() {
        return timing;
    }

    /**
     * Returns the CPU cycles one NPU invocation costs: the node overhead of the {@code ethos-u} operator
     * ({@link #CALL_OVERHEAD}), the driver ({@link #NPU_DRIVER}, {@value #NPU_REGISTER_WRITES} register writes of
     * {@value #PERIPHERAL_WRITE_CYCLES} cycles, {@value #INTERRUPT_CYCLES} cycles of interrupt entry and return), and
     * on cores with a data cache a clean and an invalidate of the whole cache by set/way. An estimate counted from
     * the structure of Arm's Ethos-U core driver; no measurement was available.
     */
    @Override
    public long npuInvocationCycles() {
        double cycles = timing.cycles(CALL_OVERHEAD.plus(NPU_DRIVER))
                + NPU_REGISTER_WRITES * PERIPHERAL_WRITE_CYCLES + INTERRUPT_CYCLES;
        if (timing.hasDataCache()) {
            cycles += 2.0 * timing.dataCacheBytes() / CoreTiming.CACHE_LINE_BYTES * CACHE_MAINTENANCE_CYCLES_PER_LINE;
        }
        return (long) Math.ceil(cycles);
    }

    @Override
    public CpuOpCost cost(Subgraph graph, Operator op) {
        KernelWork work = work(graph, op);
        return cost(work.kernel(), timing.cycles(work.mix().plus(CALL_OVERHEAD)), work.traffic());
    }

    /** Returns the bytes of the scratch buffers {@code op}'s kernel takes from the arena ({@link KernelWork#scratchBytes}). */
    @Override
    public long scratchBytes(Subgraph graph, Operator op) {
        return work(graph, op).scratchBytes();
    }

    /** Returns the bytes {@code op}'s kernel keeps in the arena for the whole run ({@link KernelWork#persistentBytes}). */
    @Override
    public long persistentBytes(Subgraph graph, Operator op) {
        return work(graph, op).persistentBytes();
    }

    /**
     * Returns the cost of {@code op} run by another kernel ({@link KernelSubstitution}): the instructions beyond the
     * call overhead scaled by its ratio, the layer's weights re-encoded, and the memory waits and bytes of that
     * traffic. (The core's timing is not linear in the instruction counts, a dual-issue core pairing them, so the
     * ratio scales the kernel's timed cycles without the overhead rather than its instruction counts.)
     */
    public CpuOpCost cost(Subgraph graph, Operator op, KernelSubstitution s) {
        KernelWork work = work(graph, op);
        double overhead = timing.cycles(CALL_OVERHEAD);
        double compute = overhead + (timing.cycles(work.mix().plus(CALL_OVERHEAD)) - overhead) * s.computeRatio();
        return cost(s.kernelName(work.kernel()), compute, work.traffic().stream().map(s::applyTo).toList());
    }

    /**
     * Returns the cost of a kernel of {@code compute} cycles whose operands move {@code traffic}: the instructions
     * then each memory's stalls, one after the other. Each part's whole cycles are the difference of the ceilings of
     * its running sums, so the rounding never adds up, a memory without stalls keeps 0, and the parts add up to the
     * ceiling of the total, the layer's cycles.
     */
    private CpuOpCost cost(String kernel, double compute, List<Traffic> traffic) {
        CpuMemoryModel.Result mem = memory.cost(traffic);
        SortedMap<String, Long> parts = new TreeMap<>();
        double total = compute;
        long before = (long) Math.ceil(total);
        parts.put(FixedResource.CPU.label(), before);
        String bottleneck = FixedResource.CPU.label();
        double worst = compute;
        for (Map.Entry<String, Double> e : mem.stallCycles().entrySet()) {
            total += e.getValue();
            long upTo = (long) Math.ceil(total);
            parts.merge(e.getKey(), upTo - before, Long::sum);
            before = upTo;
            if (e.getValue() > worst) {
                worst = e.getValue();
                bottleneck = e.getKey();
            }
        }
        return new CpuOpCost(before, bottleneck, kernel, mem.readBytes(), mem.writeBytes(), parts);
    }

    /** Returns the kernel that runs {@code op} and its work, without the per-call overhead. */
    public KernelWork work(Subgraph graph, Operator op) {
        Operands o = new Operands(graph, op, placement);
        Optional<KernelWork> modelled = o.complete() ? modelled(o) : Optional.empty();
        return modelled.orElseGet(() -> DataMovementKernels.unmodelled(unmodelledName(op), o.inputBytes(),
                o.outputBytes(), o.memories()));
    }

    private static String unmodelledName(Operator op) {
        return op.opName() + " (no kernel model: data movement only)";
    }

    private Optional<KernelWork> modelled(Operands o) {
        Operator op = o.op;
        Isa isa = timing.isa();
        boolean reference = library == KernelLibrary.REFERENCE;
        OperandMemories m = o.memories();
        return switch (op.options().kind()) {
            case CONV_2D -> o.window().map(g -> reference
                    ? ReferenceKernels.conv(isa, g, o.weightDepth(), o.weightBytes(), m)
                    : named(ConvolutionKernels.convolve(isa, g, o.weightBytes(), m), o.int16()));
            case DEPTHWISE_CONV_2D -> o.window().map(g -> reference
                    ? ReferenceKernels.depthwise(isa, g, o.weightBytes(), m)
                    : named(DepthwiseKernels.depthwise(isa, g, o.weightBytes(), m), o.int16()));
            case TRANSPOSE_CONV -> o.transposeWindow().map(g -> ReferenceKernels.transposeConv(isa, g,
                    o.weightDepthAt(1), o.weightBytes(), o.out(0).elementCount(), o.in(2).type(), m));
            case FULLY_CONNECTED -> o.fullyConnected().map(fc -> reference
                    ? ReferenceKernels.fullyConnected(isa, fc[0], (int) fc[1], (int) fc[2], o.weightBytes(), m)
                    : named(FullyConnectedKernels.fullyConnected(isa, fc[0], (int) fc[1], (int) fc[2], o.weightBytes(),
                            o.in(0).type() == ElementType.INT8, o.in(1).isConstant(), m), o.int16()));
            case POOL_2D -> pool(o, isa, reference, m);
            case ARITHMETIC -> arithmetic(o, isa, reference, m);
            case SOFTMAX -> Optional.of(softmax(o, m));
            case REDUCER -> Optional.of(DataMovementKernels.reduce("reference " + op.opName().toLowerCase(Locale.ROOT),
                    o.in(0).elementCount(), o.out(0).elementCount(), o.elementBytes(), reduceScratchBytes(o), m));
            case RESHAPE, SQUEEZE -> Optional.of(DataMovementKernels.copy("reference " + op.opName().toLowerCase(Locale.ROOT)
                    + " (memcpy)", isa, o.out(0).sizeBytes(), 1, m));
            case CONCATENATION -> Optional.of(concatenation(o, isa, m));
            case STRIDED_SLICE -> Optional.of(DataMovementKernels.elementwise("reference strided_slice",
                    o.out(0).elementCount(), 1, 6, 0, o.in(0).sizeBytes(), o.out(0).sizeBytes(), o.elementBytes(), m));
            case SPLIT -> Optional.of(DataMovementKernels.copy("reference " + op.opName().toLowerCase(Locale.ROOT), isa,
                    o.outputBytes(), (long) op.outputCount() * outerRuns(o), m));
            case LEAKY_RELU -> Optional.of(ElementwiseKernels.simple("reference leaky_relu", o.out(0).elementCount(), 1,
                    4, 2, o.in(0).sizeBytes(), o.out(0).sizeBytes(), m));
            case SVDF -> o.svdf().map(s -> RecurrentKernels.svdf(isa, library, s[0], (int) s[1], (int) s[2],
                    (int) s[3], (int) s[4], (int) s[5], o.weightBytes(), m));
            case SEQUENCE_LSTM -> o.lstm().map(s -> RecurrentKernels.lstm(isa, library, s[0], (int) s[1], (int) s[2],
                    (int) s[3], o.weightBytes(), m));
            case RESIZE -> Optional.of(DataMovementKernels.elementwise("reference " + op.opName().toLowerCase(Locale.ROOT),
                    o.out(0).elementCount(), op.is(BuiltinOperator.RESIZE_BILINEAR) ? 4 : 1,
                    op.is(BuiltinOperator.RESIZE_BILINEAR) ? 14 : 6, op.is(BuiltinOperator.RESIZE_BILINEAR) ? 6 : 2,
                    o.in(0).sizeBytes(), o.out(0).sizeBytes(), o.elementBytes(), m));
            // PACK and UNPACK copy like the other option-less data movers.
            case NONE, PACK -> simple(o, isa, m);
            case CUSTOM, OPAQUE -> Optional.empty();
        };
    }

    /**
     * Returns the scratch TensorFlow Lite Micro's reduce kernels request in {@code Prepare}
     * ({@code kernels/reduce_common.cc}: {@code PrepareMeanOrSumHelper} and {@code PrepareMinMaxHelper} of the 2023
     * revisions; commit 06d32fd of 2021 asks the same for MEAN and REDUCE_MAX): MEAN and SUM of int8 or int16 an int32
     * sum per output element, 4 × output elements; REDUCE_MAX and REDUCE_MIN an int per input dimension and one per
     * reduced axis, 4 × (rank + axes); float MEAN and SUM, and the reductions Micro has no kernel for, none.
     */
    private static long reduceScratchBytes(Operands o) {
        Operator op = o.op;
        if (op.is(BuiltinOperator.MEAN) || op.is(BuiltinOperator.SUM)) {
            ElementType t = o.in(0).type();
            return t == ElementType.INT8 || t == ElementType.INT16 ? 4 * o.out(0).elementCount() : 0;
        }
        if (op.is(BuiltinOperator.REDUCE_MAX) || op.is(BuiltinOperator.REDUCE_MIN)) {
            long axes = o.inputCount() > 1 && o.has(1) ? o.in(1).elementCount() : 0;
            return 4 * (o.in(0).shape().rank() + axes);
        }
        return 0;
    }

    private static KernelWork named(KernelWork w, boolean int16) {
        return int16 ? rename(w, w.kernel().replace("_s8", "_s16")) : w;
    }

    private static KernelWork rename(KernelWork w, String name) {
        return w.named(name);
    }

    private static Optional<KernelWork> pool(Operands o, Isa isa, boolean reference, OperandMemories m) {
        Operator op = o.op;
        boolean max = op.is(BuiltinOperator.MAX_POOL_2D);
        if (!max && !op.is(BuiltinOperator.AVERAGE_POOL_2D)) {
            return Optional.empty();
        }
        return o.window().map(g -> {
            if (reference) {
                return ReferenceKernels.pool(isa, max, g, m);
            }
            KernelWork w = max ? PoolingKernels.maxPool(isa, g, m) : PoolingKernels.averagePool(isa, g, m);
            return named(w, o.int16());
        });
    }

    private static Optional<KernelWork> arithmetic(Operands o, Isa isa, boolean reference, OperandMemories m) {
        Operator op = o.op;
        if (o.inputCount() < 2) {
            return Optional.empty();
        }
        long out = o.out(0).elementCount();
        Tensor a = o.in(0);
        Tensor b = o.in(1);
        boolean broadcast = a.elementCount() != out || b.elementCount() != out;
        if (op.is(BuiltinOperator.ADD) || op.is(BuiltinOperator.SUB) || op.is(BuiltinOperator.MUL)) {
            KernelWork w = ElementwiseKernels.arithmetic(reference ? Isa.SCALAR : isa, op.is(BuiltinOperator.MUL), out,
                    broadcast, o.elementBytes(), a.sizeBytes(), b.sizeBytes(), m);
            return Optional.of(reference && !broadcast ? rename(w, "reference " + op.opName().toLowerCase(Locale.ROOT)) : w);
        }
        // DIV and the rest: the reference loop, per element the zero points and rounding (8), a rescaling and an SDIV.
        return Optional.of(ElementwiseKernels.simple("reference " + op.opName().toLowerCase(Locale.ROOT), out, 2, 8, 1, 1,
                a.sizeBytes() + b.sizeBytes(), o.out(0).sizeBytes(), m));
    }

    private static KernelWork softmax(Operands o, OperandMemories m) {
        Tensor in = o.in(0);
        Tensor out = o.out(0);
        long row = Math.max(1, in.shape().rank() == 0 ? 1 : in.shape().dim(-1));
        long rows = Math.max(1, in.elementCount() / row);
        if (in.type() == ElementType.INT16) {
            return NonlinearKernels.softmaxS16(rows, row, in.sizeBytes(), out.sizeBytes(), m);
        }
        return NonlinearKernels.softmaxS8(rows, row, out.type() == ElementType.INT16, in.sizeBytes(), out.sizeBytes(),
                m);
    }

    private static KernelWork concatenation(Operands o, Isa isa, OperandMemories m) {
        return DataMovementKernels.copy("reference concatenation", isa, o.out(0).sizeBytes(),
                (long) o.inputCount() * outerRuns(o), m);
    }

    /**
     * The outer index count of a concatenation or split: the output's elements outside the axis. CONCATENATION
     * carries its axis in its options; SPLIT and SPLIT_V take it from a constant input (SPLIT's first, SPLIT_V's
     * third), and one not constant (or absent) counts as axis 0, one run per output.
     */
    private static long outerRuns(Operands o) {
        int axis = switch (o.op.options().kind()) {
            case CONCATENATION -> ((OpOptions.Concatenation) o.op.options()).axis();
            case SPLIT -> o.constantScalar(o.op.is(BuiltinOperator.SPLIT_V) ? 2 : 0).orElse(0);
            default -> 0;
        };
        Shape s = o.out(0).shape();
        if (s.rank() == 0) {
            return 1;
        }
        int a = axis < 0 ? axis + s.rank() : axis;
        long runs = 1;
        for (int i = 0; i < Math.min(a, s.rank()); i++) {
            runs *= s.dim(i);
        }
        return Math.max(1, runs);
    }

    /**
     * Operators without options, by TensorFlow Lite Micro's reference loops, per output element: TRANSPOSE a load, 4
     * index updates of its 4-D loop, a store; GATHER 2 loads (index and value), 6 ALU (bounds and address) and a
     * MUL (row stride); the ReLU family 4 ALU (zero points, clamp) and one requantization; HARD_SWISH 28 ALU (the
     * fixed-point ramp: 3 saturating multiplies of 5 and 13 shifts and clamps) and one requantization; PRELU 6
     * (sign select, zero points) and 2 requantizations (one per slope); comparisons, MIN/MAX, ABS, NEG, rounding and
     * CAST 3 ALU; RESIZE_BILINEAR (in {@link #modelled}) 4 neighbour loads, 6 MUL (interpolation products) and 14
     * ALU (source coordinates, fractions, rounding), RESIZE_NEAREST_NEIGHBOR a load, 2 MUL and 6 ALU; LEAKY_RELU
     * (in {@link #modelled}) 4 ALU and 2 requantizations; STRIDED_SLICE a load, 6 index ALU and a store.
     */
    private Optional<KernelWork> simple(Operands o, Isa isa, OperandMemories m) {
        Operator op = o.op;
        Optional<BuiltinOperator> b = op.code().builtin();
        if (b.isEmpty()) {
            return Optional.empty();
        }
        Tensor in = o.in(0);
        Tensor out = o.out(0);
        long n = out.elementCount();
        String lower = "reference " + op.opName().toLowerCase(Locale.ROOT);
        return Optional.ofNullable(switch (b.get()) {
            case PAD, PADV2, MIRROR_PAD -> {
                int depth = (int) Math.max(1, out.shape().rank() == 0 ? 1 : out.shape().dim(-1)) * o.elementBytes();
                long outPixels = out.sizeBytes() / depth;
                long inPixels = in.sizeBytes() / depth;
                yield DataMovementKernels.pad(isa, outPixels, inPixels, depth, m);
            }
            case TRANSPOSE -> DataMovementKernels.elementwise("reference transpose", n, 1, 4, 0, in.sizeBytes(),
                    out.sizeBytes(), o.elementBytes(), m);
            case EXPAND_DIMS, SLICE, PACK, UNPACK, TILE, BROADCAST_TO ->
                    DataMovementKernels.copy(lower + " (memcpy)", isa, out.sizeBytes(), 1, m);
            case GATHER, GATHER_ND -> DataMovementKernels.elementwise(lower, n, 2, 6, 1, in.sizeBytes(), out.sizeBytes(),
                    o.elementBytes(), m);
            case QUANTIZE -> in.type().isQuantizedInteger()
                    ? DataMovementKernels.requantize(n, o.bytes(in), o.bytes(out), m)
                    : DataMovementKernels.floatConversion("reference quantize (float)", isa, n, o.bytes(in), o.bytes(out),
                            m);
            case DEQUANTIZE -> DataMovementKernels.floatConversion("reference dequantize", isa, n, o.bytes(in),
                    o.bytes(out), m);
            case LOGISTIC, TANH -> NonlinearKernels.logisticOrTanh(op.opName().toLowerCase(Locale.ROOT),
                    in.type() == ElementType.INT16, n, in.sizeBytes(), out.sizeBytes(), m);
            case EXP, LOG, RSQRT, SQRT, GELU, ELU, SIN, COS -> NonlinearKernels.transcendental(op.opName().toLowerCase(Locale.ROOT),
                    n, in.sizeBytes(), out.sizeBytes(), m);
            case RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1 -> ElementwiseKernels.simple(lower, n, 1, 4, 1, in.sizeBytes(),
                    out.sizeBytes(), m);
            case HARD_SWISH -> ElementwiseKernels.simple(lower, n, 1, 28, 1, in.sizeBytes(), out.sizeBytes(), m);
            case PRELU -> ElementwiseKernels.simple(lower, n, 2, 6, 2, in.sizeBytes(), out.sizeBytes(), m);
            case MAXIMUM, MINIMUM, ABS, NEG, ARG_MAX, ARG_MIN, FLOOR, CEIL, ROUND, SQUARE, SQUARED_DIFFERENCE, EQUAL,
                    NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, SELECT, SELECT_V2, CAST ->
                    ElementwiseKernels.simple(lower, n, Math.max(1, o.nonConstantInputs()), 3, 0, in.sizeBytes(),
                            out.sizeBytes(), m);
            default -> null;
        });
    }

    /** The operator's tensors and where they live. */
    private static final class Operands {
        final Subgraph graph;
        final Operator op;
        final Placement placement;

        Operands(Subgraph graph, Operator op, Placement placement) {
            this.graph = graph;
            this.op = op;
            this.placement = placement;
        }

        /** Returns the value of input {@code i} when it is a constant holding one integer. */
        OptionalInt constantScalar(int i) {
            if (i >= op.inputCount() || !has(i)) {
                return OptionalInt.empty();
            }
            Tensor t = in(i);
            if (t.data().isEmpty() || t.elementCount() != 1
                    || (t.type() != ElementType.INT32 && t.type() != ElementType.INT64)) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(t.type() == ElementType.INT64 ? (int) t.data().get().toLongArray()[0]
                    : t.data().get().toIntArray()[0]);
        }

        /** Whether the operator has at least one input and one output tensor. */
        boolean complete() {
            return op.outputCount() > 0 && op.inputCount() > 0 && op.input(0) >= 0;
        }

        int inputCount() {
            int n = 0;
            for (int t : op.inputs()) {
                if (t >= 0) {
                    n++;
                }
            }
            return n;
        }

        int nonConstantInputs() {
            int n = 0;
            for (int t : op.inputs()) {
                if (t >= 0 && !graph.tensor(t).isConstant()) {
                    n++;
                }
            }
            return n;
        }

        Tensor in(int slot) {
            return graph.tensor(op.input(slot));
        }

        Tensor out(int i) {
            return graph.tensor(op.output(i));
        }

        boolean has(int slot) {
            return op.input(slot) >= 0;
        }

        int elementBytes() {
            return bytes(in(0));
        }

        int bytes(Tensor t) {
            return Math.max(1, t.type().sizeBits() / 8);
        }

        boolean int16() {
            return in(0).type() == ElementType.INT16;
        }

        long inputBytes() {
            long n = 0;
            for (int t : op.inputs()) {
                if (t >= 0 && !graph.tensor(t).isConstant()) {
                    n += graph.tensor(t).sizeBytes();
                }
            }
            return n;
        }

        long outputBytes() {
            long n = 0;
            for (int t : op.outputs()) {
                n += graph.tensor(t).sizeBytes();
            }
            return n;
        }

        /** The bytes of the constant inputs: weights, biases, tables. */
        long weightBytes() {
            long n = 0;
            for (int t : op.inputs()) {
                if (t >= 0 && graph.tensor(t).isConstant()) {
                    n += graph.tensor(t).sizeBytes();
                }
            }
            return n;
        }

        int weightDepth() {
            return weightDepthAt(1);
        }

        /** The innermost dimension of the weights in {@code slot} (the input depth a convolution's group sees). */
        int weightDepthAt(int slot) {
            Shape w = in(slot).shape();
            return w.rank() == 0 ? 1 : Math.max(1, w.dim(-1));
        }

        String memoryOf(int tensor) {
            Tensor t = graph.tensor(tensor);
            if (t.isConstant()) {
                return placement.weightsOf(op.index());
            }
            for (int i : graph.inputs()) {
                if (i == tensor) {
                    return placement.inputs();
                }
            }
            for (int i : graph.outputs()) {
                if (i == tensor) {
                    return placement.outputs();
                }
            }
            return placement.arena();
        }

        OperandMemories memories() {
            // The data operand: SPLIT's first input is its axis (a constant), TRANSPOSE_CONV's its output shape
            // and its second the filter; their data come second and third.
            int data = op.is(BuiltinOperator.SPLIT) ? 1 : op.is(BuiltinOperator.TRANSPOSE_CONV) ? 2 : 0;
            String input = op.inputCount() > data && op.input(data) >= 0 ? memoryOf(op.input(data)) : placement.arena();
            String input2 = input;
            for (int s = data + 1; s < op.inputCount(); s++) {
                int t = op.input(s);
                if (t >= 0 && !graph.tensor(t).isConstant()) {
                    input2 = memoryOf(t);
                    break;
                }
            }
            String output = op.outputCount() > 0 ? memoryOf(op.output(0)) : placement.arena();
            return new OperandMemories(input, input2, placement.weightsOf(op.index()), output, placement.arena());
        }

        private static boolean positive(Shape s) {
            for (int d : s.dims()) {
                if (d < 1) {
                    return false;
                }
            }
            return true;
        }

        /** The window geometry of a convolution, depthwise convolution or pool with 4-D input and output. */
        Optional<ConvGeometry> window() {
            Shape in = in(0).shape();
            Shape out = out(0).shape();
            if (in.rank() != 4 || out.rank() != 4 || !positive(in) || !positive(out)) {
                return Optional.empty();
            }
            int kh;
            int kw;
            int sh;
            int sw;
            int dh = 1;
            int dw = 1;
            Padding padding;
            switch (op.options().kind()) {
                case CONV_2D, DEPTHWISE_CONV_2D -> {
                    if (!has(1) || in(1).shape().rank() != 4 || !positive(in(1).shape())) {
                        return Optional.empty();
                    }
                    kh = in(1).shape().dim(1);
                    kw = in(1).shape().dim(2);
                    if (op.options() instanceof OpOptions.Conv2D c) {
                        sh = c.strideH();
                        sw = c.strideW();
                        dh = c.dilationH();
                        dw = c.dilationW();
                        padding = c.padding();
                    } else {
                        OpOptions.DepthwiseConv2D d = (OpOptions.DepthwiseConv2D) op.options();
                        sh = d.strideH();
                        sw = d.strideW();
                        dh = d.dilationH();
                        dw = d.dilationW();
                        padding = d.padding();
                    }
                }
                case POOL_2D -> {
                    OpOptions.Pool2D p = (OpOptions.Pool2D) op.options();
                    kh = p.filterH();
                    kw = p.filterW();
                    sh = p.strideH();
                    sw = p.strideW();
                    padding = p.padding();
                }
                default -> {
                    return Optional.empty();
                }
            }
            int cin = op.options().kind() == org.npusim.graph.OpKind.CONV_2D ? weightDepth() : in.dim(3);
            return Optional.of(new ConvGeometry(in.dim(0), in.dim(1), in.dim(2), cin, out.dim(1), out.dim(2),
                    out.dim(3), kh, kw, sh, sw, padding.padBefore(in.dim(1), kh, sh, dh),
                    padding.padBefore(in.dim(2), kw, sw, dw), dh, dw));
        }

        /**
         * TRANSPOSE_CONV (inputs: output shape, weights [C_out, kh, kw, C_in], IFM): costed as the reference
         * scatter of every input pixel through the kernel, i.e. a convolution over the input pixels with the
         * output's depth.
         */
        Optional<ConvGeometry> transposeWindow() {
            if (op.inputCount() < 3 || !has(1) || !has(2)) {
                return Optional.empty();
            }
            Shape w = in(1).shape();
            Shape ifm = in(2).shape();
            Shape out = out(0).shape();
            if (w.rank() != 4 || ifm.rank() != 4 || out.rank() != 4 || !positive(w) || !positive(ifm) || !positive(out)) {
                return Optional.empty();
            }
            return Optional.of(new ConvGeometry(ifm.dim(0), ifm.dim(1), ifm.dim(2), ifm.dim(3), ifm.dim(1), ifm.dim(2),
                    out.dim(3), w.dim(1), w.dim(2), 1, 1, w.dim(1) / 2, w.dim(2) / 2, 1, 1));
        }

        /** {batches, inputs, outputs} of a fully connected layer with weights [outputs, inputs]. */
        Optional<long[]> fullyConnected() {
            if (!has(1)) {
                return Optional.empty();
            }
            Shape w = in(1).shape();
            if (w.rank() != 2 || !positive(w)) {
                return Optional.empty();
            }
            long cols = w.dim(1);
            long batches = Math.max(1, in(0).elementCount() / cols);
            return Optional.of(new long[] {batches, cols, w.dim(0)});
        }

        /** {batches, inputs, features, memory, units, state bytes} of an SVDF. */
        Optional<long[]> svdf() {
            if (op.inputCount() < 5 || !has(1) || !has(2) || !has(4)) {
                return Optional.empty();
            }
            Shape input = in(0).shape();
            Shape feature = in(1).shape();
            Shape time = in(2).shape();
            if (feature.rank() != 2 || time.rank() != 2 || input.rank() < 1 || !positive(feature) || !positive(time)) {
                return Optional.empty();
            }
            long batches = input.rank() > 1 ? Math.max(1, input.dim(0)) : 1;
            int rank = op.options() instanceof OpOptions.Svdf s ? Math.max(1, s.rank()) : 1;
            long units = Math.max(1, feature.dim(0) / rank);
            return Optional.of(new long[] {batches, feature.dim(1), feature.dim(0), time.dim(1), units,
                    Math.max(1, in(4).type().sizeBits() / 8)});
        }

        /** {time steps × batches, inputs, cell units, outputs} of a sequence LSTM. */
        Optional<long[]> lstm() {
            Shape input = in(0).shape();
            if (input.rank() < 2 || !has(4) || !positive(input)) {
                return Optional.empty();
            }
            Shape inputToOutput = in(4).shape();
            Shape recurrent = has(8) ? in(8).shape() : Shape.SCALAR;
            if (inputToOutput.rank() != 2 || !positive(inputToOutput)) {
                return Optional.empty();
            }
            long inputs = input.dim(-1);
            long steps = input.elementCount() / inputs;
            long cell = inputToOutput.dim(0);
            long outputs = recurrent.rank() == 2 ? recurrent.dim(1) : cell;
            return Optional.of(new long[] {steps, inputs, cell, outputs});
        }
    }
}
