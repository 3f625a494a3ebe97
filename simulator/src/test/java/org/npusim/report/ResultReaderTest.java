// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

final class ResultReaderTest {

    /** Weight streams sized by the Ethos-U encoder, as npusim simulate sizes them. */
    private static final EthosUWeightSizer SIZER = new EthosUWeightSizer();

    private static String json(SimulationResult r) throws IOException {
        StringWriter w = new StringWriter();
        ResultWriter.write(r, ResultFormat.JSON, w);
        return w.toString();
    }

    private static SimulationResult personDetect() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"));
        return new Simulator(CortexMCostModel::of, SIZER).simulate(m, "person_detect.tflite", hw);
    }

    @Test
    void read_writtenResult_writesBackTheSameBytes() throws IOException {
        String written = json(personDetect());
        // The per-resource maps are carried: weights prefetched under earlier layers appear as hidden cycles, and
        // the time a layer waited behind them on a shared port as queued cycles.
        assertThat(written).contains("\"busy_cycles\"").contains("\"hidden_cycles\"").contains("\"queued_cycles\"")
                .contains("\"stream_cycles\"");
        SimulationResult read = ResultReader.read(written, "a.json");
        assertThat(json(read)).isEqualTo(written);
        assertThat(read.layers()).hasSize(31);
    }

    @Test
    void read_notAResult_oneLineNamingFileAndField() throws IOException {
        assertThatThrownBy(() -> ResultReader.read("{\"schema\": \"npusim.sweep/v1\"}", "a.json"))
                .isInstanceOf(InputException.class).hasMessageStartingWith("a.json: schema: expected \"npusim.result/v1\"");
        assertThatThrownBy(() -> ResultReader.read("[1, 2", "a.json")).isInstanceOf(InputException.class)
                .hasMessageContaining("not valid JSON");
        String broken = json(personDetect()).replaceFirst("\"cycles\" : (\\d+),\n(\\s+)\"bottleneck\"", "\"cycles\" : \"many\",\n$2\"bottleneck\"");
        assertThatThrownBy(() -> ResultReader.read(broken, "a.json")).isInstanceOf(InputException.class)
                .hasMessage("a.json: layers[0].cycles: expected an integer of at least 0, got \"many\"");
        // A binary file (a .tflite given by mistake) says what was expected, not the decoder's "Input length = 1".
        java.nio.file.Path binary = java.nio.file.Files.write(java.nio.file.Files.createTempFile("npusim", ".json"),
                new byte[] {(byte) 0xff, (byte) 0xfe});
        try {
            assertThatThrownBy(() -> ResultReader.read(binary)).isInstanceOf(InputException.class)
                    .hasMessage(binary + ": not UTF-8 text; expected an npusim.result/v1 result (npusim simulate"
                            + " --format json)");
        } finally {
            java.nio.file.Files.delete(binary);
        }
    }

    /**
     * A clock must be positive (0 stands only where there is no NPU, as results are written): compare describes each
     * result by its clocks and tells cycles of different clocks apart by them, so a hand-edited clock of 0 or less is
     * refused like any other bad field, not computed with.
     */
    @Test
    void read_clockNotPositive_oneLineNamingFileAndField() throws IOException {
        String written = json(personDetect());
        String npuZero = written.replaceFirst("\"npu_clock_hz\" : \\d+", "\"npu_clock_hz\" : 0");
        assertThatThrownBy(() -> ResultReader.read(npuZero, "a.json")).isInstanceOf(InputException.class)
                .hasMessage("a.json: hardware.npu_clock_hz: expected a positive integer (the clock of ethos-u55-128 in"
                        + " Hz), got 0");
        String cpuNegative = written.replaceFirst("\"cpu_clock_hz\" : \\d+", "\"cpu_clock_hz\" : -500000000");
        assertThatThrownBy(() -> ResultReader.read(cpuNegative, "a.json")).isInstanceOf(InputException.class)
                .hasMessage("a.json: hardware.cpu_clock_hz: expected a positive integer (the clock of cortex-m55 in Hz),"
                        + " got -500000000");
        String noNpu = npuZero.replaceFirst("\"npu\" : \"ethos-u55-128\"", "\"npu\" : \"\"");
        assertThat(ResultReader.read(noNpu, "a.json").hardware().npuClockHz()).isZero();
        String noNpuNegative = noNpu.replaceFirst("\"npu_clock_hz\" : 0", "\"npu_clock_hz\" : -1");
        assertThatThrownBy(() -> ResultReader.read(noNpuNegative, "a.json")).isInstanceOf(InputException.class)
                .hasMessage("a.json: hardware.npu_clock_hz: expected 0, as hardware.npu names no NPU, got -1");
    }

    /**
     * The CSV carries the hidden and queued work the table shows: person_detect on Corstone-300 prefetches its
     * weights from flash under earlier layers, so some rows name the DMA with the cycles hidden, equal to the JSON's;
     * and its layers wait behind those prefetches on the SRAM port, so rows name the resource waited on most with
     * its queued cycles.
     */
    @Test
    void write_csv_hiddenAndQueuedColumnsMatchTheResult() throws IOException {
        SimulationResult r = personDetect();
        StringWriter w = new StringWriter();
        ResultWriter.write(r, ResultFormat.CSV, w);
        String[] lines = w.toString().split("\n");
        assertThat(lines[0]).endsWith(",kernel,hidden_resource,hidden_cycles,queued_resource,queued_cycles,overlap_cycles,"
                + "step_overlap_cycles");
        int withHidden = 0;
        int withQueued = 0;
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            LayerResult l = r.layers().get(i - 1);
            long cycles = Long.parseLong(cells[cells.length - 5]);
            long dma = l.hiddenCycles().getOrDefault("dma", 0L);
            if (dma > 0) {
                assertThat(cells[cells.length - 6]).isEqualTo("dma");
                assertThat(cycles).isEqualTo(dma);
                withHidden++;
            } else if (l.hiddenCycles().isEmpty()) {
                assertThat(cells[cells.length - 6]).isEmpty();
                assertThat(cycles).isZero();
            }
            long queued = Long.parseLong(cells[cells.length - 3]);
            assertThat(Long.parseLong(cells[cells.length - 2])).isEqualTo(l.overlapCycles());
            assertThat(Long.parseLong(cells[cells.length - 1])).isEqualTo(l.stepOverlapCycles());
            long most = l.queuedCycles().values().stream().mapToLong(Long::longValue).max().orElse(0);
            assertThat(queued).isEqualTo(most);
            if (most > 0) {
                assertThat(l.queuedCycles().get(cells[cells.length - 4])).isEqualTo(most);
                withQueued++;
            } else {
                assertThat(cells[cells.length - 4]).isEmpty();
            }
        }
        assertThat(lines).hasSize(r.layers().size() + 1);
        assertThat(withHidden).isGreaterThan(5);
        assertThat(withQueued).isGreaterThan(5);
    }
}
