// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.npusim.errors.InputException;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.BlockConfigSearch;
import org.npusim.npu.CostModel;
import org.npusim.npu.Kernel;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.Shape4;
import org.npusim.npu.TensorFormat;
import org.npusim.plan.Channel;
import org.npusim.plan.DmaModel;
import org.npusim.plan.EncodedWeights;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.NpuTarget;
import org.npusim.plan.Step;
import org.npusim.plan.TensorPlacement;
import org.npusim.plan.WeightPlan;
import org.npusim.plan.WeightSizer;

/**
 * A Vela-compiled model planned as compiled: every kernel command of its command streams is one NPU step whose
 * block config, weight and scale bytes and memory placement come from the stream, so that the cost model and the
 * event simulator time the work Vela fixed rather than what {@link org.npusim.plan.Planner} would choose.
 *
 * <p><b>Layers.</b> The plan's model is the compiled model with each {@code ethos-u} operator replaced by one
 * operator per kernel command (named {@code ethos-u #k CONV 96x48x2->48x48x8} after the command's position in the
 * stream) and per DMA transfer that feeds no kernel command; the other operators, which Vela left to the CPU, stay
 * as they are. One layer per command is what a user comparing with the uncompiled model needs: the commands are
 * the operations Vela scheduled (a convolution cut into OFM-depth slices is several commands, each with its own
 * weight transfer and block config), and their times can be summed back per graph operator, while one layer for
 * the whole operator would hide every per-operation difference. The replacement operators carry no data flow;
 * their one output tensor names the layer.
 *
 * <p><b>Transfers.</b> A DMA from a region into the region a later CONV or DEPTHWISE reads its weight or scale
 * stream from, overlapping that stream, is that command's weight buffering (DMA-buffered, one slice: the command is
 * itself Vela's slice); a command whose streams no DMA filled reads them in place. A DMA into SHRAM is a LUT load,
 * charged to the next kernel command (the one that needs it first; the previous one at the end of a stream). Other
 * DMAs are copies of their own. Regions map onto the hardware description's memories by Vela's convention
 * ({@link CompiledOperator.Role}): flash to where weights live, scratch to the arena, fast scratch to the cache in
 * a spilling memory mode and to the arena otherwise. The memory mode the stream was compiled for is not recorded;
 * the description's is used.
 *
 * @param model the model the plan runs: the compiled model with each {@code ethos-u} operator expanded
 * @param plan the plan
 * @param operators the decoded {@code ethos-u} operators
 * @param macs the MACs of every kernel command and of the CPU operators
 */
public record CompiledPlan(Model model, ExecutionPlan plan, List<CompiledOperator> operators, long macs) {

    /** The reason CPU steps of a compiled model give. */
    public static final String LEFT_TO_CPU = "Vela left it to the CPU";

    /**
     * Returns the most arena one {@code ethos-u} operator holds while it runs: the scratch area its command stream
     * addresses, which Vela sized for its own schedule, and its input and output tensors beside it, leaving out those
     * for which {@code elsewhere} holds (placed in another memory). Whatever the plan's per-command tensors add up
     * to, the arena holds at least this (person_detect compiled for the U55-256: 74,464 bytes of scratch, Vela's
     * sram_memory_used, and a 9,216-byte input).
     */
    public long arenaFloorBytes(java.util.function.IntPredicate elsewhere) {
        long most = 0;
        for (CompiledOperator op : operators) {
            long bytes = 0;
            for (CompiledOperator.Region r : op.regions()) {
                if (r.role() == CompiledOperator.Role.SCRATCH
                        || r.role() == CompiledOperator.Role.TENSOR && !elsewhere.test(r.tensor())) {
                    bytes += r.bytes();
                }
            }
            most = Math.max(most, bytes);
        }
        return most;
    }

    public CompiledPlan {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(plan, "plan");
        operators = List.copyOf(operators);
    }

