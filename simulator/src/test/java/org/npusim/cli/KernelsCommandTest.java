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

final class KernelsCommandTest {

    @TempDir
    Path tmp;

    static MainTest.Run run(String... args) {
        return MainTest.run(args);
    }

    static String mobilenetV2() {
        return SharedData.model("mobilenet_v2_quantized_1x3x224x224").toString();
    }

    @Test
    void compare_layerDescription_printsBothTablesCrossoversAndTheNpuStatement() {
        MainTest.Run r = run("kernels", "compare", "--core", "cortex-m55", "--layer", "conv 3x3 s1 32->64 48x48",
                "--sparsity", "0,0.5,0.7,0.9");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("conv 3x3 s1 32->64 48x48 (48x48x32 -> 48x48x64, 42,467,328 MACs")
                .contains("winograd-f2").contains("winograd-f4").contains("sparse-nm 2:4 *").contains("zero-skip")
                .contains(" 90.0%  sparse-csr ").contains("crossover    sparse-csr beats dense above")
                .contains("Ethos-U does not skip zero weights in compute");
        // Four sparsities, two unstructured variants each.
        assertThat(r.out().lines().filter(l -> l.contains("%  sparse-")).count()).isEqualTo(8);
    }

    @Test
    void compare_jsonAndCsv_carryEveryRowAndAreDeterministic() throws IOException {
        String[] args = {"kernels", "compare", "--core", "cortex-m4", "--layer", "conv 3x3 s1 16->16 32x32", "--nm",
            "2:4", "--format", "json"};
        MainTest.Run a = run(args);
        MainTest.Run b = run(args);
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
        JsonNode j = new ObjectMapper().readTree(a.out());
        assertThat(j.get("schema").asText()).isEqualTo("npusim.kernels/v1");
        // Default sparsities 0, 0.5, 0.7, 0.9; 7 variants each (one N:M pattern, asserted by --nm).
        assertThat(j.get("rows")).hasSize(28);
        assertThat(j.get("rows").get(5).get("pattern").asText()).isEqualTo("2:4");
        assertThat(j.get("rows").get(5).get("needs_pruning").asBoolean()).isFalse();
        assertThat(j.get("crossover").get("sparse-csr").get("weight_sparsity").asDouble()).isBetween(0.6, 0.7);
        assertThat(j.get("npu").asText()).contains("weight compression");
        MainTest.Run csv = run("kernels", "compare", "--core", "cortex-m4", "--layer", "fc 640->128", "--format", "csv");
        assertThat(csv.out().lines().findFirst().orElseThrow()).startsWith("weight_sparsity,activation_sparsity,variant");
        // No Winograd for a fully connected layer: dense, csr, bitmask, 3 N:M patterns, zero-skip at 4 sparsities.
        assertThat(csv.out().lines().count()).isEqualTo(1 + 4 * 7);
    }

    @Test
    void compare_realMobilenetV2Layer_usesItsMeasuredSparsityAndVerifies() {
        MainTest.Run r = run("kernels", "compare", "--core", "cortex-m4", "--model", mobilenetV2(), "--layer",
                "input.19_te_transform", "--sparsity", "0.9", "--verify");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("#5 CONV_2D 'input.19_te_transform': conv 1x1 s1 32->16 112x112")
                .contains("n/a          winograd-f2").contains("verified     dense, sparse-csr, sparse-bitmask,")
                .contains(" 90.0%  sparse-csr ");
    }

