// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.Shape4;
import org.npusim.npu.TensorFormat;
import org.npusim.plan.Step;
import org.npusim.plan.WeightPlan;
import org.npusim.plan.WeightSizer;
import org.npusim.result.LayerResult;
import org.npusim.testsupport.SharedData;

/**
 * The per-layer critical path ({@link LayerResult#criticalCycles}, {@code critical_cycles} in JSON) against paths
 * worked out by hand, entry by entry: the property tests check that a path adds up to the layer's cycles, which a
 * wrong walk can do too. Each case is one or two tiny layers with one OFM block each, so that every reservation can
 * be placed on the time axis by hand; between them the bottleneck is the MAC array, the output stage, the scale
 * fetch and the flash port (read in place by the NPU, and copied by the DMA).
 *
 * <p>Figures every case uses (cycles are NPU cycles at 500 MHz; the engine works in picoseconds, and every time
 * below is a whole number of cycles, so nothing rounds):
 * <ul>
 *   <li>System: {@code hwconfigs/vela/ethos-u55-high-end-embedded.yaml} with its default Ethos-U55-128 (Vela's
 *       Ethos_U55_High_End_Embedded, ethos-u-facts.md §2.4). SRAM on AXI0: 8 B/cycle (64-bit AXI × clock scale
 *       1.0, §2.2), burst 32 B, latency 32. Flash on AXI1: 1 B/cycle (scale 0.125), burst 128 B, read latency 64.
 *       In sram-only mode the weights are read through AXI1 from the SRAM (Vela's OnChipFlash with SRAM's figures,
 *       §2.5) and never DMA-buffered; in shared-sram mode they are in the flash.</li>
 *   <li>Weight streams are sized by {@link WeightSizer#UNCOMPRESSED}: 1 B per weight plus 10 B of scale and bias per
 *       OFM channel, each padded to 16 B. (The Ethos-U encoder's size of generated weights is not derivable by
 *       hand.)</li>
 *   <li>U55-128 (§1.1, §3.3): OFM micro-block 1×2×8 (H×W×D), weight-step floor {@code cycles_wb} = 32, 4 cycles per
 *       kernel step per micro-block. Output stage: 0.5 cycles per element for a conv or FC with 32-bit accumulators
 *       and no activation (§1.3, index 7).</li>
 *   <li>Per block (§3.3 steps 9-10): scale fetch {@code 10·ob_D·latency/256} at the latency of the memory the
 *       weights are read from; command overhead {@code cmd = (T_ifm + T_ofm + dpu + max(out, scales)) / 4} with
 *       {@code T = latency + E(min(tensor, block))·η / BW}.</li>
 *   <li>Burst efficiency η (§3.5) = burst length / burst, the burst in bits being {@code 8·ifmBlock_D} for an int8
 *       NHWC read, {@code min(512, 16·8·cores, 8·ofmBlock_D)} for an NHWC write, {@code 16·8·block_W} for an
 *       NHCWB16 read and {@code 16·8·block_W·cores} for an NHCWB16 write (the config blocks, unclamped). A stream
 *       occupies its port for bytes·η / bandwidth.</li>
 *   <li>The engine ({@link EventSimulator}, class comment and {@code Pipeline}): at a block's issue its IFM fetch,
 *       its weight read with the weight decoder (8 weights per cycle on one core, {@code WeightDecoderModel},
 *       §1.4) and its scale fetch start (those of DMA-buffered weights once the copy has arrived); the MAC array takes
 *       {@code max(dpu, cmd)} but is held until the block's IFM and decoded weights are in; the output stage takes
 *       {@code max(out, cmd)} from when both the MAC array and the scale fetch are done; then the OFM is written.
 *       Streams on one port queue in the order they were reserved. The DMA cuts a transfer of n bytes into
 *       {@code max(1, n / 1024)} equal trains ({@link EventSimulator#DMA_TRAIN_BYTES}), reads each from the source
 *       and then writes it to the destination while the next is read; the data has arrived at the later of the last
 *       write's end and the last read's end plus the source's read latency.</li>
 *   <li>The walk ({@code EventSimulator.criticalPaths}): from the layer's end, the layer's reservation that ended
 *       last, no later than the current time, gets its time from when it was ready (its queueing included, clipped
 *       to the layer's start) to its end, and the walk goes on from its ready time; a gap no reservation of the
 *       layer ends into is {@code idle}. A MAC reservation ends there at the end of its compute (its start plus
 *       {@code max(dpu, cmd)}), not of its holding, so that a block starved of its inputs leads to the fetch that
 *       ended last.</li>
 * </ul>
 *
 * <p>Each case first asserts the plan it assumes (block config, traversal, weight buffering, formats, stream bytes),
 * so that a change of plan fails there and not as a puzzling path.
 */
