// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
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
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.testsupport.SharedData;

/** Does the whole model pick the right kernels and bottlenecks, and charge the NPU driver's overhead as counted? */
class CortexMCostModelTest {

    private static HardwareConfig hw(String relative) {
        return HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/" + relative));
    }

    /** Loads hwconfigs/{@code relative} with one {@code --set} override. */
    private static HardwareConfig hw(String relative, String set) {
        return HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/" + relative), List.of(set),
                Optional.empty(), Optional.empty());
    }

    private static Subgraph description(String name) {
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/" + name + ".yaml"));
        return m.main();
    }

    /**
     * The driver overhead of one NPU invocation, counted in {@link CortexMCostModel}: the operator's call overhead
     * (80 ALU, 40 loads in 10 runs, 20 stores, 10 branches) and the driver (200 ALU, 60 loads in 20 runs, 40 stores,
     * 20 branches) are 280 + 100 + 30 + 60 + 2 · 30 = 530 cycles on a Cortex-M4/M33/M55 scalar pipeline; 30 register
     * writes of 3 cycles and 24 cycles of interrupt entry and return make 644. A Cortex-M55 with 32 KiB of data
     * cache also cleans and invalidates 1,024 lines at 3 cycles each: 644 + 6,144 = 6,788.
     */
    @Test
    void npuInvocationCycles_m4AndM55_matchTheCountedDriverWork() {
        assertThat(CortexMCostModel.of(hw("cpu-only/cortex-m4-120mhz.yaml")).npuInvocationCycles()).isEqualTo(644);
        assertThat(CortexMCostModel.of(hw("corstone-300.yaml")).npuInvocationCycles()).isEqualTo(6788);
    }

    /**
     * Kernel names reach the JSON and table output, which must not depend on the machine: under a Turkish default
     * locale, "LOGISTIC".toLowerCase() is "logıstıc" (dotless i). Every operator of every shared model, costed on
     * the reference kernels (whose names are built from operator names), keeps ASCII kernel names.
     */
    @Test
    void cost_underATurkishDefaultLocale_keepsKernelNamesAscii() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
            CortexMCostModel cpu = CortexMCostModel.of(hw("cpu-only/cortex-m4-120mhz.yaml", "cpu.kernels=reference"));
            int named = 0;
            for (java.nio.file.Path p : SharedData.models()) {
                Subgraph g = org.npusim.tflite.TfliteReader.read(p).main();
                for (Operator op : g.operators()) {
                    String kernel = cpu.cost(g, op).kernel();
                    assertThat(kernel).as(p.getFileName() + " #" + op.index()).matches("\\p{ASCII}*");
                    named += kernel.startsWith("reference ") ? 1 : 0;
                }
            }
            assertThat(named).isPositive();
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @Test
    void cost_resnetOnM33_usesTheCmsisNnKernelsTheWrapperPicks() {
        Subgraph g = description("resnet8");
        CortexMCostModel cpu = CortexMCostModel.of(hw("cpu-only/cortex-m33-200mhz.yaml"));
        assertThat(cpu.cost(g, g.operators().get(1)).kernel()).isEqualTo("arm_convolve_s8");
        // stack2_shortcut: a 1x1 convolution with stride 2.
        assertThat(cpu.cost(g, g.operators().get(6)).kernel()).isEqualTo("arm_convolve_1x1_s8");
        assertThat(cpu.cost(g, g.operators().get(3)).kernel()).isEqualTo("arm_elementwise_add_s8");
        assertThat(cpu.cost(g, g.operators().get(15)).kernel()).isEqualTo("arm_softmax_s8");
    }

    /**
     * The autoencoder's first layer on the Cortex-M85: a 640→128 fully connected layer whose 82 KB of weights stream
     * from flash (8 wait states at half the clock, 20 cycles per 32-byte line: 0.63 cycles per weight byte) while
     * Helium multiplies 64 weights in about 10 cycles (0.16 per byte): flash dominates.
     */
    @Test
    void cost_fullyConnectedFromFlashOnM85_isFlashBound() {
        Subgraph g = description("autoencoder_ad");
        CpuOpCost c = CortexMCostModel.of(hw("cpu-only/cortex-m85-480mhz.yaml")).cost(g, g.operators().get(0));
        assertThat(c.bottleneck()).isEqualTo("flash");
        assertThat(c.readBytes().get("flash")).isGreaterThanOrEqualTo(81920L);
    }

    /** The same model with weights moved to SRAM is faster: the placement decides which memory the weights cost. */
    @Test
    void cost_weightsInSramInsteadOfFlash_isFaster() {
        Subgraph g = description("autoencoder_ad");
        HardwareConfig flash = hw("cpu-only/cortex-m4-120mhz.yaml");
        HardwareConfig sram = hw("cpu-only/cortex-m4-120mhz.yaml", "placement.weights=sram");
        long fromFlash = CortexMCostModel.of(flash).cost(g, g.operators().get(0)).cycles();
        long fromSram = CortexMCostModel.of(sram).cost(g, g.operators().get(0)).cycles();
        assertThat(fromSram).isLessThan(fromFlash);
    }

    /** A description with one of each operator the model builder writes, in int8 and in int16. */
    private static final String MIXED = """
            schema: npusim.model/v1
            name: mixed
            input: {shape: [1, 12, 12, 4], type: %s, scale: 0.02, zero_point: 0}
            weights: {seed: 3, distribution: uniform}
            layers:
              - {op: conv2d, name: c1, filters: 8, kernel: [3, 3], stride: [2, 2], padding: same, activation: relu}
              - {op: depthwise_conv2d, name: d1, kernel: 3, depth_multiplier: 2, dilation: 2, padding: same}
              - {op: max_pool2d, name: m1, pool_size: 2, stride: 1, padding: same}
              - {op: pad, name: p1, paddings: [[0, 0], [1, 1], [0, 0], [0, 0]]}
              - {op: average_pool2d, name: a1, pool_size: 2, padding: valid}
              - {op: transpose_conv, name: t1, filters: 4, kernel: 3, stride: 2, padding: same}
              - {op: logistic, name: g1}
              - {op: mul, name: x1, inputs: [t1, g1]}
              - {op: tanh, name: h1, inputs: [t1]}
              - {op: add, name: s1, inputs: [x1, h1]}
              - {op: concatenation, name: k1, inputs: [s1, t1], axis: 3}
              - {op: relu6, name: r6}
              - {op: mean, name: mn, axis: [1, 2], keep_dims: true}
              - {op: reshape, name: fl, new_shape: [-1, 8]}
              - {op: fully_connected, name: fc, units: 3}
              - {op: softmax, name: sm}
            """;

    @Test
    void cost_everyBuilderOperatorInInt8AndInt16OnEveryCore_hasAKernelModel() {
        for (String type : new String[] {"int8", "int16"}) {
            Subgraph g = ModelDescriptions.parse(MIXED.formatted(type), "mixed.yaml").main();
            for (String board : new String[] {"cortex-m4-120mhz", "cortex-m7-280mhz", "cortex-m33-200mhz",
                "cortex-m55-400mhz", "cortex-m85-480mhz"}) {
                for (String library : new String[] {"cmsis-nn", "reference"}) {
                    HardwareConfig h = hw("cpu-only/" + board + ".yaml", "cpu.kernels=" + library);
                    CortexMCostModel cpu = CortexMCostModel.of(h);
                    for (var op : g.operators()) {
                        CpuOpCost c = cpu.cost(g, op);
                        assertThat(c.kernel()).as("%s %s %s %s", type, board, library, op)
                                .doesNotContain("no kernel model");
                        assertThat(c.cycles()).isPositive();
                    }
                }
            }
        }
    }

    /**
     * TRANSPOSE_CONV's inputs are the output shape (a constant), the filter and then the data: its IFM is read from
     * the arena, not from the weights' memory where the shape constant lives.
     */
    @Test
    void cost_transposeConv_readsItsInputFromTheArena() {
        Subgraph g = ModelDescriptions.parse(MIXED.formatted("int8"), "mixed.yaml").main();
        var t1 = g.operators().stream().filter(o -> g.tensor(o.output(0)).name().equals("t1")).findFirst().orElseThrow();
        CpuOpCost c = CortexMCostModel.of(hw("cpu-only/cortex-m4-120mhz.yaml")).cost(g, t1);
        long ifmBytes = g.tensor(t1.input(2)).sizeBytes();
        assertThat(c.readBytes().getOrDefault("sram", 0L)).isGreaterThanOrEqualTo(ifmBytes);
    }

    /**
     * The scratch TensorFlow Lite Micro's reference kernels request. The transpose convolution t1 of {@link #MIXED}
     * writes 8×6 pixels of 4 channels (the 4×3 average pool's output doubled by stride 2), 192 elements, and keeps
     * an accumulator per output element: int8 4·192 = 768 bytes, int16 8·192 = 1,536. The MEAN mn over the 8
     * channels of k1 sums each of its 8 outputs in int32: 4·8 = 32 bytes in both. A float MEAN requests none; a
     * REDUCE_MAX of a 4-D tensor over 2 axes an int per dimension and per axis, 4·(4 + 2) = 24 bytes.
     */
    @Test
    void scratchBytes_referenceTransposeConvAndReductions_asMicroRequestsThem() {
        CortexMCostModel m55 = CortexMCostModel.of(hw("cpu-only/cortex-m55-400mhz.yaml"));
        for (String type : new String[] {"int8", "int16"}) {
            Subgraph g = ModelDescriptions.parse(MIXED.formatted(type), "mixed.yaml").main();
            assertThat(g.tensor(named(g, "t1").output(0)).shape()).isEqualTo(Shape.of(1, 8, 6, 4));
            assertThat(m55.scratchBytes(g, named(g, "t1"))).isEqualTo(type.equals("int8") ? 768 : 1_536);
            assertThat(m55.scratchBytes(g, named(g, "mn"))).isEqualTo(32);
        }
        assertThat(m55.scratchBytes(reduce(BuiltinOperator.MEAN, ElementType.FLOAT32),
                reduce(BuiltinOperator.MEAN, ElementType.FLOAT32).operators().get(0))).isZero();
        assertThat(m55.scratchBytes(reduce(BuiltinOperator.REDUCE_MAX, ElementType.INT8),
                reduce(BuiltinOperator.REDUCE_MAX, ElementType.INT8).operators().get(0))).isEqualTo(24);
    }

    /**
     * Only an int8 fully connected layer keeps CMSIS-NN's kernel sums on Helium (4 bytes per output, 10 outputs:
     * 40): a float layer has no int8 kernel and an int16 one asks for none, so neither keeps any.
     */
    @Test
    void persistentBytes_heliumFullyConnected_int8Only() {
        CortexMCostModel m55 = CortexMCostModel.of(hw("cpu-only/cortex-m55-400mhz.yaml"));
        for (ElementType type : new ElementType[] {ElementType.INT8, ElementType.INT16, ElementType.FLOAT32}) {
            Subgraph g = fullyConnected(type);
            assertThat(m55.persistentBytes(g, g.operators().get(0))).as("%s", type)
                    .isEqualTo(type == ElementType.INT8 ? 40 : 0);
        }
    }

    /** A fully connected layer of {@code type} activations from 64 inputs to 10 outputs, its weights constant. */
    private static Subgraph fullyConnected(ElementType type) {
        boolean quantized = type != ElementType.FLOAT32;
        Optional<Quantization> q = quantized ? Optional.of(Quantization.perTensor(0.1f, 0)) : Optional.empty();
        ElementType weights = quantized ? ElementType.INT8 : ElementType.FLOAT32;
        ElementType bias = type == ElementType.INT16 ? ElementType.INT64 : quantized ? ElementType.INT32 : ElementType.FLOAT32;
        List<Tensor> tensors = List.of(
                new Tensor(0, "in", type, Shape.of(1, 64), q, Optional.empty(), false),
                new Tensor(1, "w", weights, Shape.of(10, 64), q, Optional.of(ConstantData.ofInt8(
                        new byte[640 * weights.sizeBits() / 8])), false),
                new Tensor(2, "b", bias, Shape.of(10), Optional.empty(), Optional.of(ConstantData.ofInt8(
                        new byte[10 * bias.sizeBits() / 8])), false),
                new Tensor(3, "out", type, Shape.of(1, 10), q, Optional.empty(), false));
        Operator o = new Operator(0, OperatorCode.of(BuiltinOperator.FULLY_CONNECTED), new int[] {0, 1, 2}, new int[] {3},
                new int[0], new OpOptions.FullyConnected(org.npusim.graph.Activation.NONE, 0, false, false));
        return Subgraph.of("fc", tensors, List.of(o), new int[] {0}, new int[] {3});
    }

    private static Operator named(Subgraph g, String output) {
        return g.operators().stream().filter(o -> g.tensor(o.output(0)).name().equals(output)).findFirst()
                .orElseThrow();
    }

    /** A reduction {@code op} of a 1x4x4x8 tensor of {@code type} over axes 1 and 2, keeping the dimensions. */
    private static Subgraph reduce(BuiltinOperator op, ElementType type) {
        Optional<Quantization> q = type == ElementType.FLOAT32 ? Optional.empty()
                : Optional.of(Quantization.perTensor(0.1f, 0));
        List<Tensor> tensors = List.of(
                new Tensor(0, "in", type, Shape.of(1, 4, 4, 8), q, Optional.empty(), false),
                new Tensor(1, "axes", ElementType.INT32, Shape.of(2), Optional.empty(),
                        Optional.of(ConstantData.ofInt32(new int[] {1, 2})), false),
                new Tensor(2, "out", type, Shape.of(1, 1, 1, 8), q, Optional.empty(), false));
        Operator o = new Operator(0, OperatorCode.of(op), new int[] {0, 1}, new int[] {2}, new int[0],
                new OpOptions.Reducer(true));
        return Subgraph.of("reduce", tensors, List.of(o), new int[] {0}, new int[] {2});
    }

    /** The Cortex-M0+ (no DSP, no hardware 64-bit multiply) is the slowest core on the same kernels. */
    @Test
    void cost_m0plusAgainstM4_isSlowerPerCycle() {
        Subgraph g = description("resnet8");
        HardwareConfig m4 = hw("cpu-only/cortex-m4-120mhz.yaml");
        HardwareConfig m0 = hw("cpu-only/cortex-m4-120mhz.yaml", "cpu.core=cortex-m0plus");
        long fast = CortexMCostModel.of(m4).cost(g, g.operators().get(1)).cycles();
        long slow = CortexMCostModel.of(m0).cost(g, g.operators().get(1)).cycles();
        // Facts §0.1: M0+ about 0.1 MAC/cycle against the M4's 0.6 on convolutions.
        assertThat((double) slow / fast).isBetween(3.0, 12.0);
    }

    @Test
    void cost_referenceLibrary_isSlowerThanCmsisNn() {
        Subgraph g = description("resnet8");
        HardwareConfig cmsis = hw("cpu-only/cortex-m4-120mhz.yaml");
        HardwareConfig ref = hw("cpu-only/cortex-m4-120mhz.yaml", "cpu.kernels=reference");
        CpuOpCost fast = CortexMCostModel.of(cmsis).cost(g, g.operators().get(1));
        CpuOpCost slow = CortexMCostModel.of(ref).cost(g, g.operators().get(1));
        assertThat(slow.kernel()).isEqualTo("reference conv");
        assertThat((double) slow.cycles() / fast.cycles()).isBetween(3.0, 34.0);
    }

    /**
     * SPLIT takes its axis from its first input, a constant. A 1x8x8x16 int8 tensor split in two along the
     * channels is 64 pixel runs of 8 bytes per output, 128 copies in all; along the height it is one run of 512
     * bytes per output. Same bytes, 64 times the per-run overhead: the channel split costs more.
     */
    @Test
    void cost_splitAlongChannels_paysOneRunPerPixel() {
        HardwareConfig m4 = hw("cpu-only/cortex-m4-120mhz.yaml");
        long channels = CortexMCostModel.of(m4).cost(split(3), split(3).operators().get(0)).cycles();
        long height = CortexMCostModel.of(m4).cost(split(1), split(1).operators().get(0)).cycles();
        assertThat(channels).isGreaterThan(height);
        // The data (input 1) is read from the arena, not from where the axis constant (input 0) is stored.
        assertThat(CortexMCostModel.of(m4).cost(split(3), split(3).operators().get(0)).readBytes())
                .containsKey("sram").doesNotContainKey("flash");
        // Each run costs at least its call and loop overhead (10 instructions, DataMovementKernels).
        assertThat(channels - height).isGreaterThanOrEqualTo(10L * (128 - 2));
    }

    /** A SPLIT of a 1x8x8x16 int8 tensor in two along {@code axis}. */
    private static Subgraph split(int axis) {
        Optional<Quantization> q = Optional.of(Quantization.perTensor(0.1f, 0));
        Shape half = axis == 3 ? Shape.of(1, 8, 8, 8) : Shape.of(1, 4, 8, 16);
        List<Tensor> tensors = List.of(
                new Tensor(0, "axis", ElementType.INT32, Shape.of(1), Optional.empty(),
                        Optional.of(ConstantData.ofInt32(new int[] {axis})), false),
                new Tensor(1, "in", ElementType.INT8, Shape.of(1, 8, 8, 16), q, Optional.empty(), false),
                new Tensor(2, "a", ElementType.INT8, half, q, Optional.empty(), false),
                new Tensor(3, "b", ElementType.INT8, half, q, Optional.empty(), false));
        Operator op = new Operator(0, OperatorCode.of(BuiltinOperator.SPLIT), new int[] {0, 1}, new int[] {2, 3},
                new int[0], new OpOptions.Split(2));
        return Subgraph.of("split", tensors, List.of(op), new int[] {1}, new int[] {2, 3});
    }
}