    @Test
    void compare_layerByIndex_findsTheOperator() {
        MainTest.Run r = run("kernels", "compare", "--core", "cortex-m7", "--model", mobilenetV2(), "--layer", "#2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("#2 CONV_2D 'input.13_te_transform': conv 3x3 s2 3->32");
    }

    @Test
    void compare_winogradLayerOfAModelDescription_verifiesWinograd() {
        MainTest.Run r = run("kernels", "compare", "--core", "cortex-m33", "--model",
                SharedData.repositoryRoot().resolve("models/resnet8.yaml").toString(), "--layer", "stack2_conv_b",
                "--verify", "--measure-activations");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("verified     dense, winograd-f2, winograd-f4,");
        // stack2_conv_b reads the ReLU output of stack2_conv_a: a measured, nonzero share of zeros.
        assertThat(r.out()).doesNotContain("Activations  0.0% zero");
    }

    @Test
    void compare_badArguments_exitTwoWithOneLine() {
        String[][] cases = {
            {"kernels", "compare", "--core", "cortex-m3", "--layer", "fc 8->8"},
            {"kernels", "compare", "--core", "cortex-m4", "--layer", "conv 3x3"},
            {"kernels", "compare", "--core", "cortex-m4", "--layer", "fc 8->8", "--sparsity", "0.5,1.5"},
            {"kernels", "compare", "--core", "cortex-m4", "--layer", "fc 8->8", "--nm", "3:4:5"},
            {"kernels", "compare", "--core", "cortex-m4", "--layer", "fc 8->8", "--verify"},
            {"kernels", "compare", "--core", "cortex-m4", "--model", mobilenetV2(), "--layer", "no_such_tensor"},
            {"kernels", "compare", "--core", "cortex-m4", "--model", mobilenetV2(), "--layer", "#4"},
            {"kernels", "compare", "--core", "cortex-m4", "--model", mobilenetV2(), "--layer", "#999"},
            {"kernels", "compare", "--layer", "fc 8->8"},
        };
        for (String[] c : cases) {
            MainTest.Run r = run(c);
            assertThat(r.code()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err().strip()).as(String.join(" ", c)).doesNotContain("\n").doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
        assertThat(run(cases[6]).err()).contains("DEPTHWISE_CONV_2D").contains("CONV_2D (not grouped)");
        assertThat(run(cases[5]).err()).contains("#2 'input.13_te_transform'");
    }

    @Test
    void compare_outputFile_isWrittenWhole() throws IOException {
        Path out = tmp.resolve("k.csv");
        MainTest.Run r = run("kernels", "compare", "--core", "cortex-m0plus", "--layer", "conv 1x1 s1 8->8 4x4",
                "--format", "csv", "-o", out.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(out)).startsWith("weight_sparsity,");
    }

    @Test
    void simulate_cpuKernelsWinograd_lowersTheCpuTimeOfResnet8OnACortexM4() {
        String model = SharedData.repositoryRoot().resolve("models/resnet8.yaml").toString();
        String hw = SharedData.repositoryRoot().resolve("hwconfigs/cpu-only/cortex-m4-120mhz.yaml").toString();
        MainTest.Run dense = run("simulate", model, "--hw", hw, "--format", "json");
        MainTest.Run wino = run("simulate", model, "--hw", hw, "--format", "json", "--cpu-kernels", "winograd");
        MainTest.Run bad = run("simulate", model, "--hw", hw, "--cpu-kernels", "fast");
        assertThat(dense.code()).isZero();
        assertThat(wino.code()).isZero();
        assertThat(bad.code()).isEqualTo(2);
        long denseCycles = cycles(dense.out());
        long winoCycles = cycles(wino.out());
        assertThat(winoCycles).isLessThan(denseCycles);
    }

    @Test
    void simulate_measuredActivations_letZeroSkipSpeedUpALayerFedOnlyZeros() throws IOException {
        String model = SharedData.repositoryRoot().resolve("models/resnet8.yaml").toString();
        String hw = SharedData.repositoryRoot().resolve("hwconfigs/cpu-only/cortex-m4-120mhz.yaml").toString();
        // An all-zero image quantizes to the input zero point: the first convolution sees 100% zero activations.
        Path zeros = tmp.resolve("zeros.npy");
        Files.write(zeros, npyFloat32Zeros("(1, 32, 32, 3)", 32 * 32 * 3));
        MainTest.Run assumed = run("simulate", model, "--hw", hw, "--format", "json", "--cpu-kernels", "auto",
                "--no-what-if");
        MainTest.Run measured = run("simulate", model, "--hw", hw, "--format", "json", "--cpu-kernels", "auto",
                "--no-what-if", "--input", zeros.toString());
        MainTest.Run table = run("simulate", model, "--hw", hw, "--cpu-kernels", "auto", "--no-what-if",
                "--input", zeros.toString());
        MainTest.Run dense = run("simulate", model, "--hw", hw, "--random");
        assertThat(assumed.code()).isZero();
        assertThat(measured.code()).as(measured.err()).isZero();
        assertThat(cycles(measured.out())).isLessThan(cycles(assumed.out()));
        assertThat(table.out()).contains("[zero-skip]");
        assertThat(dense.code()).isEqualTo(2);
        assertThat(dense.err().strip()).contains("--cpu-kernels auto").doesNotContain("\n");
    }

    /**
     * MobileNet v1 on Corstone-300 runs every convolution on the NPU: --cpu-kernels auto and the activations of
     * --random change no layer, which the table says in a note; the run still succeeds.
     */
    @Test
    void simulate_cpuKernelsWithNoCpuLayerToChange_saysSoInANote() {
        String model = SharedData.repositoryRoot().resolve("models/mobilenet_v1_025_96.yaml").toString();
        String hw = SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml").toString();
        MainTest.Run r = run("simulate", model, "--hw", hw, "--cpu-kernels", "auto", "--random", "--no-what-if");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("note         --cpu-kernels auto, with the activation sparsity measured on the"
                + " inputs, changed nothing: no int8 convolution or fully connected layer runs on the CPU of corstone-300"
                + " (every such layer runs on the NPU)\n");
        assertThat(run("simulate", model, "--hw", hw, "--no-what-if").out()).doesNotContain("changed nothing");
    }

    /** A version-1.0 .npy file of {@code count} float32 zeros with {@code shape}, header padded to 64 bytes. */
    private static byte[] npyFloat32Zeros(String shape, int count) {
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] h = header.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[10 + h.length + 4 * count];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (h.length & 0xff), (byte) (h.length >> 8)};
        System.arraycopy(magic, 0, out, 0, 10);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }

    static long cycles(String json) {
        try {
            return new ObjectMapper().readTree(json).get("total").get("cycles").asLong();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
