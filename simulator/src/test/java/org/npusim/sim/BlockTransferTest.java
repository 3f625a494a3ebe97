// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.Step;
import org.npusim.result.LayerResult;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * The NPU's block transfers (EventSimulator.BlockStream): a block's IFM, weight and OFM transfers move in burst
 * trains, so the streams on a port take turns with the DMA's trains instead of one waiting for another's whole
 * block; with contention off a block moves whole; and a read of a draining layer's output (a memory copy's too)
 * waits for the writes issued before it. On Vela's U55 high-end system, shared SRAM: weights are copied from flash
 * into SRAM by the DMA while the layers read and write their feature maps in SRAM; a copy into another memory runs on
 * its U65 high-end system.
 */
final class BlockTransferTest {

    private static final String U55 = "hwconfigs/vela/ethos-u55-high-end-embedded.yaml";

    private static Simulator.Run run(String model, String npu, String... set) {
        Model m = TfliteReader.read(SharedData.model(model));
        return Simulator.standard().run(m, model, SimulatorPropertiesTest.hw(U55, npu, "shared-sram", set),
                true);
    }

    /**
     * Runs a model described by {@code layers} (YAML list items of the model-description format) on an input of
     * {@code inputShape}, on U55-128 with shared SRAM, with its timeline.
     */
    private static Simulator.Run runDescribed(String name, String inputShape, String layers) {
        return runDescribed(name, inputShape, layers, SimulatorPropertiesTest.hw(U55, "ethos-u55-128", "shared-sram"));
    }

    /** Runs a described model as {@link #runDescribed(String, String, String)} does, on {@code hw}. */
    private static Simulator.Run runDescribed(String name, String inputShape, String layers, HardwareConfig hw) {
        Model m = ModelDescriptions.parse("schema: npusim.model/v1\nname: " + name + "\ninput: {shape: " + inputShape
                + ", scale: 0.0078125, zero_point: 0}\nweights: {seed: 7}\nlayers:\n" + layers, name + ".yaml");
        return Simulator.standard().run(m, name, hw, true);
    }

    /** A train of a block transfer on a port (the DMA engine's own track names its jobs "weights" too). */
    private static boolean blockStream(Timeline.Slice s) {
        return s.track().startsWith("axi")
                && (s.what().equals("ifm") || s.what().equals("ofm") || s.what().equals("weights"));
    }

