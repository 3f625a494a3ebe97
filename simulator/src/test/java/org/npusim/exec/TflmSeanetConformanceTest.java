// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.graph.Tensor;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Bit-exactness against TensorFlow Lite Micro: every single-operator case of the seanet integration tests
 * (../shared/testdata/tflm-seanet) must reproduce the golden output that TFLite Micro's reference kernels
 * produced, element for element. The test prints the cases it ran.
 */
final class TflmSeanetConformanceTest {

    private static final Pattern INPUT = Pattern.compile("(.+)_input(\\d+)_(int8|int16|int32)\\.csv");

    record Case(Path model, List<Path> inputs, Path golden) {}

    static List<Case> cases(Path root) throws IOException {
        List<Case> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path m : files.filter(f -> f.toString().endsWith(".tflite")).sorted().toList()) {
                String name = m.getFileName().toString().replace(".tflite", "");
                Path dir = m.getParent();
                List<Path> inputs = new ArrayList<>();
                Path golden = null;
                try (Stream<Path> siblings = Files.list(dir)) {
                    for (Path f : siblings.sorted().toList()) {
                        String fn = f.getFileName().toString();
                        Matcher mi = INPUT.matcher(fn);
                        if (mi.matches() && mi.group(1).equals(name)) {
                            int i = Integer.parseInt(mi.group(2));
                            while (inputs.size() <= i) {
                                inputs.add(null);
                            }
                            inputs.set(i, f);
                        } else if (fn.startsWith(name + "_golden_")) {
                            golden = f;
                        }
                    }
                }
                out.add(new Case(m, inputs, golden));
            }
        }
        return out;
    }

    @Test
    void run_everySeanetCase_matchesTflmGoldenExactly() throws IOException {
        Path root = SharedData.require().resolve("testdata/tflm-seanet");
        List<Case> cases = cases(root);
        // 127 cases in eight operator directories (README of the vectors); a smaller count means files went missing.
        assertThat(cases).hasSize(127);
        List<String> failures = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        for (Case c : cases) {
            String label = root.relativize(c.model()).toString();
            assertThat(c.golden()).as(label + " golden").isNotNull();
            assertThat(c.inputs()).as(label + " inputs").doesNotContainNull();
            Model model = TfliteReader.read(c.model());
            Interpreter interpreter = Interpreter.of(model);
            List<TensorBuffer> inputs = new ArrayList<>();
            for (int i = 0; i < c.inputs().size(); i++) {
                Tensor t = interpreter.inputs().get(i);
                inputs.add(InputFiles.readCsv(c.inputs().get(i), t));
            }
            TensorBuffer actual = interpreter.run(inputs).outputs().get(0);
            long[] expected = InputFiles.parseCsvIntegers(Files.readString(c.golden()), c.golden().toString());
            int mismatches = 0;
            int first = -1;
            for (int i = 0; i < expected.length; i++) {
                if (i >= actual.length() || actual.get(i) != expected[i]) {
                    mismatches++;
                    first = first < 0 ? i : first;
                }
            }
            if (mismatches > 0 || expected.length != actual.length()) {
                failures.add(label + ": " + mismatches + " of " + expected.length + " differ (first at " + first
                        + (first >= 0 && first < actual.length() ? ": got " + actual.get(first) + ", expected "
                        + expected[first] : "") + "), lengths " + actual.length() + "/" + expected.length);
            }
            ran.add(label + " (" + expected.length + " values)");
        }
        System.out.println("tflm-seanet cases run: " + ran.size());
        ran.forEach(r -> System.out.println("  " + r));
        assertThat(failures).as("cases that differ from TFLite Micro").isEmpty();
    }
}
