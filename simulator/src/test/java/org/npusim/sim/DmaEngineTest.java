// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.result.LayerResult;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * The NPU DMA engine: it moves a transfer in burst trains ({@link EventSimulator#DMA_TRAIN_BYTES}), so its destination
 * is written as the source delivers and the NPU's own fetches on either port are served between trains, not queued
 * behind a whole weight slice; it does one thing at a time (weight and LUT transfers, memory copies); and a planned
 * step's transfers wait for the step before it to start.
 */
final class DmaEngineTest {

    private static HardwareConfig hw(String file, String npu, String mode) {
        return SimulatorPropertiesTest.hw(file, npu, mode);
    }

    /**
     * person_detect on Vela's U55 high-end system (weights copied from flash, 4x slower than SRAM): every write of a
     * transfer into SRAM moves one train, and the writes of a transfer spread over its reads instead of filling the
     * SRAM port at its own rate at the start (as they did before the DMA moved trains: one write of the whole
     * transfer, from the moment the read began).
     */
    @Test
    void simulate_weightPrefetchFromFlash_writesSramAsTheFlashDelivers() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        Simulator.Run run = Simulator.standard().run(m, "person_detect",
                hw("hwconfigs/vela/ethos-u55-high-end-embedded.yaml", "ethos-u55-128", "shared-sram"), true);
        Map<String, long[]> readSpan = new HashMap<>();
        Map<String, long[]> writeSpan = new HashMap<>();
        Map<String, Double> transferBytes = new HashMap<>();
        Map<String, Long> firstReadEnd = new HashMap<>();
        double largestWrite = 0;
        for (Timeline.Slice s : run.timeline().slices()) {
            String transfer = s.step() + "/" + s.block();
            if (s.what().equals("dma-read")) {
                span(readSpan, transfer, s);
                transferBytes.merge(transfer, s.bytes(), Double::sum);
                firstReadEnd.merge(transfer, s.endPs(), Math::min);
            } else if (s.what().equals("dma-write")) {
                span(writeSpan, transfer, s);
                largestWrite = Math.max(largestWrite, s.bytes());
            }
        }
        int spread = 0;
        int long4 = 0;
        for (Map.Entry<String, long[]> e : writeSpan.entrySet()) {
            long[] reads = readSpan.get(e.getKey());
            long[] writes = e.getValue();
            // Nothing is written before the first train has been read, and the last write follows the last read.
            assertThat(writes[0]).as("transfer %s", e.getKey()).isGreaterThanOrEqualTo(firstReadEnd.get(e.getKey()));
            assertThat(writes[1]).as("transfer %s", e.getKey()).isGreaterThanOrEqualTo(reads[1]);
            // A transfer of four trains or more is written along its reads: the writing starts well before the
            // reading ends.
            if (transferBytes.get(e.getKey()) >= 4 * EventSimulator.DMA_TRAIN_BYTES) {
                long4++;
                if (writes[0] < reads[0] + (reads[1] - reads[0]) / 2) {
                    spread++;
                }
            }
        }
        System.out.printf("person_detect on U55-128: %d DMA transfers into SRAM, %d of four trains or more, %d of them"
                + " written from their first half on; largest write %.0f B%n", writeSpan.size(), long4, spread, largestWrite);
        assertThat(long4).isGreaterThan(10);
        assertThat(largestWrite).isLessThan(2 * EventSimulator.DMA_TRAIN_BYTES);
        assertThat(spread).isEqualTo(long4);
    }

    private static <K> void span(Map<K, long[]> spans, K transfer, Timeline.Slice s) {
        long[] span = spans.computeIfAbsent(transfer, k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
        span[0] = Math.min(span[0], s.startPs());
        span[1] = Math.max(span[1], s.endPs());
    }

    /**
     * person_detect_vela on Corstone-310 (weights in DDR): the 3x3x128->3x3x16 CONV (command 45) is followed by a
     * CONV whose 17 KB of weights the DMA prefetches from DDR over about 34 µs. With the prefetch's SRAM write
     * reserved whole at its start, the CONV's own weight read and OFM write on the SRAM port queued behind it and
     * the command took 5,121 cycles; between trains it takes about 1,100.
     */
    @Test
    void simulate_prefetchOnSharedPort_doesNotHoldUpTheRunningLayer() {
        Model m = TfliteReader.read(SharedData.model("person_detect_vela"));
        LayerResult conv = Simulator.standard().simulate(m, "person_detect_vela", hw("hwconfigs/corstone-310.yaml", null, null))
                .layers().get(45);
        System.out.printf("person_detect_vela on corstone-310, command 45 (%s): %,d cycles%n", conv.op(), conv.cycles());
        assertThat(conv.op()).isEqualTo("CONV");
        assertThat(conv.cycles()).isLessThan(2_000);
    }

    /**
     * One engine: on every shared model and Vela system (U55 high-end shared-SRAM, U65 high-end dedicated-SRAM), no
     * two engine slots (a transfer from its first read to its last, a memory copy) overlap, and every read of a
     * transfer lies in its slot. (A copy used to run beside a transfer: micro_speech's input reshape on U65-256
     * while the depthwise layer's weights were read.)
     */
    @Test
    void simulate_everySharedModel_dmaEngineDoesOneThingAtATime() {
        int slots = 0;
        for (java.nio.file.Path p : SharedData.models()) {
            if (p.getFileName().toString().contains("vela")) {
                continue;
            }
            Model m = TfliteReader.read(p);
            for (String[] cfg : new String[][] {{"hwconfigs/vela/ethos-u55-high-end-embedded.yaml", "ethos-u55-128", "shared-sram"},
                {"hwconfigs/vela/ethos-u65-high-end.yaml", "ethos-u65-256", "dedicated-sram"}}) {
                Simulator.Run run = Simulator.standard().run(m, p.toString(), hw(cfg[0], cfg[1], cfg[2]), true);
                List<Timeline.Slice> engine = new java.util.ArrayList<>();
                Map<Integer, long[]> readsOf = new HashMap<>();
                for (Timeline.Slice s : run.timeline().slices()) {
                    if (s.track().equals("dma")) {
                        engine.add(s);
                    } else if (s.what().equals("dma-read")) {
                        span(readsOf, s.step(), s);
                    }
                }
                engine.sort(java.util.Comparator.comparingLong(Timeline.Slice::startPs));
                for (int k = 1; k < engine.size(); k++) {
                    assertThat(engine.get(k).startPs()).as("%s on %s: %s after %s", p.getFileName(), cfg[1], engine.get(k),
                            engine.get(k - 1)).isGreaterThanOrEqualTo(engine.get(k - 1).endPs());
                }
                Map<Integer, long[]> slotOf = new HashMap<>();
                engine.forEach(s -> span(slotOf, s.step(), s));
                readsOf.forEach((step, reads) -> {
                    long[] slot = slotOf.get(step);
                    assertThat(reads[0]).as("%s on %s step %d", p.getFileName(), cfg[1], step).isGreaterThanOrEqualTo(slot[0]);
                    assertThat(reads[1]).as("%s on %s step %d", p.getFileName(), cfg[1], step).isLessThanOrEqualTo(slot[1]);
                });
                slots += engine.size();
            }
        }
        System.out.printf("shared models: %d DMA engine slots, none overlapping%n", slots);
        assertThat(slots).isGreaterThan(100);
    }

    /**
     * A planned step's weights and LUT are prefetched under the operation before it only (Vela's prebuffering under
     * slack_prev, for which the buffers are sized): on person_detect (U55-128, weights copied from flash) no transfer
     * starts before the layer of the step before it has started. Without the gate the DMA ran up to many layers
     * ahead, into buffers the layers between still read.
     */
    @Test
    void simulate_plannedPrefetch_startsNoEarlierThanThePreviousStep() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        HardwareConfig h = hw("hwconfigs/vela/ethos-u55-high-end-embedded.yaml", "ethos-u55-128", "shared-sram");
        Simulator.Run run = Simulator.standard().run(m, "person_detect", h, true);
        Map<Integer, Long> firstRead = new HashMap<>();
        for (Timeline.Slice s : run.timeline().slices()) {
            if (s.what().equals("dma-read")) {
                firstRead.merge(s.step(), s.startPs(), Math::min);
            }
        }
        double psPerCycle = 1e12 / h.referenceClockHz();
        int checked = 0;
        for (Map.Entry<Integer, Long> e : firstRead.entrySet()) {
            int step = e.getKey();
            if (step == 0) {
                continue;
            }
            int previousLayer = run.plan().steps().get(step - 1).operator();
            double layerStartPs = run.result().layers().get(previousLayer).startCycle() * psPerCycle;
            assertThat((double) e.getValue()).as("step %d", step).isGreaterThanOrEqualTo(layerStartPs - psPerCycle);
            checked++;
        }
        System.out.printf("person_detect on U55-128: %d prefetching steps start after the step before them%n", checked);
        assertThat(checked).isGreaterThan(20);
    }

    /**
     * Nothing moves before the driver has invoked the NPU: on Corstone-310 (driver overhead per NPU subgraph), no
     * DMA read starts while the CPU runs an invocation. (With the DMA pumped when a step was marked started, the
     * first steps' weights moved during the invocation.)
     */
    @Test
    void simulate_driverInvocation_noDmaBeforeTheNpuRuns() {
        Model m = TfliteReader.read(SharedData.model("mobilenet_v2_quantized_1x3x224x224"));
        Simulator.Run run = Simulator.standard().run(m, "mobilenet_v2", hw("hwconfigs/corstone-310.yaml", null, null), true);
        List<long[]> invocations = new java.util.ArrayList<>();
        for (Timeline.Slice s : run.timeline().slices()) {
            if (s.what().equals("npu-invoke")) {
                invocations.add(new long[] {s.startPs(), s.endPs()});
            }
        }
        int reads = 0;
        for (Timeline.Slice s : run.timeline().slices()) {
            if (s.what().equals("dma-read")) {
                for (long[] inv : invocations) {
                    assertThat(s.startPs() >= inv[0] && s.startPs() < inv[1]).as("%s during the invocation %d-%d", s, inv[0], inv[1])
                            .isFalse();
                }
                reads++;
            }
        }
        System.out.printf("mobilenet_v2 on corstone-310: %d driver invocations, %d DMA reads, none during one%n",
                invocations.size(), reads);
        assertThat(invocations).isNotEmpty();
        assertThat(reads).isGreaterThan(50);
    }

    /**
     * A memory copy waits for the engine. From person_detect's plan on U55-128 (shared SRAM, weights copied from
     * flash): a short pooling step without constants, then a 4 KB copy from flash into SRAM, then the step with the
     * most weights (65,840 B in three slices), its transfers released at once. The engine is reading the first slice
     * when the copy's turn comes, so the copy starts as that slice's last train has been read, and the next slice
     * waits for the copy. (Started beside the transfer, the copy freed the engine under it: the weighted step never
     * completed.)
     */
    @Test
    void simulate_copyWhileTransferMoves_waitsForTheEngine() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        HardwareConfig h = hw("hwconfigs/vela/ethos-u55-high-end-embedded.yaml", "ethos-u55-128", "shared-sram");
        org.npusim.plan.ExecutionPlan plan = Simulator.standard().run(m, "person_detect", h, false).plan();
        org.npusim.plan.Step.Npu weighted = (org.npusim.plan.Step.Npu) plan.steps().get(26);
        org.npusim.plan.Step.Npu pooling = (org.npusim.plan.Step.Npu) plan.steps().get(27);
        assertThat(weighted.weights().orElseThrow().encoded().totalBytes()).isEqualTo(65_840);
        assertThat(pooling.weights()).isEmpty();
        org.npusim.plan.Step.Dma copy = new org.npusim.plan.Step.Dma(weighted.operator(), weighted.op(),
                new org.npusim.plan.TensorPlacement(weighted.weights().get().source(), pooling.ifm().format()), pooling.ifm(), 4096);
        org.npusim.plan.ExecutionPlan test = new org.npusim.plan.ExecutionPlan(plan.model(), plan.target(),
                List.of(ungated(pooling), copy, ungated(weighted)), plan.weightsCompressed(), plan.fastStoragePeak());
        Timeline timeline = new Timeline();
        new EventSimulator(test, true, true, new org.npusim.des.ClockDomain("npu", h.referenceClockHz()), c -> {
            throw new AssertionError("no CPU step");
        }, 8, 0, timeline).run();
        Map<Integer, long[]> slices = new java.util.TreeMap<>();
        long copyStart = Long.MAX_VALUE;
        long copyEnd = 0;
        for (Timeline.Slice s : timeline.slices()) {
            if (s.step() == 2 && s.what().equals("dma-read")) {
                span(slices, s.block(), s);
            } else if (s.step() == 1 && s.what().equals("dma-read")) {
                copyStart = Math.min(copyStart, s.startPs());
                copyEnd = Math.max(copyEnd, s.endPs());
            }
        }
        System.out.printf("copy after a moving transfer: slice reads %s, copy %,d-%,d ps%n",
                slices.values().stream().map(v -> v[0] + "-" + v[1]).toList(), copyStart, copyEnd);
        long[] first = slices.get(0);
        long[] second = slices.get(1);
        assertThat(copyStart).as("the copy starts as the first slice's last train is read").isEqualTo(first[1]);
        assertThat(second[0]).as("the second slice waits for the copy").isGreaterThanOrEqualTo(copyEnd);
    }

    private static org.npusim.plan.Step.Npu ungated(org.npusim.plan.Step.Npu n) {
        return new org.npusim.plan.Step.Npu(n.operator(), n.op(), n.blockConfig(), n.ifm(), n.ifm2(), n.ofm(), n.weights(),
                n.lutBytes(), n.slackCycles(), org.npusim.plan.Step.TransferGate.NONE);
    }
}