    /**
     * Plans {@code model} (read from {@code file}, a Vela-compiled model) on {@code target}, the NPU of hardware
     * description {@code hardware}. A CPU-only description, or an NPU of another variant than the streams were
     * compiled for, cannot run it: one-line errors naming both.
     */
    public static CompiledPlan of(Model model, String file, Optional<NpuTarget> target, String hardware) {
        List<CompiledOperator> compiled = CompiledOperator.of(model, file);
        for (CompiledOperator c : compiled) {
            String place = "operator " + c.operator() + " (" + CompiledOperator.CUSTOM_CODE + ")";
            String variant = c.compiledFor().variant().label();
            if (target.isEmpty()) {
                throw new InputException(file, place, "compiled by Vela for " + variant + "; a CPU-only system (" + hardware
                        + ") cannot run it");
            }
            if (target.get().variant() != c.compiledFor().variant()) {
                throw new InputException(file, place, "compiled by Vela for " + variant + " (" + c.compiledFor().evidence()
                        + "), but " + hardware + " has an " + target.get().variant().label() + "; simulate with --npu " + variant
                        + " or compile the model for " + target.get().variant().label());
            }
        }
        return new Builder(model, target.get(), compiled).build();
    }

    /** Builds the expanded model and the steps. */
    private static final class Builder {
        private final Model model;
        private final Subgraph graph;
        private final NpuTarget target;
        private final CostModel costs;
        private final Map<Integer, CompiledOperator> byOperator = new HashMap<>();
        private final boolean several;
        private final List<Tensor> tensors;
        private final List<Operator> operators = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        /** What the steps of the command stream being expanded wrote so far, in order. */
        private final List<Written> written = new ArrayList<>();
        private long macs;

        Builder(Model model, NpuTarget target, List<CompiledOperator> compiled) {
            this.model = model;
            this.graph = model.main();
            this.target = target;
            this.costs = new CostModel(target.variant());
            this.tensors = new ArrayList<>(graph.tensors());
            for (CompiledOperator c : compiled) {
                byOperator.put(c.operator(), c);
            }
            this.several = compiled.size() > 1;
        }

        CompiledPlan build() {
            for (Operator op : graph.operators()) {
                CompiledOperator c = byOperator.get(op.index());
                if (c != null) {
                    expand(c);
                    continue;
                }
                Operator moved = new Operator(operators.size(), op.code(), op.inputs(), op.outputs(), op.intermediates(), op.options());
                operators.add(moved);
                steps.add(new Step.Cpu(moved.index(), moved, LEFT_TO_CPU));
                macs += graph.operatorFacts(op.index()).macs();
            }
            Subgraph expanded = Subgraph.of(graph.name(), tensors, operators, graph.inputs(), graph.outputs());
            List<Subgraph> subgraphs = new ArrayList<>(model.subgraphs());
            subgraphs.set(0, expanded);
            Model m = new Model(model.name(), model.description(), model.schemaVersion(), subgraphs);
            ExecutionPlan plan = new ExecutionPlan(m, Optional.of(target), steps, true, Optional.empty());
            List<CompiledOperator> compiled = byOperator.values().stream()
                    .sorted(Comparator.comparingInt(CompiledOperator::operator)).toList();
            return new CompiledPlan(m, plan, compiled, macs);
        }

        /** Adds the layers and steps of one {@code ethos-u} operator. */
        private void expand(CompiledOperator c) {
            List<NpuCommand> commands = c.stream().commands();
            Map<Integer, List<DmaCommand>> weightTransfers = new HashMap<>();
            Map<Integer, List<DmaCommand>> lutTransfers = new HashMap<>();
            boolean[] attached = new boolean[commands.size()];
            for (int i = 0; i < commands.size(); i++) {
                if (!(commands.get(i) instanceof DmaCommand d)) {
                    continue;
                }
                int consumer = d.toShram() ? lutConsumer(commands, i) : weightConsumer(commands, i, d);
                if (consumer < 0) {
                    continue;
                }
                attached[i] = true;
                (d.toShram() ? lutTransfers : weightTransfers).computeIfAbsent(consumer, k -> new ArrayList<>()).add(d);
            }
            // The step of each kernel command, in order: steps follow the commands that are not attached.
            List<Integer> kernelSteps = new ArrayList<>();
            int next = steps.size();
            for (int i = 0; i < commands.size(); i++) {
                if (commands.get(i) instanceof KernelCommand) {
                    kernelSteps.add(next);
                }
                next += attached[i] ? 0 : 1;
            }
            String prefix = several ? CompiledOperator.CUSTOM_CODE + "[" + c.operator() + "] #" : CompiledOperator.CUSTOM_CODE + " #";
            written.clear();
            for (int i = 0; i < commands.size(); i++) {
                NpuCommand cmd = commands.get(i);
                if (attached[i]) {
                    continue;
                }
                String name = prefix + cmd.index() + " " + cmd.label();
                if (cmd instanceof KernelCommand k) {
                    Layer layer = addLayer(name, k.operation().label(), elementType(k.ofm()), k.ofm().shape());
                    List<DmaCommand> feeding = new ArrayList<>(weightTransfers.getOrDefault(i, List.of()));
                    lutTransfers.getOrDefault(i, List.of()).forEach(feeding::add);
                    steps.add(npuStep(c, layer, k, weightTransfers.getOrDefault(i, List.of()), lutBytes(lutTransfers, i),
                            gate(feeding, kernelSteps)));
                    written.add(new Written(k.ofm().extent(), layer.tensor()));
                    macs += k.macs();
                } else {
                    DmaCommand d = (DmaCommand) cmd;
                    Layer layer = addLayer(name, "DMA", ElementType.UINT8, dmaShape(d));
                    steps.add(dmaStep(c, layer, d));
                    if (!d.toShram()) {
                        written.add(new Written(d.destination(), layer.tensor()));
                    }
                }
            }
        }

