// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.npusim.testsupport.SharedData;

/** Do inspect, check and simulate treat person_detect_vela.tflite (Vela-compiled for an Ethos-U55-256) as compiled? */
final class VelaCompiledCommandsTest {

    private static String model() {
        return SharedData.model("person_detect_vela").toString();
    }

    private static String hwconfig(String relative) {
        return SharedData.repositoryRoot().resolve("hwconfigs").resolve(relative).toString();
    }

    @Test
    void inspect_velaCompiled_listsTheDecodedCommands() {
        MainTest.Run r = MainTest.run("inspect", model());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Vela-compiled: operator 0 (ethos-u) compiled for ethos-u55-256 (optimizer config: 256"
                + " MACs/cycle, 48 KiB SHRAM, architecture 1.0.6; no NPU_SET_PARALLEL_MODE)")
                .contains("command stream   2,034 words: 87 kernel commands (32 CONV, 23 DEPTHWISE, 29 ELEMENTWISE, 3 POOL), 55 DMA transfers")
                .contains("0 _split_1_flash (260,480 B, flash), 1 _split_1_scratch (74,464 B, scratch)")
                .containsPattern("  1  CONV +96x48x2 int8 NHWC r1@0x0 +48x48x8 int8 NHCWB16 r1@0x9000 +3x2 s2x1 +16x16x8 +144 r1 +80")
                .containsPattern("111  DMA +r0@0x6b00 +SHRAM@0xb800 +1,024")
                .contains("MACs 7,215,492; weight streams 204,512 B, scale streams 27,392 B; DMA 231,120 B between regions, 1,024 B"
                        + " into SHRAM (LUTs)")
                // The summary counts the ethos-u operator's MACs from its kernel commands, as simulate and check do:
                // person_detect's 7,215,492, not the 0 the graph alone gives. Its weight bytes are its constant
                // inputs: the flash region (260,480 B) and the command stream (8,168 B).
                .containsPattern("0  ethos-u +MobilenetV1/Predictions/Reshape_1 +1x2 +7,215,492 +268,648")
                .contains("MACs             7,215,492");
    }

    /**
     * A compiled model's memory use: its constants are the flash region and the command stream (260,480 + 8,168 =
     * 268,648 bytes, inspect's figures), its arena at least the scratch area its commands address with the
     * operator's input and output; an SRAM a byte short of that is refused (it failed on the model's single operator
     * index, and a 40 KiB SRAM ran at "90% used").
     */
    @Test
    void simulate_velaCompiled_memoryUseAndArenaRefusal() throws IOException {
        MainTest.Run r = MainTest.run("simulate", model(), "--hw", hwconfig("corstone-310.yaml"), "--no-what-if",
                "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode memory = new ObjectMapper().readTree(r.out()).get("total").get("memory");
        assertThat(memory.get("ddr").get("constants_bytes").asLong()).isEqualTo(260_480 + 8_168);
        // The arena holds at least the command stream's scratch area (74,464 bytes) and the operator's input
        // (96x96x1) and output (1x2) beside it.
        long arena = memory.get("sram").get("arena_bytes").asLong();
        assertThat(arena).isEqualTo(74_464 + 96 * 96 + 2);
        MainTest.Run small = MainTest.run("simulate", model(), "--hw", hwconfig("corstone-310.yaml"), "--no-what-if",
                "--set", "memories.sram.size=" + (arena - 1) + "B");
        assertThat(small.code()).isEqualTo(2);
        assertThat(small.err()).contains("memory sram: holds " + (arena - 1) + " bytes but the model needs " + arena
                + " bytes of live activations");
        // With its input and output placed in the DDR, the SRAM holds the scratch area alone.
        MainTest.Run moved = MainTest.run("simulate", model(), "--hw", hwconfig("corstone-310.yaml"), "--no-what-if",
                "--set", "placement.inputs=ddr", "--set", "placement.outputs=ddr", "--set", "memories.sram.size=74464B",
                "--format", "json");
        assertThat(moved.code()).as(moved.err()).isZero();
        JsonNode movedMemory = new ObjectMapper().readTree(moved.out()).get("total").get("memory");
        assertThat(movedMemory.get("sram").get("arena_bytes").asLong()).isEqualTo(74_464);
        assertThat(movedMemory.get("ddr").get("io_bytes").asLong()).isEqualTo(96 * 96 + 2);
    }

    /** --weights encodes int8 weights; a compiled model has only encoded buffers, so it is refused with a pointer. */
    @Test
    void inspectWeights_velaCompiled_refusedSayingWhereTheWeightsAre() {
        MainTest.Run r = MainTest.run("inspect", model(), "--weights");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).doesNotContain("\n").contains("--weights: a Vela-compiled model holds its weights"
                + " already encoded in its command streams; inspect it without --weights");
    }

