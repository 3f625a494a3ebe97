// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.npusim.cmdstream.CompiledOperator;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.hw.NpuVariant;
import org.npusim.report.InspectReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code npusim inspect MODEL}: operators with shapes, MACs and weight bytes, and the model's totals; with
 * {@code --weights}, the weighted layers with their values and Ethos-U encoded size on {@code --npu}.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Summarize a model: operators, shapes, MACs, weights, peak activation memory.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite file or a .yaml model description.")
    Path model;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    InspectReport.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Option(names = "--weights", description = "Per weighted layer: weights, unique values, zero fraction, Ethos-U "
            + "encoded bytes and bits per weight.")
    boolean weights;

    @Option(names = "--npu", paramLabel = "VARIANT",
            description = "Ethos-U variant for --weights (default: ethos-u55-128).")
    String npu;

    @Override
    public Integer call() {
        OutputTarget.check(Arrays.asList(model), output);
        if (npu != null && !weights) {
            throw new InputException("", "--npu", "only chooses the variant of --weights; add --weights or drop --npu");
        }
        String label = npu == null ? NpuVariant.ETHOS_U55_128.label() : npu;
        NpuVariant variant = NpuVariant.fromLabel(label).orElseThrow(() -> new InputException("", "--npu",
                "unknown variant '" + label + "'; expected one of " + NpuVariant.labels()));
        Model m = ModelFiles.load(model);
        PrintWriter out = spec.commandLine().getOut();
        if (weights && CompiledOperator.any(m)) {
            // Its weights are the command streams' encoded buffers: the decoded stream (inspect without --weights)
            // gives every command's weight and scale bytes; there are no int8 weights to encode.
            throw new InputException(model.toString(), "--weights", "a Vela-compiled model holds its weights already"
                    + " encoded in its command streams; inspect it without --weights for each command's weight and scale"
                    + " bytes, or give the model before Vela compiled it");
        }
        if (weights) {
            OutputTarget.write(output, out, w -> InspectReport.writeWeights(m, model.toString(), variant, format, w));
        } else {
            OutputTarget.write(output, out, w -> InspectReport.write(m, model.toString(), format, w));
        }
        return Main.OK;
    }
}
