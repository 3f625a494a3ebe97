// SPDX-License-Identifier: Apache-2.0
package org.npusim.testsupport;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.npusim.errors.InputException;

/**
 * Seeded mutations of YAML text for fuzzing the YAML readers (hardware descriptions, model descriptions): lines
 * deleted, duplicated, swapped or re-indented; values replaced by hostile scalars (huge, negative, NaN, YAML
 * anchors, aliases, tags, flow collections, quotes left open); keys renamed; text cut short; random characters,
 * control characters included, inserted. Each mutation keeps most of the document, so that the readers get past
 * the syntax and their checks of meaning are exercised too.
 */
public final class YamlMutator {

    /** Values that have broken readers: limits, special floats, YAML's own syntax, units out of place. */
    private static final String[] HOSTILE = {
        "", "~", "null", "-1", "0", "1e308", "-1e308", "NaN", ".nan", ".inf", "-.inf", "999999999999999999999999",
        "2147483648", "-2147483649", "0x7fffffff", "abc", "[1, 2, 3]", "{a: b}", "[]", "{}", "'", "\"", "'open",
        "&anchor x", "*alias", "!!binary AAAA", "!!float 1", "10 GHz", "0 MHz", "1e-300 B", "5 parsecs", "true",
        "yes", "- item", "a: b: c", "\t", "\u0000", "\u202e", "é", "💥", "1_000", "+12", "0.", ".5", "1/2",
        "[1, [2, [3, [4]]]]", "{{{{", "]]]]", "? key", "| block", "> folded", "%YAML 1.1", "---", "...",
    };

    private YamlMutator() {}

    /** A reader under test: builds something from {@code text} or throws {@link InputException}. */
    public interface Reader {
        void read(String text, String name, Path file);
    }

    /** Returns the {@code .yaml} files under {@code dir} (subfolders included), sorted: the shipped inputs to fuzz. */
    public static List<Path> yamlFiles(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /**
     * Feeds {@code casesPerFile} mutations of each file to {@code reader} (seeded, so failures reproduce), within
     * five minutes; an exception other than {@link InputException} fails with the mutated text, and each
     * rejection is handed to {@code checkRejection} with the case's name. Returns {accepted, rejected}.
     */
    public static int[] fuzz(List<Path> files, int casesPerFile, Reader reader,
            BiConsumer<String, InputException> checkRejection) {
        SplittableRandom random = new SplittableRandom(20261122L);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(java.time.Duration.ofMinutes(5), () -> {
            for (Path f : files) {
                String original = Files.readString(f, StandardCharsets.UTF_8);
                for (int c = 0; c < casesPerFile; c++) {
                    String mutated = mutate(original, random);
                    String name = f.getFileName() + "#" + c;
                    try {
                        reader.read(mutated, name, f);
                        outcomes[0]++;
                    } catch (InputException e) {
                        checkRejection.accept(name, e);
                        outcomes[1]++;
                    } catch (RuntimeException e) {
                        fail(name + ": " + e + " on\n" + mutated, e);
                    }
                }
            }
        });
        return outcomes;
    }

    /** Returns {@code text} with one to three seeded mutations. */
    public static String mutate(String text, SplittableRandom r) {
        String out = text;
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            out = once(out, r);
        }
        return out;
    }

    private static String once(String text, SplittableRandom r) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (lines.isEmpty()) {
            return text;
        }
        int at = r.nextInt(lines.size());
        switch (r.nextInt(8)) {
            case 0 -> lines.remove(at);
            case 1 -> lines.add(at, lines.get(at));
            case 2 -> {
                int other = r.nextInt(lines.size());
                String a = lines.get(at);
                lines.set(at, lines.get(other));
                lines.set(other, a);
            }
            case 3 -> {
                String line = lines.get(at);
                lines.set(at, r.nextBoolean() ? " ".repeat(1 + r.nextInt(4)) + line : line.stripLeading());
            }
            case 4 -> {
                // A value after "key:" (block or flow), or the whole line, becomes a hostile scalar.
                String line = lines.get(at);
                int colon = line.indexOf(": ");
                String value = HOSTILE[r.nextInt(HOSTILE.length)];
                lines.set(at, colon < 0 ? value : line.substring(0, colon + 2) + value);
            }
            case 5 -> {
                String line = lines.get(at);
                int colon = line.indexOf(':');
                if (colon > 0) {
                    // The key is the word before the colon.
                    int start = colon;
                    while (start > 0 && (Character.isLetterOrDigit(line.charAt(start - 1)) || line.charAt(start - 1) == '_')) {
                        start--;
                    }
                    lines.set(at, line.substring(0, start) + "k" + r.nextInt(100) + line.substring(colon));
                }
            }
            case 6 -> {
                String joined = String.join("\n", lines);
                return joined.substring(0, r.nextInt(joined.length() + 1));
            }
            default -> {
                String line = lines.get(at);
                int pos = r.nextInt(line.length() + 1);
                char c = r.nextInt(4) == 0 ? (char) r.nextInt(32) : (char) (32 + r.nextInt(0x2000));
                lines.set(at, line.substring(0, pos) + c + line.substring(pos));
            }
        }
        return String.join("\n", lines);
    }
}
