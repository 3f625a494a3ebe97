// SPDX-License-Identifier: Apache-2.0
package org.npusim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.hw.yaml.Overrides;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.sim.Timeline;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

final class ChromeTraceTest {

    /** Weight streams sized by the Ethos-U encoder, as npusim simulate sizes them. */
    private static final EthosUWeightSizer SIZER = new EthosUWeightSizer();

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Traced(Simulator.Run run, JsonNode json, String text) {}

    private static Traced trace(String hwFile, String... set) throws IOException {
        return trace(TfliteReader.read(SharedData.model("person_detect")), hwFile, set);
    }

    private static Traced trace(Model m, String hwFile, String... set) throws IOException {
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs").resolve(hwFile), Overrides.of(set));
        Simulator.Run run = new Simulator(CortexMCostModel::of, SIZER).run(m, "person_detect", hw, true);
        StringWriter w = new StringWriter();
        ChromeTrace.write(run, hw, w);
        return new Traced(run, MAPPER.readTree(w.toString()), w.toString());
    }

    /** Returns the thread names by (pid, tid). */
    private static Map<String, String> threads(JsonNode events) {
        Map<String, String> names = new HashMap<>();
        for (JsonNode e : events) {
            if (e.get("ph").asText().equals("M") && e.get("name").asText().equals("thread_name")) {
                names.put(e.get("pid").asInt() + "/" + e.get("tid").asInt(), e.get("args").get("name").asText());
            }
        }
        return names;
    }

    @Test
    void write_personDetect_validTraceWithEveryLayerOnALayersTrack() throws IOException {
        Traced t = trace("corstone-300.yaml");
        JsonNode events = t.json().get("traceEvents");
        assertThat(events.isArray()).isTrue();
        Map<String, String> threads = threads(events);
        Set<String> onLayers = new HashSet<>();
        for (JsonNode e : events) {
            assertThat(e.has("ph") && e.has("pid") && e.has("name")).as(e.toString()).isTrue();
            if (e.get("ph").asText().equals("X")) {
                assertThat(e.get("ts").isNumber() && e.get("dur").isNumber()).as(e.toString()).isTrue();
                assertThat(e.get("ts").asDouble()).isGreaterThanOrEqualTo(0);
                assertThat(e.get("dur").asDouble()).isGreaterThanOrEqualTo(0);
                if (threads.get(e.get("pid").asInt() + "/" + e.get("tid").asInt()).startsWith("layers")) {
                    onLayers.add(e.get("name").asText());
                }
            }
        }
        List<String> layers = t.run().result().layers().stream().map(LayerResult::name).toList();
        assertThat(onLayers).containsExactlyInAnyOrderElementsOf(layers);
        assertThat(threads.values()).contains("MAC array", "output stage", "weight decoder", "NPU DMA (weight and LUT copies)",
                "AXI0 port to sram (sram)", "AXI0 port to sram (sram): DMA", "AXI1 port to ddr (dram): DMA", "layers");
    }

    @Test
    void write_personDetect_processesForNpuAndCpu() throws IOException {
        JsonNode events = trace("corstone-300.yaml").json().get("traceEvents");
        Map<Integer, String> processes = new HashMap<>();
        for (JsonNode e : events) {
            if (e.get("name").asText().equals("process_name")) {
                processes.put(e.get("pid").asInt(), e.get("args").get("name").asText());
            }
        }
        assertThat(processes).containsEntry(1, "NPU ethos-u55-128 @ 500 MHz").containsEntry(2, "CPU cortex-m55 @ 500 MHz");
    }

    @Test
    void write_anyMode_noOverlappingSlicesOnATrack() throws IOException {
        // Every track is one unit (a MAC array, a port, the layer sequence): its slices must not overlap. Without
        // contention each stream has a channel of its own, so streams get tracks of their own.
        for (String[] set : List.of(new String[0], new String[] {"simulation.contention=false"},
                new String[] {"simulation.overlap=false", "simulation.contention=false"})) {
            JsonNode events = trace("corstone-300.yaml", set).json().get("traceEvents");
            Map<String, List<double[]>> byTrack = new HashMap<>();
            for (JsonNode e : events) {
                if (e.get("ph").asText().equals("X")) {
                    byTrack.computeIfAbsent(e.get("pid").asInt() + "/" + e.get("tid").asInt(), k -> new ArrayList<>())
                            .add(new double[] {e.get("ts").asDouble(), e.get("ts").asDouble() + e.get("dur").asDouble()});
                }
            }
            assertThat(byTrack).isNotEmpty();
            byTrack.forEach((track, slices) -> {
                slices.sort((a, b) -> Double.compare(a[0], b[0]));
                for (int i = 1; i < slices.size(); i++) {
                    // Timestamps are printed to the picosecond (6 decimals of a microsecond).
                    assertThat(slices.get(i)[0]).as(String.join(" ", set) + " track " + track + " slice " + i)
                            .isGreaterThanOrEqualTo(slices.get(i - 1)[1] - 1e-6);
                }
            });
        }
    }