        private static long lutBytes(Map<Integer, List<DmaCommand>> luts, int command) {
            return luts.getOrDefault(command, List.of()).stream().mapToLong(DmaCommand::bytes).sum();
        }

        /**
         * When the DMA may start a step's transfers: after the step of the last kernel command the stream issues
         * before them has started, and after the step of the last kernel command its waits require complete has
         * computed (the latest over the step's transfers).
         */
        private static Step.TransferGate gate(List<DmaCommand> transfers, List<Integer> kernelSteps) {
            int issued = transfers.stream().mapToInt(DmaCommand::kernelsIssued).max().orElse(0);
            int done = transfers.stream().mapToInt(DmaCommand::kernelsDone).max().orElse(0);
            return new Step.TransferGate(issued == 0 ? OptionalInt.empty() : OptionalInt.of(kernelSteps.get(issued - 1)),
                    done == 0 ? OptionalInt.empty() : OptionalInt.of(kernelSteps.get(done - 1)));
        }

        /** Returns the kernel command after {@code dma} whose weight or scale stream the transfer fills, or -1. */
        private static int weightConsumer(List<NpuCommand> commands, int dma, DmaCommand d) {
            for (int j = dma + 1; j < commands.size(); j++) {
                if (commands.get(j) instanceof KernelCommand k && k.operation().hasWeights()) {
                    boolean fills = k.weights().stream().anyMatch(d.destination()::overlaps)
                            || k.scales().stream().anyMatch(d.destination()::overlaps);
                    if (fills) {
                        return j;
                    }
                }
            }
            return -1;
        }

        /** Returns the kernel command that first needs a LUT loaded at {@code dma}: the next, else the previous. */
        private static int lutConsumer(List<NpuCommand> commands, int dma) {
            for (int j = dma + 1; j < commands.size(); j++) {
                if (commands.get(j) instanceof KernelCommand) {
                    return j;
                }
            }
            for (int j = dma - 1; j >= 0; j--) {
                if (commands.get(j) instanceof KernelCommand) {
                    return j;
                }
            }
            return -1;
        }

        /** A layer of the expanded model: its operator and the tensor that names it. */
        private record Layer(int operator, int tensor) {}

        /** Memory a step of the current command stream wrote, and the tensor of that step's layer. */
        private record Written(AddressRange range, int tensor) {}

        /**
         * Returns the tensor a command reads at {@code map}: the layer of the last earlier command of the stream
         * whose output overlaps it (so that the simulation sees the dependency, as the NPU's BLOCKDEP and waits
         * do), else the tensor of the region, data from before the stream.
         */
        private int readTensor(CompiledOperator c, FeatureMap map) {
            AddressRange read = map.extent();
            for (int w = written.size() - 1; w >= 0; w--) {
                if (written.get(w).range().overlaps(read)) {
                    return written.get(w).tensor();
                }
            }
            return c.regions().get(map.region()).tensor();
        }

        /** Adds an operator {@code op} whose one output, of {@code type} and {@code shape}, is named {@code name}. */
        private Layer addLayer(String name, String op, ElementType type, Shape4 shape) {
            int t = tensors.size();
            tensors.add(new Tensor(t, name, type, Shape.of(1, shape.h(), shape.w(), shape.c()), Optional.empty(), Optional.empty(), false));
            int index = operators.size();
            operators.add(new Operator(index, new OperatorCode(BuiltinOperator.CUSTOM.code(), Optional.of(op), 1),
                    new int[0], new int[] {t}, new int[0], new OpOptions.CustomOptions(ConstantData.copyOf(new byte[0]))));
            return new Layer(index, t);
        }

