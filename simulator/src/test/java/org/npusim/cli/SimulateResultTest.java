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

final class SimulateResultTest {

    @TempDir
    Path tmp;

    private static String root(String p) {
        return SharedData.repositoryRoot().resolve(p).toString();
    }

    @Test
    void simulate_shippedModelOnCorstone_printsLayersAndTotals() {
        MainTest.Run r = MainTest.run("simulate", root("models/mobilenet_v1_025_96.yaml"), "--hw", root("hwconfigs/corstone-300.yaml"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("CONV_2D").contains("total").contains("energy").contains("bottleneck");
    }

    @Test
    void simulate_json_followsTheResultSchema() throws IOException {
        Path out = tmp.resolve("r.json");
        MainTest.Run r = MainTest.run("simulate", SharedData.model("person_detect").toString(), "--hw",
                root("hwconfigs/vela/ethos-u55-high-end-embedded.yaml"), "--format", "json", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        assertThat(j.get("schema").asText()).isEqualTo("npusim.result/v1");
        for (String f : new String[] {"name", "path", "macs"}) {
            assertThat(j.get("model").has(f)).as(f).isTrue();
        }
        for (String f : new String[] {"name", "npu", "npu_clock_hz", "cpu", "cpu_clock_hz", "memory_mode"}) {
            assertThat(j.get("hardware").has(f)).as(f).isTrue();
        }
        for (String f : new String[] {"cycles", "seconds", "npu_active_cycles", "cpu_cycles", "energy_joules", "traffic", "weights"}) {
            assertThat(j.get("total").has(f)).as(f).isTrue();
        }
        assertThat(j.get("layers")).hasSize(31);
        for (JsonNode l : j.get("layers")) {
            for (String f : new String[] {"index", "name", "op", "unit", "macs", "start_cycle", "end_cycle", "cycles",
                    "bottleneck", "utilization", "traffic", "energy_joules", "weights"}) {
                assertThat(l.has(f)).as(f).isTrue();
            }
        }
        assertThat(j.get("model").get("macs").asLong()).isEqualTo(7_215_492L);
    }

    /**
     * Pruning MobileNet v2 to 50% and clustering to 16 values shrinks the weight streams; on a flash-bound system
     * (U55 deep embedded: flash at 0.5 B/cycle) the flash traffic, time and energy fall with them.
     */
    @Test
    void simulate_pruneAndCluster_showsFlashTrafficAndEnergySaving() throws IOException {
        Path out = tmp.resolve("w.json");
        MainTest.Run r = MainTest.run("simulate", SharedData.model("mobilenet_v2_quantized_1x3x224x224").toString(), "--hw",
                root("hwconfigs/vela/ethos-u55-deep-embedded.yaml"), "--npu", "ethos-u55-128", "--prune", "0.5", "--cluster", "16",
                "--preserve-sparsity", "--format", "json", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toFile());
        JsonNode a = j.get("baseline").get("total");
        JsonNode b = j.get("transformed").get("total");
        long flashBefore = a.get("traffic").get("flash").get("read_bytes").asLong();
        long flashAfter = b.get("traffic").get("flash").get("read_bytes").asLong();
        System.out.printf("what-if prune 0.5 + cluster 16: encoded %d -> %d B, flash %d -> %d B, time %.3f -> %.3f ms, energy %.3f -> %.3f mJ%n",
                a.get("weights").get("encoded_bytes").asLong(), b.get("weights").get("encoded_bytes").asLong(), flashBefore, flashAfter,
                a.get("seconds").asDouble() * 1e3, b.get("seconds").asDouble() * 1e3, a.get("energy_joules").asDouble() * 1e3,
                b.get("energy_joules").asDouble() * 1e3);
        assertThat(b.get("weights").get("encoded_bytes").asLong()).isLessThan(a.get("weights").get("encoded_bytes").asLong() * 3 / 4);
        assertThat(flashAfter).isLessThan(flashBefore * 3 / 4);
        assertThat(b.get("energy_joules").asDouble()).isLessThan(a.get("energy_joules").asDouble());
        assertThat(b.get("seconds").asDouble()).isLessThan(a.get("seconds").asDouble());
    }

    /** An N:M what-if says what it applied: 1:4 zeroes three quarters of the weights, and --prune only tops it up. */
    @Test
    void simulate_nmWhatIf_labelSaysTheSparsityApplied() {
        String model = root("models/resnet8.yaml");
        String hw = root("hwconfigs/corstone-300.yaml");
        assertThat(MainTest.run("simulate", model, "--hw", hw, "--nm", "1:4").out().lines().findFirst().orElseThrow())
                .startsWith("What-if: N:M 1:4 pruning (0.75 of the weights zero) on resnet8");
        assertThat(MainTest.run("simulate", model, "--hw", hw, "--nm", "2:4", "--prune", "0.3").out())
                .contains("N:M 2:4 pruning (0.5 of the weights zero), --prune 0.3 below it adds nothing");
    }

    @Test
    void simulate_badWhatIfArguments_exitTwoWithOneLine() {
        String model = SharedData.model("person_detect").toString();
        String hw = root("hwconfigs/corstone-300.yaml");
        for (String[] bad : new String[][] {{"--prune", "1.0"}, {"--prune", "-0.1"}, {"--cluster", "0"}, {"--cluster", "300"},
                {"--nm", "5:4"}, {"--preserve-sparsity"}}) {
            String[] args = new String[4 + bad.length];
            args[0] = "simulate";
            args[1] = model;
            args[2] = "--hw";
            args[3] = hw;
            System.arraycopy(bad, 0, args, 4, bad.length);
            MainTest.Run r = MainTest.run(args);
            assertThat(r.code()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Exception");
        }
    }

    @Test
    void simulate_nonInt8Weights_whatIfFailsCleanly() throws IOException {
        MainTest.Run r = MainTest.run("simulate", SharedData.model("dtln_noise_suppression").toString(), "--hw",
                root("hwconfigs/vela/ethos-u65-high-end.yaml"), "--prune", "0.5");
        assertThat(r.code()).isIn(0, 2);
        assertThat(r.err()).doesNotContain("Exception");
        assertThat(Files.exists(tmp)).isTrue();
    }
}
