// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.npusim.analysis.Analysis;
import org.npusim.analysis.Analyzer;
import org.npusim.cpu.MacRateCostModel;
import org.npusim.graph.Model;
import org.npusim.htmlreport.HtmlReport;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.Overrides;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.plan.WeightSizer;
import org.npusim.report.ResultFormat;
import org.npusim.report.ResultWriter;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;
import org.npusim.sweep.CachedWeightSizer;
import org.npusim.trace.ChromeTrace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code npusim simulate MODEL --hw HW.yaml}: per-layer and total cycles, time, bottleneck, traffic, energy, and the
 * bottleneck analysis (slowest layers, resource utilization, energy split, what-ifs measured by re-simulation);
 * optionally a Chrome trace of the timeline ({@code --trace}) and a self-contained HTML report ({@code --report}).
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate a model on a hardware description: per layer and in total, cycles, time, where it ran, "
                + "what bound it, bytes per memory and energy.")
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite file or a .yaml model description.")
    Path model;

    @Mixin
    HardwareOptions hardware = new HardwareOptions();

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    ResultFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Option(names = "--trace", paramLabel = "FILE.json",
            description = "Also write the run's timeline as Chrome trace-event JSON (open it in Perfetto or chrome://tracing).")
    Path trace;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write a self-contained HTML report with charts (no network access needed).")
    Path report;

    @Option(names = "--no-what-if", description = "Skip the what-ifs (each one is one more simulation).")
    boolean noWhatIf;

    @Override
    public Integer call() {
        HardwareDocument document = hardware.parse();
        Overrides overrides = hardware.overrideOptions().overrides();
        HardwareConfig hw = document.resolve(overrides);
        Model m = ModelFiles.load(model);
        String path = model.toString();
        // One sizer for the run and its what-ifs: a what-if encodes only the weight streams it changes.
        WeightSizer sizer = new CachedWeightSizer(new EthosUWeightSizer());
        Simulator.Run run = simulator(hw, sizer).run(m, path, hw, trace != null);
        SimulationResult r = run.result();
        Analyzer analyzer = new Analyzer(h -> simulator(h, sizer).simulate(m, path, h));
        // CSV holds the layers only: what-ifs are measured when a table, JSON or a report shows them.
        boolean whatIfs = !noWhatIf && (format != ResultFormat.CSV || report != null);
        Analysis analysis = whatIfs ? analyzer.analyze(r, hw, document, overrides) : analyzer.analyze(r, hw);
        if (trace != null) {
            OutputTarget.writeBytes(trace, w -> ChromeTrace.write(run, hw, w));
        }
        if (report != null) {
            OutputTarget.writeBytes(report, w -> HtmlReport.write(run, hw, analysis, w));
        }
        PrintWriter out = spec.commandLine().getOut();
        OutputTarget.write(output, out, w -> ResultWriter.write(r, Optional.of(analysis), format, w));
        return Main.OK;
    }

    private static Simulator simulator(HardwareConfig hw, WeightSizer sizer) {
        return new Simulator(new MacRateCostModel(hw), sizer);
    }
}