        private Step.Npu npuStep(CompiledOperator c, Layer layer, KernelCommand k, List<DmaCommand> transfers, long lutBytes,
                Step.TransferGate gate) {
            NpuOperation op = operation(c, layer, k, lutBytes);
            BlockConfig.Traversal traversal = k.operation() == Operation.CONV && k.kernel().map(KernelWindow::partKernelFirst).orElse(false)
                    ? BlockConfig.Traversal.PART_KERNEL_FIRST : BlockConfig.Traversal.DEPTH_FIRST;
            BlockConfig.Accumulator acc = k.accumulator() == KernelCommand.Accumulator.INT40
                    ? BlockConfig.Accumulator.ACC40 : BlockConfig.Accumulator.ACC32;
            BlockConfig bc = BlockConfigSearch.withOfmBlock(target.variant(), op, k.ofmBlock(), traversal, acc);
            TensorPlacement ifm = placement(c, k.ifm());
            Optional<TensorPlacement> ifm2 = k.ifm2().filter(SecondOperand.Tensor.class::isInstance)
                    .map(s -> placement(c, ((SecondOperand.Tensor) s).map()));
            TensorPlacement ofm = placement(c, k.ofm());
            Optional<WeightPlan> weights = Optional.empty();
            double scaleLatency = target.weights().timing().readLatencyCycles();
            if (k.operation().hasWeights()) {
                WeightPlan w = weightPlan(c, k, op, transfers);
                weights = Optional.of(w);
                scaleLatency = w.readFrom().timing().readLatencyCycles();
            }
            double slack = op.type() == NpuBlockType.ELEMENTWISE
                    ? costs.elementwise(op, bc, ifm.stream(), ofm.stream()).cycles()
                    : costs.macOperation(op, bc, ifm.stream(), ofm.stream(), scaleLatency).cycles();
            return new Step.Npu(layer.operator(), op, bc, ifm, ifm2, ofm, weights, op.lutBytes(), slack, gate);
        }

        /** The weight and scale streams of a CONV or DEPTHWISE: DMA-buffered when transfers filled them. */
        private WeightPlan weightPlan(CompiledOperator c, KernelCommand k, NpuOperation op, List<DmaCommand> transfers) {
            long elements = (long) op.kernel().w() * op.kernel().h() * op.ofm().c()
                    * (op.type() == NpuBlockType.DEPTHWISE ? 1 : op.ifm().c());
            long stream = k.weightBytes() + k.scaleBytes();
            EncodedWeights encoded = new EncodedWeights(elements, k.weightBytes(), k.scaleBytes(), new long[] {stream}, true);
            AddressRange where = k.weights().get(0);
            Channel home = channel(c, where.region());
            int tensor = c.regions().get(where.region()).tensor();
            List<int[]> whole = WeightSizer.wholeDepth(op);
            if (transfers.isEmpty()) {
                return new WeightPlan(tensor, home, encoded, WeightPlan.Buffering.DIRECT, home, whole, 0);
            }
            Channel source = channel(c, transfers.get(0).source().region());
            double full = DmaModel.transferCycles(source.timing(), home.timing(), stream);
            return new WeightPlan(tensor, source, encoded, WeightPlan.Buffering.SINGLE, home, whole, full);
        }

        private NpuOperation operation(CompiledOperator c, Layer layer, KernelCommand k, long lutBytes) {
            NpuOperation.Builder b = NpuOperation.builder(tensors.get(layer.tensor()).name(), layer.operator(), blockType(k))
                    .function(function(k.operation()))
                    .ifm(readTensor(c, k.ifm()), k.ifm().shape(), k.ifm().bits())
                    .ofm(layer.tensor(), k.ofm().shape(), k.ofm().bits())
                    .resampling(switch (k.upscale()) {
                        case NONE -> NpuOperation.Resampling.NONE;
                        case NEAREST -> NpuOperation.Resampling.NEAREST;
                        case TRANSPOSE -> NpuOperation.Resampling.TRANSPOSE;
                    })
                    .scaled(k.operation().hasWeights() && k.scaleBytes() > 0)
                    .activation(activation(k))
                    .lut((int) Math.min(lutBytes, Integer.MAX_VALUE));
            k.kernel().ifPresent(w -> b.kernel(w.kernel()));
            if (k.ifm2().isPresent()) {
                SecondOperand s = k.ifm2().get();
                if (s instanceof SecondOperand.Tensor t) {
                    b.ifm2(readTensor(c, t.map()), t.map().shape(), t.bits());
                } else {
                    b.scalarIfm2(s.bits());
                }
            }
            return b.build();
        }