final class CriticalPathByHandTest {

    private static final String VELA_U55 = "hwconfigs/vela/ethos-u55-high-end-embedded.yaml";

    /** A 3×3 convolution, 8×8×16 to 8×8×16, stride 1, same padding: 2,304 weights. */
    private static final String CONV3X3 = """
            schema: npusim.model/v1
            name: conv3x3
            input: {shape: [1, 8, 8, 16], scale: 0.1, zero_point: 0}
            weights: {seed: 1}
            layers:
              - {op: conv2d, filters: 16, kernel: 3, padding: same}
            """;

    /** A 1×1 convolution, 8×8×16 to 8×8×16: 256 weights. */
    private static final String CONV1X1 = """
            schema: npusim.model/v1
            name: conv1x1
            input: {shape: [1, 8, 8, 16], scale: 0.1, zero_point: 0}
            weights: {seed: 1}
            layers:
              - {op: conv2d, filters: 16, kernel: 1, padding: same}
            """;

    /** A fully connected layer, 256 inputs to 16 units: 4,096 weights. */
    private static final String FC = """
            schema: npusim.model/v1
            name: fc
            input: {shape: [1, 256], scale: 0.1, zero_point: 0}
            weights: {seed: 1}
            layers:
              - {op: fully_connected, units: 16}
            """;

    /** A fully connected layer, 16 inputs to 16 units: 256 weights. */
    private static final String FC16 = """
            schema: npusim.model/v1
            name: fc16
            input: {shape: [1, 16], scale: 0.1, zero_point: 0}
            weights: {seed: 1}
            layers:
              - {op: fully_connected, units: 16}
            """;

    /** Two of {@link #CONV3X3} in a row. */
    private static final String TWO_CONV3X3 = CONV3X3.replace("name: conv3x3", "name: two_conv3x3")
            + "  - {op: conv2d, filters: 16, kernel: 3, padding: same}\n";

