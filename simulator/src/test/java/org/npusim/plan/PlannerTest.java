// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.npu.Shape4;
import org.npusim.npu.TensorFormat;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Planner decisions that fix Vela's numbers, on real models and the shipped Vela system configurations. The
 * expected values are Vela 3.10's, derived in /work notes on Vela's lowering (sections cited per test).
 */
final class PlannerTest {

    private static ExecutionPlan plan(String model, String hwFile, String npu, String mode) {
        return plan(model, hwFile, npu, mode, List.of());
    }

    private static ExecutionPlan plan(String model, String hwFile, String npu, String mode, List<String> overrides) {
        return plan(TfliteReader.read(SharedData.model(model)), hwFile, npu, mode, overrides);
    }

    /** Plans {@code m} on Vela's system {@code hwFile} (in hwconfigs/vela) with uncompressed weight sizes. */
    private static ExecutionPlan plan(Model m, String hwFile, String npu, String mode, List<String> overrides) {
        var hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/vela").resolve(hwFile), overrides,
                Optional.of(npu), Optional.of(mode));
        return new Planner(NpuTargets.from(hw).orElseThrow(), WeightSizer.UNCOMPRESSED).plan(m);
    }

    private static Step.Npu step(ExecutionPlan plan, String name) {
        for (Step s : plan.steps()) {
            if (s instanceof Step.Npu n && n.op().name().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no step " + name);
    }

    /**
     * §4.4: the slack is the scheduler's estimate, made while feature maps are still in DRAM. For person_detect's
     * softmax max-pool on U65-256 (DRAM latency 500 cycles) that is 383 cycles, against 35 once its tensors are
     * in SRAM.
     */
    @Test
    void plan_dedicatedSram_slackEstimatedWithFeatureMapsInDram() {
        ExecutionPlan p = plan("person_detect", "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram");
        assertThat(step(p, "MobilenetV1/Predictions/Reshape_1_maxpool0").slackCycles()).isEqualTo(383.0);
    }

    /**
     * §4.3: mobilenet_v2's 112×112 feature maps do not fit 384 KiB, so its first layers are cascaded; the first
     * convolution's block config is searched on its stripe: 1×40×32 on U55-128, 2×40×32 on U55-256 (2×2 micro
     * blocks). Its weights wait in one buffer loaded before the cascade: no transfer is charged to it.
     */
    @Test
    void plan_mobilenetV2SharedSram_firstConvolutionCascadedWithStripeBlock() {
        Step.Npu u128 = step(plan("mobilenet_v2_quantized_1x3x224x224", "ethos-u55-high-end-embedded.yaml", "ethos-u55-128",
                "shared-sram"), "input.13_te_transform");
        assertThat(u128.blockConfig().ofmBlock()).isEqualTo(Shape4.block(1, 40, 32));
        assertThat(u128.weights().orElseThrow().buffering()).isEqualTo(WeightPlan.Buffering.SINGLE);
        assertThat(u128.weights().orElseThrow().fullTransferCycles()).isZero();
        Step.Npu u256 = step(plan("mobilenet_v2_quantized_1x3x224x224", "ethos-u55-high-end-embedded.yaml", "ethos-u55-256",
                "shared-sram"), "input.13_te_transform");
        assertThat(u256.blockConfig().ofmBlock()).isEqualTo(Shape4.block(2, 40, 32));
    }

    /** §4.3: person_detect's feature maps fit, so nothing is cascaded: blocks come from the whole OFM. */
    @Test
    void plan_personDetectSharedSram_noCascade() {
        Step.Npu s = step(plan("person_detect", "ethos-u55-high-end-embedded.yaml", "ethos-u55-128", "shared-sram"),
                "MobilenetV1/MobilenetV1/Conv2d_1_depthwise/Relu6");
        assertThat(s.weights().orElseThrow().fullTransferCycles()).isPositive();
    }

    /**
     * §2.3: LSTM states are written in place and stay NHWC in DRAM; the other step intermediates are promoted to
     * SRAM as NHCWB16, except the cell-state-times-forget-gate product after the first step, which is NHWC next to
     * the NHWC cell state (20 channels, not a multiple of 16).
     */
    @Test
    void plan_lstmDedicatedSram_statesInDramIntermediatesInSram() {
        ExecutionPlan p = plan("trained_lstm_int8", "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram");
        Step.Npu cellAdd = step(p, "cell_state#0.1_add");
        assertThat(cellAdd.ofm().channel().memory()).isEqualTo("dram");
        assertThat(cellAdd.ofm().format()).isEqualTo(TensorFormat.NHWC);
        Step.Npu gate = step(p, "forget_gate#0.1_add");
        assertThat(gate.ofm().channel().memory()).isEqualTo("sram");
        assertThat(gate.ofm().format()).isEqualTo(TensorFormat.NHCWB16);
        assertThat(step(p, "cell_state#0.0_cf_mul").ofm().format()).isEqualTo(TensorFormat.NHCWB16);
        assertThat(step(p, "cell_state#0.1_cf_mul").ofm().format()).isEqualTo(TensorFormat.NHWC);
    }

    /**
     * §5: a tensor a CPU operator reads is an NPU subgraph output and stays in the arena: keyword_scrambled's
     * first QUANTIZE (an average pool) reads the model input and writes the SVDF's input, both in DRAM.
     */
    @Test
    void plan_dedicatedSram_tensorsSharedWithCpuStayInArena() {
        ExecutionPlan p = plan("keyword_scrambled", "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram");
        Step.Npu first = (Step.Npu) p.steps().get(0);
        assertThat(first.ifm().channel().memory()).isEqualTo("dram");
        assertThat(first.ofm().channel().memory()).isEqualTo("dram");
    }

    /**
     * §4 step 5: in dedicated SRAM the feature maps compete for the cache after scheduling. person_detect on U65-256
     * needs more than 73,728 bytes of cache for all of them (its first three layers' outputs, 18,432 + 18,432 +
     * 36,864, live together, beside weight buffers; with its encoded weights, 74,096). In a 60 KiB cache not all fit: one of them is evicted to DRAM,
     * where the next layer reads it (which one depends on the accesses and the weight buffers: with the encoded
     * weights, the second layer's output), and the cache stays within its size.
     */
    @Test
    void plan_dedicatedSramSmallCache_evictsFeatureMapsThatDoNotFit() {
        ExecutionPlan all = plan("person_detect", "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram");
        assertThat(all.fastStoragePeak().orElseThrow().bytes()).isGreaterThan(73_728);
        assertThat(featureMapsReadFromDram(all)).isZero();
        ExecutionPlan small = plan("person_detect", "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram",
                List.of("placement.cache_size=60KiB"));
        assertThat(small.fastStoragePeak().orElseThrow().bytes()).isLessThanOrEqualTo(60 * 1024);
        assertThat(featureMapsReadFromDram(small)).isPositive();
    }

    /** Counts the NPU steps after the first that read their IFM from DRAM (the first reads the model's input). */
    private static long featureMapsReadFromDram(ExecutionPlan p) {
        return p.steps().stream().skip(1).filter(s -> s instanceof Step.Npu n && n.ifm().channel().memory().equals("dram"))
                .count();
    }

    /**
     * An LSTM's step intermediates that a tiny cache cannot hold are in the DRAM arena while the LSTM runs.
     * trained_lstm on U65-256: with the 384 KiB cache the arena holds the graph's tensors only, 844 bytes (the
     * 28x28 int8 input, 784, and the states: 20 int8 outputs and 20 int16 cells, 20 + 40); with a 128-byte cache the LSTM's 28x20 int8 output rows move there too (560 bytes), and so do the int16 gate rows of
     * 20 channels (40 bytes each) that live beside what the cache keeps: at least one, so 844 + 560 + 40 bytes.
     */
    @Test
    void arena_dedicatedSramTinyCache_countsTheLstmIntermediatesItCannotHold() {
        ExecutionPlan roomy = plan("trained_lstm_int8", "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram");
        ExecutionPlan tiny = plan("trained_lstm_int8", "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram",
                List.of("placement.cache_size=128B"));
        assertThat(ArenaUse.of(roomy, op -> 0, op -> 0, t -> false).bytes()).isEqualTo(844);
        assertThat(ArenaUse.of(tiny, op -> 0, op -> 0, t -> false).bytes()).isGreaterThanOrEqualTo(844 + 560 + 40);
    }

    /**
     * A 16 KiB output (c1) copied by the DMA because two layers read it (r), and a 32 KiB output (c3) whose
     * reshape (r2) is removed, so the ADD reads c3's memory through r2's tensor. In a 16 KiB cache at most one
     * 16 KiB feature map fits at a time beside the weight buffers, so the copy's destination and c3's output are
     * evicted. Every step must then see each piece of data in one memory: the copy writes where c3 reads, and the
     * ADD reads r2 where c3 wrote it.
     */
    @Test
    void plan_dedicatedSramEvictions_copiesAndRemovedReshapesFollowTheirData() {
        ExecutionPlan p = planAliases(List.of("placement.cache_size=16KiB"));
        int[] storage = p.storage();
        Map<Integer, String> memoryOf = new HashMap<>();
        java.util.function.BiConsumer<Integer, TensorPlacement> see = (t, where) -> {
            String before = memoryOf.putIfAbsent(storage[t], where.channel().memory());
            assertThat(before == null ? where.channel().memory() : before).as("tensor %d", t)
                    .isEqualTo(where.channel().memory());
        };
        boolean copied = false;
        for (Step s : p.steps()) {
            if (s instanceof Step.Dma d) {
                see.accept(d.op().tensors().ifm(), d.source());
                see.accept(d.op().tensors().ofm(), d.destination());
                copied = true;
            } else if (s instanceof Step.Npu n) {
                see.accept(n.op().tensors().ifm(), n.ifm());
                n.op().tensors().ifm2().ifPresent(t -> see.accept(t, n.ifm2().orElseThrow()));
                see.accept(n.op().tensors().ofm(), n.ofm());
            }
        }
        assertThat(copied).isTrue();
        // The evictions happened: c3 reads the copy from DRAM.
        assertThat(step(p, "c3").ifm().channel().memory()).isEqualTo("dram");
        assertThat(step(p, "c3").ofm().channel().memory()).isEqualTo("dram");
    }

    /**
     * c1's output is written before a CPU operator (a TRANSPOSE the NPU cannot do) and read after it by the ADD:
     * in Vela's partition it is an output of the first NPU subgraph and an input of the second, so it stays in the
     * arena. Left to each subgraph's evictions, the first kept it in a 7 KiB cache and the second evicted it: c1
     * wrote it to the SRAM and the ADD read it from DRAM.
     */
    @Test
    void plan_dedicatedSram_featureMapAcrossACpuOperatorStaysInTheArena() {
        Model m = described("across_cpu", "[1, 16, 16, 16]", """
                  - {op: conv2d, name: c1, filters: 16, kernel: 3, padding: same}
                  - {op: conv2d, name: c0, filters: 16, kernel: 3, padding: same, inputs: [x]}
                  - {op: transpose, name: t, perm: [0, 3, 1, 2], inputs: [c0]}
                  - {op: conv2d, name: c2, filters: 16, kernel: 3, padding: same, inputs: [t]}
                  - {op: add, name: a, inputs: [c2, c1]}
                """);
        ExecutionPlan p = plan(m, "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram",
                List.of("placement.cache_size=7KiB"));
        assertThat(p.steps().stream().filter(s -> s instanceof Step.Cpu).count()).isEqualTo(1);
        assertThat(step(p, "c1").ofm().channel().memory()).isEqualTo("dram");
        assertThat(step(p, "a").ifm2().orElseThrow().channel().memory()).isEqualTo("dram");
    }

    /**
     * placement.inputs puts the model's input (8 KiB) in the SRAM, the cache's memory, and a 24 KiB cache cannot
     * hold it with the 16 and 32 KiB feature maps around it (the model of the test above): feature maps leave, the
     * input stays where the placement put it, and the first layer reads it from there. (Offered to the search like
     * a feature map, the input was the one evicted, and c1 read it from DRAM.)
     */
    @Test
    void plan_dedicatedSramEvictions_leaveThePlacedInputWhereItIs() {
        ExecutionPlan p = planAliases(List.of("placement.cache_size=24KiB", "placement.inputs=sram"));
        assertThat(step(p, "c1").ifm().channel().memory()).isEqualTo("sram");
        assertThat(p.steps().stream().anyMatch(s -> s instanceof Step.Npu n && n.ofm().channel().memory().equals("dram")))
                .isTrue();
    }

    /**
     * dtln's LSTMs on U65 dedicated-sram with a 64-byte cache: none of their gate products fits, so all are read
     * and written in DRAM, the arena. A step's IFM, IFM2 and OFM are live together, and so are its operator's
     * inputs and outputs (the cache holds nothing, so they are in DRAM too): the arena holds at least the two
     * sums at the step where the intermediates' (ids past the graph's) is largest.
     */
    @Test
    void arena_dedicatedSramTinyCache_countsTheEvictedIntermediates() {
        ExecutionPlan p = plan("dtln_noise_suppression", "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram",
                List.of("placement.cache_size=64B"));
        int graphTensors = p.model().main().tensors().size();
        long together = 0;
        int at = -1;
        for (Step s : p.steps()) {
            if (s instanceof Step.Npu n) {
                var op = n.op();
                long sum = 0;
                if (op.tensors().ifm() >= graphTensors && n.ifm().channel().memory().equals("dram")) {
                    sum += op.ifm().elements() * op.ifmBits() / 8;
                }
                if (op.tensors().ifm2().orElse(-1) >= graphTensors && n.ifm2().orElseThrow().channel().memory().equals("dram")) {
                    sum += op.ifm2().orElseThrow().elements() * op.ifm2Bits() / 8;
                }
                if (op.tensors().ofm() >= graphTensors && n.ofm().channel().memory().equals("dram")) {
                    sum += op.ofm().elements() * op.ofmBits() / 8;
                }
                if (sum > together) {
                    together = sum;
                    at = n.operator();
                }
            }
        }
        assertThat(together).isPositive();
        assertThat(p.fastStoragePeak().orElseThrow().bytes()).isZero();
        var g = p.model().main();
        long operands = 0;
        var operator = g.operators().get(at);
        for (int t : java.util.stream.IntStream.concat(java.util.Arrays.stream(operator.inputs()),
                java.util.Arrays.stream(operator.outputs())).distinct().toArray()) {
            if (t >= 0 && !g.tensor(t).isConstant()) {
                operands += g.tensor(t).sizeBytes();
            }
        }
        ArenaUse use = ArenaUse.of(p, op -> 0, op -> 0, t -> false);
        System.out.printf("dtln, 64-byte cache: arena %d B, at operator %d its operands %d B and intermediates %d B%n",
                use.bytes(), at, operands, together);
        assertThat(use.bytes()).isGreaterThanOrEqualTo(operands + together);
    }

    /**
     * A removed reshape's output is its input's memory, which stays in use from the producer's step to the reader's,
     * here across another layer's (Vela removes the reshape: its reader reads the producer's tensor, one live range).
     * Shared-sram on U55-128, nothing cascaded (the feature maps fit the SRAM). conv_a writes its 64 KiB output X;
     * conv_d, next, reads the 32 KiB input and writes 16 KiB; conv_b reads X through the reshape. At conv_d the
     * SRAM holds the input, X and conv_d's output: 112 KiB, the schedule's peak (at conv_a 96 KiB, at conv_b 96 KiB).
     * Seen as two tensors, X ended at conv_a and its reshaped view began at conv_b, and the peak was missed by
     * X's 64 KiB.
     */
    @Test
    void plan_removedReshape_itsMemoryLiveFromProducerToReader() {
        Model m = described("reshape_gap", "[1, 32, 32, 32]", """
                  - {op: conv2d, name: conv_a, filters: 64, kernel: 1, padding: same}
                  - {op: reshape, name: r, new_shape: [1, 32, 32, 64], inputs: [conv_a]}
                  - {op: conv2d, name: conv_d, filters: 16, kernel: 1, padding: same, inputs: [x]}
                  - {op: conv2d, name: conv_b, filters: 16, kernel: 1, padding: same, inputs: [r]}
                  - {op: add, name: out, inputs: [conv_b, conv_d]}
                """);
        ExecutionPlan p = plan(m, "ethos-u55-high-end-embedded.yaml", "ethos-u55-128", "shared-sram", List.of());
        assertThat(p.steps()).noneMatch(s -> s instanceof Step.Dma);
        ExecutionPlan.FastStoragePeak peak = p.fastStoragePeak().orElseThrow();
        System.out.printf("reshape_gap: fast-storage peak %d bytes at operator %d (conv_d is %d)%n", peak.bytes(),
                peak.operator(), step(p, "conv_d").op().sourceOperator());
        assertThat(peak.operator()).isEqualTo(step(p, "conv_d").op().sourceOperator());
        assertThat(peak.bytes()).isGreaterThanOrEqualTo((32 + 64 + 16) * 1024);
    }

    /**
     * Plans, on U65-256 in dedicated-sram with {@code overrides}, a model whose 16 KiB output c1 is copied by the
     * DMA (two layers read it, one through the reshape r) and whose 32 KiB output c3 is read through the removed
     * reshape r2.
     */
    private static ExecutionPlan planAliases(List<String> overrides) {
        Model m = described("evict_aliases", "[1, 32, 32, 8]", """
                  - {op: conv2d, name: c1, filters: 16, kernel: 3, padding: same}
                  - {op: reshape, name: r, new_shape: [1, 32, 16, 32], inputs: [c1]}
                  - {op: conv2d, name: c2, filters: 16, kernel: 3, padding: same, inputs: [c1]}
                  - {op: conv2d, name: c3, filters: 32, kernel: 1, padding: same, inputs: [r]}
                  - {op: reshape, name: r2, new_shape: [1, 32, 32, 16], inputs: [c3]}
                  - {op: add, name: a, inputs: [c2, r2]}
                """);
        return plan(m, "ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram", overrides);
    }

    /**
     * A described model of {@code layers} after an int8 input x of {@code shape} (scale 0.05), weights drawn from a
     * normal distribution with seed 1.
     */
    private static Model described(String name, String shape, String layers) {
        return ModelDescriptions.parse("schema: npusim.model/v1\nname: " + name + "\ninput: {name: x, shape: " + shape
                + ", type: int8, scale: 0.05, zero_point: 0}\nweights: {distribution: normal, seed: 1}\nlayers:\n"
                + layers, name + ".yaml");
    }
}
