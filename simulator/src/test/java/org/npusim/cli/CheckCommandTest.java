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

/** Does {@code npusim check} print the NPU/CPU split, its shares and subgraphs, and reject bad input with exit 2? */
final class CheckCommandTest {

    @TempDir
    Path tmp;

    private static String hwconfig(String relative) {
        return SharedData.repositoryRoot().resolve("hwconfigs").resolve(relative).toString();
    }

    /**
     * keyword_scrambled on Corstone-300: Vela runs 6 of its 15 operators on the NPU (the int16→int8 QUANTIZE and the
     * 5 FULLY_CONNECTED); the 7 SVDF, the int8→int16 SOFTMAX and the int16→int32 QUANTIZE stay on the CPU, which
     * splits the NPU operators into 6 subgraphs. The NPU MACs are the FCs' 4 × 1,024 + 64 = 4,160 and the first
     * QUANTIZE's 96 (an average pool over 96 elements, as Vela counts it): 4,256 of 21,156, Vela's nn_macs.
     */
    @Test
    void check_keywordScrambled_printsSplitSharesAndSubgraphs() {
        MainTest.Run r = MainTest.run("check", SharedData.model("keyword_scrambled").toString(), "--hw",
                hwconfig("corstone-300.yaml"));
        System.out.println(r.out());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("operators on the NPU  6 of 15 (40.0%)")
                .contains("MACs on the NPU       4,256 of 21,156 (20.1%)")
                .contains("NPU subgraphs         6,")
                .contains("SVDF is not an Ethos-U operator")
                .contains("give the output the input's type (int8)");
    }

    @Test
    void check_jsonToFile_writesOperatorsSubgraphsAndTotals() throws IOException {
        Path out = tmp.resolve("check.json");
        MainTest.Run r = MainTest.run("check", SharedData.model("mobilenet_v2_quantized_1x3x224x224").toString(),
                "--hw", hwconfig("vela/ethos-u65-high-end.yaml"), "--format", "json", "-o", out.toString());
        assertThat(r.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.get("schema").asText()).isEqualTo("npusim.check/v1");
        assertThat(j.get("operators")).hasSize(84);
        // The NCHW-to-NHWC TRANSPOSE at the input is Vela's only CPU operator in this model.
        assertThat(j.get("operators").get(0).get("unit").asText()).isEqualTo("cpu");
        assertThat(j.get("total").get("cpu_operators").asInt()).isEqualTo(1);
        assertThat(j.get("total").get("npu_invocations").asInt()).isEqualTo(1);
        assertThat(j.get("npu_subgraphs").get(0).get("first_operator").asInt()).isEqualTo(1);
        // Vela's systems switch the driver's work off (simulation.driver_overhead: false): simulate charges none,
        // and check says so instead of quoting a cost.
        assertThat(j.get("total").get("npu_invocation_cpu_cycles").asLong()).isZero();
        MainTest.Run table = MainTest.run("check", SharedData.model("mobilenet_v2_quantized_1x3x224x224").toString(),
                "--hw", hwconfig("vela/ethos-u65-high-end.yaml"));
        assertThat(table.out()).contains("NPU subgraphs         1, the CPU's driver work to invoke them not simulated"
                + " (simulation.driver_overhead: false)");
    }

    @Test
    void check_cpuOnlyBoard_putsEveryOperatorOnTheCpu() {
        MainTest.Run r = MainTest.run("check", SharedData.model("person_detect").toString(), "--hw",
                hwconfig("cpu-only/cortex-m4-120mhz.yaml"));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("operators on the NPU  0 of 31 (0.0%)").contains("the hardware has no NPU");
    }

    @Test
    void check_missingModel_exitsTwoWithOneLine() {
        MainTest.Run r = MainTest.run("check", tmp.resolve("nope.tflite").toString(), "--hw",
                hwconfig("corstone-300.yaml"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("no such file");
        assertThat(Files.exists(tmp.resolve("nope.tflite"))).isFalse();
    }
}
