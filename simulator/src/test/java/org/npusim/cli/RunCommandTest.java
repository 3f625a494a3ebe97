// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.npusim.cli.MainTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.cli.MainTest.Run;
import org.npusim.exec.NpyFormat;
import org.npusim.exec.TensorBuffer;
import org.npusim.graph.ElementType;
import org.npusim.graph.Shape;
import org.npusim.testsupport.SharedData;

final class RunCommandTest {

    @TempDir
    Path tmp;

    static String model() {
        return SharedData.model("person_detect").toString();
    }

    @Test
    void run_randomWithSeed_isDeterministicAndSeedMatters() {
        Run a = run("run", model(), "--random", "--seed", "5");
        Run b = run("run", model(), "--random", "--seed", "5");
        Run c = run("run", model(), "--random", "--seed", "6");
        assertThat(a.code()).isZero();
        assertThat(a.out()).startsWith("# MobilenetV1/Predictions/Reshape_1 int8 1x2").isEqualTo(b.out());
        assertThat(c.out()).isNotEqualTo(a.out());
    }

    @Test
    void run_seedWithoutRandom_isRefused() {
        // It was ignored: a user seeding file inputs got the files' run and no word about the seed.
        Run r = run("run", model(), "--seed", "5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--seed: only seeds --random inputs; add --random or drop --seed");
    }

    @Test
    void run_npyInputAndOutput_writesNpyThatReadsBack() throws IOException {
        TensorBuffer in = TensorBuffer.allocate(ElementType.INT8, Shape.of(1, 96, 96, 1));
        Path input = Files.write(tmp.resolve("in.npy"), NpyFormat.write(in));
        Path output = tmp.resolve("out.npy");
        Run r = run("run", model(), "--input", input.toString(), "--output", output.toString());
        assertThat(r.code()).as(r.err()).isZero();
        TensorBuffer y = NpyFormat.read(Files.readAllBytes(output), output.toString());
        assertThat(y.shape()).isEqualTo(Shape.of(1, 2));
        // Two-class softmax on the int8 scale 1/256 with zero point -128: the probabilities sum to 1, so the two
        // quantized scores sum to 256 - 2 * 128 = 0, give or take one unit of rounding.
        assertThat(y.get(0) + y.get(1)).isBetween(-1L, 1L);
    }

    @Test
    void run_textOutput_readsBackAsCsvInput() throws IOException {
        // hello_world_int8 maps a 1x1 input to a 1x1 output; its text output is a valid input file for itself.
        String hello = SharedData.model("hello_world_int8").toString();
        Path out = tmp.resolve("out.txt");
        assertThat(run("run", hello, "--random", "-o", out.toString()).code()).isZero();
        assertThat(Files.readString(out)).startsWith("# ");
        Run again = run("run", hello, "--input", out.toString());
        assertThat(again.code()).as(again.err()).isZero();
    }

    @Test
    void run_statsAndCompareWithItself_printTableAndZeroDifference() {
        Run r = run("run", model(), "--random", "--stats", "--compare", model());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("zero %").contains("#0 DEPTHWISE_CONV_2D").contains("max |a-b|");
        assertThat(r.out().lines().filter(l -> l.contains("MobilenetV1/Predictions/Reshape_1") && l.contains("0.00000"))
                .count()).isEqualTo(1);
    }

    @Test
    void run_malformedInputs_exitTwoWithOneLine() throws IOException {
        Path wrongShape = Files.write(tmp.resolve("shape.npy"),
                NpyFormat.write(TensorBuffer.allocate(ElementType.INT8, Shape.of(1, 95, 96, 1))));
        Path wrongType = Files.write(tmp.resolve("type.npy"),
                NpyFormat.write(TensorBuffer.allocate(ElementType.INT16, Shape.of(1, 96, 96, 1))));
        Path shortCsv = Files.writeString(tmp.resolve("short.csv"), "1,2,3\n");
        Path badCsv = Files.writeString(tmp.resolve("bad.csv"), "1,x,3\n");
        Path shortRaw = Files.write(tmp.resolve("short.bin"), new byte[100]);
        Path notImage = Files.writeString(tmp.resolve("fake.png"), "not an image");
        Path missing = tmp.resolve("missing.npy");
        for (Path p : new Path[] {wrongShape, wrongType, shortCsv, badCsv, shortRaw, notImage, missing}) {
            Run r = run("run", model(), "--input", p.toString());
            assertThat(r.code()).as(p.toString()).isEqualTo(2);
            assertThat(r.err().strip()).as(p.toString()).startsWith(p.toString()).doesNotContain("\n")
                    .doesNotContain("Exception");
            assertThat(r.out()).as(p.toString()).isEmpty();
        }
        assertThat(run("run", model()).code()).isEqualTo(2);
        assertThat(run("run", model(), "--random", "--input", wrongShape.toString()).code()).isEqualTo(2);
    }

    @Test
    void run_velaCompiledModel_namesTheUnsupportedLayer() {
        Run r = run("run", SharedData.model("person_detect_vela").toString(), "--random");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("operator 0 (ethos-u").contains("not supported");
    }
}
