// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.npusim.graph.Model;
import org.npusim.report.InspectReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code npusim inspect MODEL}: operators with shapes, MACs and weight bytes, and the model's totals. */
@Command(name = "inspect", description = "Summarize a model: operators, shapes, MACs, weights, peak activation memory.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite file or a .yaml model description.")
    Path model;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    InspectReport.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() {
        Model m = ModelFiles.load(model);
        PrintWriter out = spec.commandLine().getOut();
        OutputTarget.write(output, out, w -> InspectReport.write(m, model.toString(), format, w));
        return Main.OK;
    }
}