    @Test
    void simulate_velaCompiledWithWeightWhatIf_refused() {
        // Its weights are encoded in the command stream's buffers: pruning or clustering its tensors changes nothing,
        // which was reported as a +0.0% what-if.
        for (String[] whatIf : new String[][] {{"--prune", "0.5"}, {"--cluster", "16"}}) {
            MainTest.Run r = MainTest.run("simulate", model(), "--hw", hwconfig("corstone-310.yaml"), whatIf[0], whatIf[1]);
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains(whatIf[0] + ": the model is compiled by Vela");
        }
    }

    @Test
    void inspect_velaCompiledJson_hasTheCommands() throws IOException {
        MainTest.Run r = MainTest.run("inspect", model(), "--format", "json");
        assertThat(r.code()).isZero();
        JsonNode c = new ObjectMapper().readTree(r.out()).get("vela_compiled").get(0);
        assertThat(c.get("compiled_for").asText()).isEqualTo("ethos-u55-256");
        assertThat(c.get("commands")).hasSize(142);
        JsonNode conv = c.get("commands").get(1);
        assertThat(conv.get("command").asText()).isEqualTo("CONV");
        assertThat(conv.get("ofm_block").toString()).isEqualTo("[16,16,8]");
        assertThat(conv.get("weights").get(0).get("bytes").asInt()).isEqualTo(144);
    }

    @Test
    void check_velaCompiled_saysSoAndWhereItRuns() {
        MainTest.Run here = MainTest.run("check", model(), "--hw", hwconfig("corstone-310.yaml"));
        assertThat(here.code()).isZero();
        assertThat(here.out()).contains("Vela-compiled model")
                .contains("NPU   7,215,492  Vela-compiled: runs its command stream as compiled (87 kernel commands, 55 DMA transfers)")
                .contains("NPU subgraphs         1,");
        MainTest.Run other = MainTest.run("check", model(), "--hw", hwconfig("corstone-300.yaml"));
        assertThat(other.code()).isZero();
        assertThat(other.out()).contains("compiled by Vela for ethos-u55-256 (87 kernel commands, 55 DMA transfers); the"
                + " ethos-u55-128 cannot run it");
    }

    @Test
    void simulate_otherVariantOrCpuOnly_exit2WithOneLine() {
        MainTest.Run other = MainTest.run("simulate", model(), "--hw", hwconfig("corstone-300.yaml"));
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err().strip()).doesNotContain("\n").endsWith("operator 0 (ethos-u): compiled by Vela for ethos-u55-256"
                + " (optimizer config: 256 MACs/cycle, 48 KiB SHRAM, architecture 1.0.6; no NPU_SET_PARALLEL_MODE), but corstone-300"
                + " has an ethos-u55-128; simulate with --npu ethos-u55-256 or compile the model for ethos-u55-128");
        MainTest.Run cpu = MainTest.run("simulate", model(), "--hw", hwconfig("cpu-only/cortex-m55-400mhz.yaml"));
        assertThat(cpu.code()).isEqualTo(2);
        assertThat(cpu.err().strip()).doesNotContain("\n").endsWith("operator 0 (ethos-u): compiled by Vela for ethos-u55-256; a"
                + " CPU-only system (cortex-m55-400mhz) cannot run it");
    }

    @Test
    void simulate_matchingVariant_oneLayerPerKernelCommand() {
        MainTest.Run r = MainTest.run("simulate", model(), "--hw", hwconfig("corstone-300.yaml"), "--npu", "ethos-u55-256",
                "--no-what-if");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("ethos-u #1 CONV 96x48x2->48x48x8").contains("ethos-u #141 ELEMENTWISE SHR 1x1x2->1x1x2")
                .contains("Vela-compiled: operator 0 (ethos-u) runs its command stream as compiled for ethos-u55-256");
    }

    @Test
    void simulate_velaCompiled_proposesNoPerLayerWeightPlacement() {
        // The stream fixes where weights are read from: placement.layer_weights is refused for a compiled model, so
        // the what-if that would set it is not proposed (the others are).
        MainTest.Run r = MainTest.run("simulate", model(), "--hw", hwconfig("corstone-310.yaml"));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("What-ifs").contains("--memory-mode sram-only").doesNotContain("layer_weights");
    }
}