    private static Simulator.Run run(String description, String mode, String... overrides) {
        Model m = ModelDescriptions.parse(description, "inline.yaml");
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve(VELA_U55), List.of(overrides),
                Optional.empty(), Optional.of(mode));
        return new Simulator(CortexMCostModel::of, WeightSizer.UNCOMPRESSED).run(m, m.name(), hw, false);
    }

    /** Returns the plan's step of {@code layer}, asserting that it is the layer's one step and runs on the NPU. */
    private static Step.Npu step(Simulator.Run run, int layer) {
        List<Step> steps = run.plan().steps().stream().filter(s -> s.operator() == layer).toList();
        assertThat(steps).as("steps of layer %d", layer).hasSize(1);
        assertThat(steps.get(0)).isInstanceOf(Step.Npu.class);
        return (Step.Npu) steps.get(0);
    }

    /** Asserts the plan facts a derivation starts from. */
    private static void assertPlan(Step.Npu s, Shape4 ofmBlock, Shape4 ifmBlock, BlockConfig.Traversal traversal,
            WeightPlan.Buffering buffering, String weightsReadFrom, long weightStreamBytes, TensorFormat ifm, TensorFormat ofm) {
        assertThat(s.blockConfig().ofmBlock()).as("OFM block").isEqualTo(ofmBlock);
        assertThat(s.blockConfig().ifmBlock()).as("IFM block").isEqualTo(ifmBlock);
        assertThat(s.blockConfig().traversal()).as("traversal").isEqualTo(traversal);
        assertThat(s.blockConfig().accumulator()).as("accumulator").isEqualTo(BlockConfig.Accumulator.ACC32);
        WeightPlan w = s.weights().orElseThrow();
        assertThat(w.buffering()).as("weight buffering").isEqualTo(buffering);
        assertThat(w.readFrom().label()).as("weights read from").isEqualTo(weightsReadFrom);
        assertThat(w.encoded().totalBytes()).as("weight stream bytes").isEqualTo(weightStreamBytes);
        assertThat(w.encoded().sliceCount()).as("weight slices").isEqualTo(1);
        assertThat(s.ifm().channel().label()).isEqualTo("axi0:sram");
        assertThat(s.ofm().channel().label()).isEqualTo("axi0:sram");
        assertThat(s.ifm().format()).as("IFM format").isEqualTo(ifm);
        assertThat(s.ofm().format()).as("OFM format").isEqualTo(ofm);
        assertThat(s.lutBytes()).isZero();
    }

    /** Asserts a layer's critical path, cycles and bottleneck (the path's largest entry) with its share. */
    private static void assertPath(LayerResult l, long startCycle, long cycles, Map<String, Long> path, String bottleneck) {
        assertThat(l.startCycle()).as("layer %d start", l.index()).isEqualTo(startCycle);
        assertThat(l.cycles()).as("layer %d cycles", l.index()).isEqualTo(cycles);
        assertThat(l.criticalCycles()).as("layer %d critical path", l.index()).isEqualTo(path);
        assertThat(l.bottleneck()).as("layer %d bottleneck", l.index()).isEqualTo(bottleneck);
        assertThat(l.bottleneckShare()).as("layer %d share", l.index()).isEqualTo((double) path.get(bottleneck) / cycles);
    }

    /**
     * The 3×3 convolution's plan and compute, the same in both modes (the NPU reads the weights and scales from SRAM
     * either way: in place, or from the buffer the DMA fills, so even the scale fetch is the same):
     * <ul>
     *   <li>Traversal part-kernel-first (§4.4 item 7): depth utilisation 16/32 = 0.5 is below part-kernel
     *       utilisation 16·9 / (16·12) = 0.75. The IFM block depth is then roundup(min(16, 16), 8) = 16 (§4.3) and
     *       the block 8×8×16 (it covers the OFM, so nothing is re-fetched), with an IFM block of (8−1)+3 = 10
     *       square (§4.3). It fits SHRAM (§4.2): the IFM block's 1,600 B take 2 banks, 4 double-buffered; the
     *       accumulators' 8·8·16·4 = 4,096 B take 8; 2 + 4 ≤ 24 − 2 − 8. One OFM block.</li>
     *   <li>dpu (§3.3 steps 3-6): n_x = 8/2 = 4, n_y = 8, n_z = 16/8 = 2, n_xy = 32; part-kernel steps ceil(9/4) = 3;
     *       max(32, 4·32)·3·ceil(16/8)·2 = 1,536; no single-micro-block delay (n_xy > 1); one IFM depth pass (16/16).
     *       out = ceil(0.5 · 8·8·16) = 512. Scales: 10·16·32/256 = 20.</li>
     *   <li>IFM (NHWC): the block's footprint clamped to the tensor, 8·8·16 = 1,024 B, read once; burst 8·16 bits =
     *       16 B, so η = 32/16 = 2: 1,024·2/8 = 256 cycles, and T_ifm = 32 + 256 = 288.</li>
     *   <li>OFM (NHWC, a model output): burst min(512, 128, 8·16) bits = 16 B, η = 2: 1,024·2/8 = 256 cycles;
     *       T_ofm = 288.</li>
     *   <li>cmd = (288 + 288 + 1,536 + max(512, 20)) / 4 = 656: the MAC stage is max(1,536, 656) = 1,536, the output
     *       stage max(512, 656) = 656.</li>
     *   <li>Weights: 3·3·16 = 144 per channel × 16 = 2,304 B, plus 16·10 = 160 B of scales: 2,464 B. The decoder
     *       takes 2,304/8 = 288 cycles.</li>
     * </ul>
     *
     * <p>Weights in SRAM (sram-only), read in place over AXI1: 2,464/8 = 308 cycles on {@code axi1:sram}. From 0:
     * IFM on axi0 [0, 256], weights on axi1 [0, 308], decoder [0, 288], scales [0, 20]; the MAC array [0, 1,536]
     * (its inputs are in at 308, before its compute ends); output [1,536, 2,192]; OFM write on axi0 [2,192, 2,448].
     * Walking back from 2,448: the OFM write (256 on axi0:sram) back to 2,192, the output stage (656) to 1,536, the
     * MAC array's compute (1,536) to 0, the layer's start. Compute-bound: {@code mac}.
     *
     * <p>Weights in flash (shared-sram), DMA-copied into one SRAM buffer (§3.8: a conv's flash weights are buffered;
     * 16 channels are one slice) and read from it. The copy: 2,464 B = 2 trains of 1,232 B, read at 1 B/cycle
     * (1,232 cycles each) on axi1:flash [0, 1,232] and [1,232, 2,464], written at 8 B/cycle (154 each) on axi0:sram
     * [1,232, 1,386] and [2,464, 2,618] (the IFM's [0, 256] is long done); arrived at max(2,618, 2,464 + 64) =
     * 2,618. Then the scales [2,618, 2,638], the buffer read 2,464/8 = 308 on axi0 [2,618, 2,926], the decoder
     * [2,618, 2,906]; the MAC array [2,618, 4,154]; output [4,154, 4,810]; OFM write [4,810, 5,066]. Walking back:
     * OFM write 256 (axi0), output 656, MAC 1,536 to 2,618; there the second train's write ended last (the
     * scale fetch, buffer read and decoder end later, after the walk's time), 154 on axi0 from its ready 2,464;
     * then the second train's read, 1,232 on axi1:flash from 1,232; then the first, 1,232 from 0. Flash-bound:
     * 2,464 against the MAC array's 1,536.
     */
    @Test
    void criticalPath_conv3x3_macBoundWithWeightsInSram_flashBoundWithWeightsCopiedFromFlash() {
        Simulator.Run sram = run(CONV3X3, "sram-only");
        assertPlan(step(sram, 0), Shape4.block(8, 8, 16), Shape4.block(10, 10, 16), BlockConfig.Traversal.PART_KERNEL_FIRST,
                WeightPlan.Buffering.DIRECT, "axi1:sram", 2_464, TensorFormat.NHWC, TensorFormat.NHWC);
        assertPath(sram.result().layers().get(0), 0, 2_448,
                Map.of("mac", 1_536L, "output", 656L, "axi0:sram", 256L), "mac");

        Simulator.Run flash = run(CONV3X3, "shared-sram");
        assertPlan(step(flash, 0), Shape4.block(8, 8, 16), Shape4.block(10, 10, 16), BlockConfig.Traversal.PART_KERNEL_FIRST,
                WeightPlan.Buffering.SINGLE, "axi0:sram", 2_464, TensorFormat.NHWC, TensorFormat.NHWC);
        assertPath(flash.result().layers().get(0), 0, 5_066,
                Map.of("axi1:flash", 2_464L, "mac", 1_536L, "output", 656L, "axi0:sram", 154L + 256L), "axi1:flash");
    }

    /**
     * The 1×1 convolution: its MAC array is fast and its output stage is not.
     * <ul>
     *   <li>Traversal depth-first: part-kernel utilisation 16·1 / (16·4) = 0.25 is below 0.5. IFM block depth
     *       roundup(min(16, 32), 8) = 16; block 8×8×16 with an 8×8×16 IFM block; one OFM block.</li>
     *   <li>dpu: max(32, 4·32)·1·2 = 256 (one kernel step, one depth pass). out = 512. Scales 20 (SRAM latency in
     *       both modes: read in place from SRAM, or from the SRAM buffer).</li>
     *   <li>IFM and OFM as for the 3×3 convolution (same blocks, same η = 2): 256 cycles each, T_ifm = T_ofm = 288.
     *       cmd = (288 + 288 + 256 + 512) / 4 = 336: the MAC stage is the floor, max(256, 336) = 336; the output
     *       stage max(512, 336) = 512.</li>
     *   <li>Weights 16·16 = 256 B + 160 B of scales = 416 B; decoder 256/8 = 32.</li>
     * </ul>
     *
     * <p>sram-only: IFM [0, 256] on axi0, weights 416/8 = 52 on axi1; the MAC array [0, 336] (its 336 outlast the
     * IFM's 256); output [336, 848]; OFM write [848, 1,104]. Back from 1,104: OFM 256 (axi0), output 512, MAC 336.
     * Output-bound.
     *
     * <p>shared-sram: one train of 416 B (less than 1,024): read [0, 416] on axi1:flash, written 52 cycles on axi0
     * [416, 468]; arrived at max(468, 416 + 64) = 480, the flash latency outlasting the write by 12. From 480: the
     * scales [480, 500], the buffer read [480, 532], decoder [480, 512]; MAC [480, 816]; output [816, 1,328]; OFM
     * [1,328, 1,584]. Back from 1,584: OFM 256, output 512, MAC 336 to 480; none of the layer's reservations ends
     * in (468, 480]: 12 idle; the write 52 (axi0) to 416; the read 416 (axi1:flash) to 0. Still output-bound, with
     * idle on the path.
     */
    @Test
    void criticalPath_conv1x1_outputBound_withTheDmaLatencyIdle() {
        Simulator.Run sram = run(CONV1X1, "sram-only");
        assertPlan(step(sram, 0), Shape4.block(8, 8, 16), Shape4.block(8, 8, 16), BlockConfig.Traversal.DEPTH_FIRST,
                WeightPlan.Buffering.DIRECT, "axi1:sram", 416, TensorFormat.NHWC, TensorFormat.NHWC);
        assertPath(sram.result().layers().get(0), 0, 1_104,
                Map.of("output", 512L, "mac", 336L, "axi0:sram", 256L), "output");

        Simulator.Run flash = run(CONV1X1, "shared-sram");
        assertPlan(step(flash, 0), Shape4.block(8, 8, 16), Shape4.block(8, 8, 16), BlockConfig.Traversal.DEPTH_FIRST,
                WeightPlan.Buffering.SINGLE, "axi0:sram", 416, TensorFormat.NHWC, TensorFormat.NHWC);
        assertPath(flash.result().layers().get(0), 0, 1_584,
                Map.of("output", 512L, "mac", 336L, "axi1:flash", 416L, "axi0:sram", 52L + 256L, "idle", 12L), "output");
    }

    /**
     * The fully connected layer with its weights in flash: never DMA-buffered (§3.8), the NPU reads them in place
     * over AXI1 while the MAC array waits for them.
     * <ul>
     *   <li>Block 1×2×16 (a micro-block wide, the 16 units deep) with an IFM block of 1×2×32: IFM depth
     *       roundup(min(256, 32), 8) = 32 (§4.3). One OFM block.</li>
     *   <li>dpu: a vector product's sub-kernel is 1×1; n_x = ceil(1/2) = 1, n_y = 1, n_z = 2: max(32, 4)·1·2 = 64,
     *       no delay (a single micro-block in XY, but n_z = 2 with one kernel step), times ceil(256/32) = 8 depth
     *       passes: 512. out = ceil(0.5·16) = 8. Scales 10·16·64/256 = 40 (flash latency).</li>
     *   <li>IFM: 256 B, burst 8·32 bits = 32 B, η = 1: 32 cycles; T_ifm = 32 + (1·1·32)·1/8 = 36. OFM: 16 B, burst
     *       min(512, 128, 8·16) bits = 16 B, η = 2: 16·2/8 = 4 cycles; T_ofm = 32 + 4 = 36.</li>
     *   <li>cmd = (36 + 36 + 512 + max(8, 40)) / 4 = 156: MAC stage 512, output stage max(8, 156) = 156.</li>
     *   <li>Weights: 256·16 = 4,096 B + 160 B of scales = 4,256 B at 1 B/cycle: 4,256 cycles on axi1:flash. The
     *       decoder takes 4,096/8 = 512.</li>
     * </ul>
     *
     * <p>From 0: IFM [0, 32], weights [0, 4,256], decoder [0, 512], scales [0, 40]; the MAC array is held until
     * 4,256, its compute ending at 512; output [4,256, 4,412]; OFM write [4,412, 4,416]. Back from 4,416: OFM 4
     * (axi0), output 156 to 4,256; there the flash read ended last (the MAC array's compute ended at 512): 4,256
     * on axi1:flash to 0. Flash-bound, with the MAC array's 512 hidden under the read.
     */
    @Test
    void criticalPath_fullyConnectedReadingFlashInPlace_isTheFlashReadNotTheHeldMacArray() {
        Simulator.Run run = run(FC, "shared-sram");
        assertPlan(step(run, 0), Shape4.block(1, 2, 16), Shape4.block(1, 2, 32), BlockConfig.Traversal.DEPTH_FIRST,
                WeightPlan.Buffering.DIRECT, "axi1:flash", 4_256, TensorFormat.NHWC, TensorFormat.NHWC);
        assertPath(run.result().layers().get(0), 0, 4_416,
                Map.of("axi1:flash", 4_256L, "output", 156L, "axi0:sram", 4L), "axi1:flash");
    }

    /**
     * A small fully connected layer whose weights are read in place from a flash of long latency (1,024 cycles,
     * 2 µs at 500 MHz: a slow serial flash), set with an override: the latency-bound scale fetch (§3.3 step 9) then
     * outlasts both the weight read and the MAC array, and the output stage waits for it.
     * <ul>
     *   <li>Block 1×2×16 with an IFM block of 1×2×16: IFM depth roundup(min(16, 32), 8) = 16. One OFM block.</li>
     *   <li>dpu: max(32, 4)·1·2 = 64, no delay, one depth pass (16/16). out = ceil(0.5·16) = 8. Scales
     *       10·16·1,024/256 = 640.</li>
     *   <li>IFM: 16 B, burst 8·16 bits = 16 B, η = 2: 16·2/8 = 4 cycles, T_ifm = 32 + 4 = 36. OFM: 16 B, η = 2 as
     *       above: 4 cycles, T_ofm = 36.</li>
     *   <li>cmd = (36 + 36 + 64 + max(8, 640)) / 4 = 194: MAC stage max(64, 194) = 194, output stage max(8, 194) =
     *       194.</li>
     *   <li>Weights: 16·16 = 256 B + 160 B of scales = 416 B at 1 B/cycle: 416 cycles on axi1:flash (the
     *       latency is not charged to a stream, §2.3); decoder 256/8 = 32.</li>
     * </ul>
     *
     * <p>From 0: IFM [0, 4], weights [0, 416], decoder [0, 32], scales [0, 640]; the MAC array held until 416, its
     * compute ending at 194; the output stage waits for the scales: [640, 834]; OFM write [834, 838]. Back from
     * 838: OFM 4 (axi0), output 194 to 640, the output stage's ready; there the scale fetch ended last (the weight
     * read at 416, the MAC array's compute at 194): 640 on scale-fetch to 0.
     */
    @Test
    void criticalPath_fullyConnectedOnSlowFlash_isTheScaleFetchTheOutputStageWaitedFor() {
        Simulator.Run run = run(FC16, "shared-sram", "memories.flash.read_latency=1024 cycles");
        assertPlan(step(run, 0), Shape4.block(1, 2, 16), Shape4.block(1, 2, 16), BlockConfig.Traversal.DEPTH_FIRST,
                WeightPlan.Buffering.DIRECT, "axi1:flash", 416, TensorFormat.NHWC, TensorFormat.NHWC);
        assertPath(run.result().layers().get(0), 0, 838,
                Map.of("scale-fetch", 640L, "output", 194L, "axi0:sram", 4L), "scale-fetch");
    }

    /**
     * Two 3×3 convolutions in a row, weights in flash (shared-sram): the second layer starts while the first writes
     * its OFM, its weights are copied partly under the first layer, and its path starts at its own start.
     *
     * <p>The tensor between them is NHCWB16 (§3.8 item 1). Its write (layer 0): burst 16·8·8 bits (block width 8,
     * one core) = 128 B, capped at the 32 B burst length: η = 1, so 1,024/8 = 128 cycles and T_ofm = 160. Its read
     * (layer 1): burst 16·8·10 bits (IFM block width 10) = 160 B: η = 1, IFM 8·8·roundup(16, 16) = 1,024 B, 128
     * cycles, T_ifm = 160. Layer 0's cmd is then (288 + 160 + 1,536 + 512) / 4 = 624, layer 1's (160 + 288 + 1,536 +
     * 512) / 4 = 624: each output stage takes 624; the rest is the single 3×3 convolution's (1,536 on the MAC
     * array, 2,464 B of weights in 2 trains, 308 cycles to read them from the buffer).
     *
     * <p>Layer 0 as the single convolution in flash until its MAC array ends at 4,154; output [4,154, 4,778]; OFM
     * write 128 [4,778, 4,906]. Path: 128 + 154 on axi0, 2,464 on flash, 1,536 MAC, 624 output = 4,906.
     *
     * <p>Layer 1's copy: the DMA engine is free once it has read layer 0's last train (2,464) and the transfer is
     * released (overlap on), so it reads [2,464, 3,696] and [3,696, 4,928] on flash; the first train is written
     * [3,696, 3,850] on axi0 (free since 2,926). Layer 1 starts at 4,778, when layer 0's block leaves the output
     * stage (writes are posted; it reads layer 0's one-block OFM, so not at layer 0's MAC end). Its IFM read, ready
     * at 4,778, queues behind layer 0's OFM write: [4,906, 5,034]. The second train, read at 4,928, is written
     * behind that IFM read: [5,034, 5,188]; arrived at max(5,188, 4,928 + 64) = 5,188. Then the buffer read 308
     * [5,188, 5,496]; the MAC array [5,188, 6,724]; output [6,724, 7,348]; OFM write (NHWC, η 2) 256 [7,348,
     * 7,604]. Layer 1: 7,604 − 4,778 = 2,826 cycles.
     *
     * <p>Layer 1's walk: OFM 256 (axi0) to 7,348, output 624 to 6,724, MAC 1,536 to 5,188; the second train's
     * write ended last: from its ready 4,928, so 260 on axi0 (154 of writing and 106 queued behind the layer's own
     * IFM read); then the second train's read, ready at 3,696 but clipped to the layer's start 4,778: 150 on
     * axi1:flash. Sum 256 + 624 + 1,536 + 260 + 150 = 2,826. Compute-bound: the rest of the copy (the first train
     * and 1,082 cycles of the second read) ran under layer 0.
     */
    @Test
    void criticalPath_secondLayerStartingUnderTheFirst_isClippedToItsStart() {
        Simulator.Run run = run(TWO_CONV3X3, "shared-sram");
        assertPlan(step(run, 0), Shape4.block(8, 8, 16), Shape4.block(10, 10, 16), BlockConfig.Traversal.PART_KERNEL_FIRST,
                WeightPlan.Buffering.SINGLE, "axi0:sram", 2_464, TensorFormat.NHWC, TensorFormat.NHCWB16);
        assertPlan(step(run, 1), Shape4.block(8, 8, 16), Shape4.block(10, 10, 16), BlockConfig.Traversal.PART_KERNEL_FIRST,
                WeightPlan.Buffering.SINGLE, "axi0:sram", 2_464, TensorFormat.NHCWB16, TensorFormat.NHWC);
        List<LayerResult> layers = run.result().layers();
        assertPath(layers.get(0), 0, 4_906,
                Map.of("axi1:flash", 2_464L, "mac", 1_536L, "output", 624L, "axi0:sram", 154L + 128L), "axi1:flash");
        assertPath(layers.get(1), 4_778, 2_826,
                Map.of("mac", 1_536L, "output", 624L, "axi0:sram", 256L + 260L, "axi1:flash", 150L), "mac");
    }
}