    /**
     * No block transfer holds a port for more than about a train (at most two trains' bytes: a block of under two
     * trains moves as one), and on the SRAM port the DMA's write trains run between the trains of one block
     * transfer: the streams take turns.
     */
    @Test
    void simulate_sharedPort_blockTransfersAndDmaTakeTurnsTrainByTrain() {
        Simulator.Run run = run("person_detect", "ethos-u55-128");
        double largest = 0;
        // Per block transfer (step, stream, block): the span of its trains on the SRAM port.
        Map<String, long[]> spans = new HashMap<>();
        for (Timeline.Slice s : run.timeline().slices()) {
            if (blockStream(s)) {
                largest = Math.max(largest, s.bytes());
                if (s.track().equals("axi0:sram")) {
                    long[] span = spans.computeIfAbsent(s.step() + "/" + s.what() + "/" + s.block(),
                            k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                    span[0] = Math.min(span[0], s.startPs());
                    span[1] = Math.max(span[1], s.endPs());
                }
            }
        }
        int dmaWrites = 0;
        int between = 0;
        for (Timeline.Slice s : run.timeline().slices()) {
            if (s.what().equals("dma-write")) {
                dmaWrites++;
                for (long[] span : spans.values()) {
                    if (s.startPs() > span[0] && s.endPs() < span[1]) {
                        between++;
                        break;
                    }
                }
            }
        }
        System.out.printf("person_detect on U55-128: largest block train %.0f B; %d of %d DMA write trains ran between"
                + " the trains of one block transfer on the SRAM port%n", largest, between, dmaWrites);
        assertThat(largest).isLessThan(2 * EventSimulator.DMA_TRAIN_BYTES);
        // 19 of 221 here (most blocks are a train or two, and much of the DMA runs while no block transfer is under
        // way); with whole-block transfers none could.
        assertThat(between).isGreaterThanOrEqualTo(10);

        // With contention off, every stream has a port of its own and a block moves as one transfer: one slice per
        // block and stream.
        Simulator.Run whole = run("person_detect", "ethos-u55-128", "simulation.contention=false");
        Map<String, Integer> slicesPerBlock = new HashMap<>();
        for (Timeline.Slice s : whole.timeline().slices()) {
            if (blockStream(s)) {
                slicesPerBlock.merge(s.step() + "/" + s.what() + "/" + s.block(), 1, Integer::sum);
            }
        }
        assertThat(slicesPerBlock).isNotEmpty();
        assertThat(slicesPerBlock.values()).allMatch(n -> n == 1);
    }

    /**
     * A layer that starts when the layer before it has left its output stage (its first block needs that layer's
     * whole output) reads nothing of that output before the last of it is written: its first IFM train starts no
     * earlier than its producer's last OFM train ends, though the trains would otherwise let the read overtake the
     * writes on the port. The run (MobileNet v2 on Ethos-U55-256, whose last OFM blocks are written in several
     * trains) has such layers, and layers that start while their producer still computes. Without the wait, the
     * first of them reads before the last write. The layers' waits for their first read are on their critical paths
     * (as the port's time), not idle.
     */
    @Test
    void simulate_readOfADrainingLayersOutput_startsAfterTheWritesIssuedBeforeIt() {
        Simulator.Run run = run("mobilenet_v2_quantized_1x3x224x224", "ethos-u55-256");
        List<Step> steps = run.plan().steps();
        int[] storage = run.plan().storage();
        double cyclePs = 1e12 / run.result().hardware().npuClockHz();
        Map<Integer, Integer> stepsOfOperator = new HashMap<>();
        for (Step s : steps) {
            stepsOfOperator.merge(s.operator(), 1, Integer::sum);
        }
        Map<Integer, LayerResult> layerOf = new HashMap<>();
        for (LayerResult l : run.result().layers()) {
            layerOf.put(l.index(), l);
        }
        long[] firstIfm = new long[steps.size()];
        long[] lastOfm = new long[steps.size()];
        long[] lastOutput = new long[steps.size()];
        java.util.Arrays.fill(firstIfm, Long.MAX_VALUE);
        for (Timeline.Slice s : run.timeline().slices()) {
            if (s.what().equals("ifm")) {
                firstIfm[s.step()] = Math.min(firstIfm[s.step()], s.startPs());
            } else if (s.what().equals("ofm")) {
                lastOfm[s.step()] = Math.max(lastOfm[s.step()], s.endPs());
            } else if (s.track().equals("output")) {
                lastOutput[s.step()] = Math.max(lastOutput[s.step()], s.endPs());
            }
        }
        int afterDrain = 0;
        int waited = 0;
        double waitedCycles = 0;
        long idleCycles = 0;
        int early = 0;
        for (int c = 1; c < steps.size(); c++) {
            if (!(steps.get(c) instanceof Step.Npu consumer) || !(steps.get(c - 1) instanceof Step.Npu producer)
                    || stepsOfOperator.get(consumer.operator()) != 1
                    || storage[consumer.op().tensors().ifm()] != storage[producer.op().tensors().ofm()]) {
                continue;
            }
            long startPs = Math.round(layerOf.get(consumer.operator()).startCycle() * cyclePs);
            if (startPs + cyclePs >= lastOutput[c - 1]) {
                afterDrain++;
                assertThat(firstIfm[c]).as("step %d's first IFM read", c).isGreaterThanOrEqualTo(lastOfm[c - 1]);
            } else {
                early++;
            }
            // A wait for the producer's writes is behind them on the port: on the layer's critical path as the
            // port's time, not as idle time (the path is a heuristic walk, so a little idle remains).
            LayerResult l = layerOf.get(consumer.operator());
            double waitCycles = (firstIfm[c] - startPs) / cyclePs;
            if (waitCycles > 100) {
                waited++;
                waitedCycles += waitCycles;
                idleCycles += l.criticalCycles().getOrDefault("idle", 0L);
            }
        }
        System.out.printf("MobileNet v2 on U55-256: %d layers started after their producer drained, %d before; %d"
                + " waited more than 100 cycles for their first IFM read, %.0f cycles in all, with %d idle cycles"
                + " on their critical paths%n", afterDrain, early, waited, waitedCycles, idleCycles);
        assertThat(waited).isPositive();
        // 679 of 21,881 (7,454 when the wait was left off the path).
        assertThat(idleCycles).isLessThan((long) (0.1 * waitedCycles));
        assertThat(early).isPositive();
    }

    /**
     * A layer whose input's producer is not the step before it, a memory copy (a reshape of a tensor with two
     * readers, which Vela copies with the DMA) lying between them, also waits for the writes its producer issued:
     * the copy between them, in the same memory, costs nothing and ends at once, so the reader starts while its
     * producer's last OFM blocks are still being written. No IFM train of the reader may start before the
     * producer's last OFM train has ended.
     */
    @Test
    void simulate_readerBehindAMemoryCopy_startsAfterItsProducersWrites() {
        assertReadsAfterConvAsWrites("conv_b", copiedTensorReadFirstBy(CONV_B, CONV_C));
    }

    /**
     * So does a reader of the copy itself: the copy within one memory ends at once, so what its reader reads is
     * what the copy's producer is still writing.
     */
    @Test
    void simulate_readerOfAMemoryCopyInOneMemory_startsAfterTheCopysProducersWrites() {
        assertReadsAfterConvAsWrites("conv_c", copiedTensorReadFirstBy(CONV_C, CONV_B));
    }

    /** conv_a's output read by conv_b directly, and by conv_c through a reshape that Vela copies (two readers). */
    private static final String CONV_B = "  - {op: conv2d, name: conv_b, inputs: [conv_a], filters: 16, kernel: 1,"
            + " padding: same}\n";
    private static final String CONV_C = "  - {op: conv2d, name: conv_c, inputs: [copy], filters: 16, kernel: 1,"
            + " padding: same}\n";

    /** The layers of conv_a, its copy, then its two readers in the given order, and their sum. */
    private static String copiedTensorReadFirstBy(String first, String second) {
        return "  - {op: conv2d, name: conv_a, filters: 64, kernel: 1, padding: same}\n"
                + "  - {op: reshape, name: copy, inputs: [conv_a], new_shape: [1, 32, 32, 64]}\n"
                + first + second
                + "  - {op: add, name: out, inputs: [conv_b, conv_c]}\n";
    }

    /**
     * Runs {@code layers} (conv_a, then only memory copies up to {@code readerName}) and checks that no IFM train of
     * the reader starts before conv_a's last OFM train has ended.
     */
    private static void assertReadsAfterConvAsWrites(String readerName, String layers) {
        Simulator.Run run = runDescribed("copy_between", "[1, 32, 32, 16]", layers);
        List<Step> steps = run.plan().steps();
        int producer = -1;
        int reader = -1;
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i) instanceof Step.Npu n && n.op().name().equals("conv_a")) {
                producer = i;
            } else if (steps.get(i) instanceof Step.Npu n && n.op().name().equals(readerName)) {
                reader = i;
            }
        }
        assertThat(producer).isNotNegative();
        assertThat(reader).isGreaterThan(producer + 1);
        assertThat(steps.subList(producer + 1, reader)).allMatch(s -> s instanceof Step.Dma);
        long lastOfm = 0;
        long firstIfm = Long.MAX_VALUE;
        for (Timeline.Slice s : run.timeline().slices()) {
            if (s.step() == producer && s.what().equals("ofm")) {
                lastOfm = Math.max(lastOfm, s.endPs());
            } else if (s.step() == reader && s.what().equals("ifm")) {
                firstIfm = Math.min(firstIfm, s.startPs());
            }
        }
        System.out.printf("conv_a's last OFM train ends at %d ps, %s's first IFM train starts at %d ps%n", lastOfm,
                readerName, firstIfm);
        assertThat(firstIfm).isGreaterThanOrEqualTo(lastOfm);
    }

    /**
     * A memory copy into another memory also reads its producer's data only once the writes its producer issued
     * before it are done. Here a MEAN over a dimension of size 1, which Vela lowers to a DMA copy, copies a
     * convolution's output from the dedicated-sram cache (SRAM) into the model output in the DRAM arena, on Vela's
     * U65 high-end system. The copy starts when the convolution's last block has left the output stage, as a next
     * NPU step would, while the convolution's last OFM trains are still queued on the SRAM port: no read train of the
     * copy may start before the convolution's last OFM train has ended.
     */
    @Test
    void simulate_copyIntoAnotherMemory_readsAfterItsProducersWrites() {
        Simulator.Run run = runDescribed("copy_out", "[1, 32, 32, 16]", """
                  - {op: conv2d, name: conv_a, filters: 64, kernel: 1, padding: same}
                  - {op: mean, name: out, axis: 0, keep_dims: true}
                """, SimulatorPropertiesTest.hw("hwconfigs/vela/ethos-u65-high-end.yaml", "ethos-u65-256",
                "dedicated-sram"));
        List<Step> steps = run.plan().steps();
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0)).isInstanceOf(Step.Npu.class);
        assertThat(steps.get(1)).isInstanceOfSatisfying(Step.Dma.class, d -> assertThat(d.crossesMemories()).isTrue());
        long lastOfm = 0;
        long firstRead = Long.MAX_VALUE;
        for (Timeline.Slice s : run.timeline().slices()) {
            if (s.step() == 0 && s.what().equals("ofm")) {
                lastOfm = Math.max(lastOfm, s.endPs());
            } else if (s.step() == 1 && s.what().equals("dma-read")) {
                firstRead = Math.min(firstRead, s.startPs());
            }
        }
        LayerResult copyLayer = run.result().layers().get(1);
        double cyclePs = 1e12 / run.result().hardware().npuClockHz();
        long waitCycles = Math.round(firstRead / cyclePs) - copyLayer.startCycle();
        System.out.printf("conv_a's last OFM train ends at %d ps, the copy's first read train starts at %d ps, %d"
                + " cycles after the copy started%n", lastOfm, firstRead, waitCycles);
        assertThat(firstRead).isGreaterThanOrEqualTo(lastOfm);
        // The copy waited behind another layer's writes: queued time on the SRAM port, which it reads.
        assertThat(waitCycles).isPositive();
        assertThat(copyLayer.queuedCycles().getOrDefault("axi0:sram", 0L)).isGreaterThanOrEqualTo(waitCycles);
    }

    /**
     * A read that waits for the writes of a step of its own layer (SOFTMAX is several NPU operations, each reading
     * the one before) has not waited behind another layer: a model of one layer has no queued time, as its
     * waits behind its own work are its own busy time.
     */
    @Test
    void simulate_readWaitingForItsOwnLayersWrites_isNotQueuedBehindAnotherLayer() {
        Simulator.Run run = runDescribed("one_layer", "[1, 64, 64, 32]", """
                  - {op: softmax, name: sm}
                """);
        assertThat(run.plan().steps()).hasSizeGreaterThan(2);
        assertThat(run.result().layers()).hasSize(1);
        assertThat(run.result().layers().get(0).queuedCycles().values()).allMatch(c -> c == 0);
    }
}
