// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.npusim.cli.MainTest.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.cli.MainTest.Run;
import org.npusim.testsupport.SharedData;

final class SimulateCommandTest {

    @TempDir
    Path tmp;

    private static String model() {
        return SharedData.model("person_detect").toString();
    }

    private static String hw() {
        return shipped("hwconfigs/corstone-300.yaml");
    }

    /** A file the project ships, by its path from the repository root. */
    private static String shipped(String relative) {
        return SharedData.repositoryRoot().resolve(relative).toString();
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    /**
     * Every memory's use, as the capacity check counts it: resnet8 on the Cortex-M4 keeps its 78,752 bytes of
     * parameters (inspect's figure) in flash, and the SRAM holds the arena at layer 2, the 49,152 bytes of
     * activations live there (inspect's peak) with the dense kernel's two im2col columns of 144 int16 (576 bytes).
     * The table says the same, and compare reads it back.
     */
    @Test
    void simulate_memoryUse_constantsAndArenaPerMemory() throws IOException {
        String resnet = shipped("models/resnet8.yaml");
        String m4 = shipped("hwconfigs/cpu-only/cortex-m4-120mhz.yaml");
        Path json = tmp.resolve("r.json");
        Run r = run("simulate", resnet, "--hw", m4, "--no-what-if", "--format", "json", "-o", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode memory = new ObjectMapper().readTree(json.toFile()).get("total").get("memory");
        assertThat(keys(memory)).containsExactly("flash", "sram");
        JsonNode flash = memory.get("flash");
        assertThat(flash.get("constants_bytes").asLong()).isEqualTo(78_752);
        assertThat(flash.get("used_bytes").asLong()).isEqualTo(78_752);
        assertThat(flash.get("free_bytes").asLong()).isEqualTo(2 * 1024 * 1024 - 78_752);
        assertThat(flash.has("arena_peak_layer")).isFalse();
        JsonNode sram = memory.get("sram");
        assertThat(sram.get("arena_bytes").asLong()).isEqualTo(49_152 + 2 * 144 * 2);
        assertThat(sram.get("arena_peak_layer").asInt()).isEqualTo(2);
        assertThat(sram.get("used_bytes").asLong()).isEqualTo(49_728);
        assertThat(sram.get("size_bytes").asLong()).isEqualTo(640 * 1024);
        Run table = run("simulate", resnet, "--hw", m4, "--no-what-if");
        assertThat(table.out()).contains("memory       sram       49,728 of 655,360 B used (8%): arena 49,728 B at its peak"
                + " (layer 2, stack1_conv_b)");
        assertThat(org.npusim.report.ResultReader.read(json).total().memory().get("sram"))
                .isEqualTo(new org.npusim.result.MemoryUse(655_360, 0, 49_728, 0, 0, 2, -1));
    }

    /**
     * Inputs placed outside the arena take their memory (placement.inputs): resnet8's 32x32x3 int8 input, 3,072
     * bytes, in the M7's ITCM, counted there and checked against its size.
     */
    @Test
    void simulate_inputsPlacedInAnotherMemory_countedAndChecked() throws IOException {
        String resnet = shipped("models/resnet8.yaml");
        String m7 = shipped("hwconfigs/cpu-only/cortex-m7-280mhz.yaml");
        Run fits = run("simulate", resnet, "--hw", m7, "--set", "placement.inputs=itcm", "--set", "memories.itcm.size=3072B",
                "--no-what-if", "--format", "json");
        assertThat(fits.code()).as(fits.err()).isZero();
        JsonNode itcm = new ObjectMapper().readTree(fits.out()).get("total").get("memory").get("itcm");
        assertThat(itcm.get("io_bytes").asLong()).isEqualTo(32 * 32 * 3);
        assertThat(itcm.get("free_bytes").asLong()).isZero();
        Run over = run("simulate", resnet, "--hw", m7, "--set", "placement.inputs=itcm", "--set", "memories.itcm.size=3071B",
                "--no-what-if");
        assertThat(over.code()).isEqualTo(2);
        assertThat(over.err()).contains("memory itcm: holds 3071 bytes but the model's inputs and outputs placed there need"
                + " 3072 bytes (placement.inputs)");
        // And the arena no longer holds them: two 1x1 convolutions, 64x64x16 in, 64x64x4 between and out. In the
        // arena the peak is the input and the middle tensor, 65,536 + 16,384 bytes; with input and output in the
        // DTCM, the middle tensor alone, and the DTCM holds 65,536 + 16,384.
        Path desc = Files.writeString(tmp.resolve("big_in.yaml"), """
                schema: npusim.model/v1
                name: big_in
                input: {shape: [1, 64, 64, 16], type: int8, scale: 0.05, zero_point: 0}
                weights: {distribution: normal, seed: 1}
                layers:
                - {op: conv2d, name: a, filters: 4, kernel: [1, 1], padding: valid, stride: [1, 1]}
                - {op: conv2d, name: b, filters: 4, kernel: [1, 1], padding: valid, stride: [1, 1]}
                """);
        String m55 = shipped("hwconfigs/cpu-only/cortex-m55-400mhz.yaml");
        JsonNode inArena = new ObjectMapper().readTree(run("simulate", desc.toString(), "--hw", m55, "--no-what-if",
                "--format", "json").out()).get("total").get("memory");
        assertThat(inArena.get("sram0").get("arena_bytes").asLong()).isEqualTo(65_536 + 16_384);
        JsonNode moved = new ObjectMapper().readTree(run("simulate", desc.toString(), "--hw", m55, "--no-what-if",
                "--set", "placement.inputs=dtcm", "--set", "placement.outputs=dtcm", "--format", "json").out())
                .get("total").get("memory");
        assertThat(moved.get("sram0").get("arena_bytes").asLong()).isEqualTo(16_384);
        assertThat(moved.get("dtcm").get("io_bytes").asLong()).isEqualTo(65_536 + 16_384);
    }

    /**
     * A dedicated-sram cache keeps its feature maps within placement.cache_size beside the weight buffers, evicting
     * the others to DRAM as Vela does (20,000 bytes: the cache stays within, with no note, and the DRAM arena grows
     * past the model's input). A cache the SRAM has no room for is not refused: with the model's input placed in
     * the SRAM too (9,216 bytes), 10,784 bytes are left for the 20,000-byte cache, which shows over its memory's
     * room with a note saying by how much.
     */
    @Test
    void simulate_dedicatedCacheSmall_keepsWithinIt_overItsMemoryNotedNotRefused() throws IOException {
        String u65 = shipped("hwconfigs/vela/ethos-u65-high-end.yaml");
        Run r = run("simulate", model(), "--hw", u65, "--set", "memories.sram.size=20000B", "--set",
                "placement.cache_size=20000B", "--no-what-if", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("total").get("memory").get("sram").get("cache_bytes").asLong()).isLessThanOrEqualTo(20_000);
        assertThat(j.get("notes").toString()).doesNotContain("the cache in sram peaks");
        assertThat(j.get("total").get("memory").get("dram").get("arena_bytes").asLong()).isGreaterThan(96 * 96);
        Run over = run("simulate", model(), "--hw", u65, "--set", "memories.sram.size=20000B", "--set",
                "placement.cache_size=20000B", "--set", "placement.inputs=sram", "--no-what-if", "--format", "json");
        assertThat(over.code()).as(over.err()).isZero();
        JsonNode o = new ObjectMapper().readTree(over.out());
        long cache = o.get("total").get("memory").get("sram").get("cache_bytes").asLong();
        assertThat(cache).isGreaterThan(20_000 - 96 * 96);
        assertThat(o.get("notes").toString()).contains("the cache in sram peaks at " + cache + " bytes")
                .contains("more than the 10784 bytes it has (the memory's size less what else it holds)");
        // With Vela's 384 KiB cache every intermediate feature map is promoted into the SRAM, so the DRAM arena holds
        // only the model's input, which stays there (96x96x1 int8): promoted tensors are not counted twice.
        Run roomy = run("simulate", model(), "--hw", u65, "--no-what-if", "--format", "json");
        JsonNode dram = new ObjectMapper().readTree(roomy.out()).get("total").get("memory").get("dram");
        assertThat(dram.get("arena_bytes").asLong()).isEqualTo(96 * 96);
    }

    /**
     * A model none of whose operators the NPU runs is refused on NPU hardware (the bad-input case), in one
     * line naming the file, the first layer and why it stays on the CPU.
     */
    @Test
    void simulate_noOperatorForTheNpu_refusedNamingTheFileAndLayer() throws IOException {
        Path desc = Files.writeString(tmp.resolve("strided.yaml"), """
                schema: npusim.model/v1
                name: strided
                input: {shape: [1, 8, 8, 4], type: int8, scale: 0.05, zero_point: 0}
                weights: {distribution: normal, seed: 1}
                layers:
                - {op: strided_slice, name: half, begin: [0, 0, 0, 0], end: [1, 8, 8, 4], strides: [1, 2, 2, 1]}
                """);
        Run r = run("simulate", desc.toString(), "--hw", hw());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).doesNotContain("\n").startsWith(desc + ": layer 0 (half): no operator runs on the NPU"
                + " of corstone-300 (STRIDED_SLICE stride 2").endsWith("simulate on a CPU-only description instead");
    }

    /** The what-if CSV writes reals as the result's CSV does: plain decimals, never an exponent (2.97904e-06). */
    @Test
    void simulate_pruneWhatIfCsv_energiesArePlainDecimals() {
        String resnet = shipped("models/resnet8.yaml");
        Run r = run("simulate", resnet, "--hw", hw(), "--prune", "0.5", "--format", "csv");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).contains("energy_joules,whatif_energy_joules");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertThat(f[f.length - 4]).as(line).matches("[0-9]+(\\.[0-9]+)?");
            assertThat(f[f.length - 3]).as(line).matches("[0-9]+(\\.[0-9]+)?");
        }
    }

    @Test
    void simulate_memoryTooSmall_errorNamesTheHardwareFileAndTheOverrides() {
        Run r = run("simulate", model(), "--hw", hw(), "--set", "memories.sram.size=16 KiB");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith(hw() + ": memory sram: holds 16384 bytes but layer ")
                .endsWith("(placement.arena); with the --set, --npu or --memory-mode given").doesNotContain("\n");
    }

    /**
     * Weights that do not fit name the memory and the layer with most constants there, so the user knows what to
     * move or prune. The memory holds what the NPU reads: each layer's weights and biases as one encoded stream (the
     * result's encoded weights: resnet8 on Corstone-300, 78,864 bytes in all, stack3_conv_b's 35,072 the largest),
     * and the constants no stream replaces (the flatten layer's 8-byte shape tensor), all of them in DDR.
     */
    @Test
    void simulate_weightsTooBig_errorNamesTheMemoryAndTheLargestLayer() throws IOException {
        Path resnet8 = SharedData.repositoryRoot().resolve("models/resnet8.yaml");
        Run fits = run("simulate", resnet8.toString(), "--hw", hw(), "--format", "json", "--no-what-if");
        JsonNode result = new ObjectMapper().readTree(fits.out());
        long streams = result.get("total").get("weights").get("encoded_bytes").asLong();
        long stack3ConvB = result.get("layers").get(9).get("weights").get("encoded_bytes").asLong();
        assertThat(streams).isEqualTo(78_864);
        assertThat(stack3ConvB).isEqualTo(35_072);
        Run r = run("simulate", resnet8.toString(), "--hw", hw(), "--set", "memories.ddr.size=50 KiB");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(hw() + ": memory ddr: holds " + 50 * 1024 + " bytes but the model's weights and"
                + " constants need " + (streams + 8) + " bytes, the NPU layers' weights and biases as their encoded streams"
                + " (placement.weights); the"
                + " largest is layer 9 (stack3_conv_b), " + stack3ConvB + " bytes; with the --set, --npu or --memory-mode"
                + " given");
    }

    @Test
    void simulate_json_resultFieldsUnchangedWithAnalysisAfterThem() throws IOException {
        Run r = run("simulate", model(), "--hw", hw(), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(keys(j)).containsExactly("schema", "model", "hardware", "total", "layers", "notes", "analysis");
        assertThat(j.get("schema").asText()).isEqualTo("npusim.result/v1");
        assertThat(keys(j.get("total"))).containsExactly("cycles", "seconds", "npu_active_cycles", "cpu_cycles", "energy_joules",
                "traffic", "weights", "utilization", "memory");
        JsonNode a = j.get("analysis");
        assertThat(keys(a)).containsExactly("top_layers", "utilization", "energy", "what_ifs_run", "what_ifs");
        assertThat(a.get("what_ifs_run").asBoolean()).isTrue();
        assertThat(a.get("what_ifs").size()).isGreaterThan(0);
        for (JsonNode w : a.get("what_ifs")) {
            assertThat(w.get("status").asText()).isIn("measured", "infeasible");
        }
    }

    @Test
    void simulate_noWhatIf_analysisWithoutWhatIfs() throws IOException {
        Run r = run("simulate", model(), "--hw", hw(), "--format", "json", "--no-what-if");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(r.out()).get("analysis");
        assertThat(a.get("what_ifs_run").asBoolean()).isFalse();
        assertThat(a.get("what_ifs").size()).isZero();
        Run table = run("simulate", model(), "--hw", hw(), "--no-what-if");
        assertThat(table.out()).contains("Slowest layers").contains("Resources busy over the run")
                .contains("What-ifs     skipped (--no-what-if)");
    }

    @Test
    void simulate_table_listsWhatIfsWithTheirArguments() {
        Run r = run("simulate", model(), "--hw", hw());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("What-ifs (each one simulated)").contains("--npu ethos-u55-256")
                .contains("--memory-mode sram-only").contains("ethos-u55-256 instead of ethos-u55-128");
    }

    @Test
    void simulate_traceAndReport_filesWrittenDeterministically() throws IOException {
        Path t1 = tmp.resolve("a.json");
        Path h1 = tmp.resolve("a.html");
        Path t2 = tmp.resolve("b.json");
        Path h2 = tmp.resolve("b.html");
        assertThat(run("simulate", model(), "--hw", hw(), "--trace", t1.toString(), "--report", h1.toString()).code()).isZero();
        assertThat(run("simulate", model(), "--hw", hw(), "--trace", t2.toString(), "--report", h2.toString()).code()).isZero();
        assertThat(Files.readAllBytes(t1)).isEqualTo(Files.readAllBytes(t2));
        assertThat(Files.readAllBytes(h1)).isEqualTo(Files.readAllBytes(h2));
        assertThat(new ObjectMapper().readTree(t1.toFile()).get("traceEvents").size()).isGreaterThan(31);
        assertThat(Files.readString(h1)).startsWith("<!DOCTYPE html>");
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(f -> f.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void simulate_traceIntoMissingDirectory_exitTwoAndNothingWritten() {
        Run r = run("simulate", model(), "--hw", hw(), "--trace", tmp.resolve("no/such/dir/t.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).contains("does not exist").doesNotContain("\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void simulate_outputIsADirectory_failsBeforeWritingTheTraceOrReport() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("sub"));
        Run r = run("simulate", model(), "--hw", hw(), "--no-what-if", "-o", dir.toString(), "--trace",
                tmp.resolve("t.json").toString(), "--report", tmp.resolve("r.html").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(dir + ": is a directory; give a file name to write to");
        try (var files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("sub");
        }
    }

    @Test
    void simulate_replacingAFile_keepsItsPermissions() throws IOException {
        Path out = Files.writeString(tmp.resolve("result.txt"), "old");
        assumeTrue(Files.getFileAttributeView(out, PosixFileAttributeView.class) != null,
                "no POSIX permissions on this file system");
        var mode = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(out, mode);
        assertThat(run("simulate", model(), "--hw", hw(), "--no-what-if", "-o", out.toString()).code()).isZero();
        assertThat(Files.readString(out)).startsWith("Model ");
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(mode);
    }

    @Test
    void simulate_weightWhatIfWithTrace_refusedBeforeAnyWork() {
        Run r = run("simulate", model(), "--hw", hw(), "--prune", "0.5", "--trace", tmp.resolve("t.json").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("--trace: describes one run").doesNotContain("\n");
        assertThat(tmp.resolve("t.json")).doesNotExist();
    }
}