        /**
         * The cost class of a command. A CONV with a 1×1 kernel, unit strides and a 1×1 IFM and OFM is a vector
         * product: Vela turns such convolutions into fully connected layers ({@code graph_optimiser.py:
         * convert_conv_to_fc}) and costs those as {@code VectorProduct}; the command cannot say which it was.
         */
        private static NpuBlockType blockType(KernelCommand k) {
            return switch (k.operation()) {
                case CONV -> {
                    Kernel w = k.kernel().orElseThrow().kernel();
                    boolean unit = w.elements() == 1 && w.strideX() == 1 && w.strideY() == 1;
                    boolean point = k.ifm().shape().elementsWh() == 1 && k.ofm().shape().elementsWh() == 1;
                    yield unit && point ? NpuBlockType.VECTOR_PRODUCT : NpuBlockType.CONVOLUTION;
                }
                case DEPTHWISE -> NpuBlockType.DEPTHWISE;
                case MAX_POOL, AVERAGE_POOL -> NpuBlockType.POOLING;
                case REDUCE_SUM -> NpuBlockType.REDUCE_SUM;
                default -> NpuBlockType.ELEMENTWISE;
            };
        }

        private static NpuOperation.Function function(Operation o) {
            return switch (o) {
                case CONV, DEPTHWISE, REDUCE_SUM -> NpuOperation.Function.NONE;
                case MAX_POOL -> NpuOperation.Function.MAX_POOL;
                case AVERAGE_POOL -> NpuOperation.Function.AVG_POOL;
                case ADD -> NpuOperation.Function.ADD;
                case SUB -> NpuOperation.Function.SUB;
                case MUL -> NpuOperation.Function.MUL;
                default -> NpuOperation.Function.SIMPLE;
            };
        }

        /** Tanh, sigmoid and LUTs are the LUT cost class; a clamp narrower than the OFM type is a ReLU. */
        private static NpuOperation.ActivationKind activation(KernelCommand k) {
            Activation a = k.activation();
            if (a.function() != Activation.Function.NONE) {
                return NpuOperation.ActivationKind.LUT;
            }
            return a.clampsBelowRange(k.ofm().bits(), k.ofm().signed()) ? NpuOperation.ActivationKind.RELU : NpuOperation.ActivationKind.NONE;
        }

        private Step.Dma dmaStep(CompiledOperator c, Layer layer, DmaCommand d) {
            Shape4 shape = dmaShape(d);
            NpuOperation op = NpuOperation.builder(tensors.get(layer.tensor()).name(), layer.operator(), NpuBlockType.DMA)
                    .ifm(c.regions().get(d.source().region()).tensor(), shape, 8).ofm(layer.tensor(), shape, 8).build();
            TensorPlacement from = new TensorPlacement(channel(c, d.source().region()), TensorFormat.NHWC);
            TensorPlacement to = new TensorPlacement(channel(c, d.destination().region()), TensorFormat.NHWC);
            return new Step.Dma(layer.operator(), op, from, to, d.bytes());
        }

        /** A DMA's bytes as a 1×1×1×n shape (a copy too large for one dimension is capped: only its bytes count). */
        private static Shape4 dmaShape(DmaCommand d) {
            return new Shape4(1, 1, 1, (int) Math.min(d.bytes(), Integer.MAX_VALUE));
        }

        private TensorPlacement placement(CompiledOperator c, FeatureMap fm) {
            return new TensorPlacement(channel(c, fm.region()), fm.format());
        }

        /** The channel through which the NPU reaches a region, by the region's role. */
        private Channel channel(CompiledOperator c, int region) {
            return switch (c.regions().get(region).role()) {
                case FLASH -> target.weights();
                case SCRATCH, TENSOR -> target.arena();
                case SCRATCH_FAST -> target.spilling() ? target.cache() : target.arena();
            };
        }

        private static ElementType elementType(FeatureMap fm) {
            return switch (fm.bits()) {
                case 8 -> fm.signed() ? ElementType.INT8 : ElementType.UINT8;
                case 16 -> fm.signed() ? ElementType.INT16 : ElementType.UINT16;
                default -> fm.signed() ? ElementType.INT32 : ElementType.UINT32;
            };
        }
    }
}
