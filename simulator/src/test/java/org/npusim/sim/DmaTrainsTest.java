// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.result.LayerResult;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * The NPU DMA moves a transfer in burst trains ({@link EventSimulator#DMA_TRAIN_BYTES}): its destination is written
 * as the source delivers, and the NPU's own fetches on either port are served between trains, not queued behind a
 * whole weight slice.
 */
final class DmaTrainsTest {

    private static HardwareConfig hw(String file, String npu, String mode) {
        return HardwareLoader.load(SharedData.repositoryRoot().resolve(file), List.of(), Optional.ofNullable(npu),
                Optional.ofNullable(mode));
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

    private static void span(Map<String, long[]> spans, String transfer, Timeline.Slice s) {
        long[] span = spans.computeIfAbsent(transfer, k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
        span[0] = Math.min(span[0], s.startPs());
        span[1] = Math.max(span[1], s.endPs());
    }

    /**
     * person_detect_vela on Corstone-310 (weights in DDR): the 3x3x128->3x3x16 CONV (command 45) is followed by a
     * CONV whose 17 KB of weights the DMA prefetches from DDR over about 34 µs. With the prefetch's SRAM write
     * reserved whole at its start, the CONV's own weight read and OFM write on the SRAM port queued behind it and
     * the command took 5,121 cycles; between trains it takes about 1,200.
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
}
