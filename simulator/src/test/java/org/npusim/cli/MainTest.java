// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.testsupport.SharedData;

final class MainTest {

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void inspect_realModel_printsTotals() {
        Run r = run("inspect", SharedData.model("person_detect").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("MACs             7,215,492").contains("CONV_2D");
    }

    /** Standard output that cannot be written (a full disk, /dev/full) is an error, not a silent exit 0. */
    @Test
    void stdoutWriteFails_exitTwoWithOneLine() {
        java.io.OutputStream full = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"inspect", SharedData.model("hello_world_int8").toString()},
                new PrintWriter(new java.io.PrintStream(full), true), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo(
                "npusim: standard output: cannot write (a full disk or a closed pipe): the output is incomplete");
    }

    @Test
    void inspect_badFiles_exitTwoWithOneLineAndNoStackTrace() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.tflite"));
        Path text = Files.writeString(tmp.resolve("text.tflite"), "hello world, not a model");
        byte[] model = Files.readAllBytes(SharedData.model("person_detect"));
        Path truncated = Files.write(tmp.resolve("truncated.tflite"), java.util.Arrays.copyOf(model, 1000));
        for (Path p : new Path[] {empty, text, truncated, tmp.resolve("missing.tflite")}) {
            Run r = run("inspect", p.toString());
            assertThat(r.code()).as(p.toString()).isEqualTo(2);
            assertThat(r.err().strip()).as(p.toString()).startsWith(p.toString()).doesNotContain("\n").doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
    }

    /**
     * Options that would change nothing are refused rather than ignored, and '-o -' is not taken as a file named
     * '-' (none is written in the working directory).
     */
    @Test
    void optionsThatWouldBeIgnored_andDashAsOutput_exitTwoWithOneLine() {
        String desc = SharedData.repositoryRoot().resolve("models/mobilenet_v1_025_96.yaml").toString();
        String hw = SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml").toString();
        String[][] cases = {
            {"simulate", desc, "--hw", hw, "--seed", "5"},
            {"inspect", desc, "--npu", "ethos-u65-512"},
            {"hw", "show", hw, "--set", "schema=npusim.hw/v2"},
            {"hw", "show", hw, "--set", "extends=other.yaml"},
            {"inspect", desc, "-o", "-"},
        };
        String[] expected = {
            "--seed: only seeds --cluster and --random; add one or drop --seed",
            "--npu: only chooses the variant of --weights; add --weights or drop --npu",
            "schema: belongs to the file and cannot be set on the command line",
            "extends: belongs to the file and cannot be set on the command line",
            "-: is not an output file; leave -o out to write to standard output",
        };
        for (int i = 0; i < cases.length; i++) {
            Run r = run(cases[i]);
            assertThat(r.code()).as(String.join(" ", cases[i])).isEqualTo(2);
            assertThat(r.err().strip()).as(String.join(" ", cases[i])).contains(expected[i]).doesNotContain("\n");
        }
        assertThat(Files.exists(Path.of("-"))).isFalse();
    }

    @Test
    void inspect_unknownOption_exitsTwo() {
        Run r = run("inspect", SharedData.model("person_detect").toString(), "--bogus");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--bogus");
    }

    @Test
    void inspect_jsonToFile_writesWholeFileAndIsDeterministic() throws IOException {
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        assertThat(run("inspect", SharedData.model("person_detect").toString(), "--format", "json", "-o", a.toString()).code()).isZero();
        assertThat(run("inspect", SharedData.model("person_detect").toString(), "--format", "json", "-o", b.toString()).code()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readString(a)).contains("\"macs\" : 7215492");
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(f -> f.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void everyCommand_help_printsUsageAndExitsZero() {
        // With or without the required arguments: help is asked for, so nothing else is checked.
        for (String[] args : new String[][] {{"simulate", "--help"}, {"check", "--help"}, {"inspect", "--help"},
                {"inspect", "model.tflite", "-h"}, {"export", "--help"}, {"run", "--help"}, {"hw", "--help"},
                {"sweep", "--help"}, {"compare", "--help"}, {"kernels", "--help"}, {"--help"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: npusim");
            assertThat(r.err()).as(String.join(" ", args)).isEmpty();
        }
    }
}