    @Test
    void write_personDetectAndMobileNetV2_atMostTwentySlicesPerStepAndTrack() throws IOException {
        // MobileNet v2's first layer runs while the DMA prefetches the weights of the next twenty layers through
        // the same port: the prefetch has its own track, so it does not cut the layer's batches into pieces.
        Model mobileNet = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/mobilenet_v2_100_224.yaml"));
        for (Traced t : List.of(trace("corstone-300.yaml"), trace(mobileNet, "corstone-300.yaml"))) {
            Map<String, Integer> perStepTrack = new HashMap<>();
            for (JsonNode e : t.json().get("traceEvents")) {
                if (e.get("ph").asText().equals("X") && e.get("args").has("step")) {
                    perStepTrack.merge(e.get("tid").asInt() + "/" + e.get("args").get("step").asInt(), 1, Integer::sum);
                }
            }
            assertThat(perStepTrack).isNotEmpty();
            assertThat(perStepTrack.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(ChromeTrace.MAX_SLICES_PER_STEP));
        }
    }

    @Test
    void write_personDetect_timestampsInMicrosecondsLastLayerEndsAtTheRunsEnd() throws IOException {
        Traced t = trace("corstone-300.yaml");
        double end = 0;
        JsonNode exact = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(t.text());
        for (JsonNode e : exact.get("traceEvents")) {
            if (e.get("ph").asText().equals("X") && e.get("cat").asText().equals("layer")) {
                end = Math.max(end, e.get("ts").asDouble() + e.get("dur").asDouble());
            }
        }
        assertThat(end).isCloseTo(t.run().result().total().seconds() * 1e6, within(1e-3));
    }

    @Test
    void write_personDetect_bandwidthCountersIntegrateToTheBytesMoved() throws IOException {
        Traced t = trace("corstone-300.yaml");
        Map<String, Double> moved = new HashMap<>();
        for (Timeline.Slice s : t.run().timeline().slices()) {
            if (s.track().startsWith("axi")) {
                moved.merge(s.track().substring(s.track().indexOf(':') + 1), s.bytes(), Double::sum);
            }
        }
        Map<String, List<double[]>> counters = new HashMap<>();
        for (JsonNode e : t.json().get("traceEvents")) {
            if (e.get("ph").asText().equals("C")) {
                counters.computeIfAbsent(e.get("name").asText(), k -> new ArrayList<>())
                        .add(new double[] {e.get("ts").asDouble(), e.get("args").get("B/us").asDouble()});
            }
        }
        assertThat(counters.keySet()).containsExactlyInAnyOrder("sram bandwidth", "ddr bandwidth");
        for (Map.Entry<String, Double> m : moved.entrySet()) {
            List<double[]> c = counters.get(m.getKey() + " bandwidth");
            double bytes = 0;
            for (int i = 0; i + 1 < c.size(); i++) {
                bytes += c.get(i)[1] * (c.get(i + 1)[0] - c.get(i)[0]);
            }
            assertThat(bytes).as(m.getKey()).isCloseTo(m.getValue(), within(m.getValue() * 1e-3));
            // The bytes themselves, not the port time's burst-scaled bytes: they add up to the result's traffic.
            var traffic = t.run().result().total().traffic().get(m.getKey());
            assertThat(m.getValue()).as(m.getKey() + " traffic")
                    .isCloseTo((double) traffic.readBytes() + traffic.writeBytes(), within(1.0));
        }
        // The MAC array's slices are its compute: they add up to its busy time in the result.
        double macPs = 0;
        for (Timeline.Slice s : t.run().timeline().slices()) {
            if (s.track().equals("mac")) {
                macPs += s.endPs() - s.startPs();
            }
        }
        long macCycles = t.run().result().layers().stream().mapToLong(l -> l.busyCycles().getOrDefault("mac", 0L)).sum();
        double cyclePs = t.run().result().total().seconds() * 1e12 / t.run().result().total().cycles();
        assertThat(macPs / cyclePs).isCloseTo(macCycles, within(macCycles * 1e-3 + t.run().result().layers().size()));
    }

