// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.npusim.compare.Comparison;
import org.npusim.compare.ComparisonWriter;
import org.npusim.errors.InputException;
import org.npusim.report.ResultReader;
import org.npusim.result.SimulationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code npusim compare A.json B.json}: two saved results, layer by layer, the largest time changes first. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Compare two results of npusim simulate --format json layer by layer (matched by name): totals, "
                + "the layers whose time changed most first, and bottleneck changes.")
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A.json", description = "The baseline result.")
    Path a;

    @Parameters(index = "1", paramLabel = "B.json", description = "The result to compare with it.")
    Path b;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    ComparisonWriter.Format format;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20",
            description = "List the N layers whose time changed most in the table (default: ${DEFAULT-VALUE}; JSON lists all).")
    int top;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        OutputTarget.check(Arrays.asList(a, b), output);
        if (top < 0) {
            throw new InputException("", "--top", "expected a number of layers, 0 or more; got " + top);
        }
        SimulationResult ra = ResultReader.read(a);
        SimulationResult rb = ResultReader.read(b);
        Comparison c = Comparison.of(ra, rb);
        OutputTarget.write(output, spec.commandLine().getOut(), w -> ComparisonWriter.write(c, format, top, w));
        return Main.OK;
    }
}
