// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.testsupport.SharedData;

final class SweepCommandTest {

    @TempDir
    Path tmp;

    private static String model() {
        return SharedData.model("person_detect").toString();
    }

    private static String hw() {
        return SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml").toString();
    }

    /** resnet8's description and the Cortex-M4 board, for the CPU kernel sweeps. */
    private static final String RESNET8 = SharedData.repositoryRoot().resolve("models/resnet8.yaml").toString();
    private static final String M4 = SharedData.repositoryRoot().resolve("hwconfigs/cpu-only/cortex-m4-120mhz.yaml")
            .toString();

    /** Runs a command on resnet8 and the M4 that must succeed with JSON on standard output, and returns the JSON. */
    private static JsonNode resnet8OnM4(String command, String... more) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of(command, RESNET8, "--hw", M4, "--format", "json"));
        args.addAll(List.of(more));
        MainTest.Run r = MainTest.run(args.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    private static MainTest.Run sweep(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("sweep", model(), "--hw", hw(), "--vary",
                "npu.variant=ethos-u55-64,ethos-u55-128,ethos-u55-256", "--vary", "npu.clock=200MHz,400MHz", "--vary",
                "placement=shared-sram,sram-only"));
        args.addAll(List.of(more));
        return MainTest.run(args.toArray(new String[0]));
    }

    @Test
    void sweep_threeAxes_twelveRowsInOrderWithParetoMarks() {
        MainTest.Run r = sweep("--jobs", "2");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        // 3 variants x 2 clocks x 2 modes, plus the header.
        assertThat(lines).hasSize(13);
        assertThat(lines[0]).isEqualTo("index,npu.variant,npu.clock,placement,status,cycles,seconds,energy_joules,"
                + "sram_peak_bytes,flash_bytes,dram_bytes,npu_macs_per_cycle,onchip_bytes,pareto");
        assertThat(lines[1]).startsWith("0,ethos-u55-64,200MHz,shared-sram,ok,");
        assertThat(lines[12]).startsWith("11,ethos-u55-256,400MHz,sram-only,ok,");
        assertThat(r.out()).contains(",yes\n");
        // Without a terminal and without --progress there is no bar.
        assertThat(r.err()).isEmpty();
    }

    /**
     * {@code --cpu-kernels} costs every point's CPU layers with those kernels, as simulate does: resnet8 on the
     * Cortex-M4 over three flash sizes takes Winograd tiles where they fit (each point equal to simulate with
     * --cpu-kernels auto on that flash), and weights held on chip count the tiles in the peak; JSON names the kernels.
     */
    @Test
    void sweep_cpuKernelsAuto_eachPointAsSimulateWithThoseKernels() throws IOException {
        JsonNode sweep = resnet8OnM4("sweep", "--vary", "memories.flash.size=100KiB,200KiB,512KiB", "--cpu-kernels",
                "auto");
        assertThat(sweep.get("cpu_kernels").asText()).isEqualTo("auto");
        List<Long> cycles = new java.util.ArrayList<>();
        for (String flash : List.of("100KiB", "200KiB", "512KiB")) {
            cycles.add(resnet8OnM4("simulate", "--set", "memories.flash.size=" + flash, "--cpu-kernels", "auto",
                    "--no-what-if").get("total").get("cycles").asLong());
        }
        for (int i = 0; i < 3; i++) {
            assertThat(sweep.get("rows").get(i).get("cycles").asLong()).isEqualTo(cycles.get(i));
        }
        // More flash holds more tiles: 28.4, 23.8 and 21.2 M cycles (sim.KernelsWithinMemoryTest).
        assertThat(cycles.get(0)).isGreaterThan(cycles.get(1));
        assertThat(cycles.get(1)).isGreaterThan(cycles.get(2));
        // Weights and arena in SRAM: the peak is the SRAM's use as simulate reports it (total.memory): the constants
        // as the Winograd kernels store them (436,592 bytes, not the model's 78,752) and the arena at its peak, the
        // activations live at layer 2 (49,152 bytes) with its F4 kernel's tiles (6,912 = 2·36·96 bytes):
        // 492,656.
        MainTest.Run inSram = MainTest.run("sweep", RESNET8, "--hw", M4, "--vary", "memories.sram.size=640KiB,1MiB",
                "--set", "placement.mode=custom", "--set", "placement.weights=sram", "--set", "placement.arena=sram",
                "--set", "placement.cache=sram", "--cpu-kernels", "auto");
        assertThat(inSram.code()).as(inSram.err()).isZero();
        assertThat(inSram.out().split("\n")[1]).contains(",492656,");
    }

    /**
     * {@code --vary cpu_kernels=...} compares kernel families point by point: on a 512 KiB flash, auto equals the
     * column of --cpu-kernels auto and beats dense; a forced family whose weights do not fit is a failed row; an
     * unknown family, or the axis beside --cpu-kernels, is refused.
     */
    @Test
    void sweep_cpuKernelsAxis_rowsPerFamilyAndBadUseRefused() throws IOException {
        JsonNode sweep = resnet8OnM4("sweep", "--vary", "memories.flash.size=100KiB,512KiB", "--vary",
                "cpu_kernels=dense,winograd,auto");
        assertThat(sweep.get("cpu_kernels").asText()).isEqualTo("varied");
        JsonNode rows = sweep.get("rows");
        // Odometer order: flash slowest, kernels fastest.
        assertThat(rows.get(1).get("values").get("cpu_kernels").asText()).isEqualTo("winograd");
        assertThat(rows.get(1).get("status").asText()).isEqualTo("failed");
        assertThat(rows.get(1).get("reason").asText()).startsWith("cortex-m4-120mhz: memory flash: holds 102400");
        JsonNode autoRows = resnet8OnM4("sweep", "--vary", "memories.flash.size=100KiB,512KiB", "--cpu-kernels", "auto")
                .get("rows");
        assertThat(rows.get(2).get("cycles").asLong()).isEqualTo(autoRows.get(0).get("cycles").asLong());
        assertThat(rows.get(5).get("cycles").asLong()).isEqualTo(autoRows.get(1).get("cycles").asLong())
                .isLessThan(rows.get(3).get("cycles").asLong());

        MainTest.Run unknown = MainTest.run("sweep", RESNET8, "--hw", M4, "--vary", "cpu_kernels=dense,fast");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("--vary cpu_kernels=dense,fast: unknown CPU kernels 'fast'; expected one of"
                + " dense, winograd, sparse, auto\n");
        MainTest.Run both = MainTest.run("sweep", RESNET8, "--hw", M4, "--vary", "cpu_kernels=dense,auto",
                "--cpu-kernels", "auto");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("--vary cpu_kernels: --cpu-kernels auto fixes the kernels the sweep varies;"
                + " give one of them\n");
    }

    @Test
    void sweep_oneOrTwoJobs_sameBytes() {
        assertThat(sweep("--jobs", "1").out()).isEqualTo(sweep("--jobs", "2").out());
    }

    @Test
    void sweep_jsonToFile_wholeFileAndNoPartialLeft() throws IOException {
        Path out = tmp.resolve("s.json");
        MainTest.Run r = sweep("--format", "json", "-o", out.toString(), "--progress");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.get("schema").asText()).isEqualTo("npusim.sweep/v1");
        assertThat(j.get("points").asInt()).isEqualTo(12);
        assertThat(j.get("completed").asInt()).isEqualTo(12);
        assertThat(j.get("interrupted").asBoolean()).isFalse();
        assertThat(j.get("rows").get(5).get("values").get("npu.clock").asText()).isEqualTo("200MHz");
        assertThat(r.err()).contains("12/12");
        try (var files = Files.list(tmp)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).containsExactly("s.json");
        }
    }

    @Test
    void sweep_pointsTheModelDoesNotFit_failedRowsBesideTheOthers() {
        // 16 KiB of SRAM is a valid description that person_detect's arena does not fit: its point fails, the rest run.
        MainTest.Run r = MainTest.run("sweep", model(), "--hw", hw(), "--vary", "memories.sram.size=4 MiB,16 KiB");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[1]).contains(",ok,");
        assertThat(lines[2]).startsWith("1,16 KiB,\"failed: ").contains("live activations").endsWith(",no");
    }

    @Test
    void sweep_valueThatIsNoValidDescription_refusedBeforeTheSweep() {
        // A clock that is not a frequency would fail every point it is in: a typo, refused with exit 2.
        MainTest.Run r = MainTest.run("sweep", model(), "--hw", hw(), "--vary", "npu.clock=400 MHz,fast");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("--vary npu.clock=fast: makes no valid description: ")
                .contains("'fast' is not a number with a unit").doesNotContain("\n");
        assertThat(r.out()).isEmpty();
    }

    /** Two spellings of one value would give identical rows, both on the front: refused as the same text twice is. */
    @Test
    void sweep_twoSpellingsOfOneValue_refused() {
        MainTest.Run r = MainTest.run("sweep", model(), "--hw", hw(), "--vary", "npu.clock=500MHz,400 MHz,0.5GHz");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("--vary npu.clock: values '500MHz' and '0.5GHz' describe the same hardware;"
                + " give each value once");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void sweep_valuesHoldingCommas_separatedBySemicolons() {
        MainTest.Run r = MainTest.run("sweep", model(), "--hw", hw(), "--vary",
                "placement.layer_weights.sram=0-3,8;0-30");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[1]).startsWith("0,\"0-3,8\",ok,");
        assertThat(lines[2]).startsWith("1,0-30,ok,");
    }

    @Test
    void sweep_badArguments_exitTwoWithOneLine() {
        for (String[] args : List.of(new String[] {"--vary", "npu.clock"}, new String[] {"--vary", "nosuchkey=1"},
                new String[] {"--vary", "npu.clock=1MHz", "--jobs", "0"})) {
            List<String> all = new java.util.ArrayList<>(List.of("sweep", model(), "--hw", hw()));
            all.addAll(List.of(args));
            MainTest.Run r = MainTest.run(all.toArray(new String[0]));
            assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
    }

    /** A key fixed and varied at once is refused: the varied values would silently override the fixed one. */
    @Test
    void sweep_keyFixedAndVaried_refused() {
        String[][] cases = {
            {"--set", "npu.clock=100MHz", "--vary", "npu.clock=200MHz,400MHz"},
            {"--set", "memories.sram.size=1MiB", "--vary", "memories.sram=x"},
            {"--memory-mode", "sram-only", "--vary", "placement=shared-sram,sram-only"},
            {"--npu", "ethos-u55-64", "--vary", "npu.variant=ethos-u55-128,ethos-u55-256"},
        };
        String[] expected = {
            "--vary npu.clock: --set npu.clock=100MHz fixes what the sweep varies; give one of them",
            "--vary memories.sram: --set memories.sram.size=1MiB fixes what the sweep varies; give one of them",
            "--vary placement: --memory-mode sram-only fixes the memory mode the sweep varies; give one of them",
            "--vary npu.variant: --npu ethos-u55-64 fixes the variant the sweep varies; give one of them",
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> all = new java.util.ArrayList<>(List.of("sweep", model(), "--hw", hw()));
            all.addAll(List.of(cases[i]));
            MainTest.Run r = MainTest.run(all.toArray(new String[0]));
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo(expected[i]);
        }
        // A memory mode replaces the weights' home: varying that home under --memory-mode would give equal rows.
        MainTest.Run weights = MainTest.run("sweep", model(), "--hw", hw(), "--memory-mode", "shared-sram", "--vary",
                "placement.weights=sram,flash");
        assertThat(weights.err().strip()).isEqualTo("--vary placement.weights: --memory-mode shared-sram fixes the"
                + " placement.weights the sweep varies; give one of them");
        // A bad fixed --set is reported as itself, not as the first varied value it meets.
        MainTest.Run fixed = MainTest.run("sweep", model(), "--hw", hw(), "--set", "npu.clok=300MHz", "--vary",
                "npu.clock=200MHz,400MHz");
        assertThat(fixed.code()).isEqualTo(2);
        assertThat(fixed.err().strip()).startsWith("--set npu.clok=300MHz: ");
        // Two axes that set the same thing: the rows would be labelled with values that were not simulated.
        MainTest.Run twice = MainTest.run("sweep", model(), "--hw", hw(), "--vary", "placement=sram-only,shared-sram",
                "--vary", "placement.mode=sram-only,shared-sram");
        assertThat(twice.err().strip()).isEqualTo("--vary placement.mode: --vary placement sets it too; vary it once");
        // Keys that do not overlap run: a memory mode keeps the per-layer weight placement, and memories.sram6 is
        // not below memories.sram.
        for (String[] ok : new String[][] {
            {"--set", "placement.layer_weights.sram=0-1", "--vary", "placement=sram-only,shared-sram"},
            {"--set", "placement=shared-sram", "--vary", "placement.layer_weights.sram=0-1,0-3"},
            {"--set", "memories.sram.size=4MiB", "--vary", "npu.clock=400MHz,500MHz"},
        }) {
            List<String> all = new java.util.ArrayList<>(List.of("sweep", model(), "--hw", hw()));
            all.addAll(List.of(ok));
            MainTest.Run r = MainTest.run(all.toArray(new String[0]));
            assertThat(r.code()).as(String.join(" ", ok) + ": " + r.err()).isZero();
        }
    }
}