    /** Returns each counter's integral over the run: bytes per memory. */
    private static Map<String, Double> counterBytes(Traced t) {
        Map<String, List<double[]>> counters = new HashMap<>();
        for (JsonNode e : t.json().get("traceEvents")) {
            if (e.get("ph").asText().equals("C")) {
                counters.computeIfAbsent(e.get("name").asText().replace(" bandwidth", ""), k -> new ArrayList<>())
                        .add(new double[] {e.get("ts").asDouble(), e.get("args").get("B/us").asDouble()});
            }
        }
        Map<String, Double> bytes = new HashMap<>();
        for (Map.Entry<String, List<double[]>> e : counters.entrySet()) {
            List<double[]> c = e.getValue();
            double sum = 0;
            for (int i = 0; i + 1 < c.size(); i++) {
                sum += c.get(i)[1] * (c.get(i + 1)[0] - c.get(i)[0]);
            }
            bytes.put(e.getKey(), sum);
        }
        return bytes;
    }

    @Test
    void write_cpuLayersOnAnNpuSystem_theirTrafficInTheCounters() throws IOException {
        // keyword_scrambled's SVDFs run on the CPU beside NPU layers; their traffic has no channel transactions and
        // is spread over each CPU layer's span, the NPU's comes from the transactions.
        Traced t = trace(TfliteReader.read(SharedData.model("keyword_scrambled")), "alif-e7-hp.yaml");
        Map<String, Double> expected = new HashMap<>();
        for (Timeline.Slice s : t.run().timeline().slices()) {
            if (s.track().startsWith("axi")) {
                expected.merge(s.track().substring(s.track().indexOf(':') + 1), s.bytes(), Double::sum);
            }
        }
        double cpuBytes = 0;
        for (LayerResult l : t.run().result().layers()) {
            if (l.unit() == Unit.CPU) {
                for (Map.Entry<String, MemoryTraffic> e : l.traffic().entrySet()) {
                    long b = e.getValue().readBytes() + e.getValue().writeBytes();
                    expected.merge(e.getKey(), (double) b, Double::sum);
                    cpuBytes += b;
                }
            }
        }
        assertThat(cpuBytes).isPositive();
        Map<String, Double> counted = counterBytes(t);
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            if (e.getValue() > 0) {
                assertThat(counted.get(e.getKey())).as(e.getKey()).isCloseTo(e.getValue(), within(e.getValue() * 1e-3));
            }
        }
    }

    @Test
    void write_unnamedTensors_layersNamedByIndexAndOperator() throws IOException {
        // keyword_scrambled's tensors have empty names: slices were named '' and ' block 0'.
        for (String[] set : new String[][] {{}, {"simulation.overlap=false", "simulation.contention=false"}}) {
            Traced t = trace(TfliteReader.read(SharedData.model("keyword_scrambled")), "alif-e7-hp.yaml", set);
            for (JsonNode e : t.json().get("traceEvents")) {
                if (e.get("ph").asText().equals("X")) {
                    String name = e.get("name").asText();
                    assertThat(name).as("event name").isNotBlank().doesNotStartWith(" ");
                }
            }
        }
    }

    @Test
    void write_cpuOnlyBoard_layerSlicesMeetExactly() throws IOException {
        // On cortex-m7 (280 MHz: 3571.43 ps a cycle) layer 15 began 1 ps before layer 14 ended, start and duration
        // having been rounded apart. Compared in exact decimals, not doubles.
        Traced t = trace("cpu-only/cortex-m7-280mhz.yaml");
        java.math.BigDecimal end = null;
        int layers = 0;
        JsonNode exact = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(t.text());
        for (JsonNode e : exact.get("traceEvents")) {
            if (e.get("ph").asText().equals("X") && e.get("cat").asText().equals("layer")) {
                java.math.BigDecimal ts = e.get("ts").decimalValue();
                if (end != null) {
                    assertThat(ts).as(e.get("name").asText()).isGreaterThanOrEqualTo(end);
                }
                end = ts.add(e.get("dur").decimalValue());
                layers++;
            }
        }
        assertThat(layers).isGreaterThan(20);
    }

    @Test
    void write_twice_sameBytes() throws IOException {
        assertThat(trace("corstone-300.yaml").text()).isEqualTo(trace("corstone-300.yaml").text());
    }

    @Test
    void write_cpuOnlyBoard_layersInTheCpuProcess() throws IOException {
        Traced t = trace("cpu-only/cortex-m4-120mhz.yaml");
        Map<String, String> threads = threads(t.json().get("traceEvents"));
        assertThat(threads).containsEntry("2/1", "CPU").doesNotContainKey("1/1");
        long cpuLayers = 0;
        JsonNode exact = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .readTree(t.text());
        for (JsonNode e : exact.get("traceEvents")) {
            if (e.get("ph").asText().equals("X") && e.get("cat").asText().equals("layer")) {
                assertThat(e.get("pid").asInt()).isEqualTo(2);
                cpuLayers++;
            }
        }
        assertThat(cpuLayers).isEqualTo(t.run().result().layers().size());
    }

    @Test
    void batch_hundredBlocksInOneRun_batchesOfSixAtMostTwenty() {
        // n = 100 transactions in R = 1 run: c = ceil((100 - 1) / (20 - 1)) = 6, so 16 batches of 6 and one of 4.
        List<Timeline.Slice> slices = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            slices.add(new Timeline.Slice("mac", 3, "block", k, k * 10L, k * 10L + 10, 0));
        }
        List<ChromeTrace.Batch> batches = ChromeTrace.batch(slices);
        assertThat(batches).hasSize(17);
        assertThat(batches.get(0).count()).isEqualTo(6);
        assertThat(batches.get(0).startPs()).isZero();
        assertThat(batches.get(0).endPs()).isEqualTo(60);
        assertThat(batches.get(16).count()).isEqualTo(4);
        assertThat(batches.get(16).lastBlock()).isEqualTo(99);
        assertThat(ChromeTrace.name("conv", "mac", batches.get(0))).isEqualTo("conv blocks 0-5");
    }

    @Test
    void batch_stepsInterleaved_neverMergedAcrossSteps() {
        // Step 1's writes and step 2's reads alternate on a port: each run of one step is its own batch, and a
        // batch never spans another step's transaction.
        List<Timeline.Slice> slices = List.of(new Timeline.Slice("axi0:sram", 1, "ofm", 0, 0, 10, 64),
                new Timeline.Slice("axi0:sram", 2, "ifm", 0, 10, 20, 64), new Timeline.Slice("axi0:sram", 1, "ofm", 1, 20, 30, 64));
        List<ChromeTrace.Batch> batches = ChromeTrace.batch(slices);
        assertThat(batches).extracting(ChromeTrace.Batch::step).containsExactly(1, 2, 1);
        assertThat(ChromeTrace.lanes(batches)).hasSize(1);
    }

    @Test
    void lanes_overlappingBatches_secondLane() {
        List<ChromeTrace.Batch> batches = List.of(
                new ChromeTrace.Batch(0, 0, 10, 0, 0, 1, 0, 10, new java.util.TreeSet<>(Set.of("ifm"))),
                new ChromeTrace.Batch(0, 5, 15, 1, 1, 1, 0, 10, new java.util.TreeSet<>(Set.of("ifm"))),
                new ChromeTrace.Batch(0, 12, 20, 2, 2, 1, 0, 8, new java.util.TreeSet<>(Set.of("ifm"))));
        List<List<ChromeTrace.Batch>> lanes = ChromeTrace.lanes(batches);
        assertThat(lanes).hasSize(2);
        assertThat(lanes.get(0)).extracting(ChromeTrace.Batch::firstBlock).containsExactly(0, 2);
    }

    @Test
    void spread_transferAcrossWindows_bytesInProportionToTime() {
        // 100 bytes from 50 ps to 250 ps with 100 ps windows: 50 ps in the first, 100 in the second, 50 in the third.
        double[] w = new double[3];
        ChromeTrace.spread(w, 100, 50, 250, 100);
        assertThat(w).containsExactly(new double[] {25, 50, 25}, within(1e-9));
    }

    @Test
    void decimal_roundsAndStripsZeros() {
        assertThat(ChromeTrace.decimal(1.5, 6)).isEqualTo("1.5");
        assertThat(ChromeTrace.decimal(2.0, 6)).isEqualTo("2");
        assertThat(ChromeTrace.decimal(0.1234567, 6)).isEqualTo("0.123457");
        assertThat(ChromeTrace.decimal(-0.0, 3)).isEqualTo("0");
    }
}
