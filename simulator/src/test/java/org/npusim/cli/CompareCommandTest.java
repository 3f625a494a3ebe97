// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.testsupport.SharedData;

final class CompareCommandTest {

    @TempDir
    Path tmp;

    private Path result(String name, String... more) {
        Path out = tmp.resolve(name);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("simulate", SharedData.model("person_detect").toString(),
                "--hw", SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml").toString(), "--format", "json",
                "--no-what-if", "-o", out.toString()));
        args.addAll(java.util.List.of(more));
        assertThat(MainTest.run(args.toArray(new String[0])).code()).isZero();
        return out;
    }

    @Test
    void compare_twoVariants_largestChangesFirstAndTotals() throws IOException {
        Path a = result("a.json");
        Path b = result("b.json", "--npu", "ethos-u55-256");
        MainTest.Run r = MainTest.run("compare", a.toString(), b.toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("schema").asText()).isEqualTo("npusim.compare/v1");
        JsonNode layers = j.get("layers");
        assertThat(layers.size()).isEqualTo(31);
        for (int i = 1; i < layers.size(); i++) {
            assertThat(Math.abs(layers.get(i).get("delta_seconds").asDouble()))
                    .isLessThanOrEqualTo(Math.abs(layers.get(i - 1).get("delta_seconds").asDouble()));
        }
        assertThat(j.get("totals").get(0).get("name").asText()).isEqualTo("time");
        MainTest.Run table = MainTest.run("compare", a.toString(), b.toString(), "--top", "5");
        assertThat(table.out()).contains("(5 of 31)").contains("Bottleneck or unit changes").doesNotContain("note: A counts cycles");
    }

    /**
     * keyword_scrambled on Corstone-300 (six layers on the NPU, some bound by the CPU's driver work) against the M55
     * board without an NPU: the layers that moved to the CPU are told apart from bottleneck changes (one bound by
     * the CPU on both sides is a move, not a change of bottleneck), the cycle rows are flagged as counting two
     * clocks, and energies keep their digits.
     */
    @Test
    void compare_npuAgainstCpuOnly_unitMovesAndClocksSaid() throws IOException {
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        String model = SharedData.model("keyword_scrambled").toString();
        assertThat(MainTest.run("simulate", model, "--hw", SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml")
                .toString(), "--format", "json", "--no-what-if", "-o", a.toString()).code()).isZero();
        assertThat(MainTest.run("simulate", model, "--hw", SharedData.repositoryRoot()
                .resolve("hwconfigs/cpu-only/cortex-m55-400mhz.yaml").toString(), "--format", "json", "--no-what-if", "-o",
                b.toString()).code()).isZero();
        JsonNode j = new ObjectMapper().readTree(MainTest.run("compare", a.toString(), b.toString(), "--format", "json").out());
        int moved = 0;
        for (JsonNode l : j.get("layers")) {
            boolean unitChanged = !l.get("unit_a").asText().equals(l.get("unit_b").asText());
            assertThat(l.get("unit_changed").asBoolean()).isEqualTo(unitChanged);
            assertThat(l.get("bottleneck_changed").asBoolean())
                    .isEqualTo(!l.get("bottleneck_a").asText().equals(l.get("bottleneck_b").asText()));
            moved += unitChanged ? 1 : 0;
        }
        assertThat(moved).isEqualTo(6);
        String table = MainTest.run("compare", a.toString(), b.toString()).out();
        System.out.println(table);
        assertThat(table).contains("note: A counts cycles of a 500 MHz clock and B of a 400 MHz clock; compare their times")
                .contains(", 6 of them on another unit").contains("npu: ").doesNotContain("0.000 mJ").doesNotContain("1 layers");
    }

    /**
     * resnet8 on the Cortex-M4, dense against --cpu-kernels auto: the five 3x3 stride-1 convolutions that moved to
     * Winograd are listed as kernel changes (JSON kernel_a/kernel_b), and a layer of equal cycles in both shows equal
     * time: layer times come from the clock (cycles / CPU clock), not from the rounded total.
     */
    @Test
    void compare_denseAgainstAutoKernels_kernelChangesListedAndEqualLayersEqual() throws IOException {
        Path a = tmp.resolve("dense.json");
        Path b = tmp.resolve("auto.json");
        String resnet8 = SharedData.repositoryRoot().resolve("models/resnet8.yaml").toString();
        String m4 = SharedData.repositoryRoot().resolve("hwconfigs/cpu-only/cortex-m4-120mhz.yaml").toString();
        assertThat(MainTest.run("simulate", resnet8, "--hw", m4, "--format", "json", "--no-what-if", "-o",
                a.toString()).code()).isZero();
        assertThat(MainTest.run("simulate", resnet8, "--hw", m4, "--cpu-kernels", "auto", "--format", "json",
                "--no-what-if", "-o", b.toString()).code()).isZero();
        MainTest.Run table = MainTest.run("compare", a.toString(), b.toString());
        assertThat(table.out()).contains("CPU kernel changes: 5 layers\n  0 conv_0: arm_convolve_s8 -> arm_convolve_s8"
                + " [winograd-f4] (");
        JsonNode layers = new ObjectMapper().readTree(MainTest.run("compare", a.toString(), b.toString(), "--format",
                "json").out()).get("layers");
        int changed = 0;
        for (JsonNode l : layers) {
            if (l.get("kernel_changed").asBoolean()) {
                changed++;
                assertThat(l.get("kernel_b").asText()).isEqualTo(l.get("kernel_a").asText() + " [winograd-f4]");
            } else {
                // Same kernel, same cycles: the same time to the last digit.
                assertThat(l.get("delta_seconds").asDouble()).as(l.get("name").asText()).isZero();
            }
        }
        assertThat(changed).isEqualTo(5);
        // A result written before layers named their kernel has none to compare: no kernel changes.
        Path old = tmp.resolve("old.json");
        Files.writeString(old, Files.readString(b).replaceAll(",\\s*\"kernel\" : \"[^\"]*\"", ""));
        assertThat(Files.readString(old)).doesNotContain("\"kernel\"");
        MainTest.Run noKernels = MainTest.run("compare", a.toString(), old.toString());
        assertThat(noKernels.code()).as(noKernels.err()).isZero();
        assertThat(noKernels.out()).doesNotContain("CPU kernel changes");
    }

    @Test
    void compare_sameResult_noChanges() {
        Path a = result("a.json");
        MainTest.Run r = MainTest.run("compare", a.toString(), a.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Bottleneck or unit changes: none");
        // The headers say how each was simulated (a Vela-compatible run against an event-driven one would
        // otherwise read alike), and one model against itself needs no warning.
        assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("A  ").contains(", event-driven): ");
        assertThat(r.out()).doesNotContain("different models");
    }

    @Test
    void compare_notAResult_exitTwoWithOneLine() throws IOException {
        Path a = result("a.json");
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"schema\": \"npusim.result/v1\", \"model\": 3}");
        MainTest.Run r = MainTest.run("compare", a.toString(), bad.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(bad + ": model: expected an object, got number");
        Path whatIf = Files.writeString(tmp.resolve("whatif.json"), "{\"schema\": \"npusim.whatif/v1\"}");
        MainTest.Run w = MainTest.run("compare", a.toString(), whatIf.toString());
        assertThat(w.code()).isEqualTo(2);
        assertThat(w.err().strip()).startsWith(whatIf + ": schema: a weight what-if (simulate --prune, --nm or"
                + " --cluster) holds two runs");
        // A hand-edited clock of 0 is refused like any other bad field, not computed with.
        Path stopped = Files.writeString(tmp.resolve("stopped.json"), Files.readString(a)
                .replaceFirst("\"npu_clock_hz\" : \\d+", "\"npu_clock_hz\" : 0"));
        MainTest.Run clock = MainTest.run("compare", a.toString(), stopped.toString());
        assertThat(clock.code()).isEqualTo(2);
        assertThat(clock.err().strip()).isEqualTo(stopped + ": hardware.npu_clock_hz: expected a positive integer (the"
                + " clock of ethos-u55-128 in Hz), got 0");
        MainTest.Run missing = MainTest.run("compare", a.toString(), tmp.resolve("none.json").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).endsWith("none.json: no such file");
    }

    /**
     * A result never holds a negative count, time or energy: one is refused like any other bad field. A positive
     * energy so small that B's is more than 10^308 times it has no printable ratio: "-" in the table and null in
     * JSON, as a change from 0 is (it failed writing Infinity as a JSON number).
     */
    @Test
    void compare_negativeFiguresRefused_overflowingRatioShownAsNone() throws IOException {
        Path a = result("a.json");
        String text = Files.readString(a);
        Path negative = Files.writeString(tmp.resolve("negative.json"), text.replaceFirst("\"cycles\" : \\d+",
                "\"cycles\" : -5"));
        MainTest.Run r = MainTest.run("compare", a.toString(), negative.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(negative + ": total.cycles: expected an integer of at least 0, got -5");
        Path tiny = Files.writeString(tmp.resolve("tiny.json"), text.replaceFirst("\"energy_joules\" : [0-9.eE-]+",
                "\"energy_joules\" : 1e-320"));
        MainTest.Run table = MainTest.run("compare", tiny.toString(), a.toString());
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out().lines().filter(l -> l.startsWith("energy ")).findFirst().orElseThrow()).endsWith(" -");
        MainTest.Run json = MainTest.run("compare", tiny.toString(), a.toString(), "--format", "json");
        assertThat(json.code()).as(json.err()).isZero();
        assertThat(json.out()).containsPattern("\"name\" ?: ?\"energy\"[^}]*\"relative\" ?: ?null");
    }
}
