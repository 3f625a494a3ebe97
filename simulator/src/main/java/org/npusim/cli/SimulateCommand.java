// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.Callable;
import org.npusim.analysis.Analysis;
import org.npusim.analysis.Analyzer;
import org.npusim.cmdstream.CompiledOperator;
import org.npusim.cpu.CpuCostModel;
import org.npusim.exec.Interpreter;
import org.npusim.exec.TensorBuffer;
import org.npusim.graph.Model;
import org.npusim.htmlreport.HtmlReport;
import org.npusim.hw.HardwareConfig;
import org.npusim.json.Json;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.Overrides;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.kernels.KernelChoice;
import org.npusim.kernels.VariantCpuCostModel;
import org.npusim.plan.WeightSizer;
import org.npusim.report.ResultFormat;
import org.npusim.report.ResultWriter;
import org.npusim.report.WhatIfWriter;
import org.npusim.whatif.NM;
import org.npusim.whatif.WeightTransforms;
import org.npusim.errors.InputException;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;
import org.npusim.plan.CachedWeightSizer;
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
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
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

    @Option(names = "--prune", paramLabel = "SPARSITY", description = "What-if: prune each layer's int8 weights by magnitude "
            + "to this fraction of zeros (0 <= s < 1) and compare with the model as it is.")
    Double prune;

    @Option(names = "--nm", paramLabel = "N:M", description = "What-if: structured N:M pruning along the input channels "
            + "(e.g. 2:4), with --prune topping up to its sparsity.")
    String nm;

    @Option(names = "--cluster", paramLabel = "K", description = "What-if: cluster each layer's weights into K values "
            + "(1..256, k-means) and compare.")
    Integer cluster;

    @Option(names = "--preserve-sparsity", description = "With --cluster: keep zeros as their own cluster.")
    boolean preserveSparsity;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the clustering and of --random (default: 1).")
    Long seed;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "With --cpu-kernels auto: run the model bit-exactly on these inputs (one per model"
                    + " input: .npy, .csv/.txt, .bin/.raw or an image) and cost zero-skipping CPU kernels with the"
                    + " activation sparsity measured on them.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--random", description = "Like --input, with seeded uniform random inputs.")
    boolean random;

    @Option(names = "--trace", paramLabel = "FILE.json",
            description = "Also write the run's timeline as Chrome trace-event JSON (open it in Perfetto or chrome://tracing).")
    Path trace;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Also write a self-contained HTML report with charts (no network access needed).")
    Path report;

    @Option(names = "--no-what-if", description = "Skip the what-ifs (each one is one more simulation).")
    boolean noWhatIf;

    @Option(names = "--cpu-kernels", defaultValue = "dense", paramLabel = "KIND",
            description = "Kernels of CPU convolution and fully connected layers: dense, winograd, sparse or auto"
                    + " (default: ${DEFAULT-VALUE}).")
    KernelChoice cpuKernels;

    /** Operator index → zero fraction of its input, measured by --input/--random; empty otherwise. */
    private Map<Integer, Double> activationSparsity = Map.of();

    @Override
    public Integer call() {
        try {
            return simulate();
        } catch (InputException e) {
            throw inHardwareFile(e);
        }
    }

    /** The description's name, which the simulator names in capacity and placement errors; set once resolved. */
    private String hardwareName;

    /**
     * Returns {@code e} naming the hardware file instead of the description's name, which the simulator gives as the
     * "file" of what it finds wrong with the hardware (a memory too small, a placement the model cannot use): the
     * user edits the file, or the overrides given with it, which the message then says.
     */
    private InputException inHardwareFile(InputException e) {
        if (hardwareName == null || !e.file().equals(hardwareName)) {
            return e;
        }
        Overrides o = hardware.overrideOptions().overrides();
        boolean overridden = !o.set().isEmpty() || o.npu().isPresent() || o.memoryMode().isPresent();
        return new InputException(hardware.file().toString(), e.place(), e.problem()
                + (overridden ? "; with the --set, --npu or --memory-mode given" : ""), e);
    }

    private Integer simulate() {
        boolean weightWhatIf = prune != null || cluster != null || nm != null;
        if (weightWhatIf && (trace != null || report != null)) {
            throw new InputException("", trace != null ? "--trace" : "--report", "describes one run, and --prune, --nm and"
                    + " --cluster compare two; simulate without them for the timeline or the report");
        }
        if (preserveSparsity && cluster == null) {
            throw new InputException("", "--preserve-sparsity", "needs --cluster K");
        }
        if (seed != null && cluster == null && !random) {
            throw new InputException("", "--seed", "only seeds --cluster and --random; add one or drop --seed");
        }
        // Every output is checked before the work, so that a bad path fails at once and nothing is half done.
        OutputTarget.check(inputFiles(), output, trace, report);
        HardwareDocument document = hardware.parse();
        Overrides overrides = hardware.overrideOptions().overrides();
        HardwareConfig hw = document.resolve(overrides);
        hardwareName = hw.name();
        Model m = ModelFiles.load(model);
        String path = model.toString();
        activationSparsity = measureActivationSparsity(m);
        // One sizer for the run and its what-ifs: a what-if encodes only the weight streams it changes.
        WeightSizer sizer = new CachedWeightSizer(new EthosUWeightSizer());
        if (weightWhatIf) {
            return weightWhatIf(simulator(sizer), m, hw);
        }
        Simulator.Run run = simulator(sizer).run(m, path, hw, trace != null);
        SimulationResult r = run.result();
        // A Vela-compiled model reads its weights where its command stream says: no per-layer placement to propose.
        // A what-if is measured by its totals: its runs keep no per-layer queue or critical-path records.
        Function<HardwareConfig, SimulationResult> resimulate = h -> simulator(sizer).totalsOnly().simulate(m, path, h);
        Analyzer analyzer = CompiledOperator.any(m) ? new Analyzer(resimulate) : new Analyzer(resimulate, run);
        if (cpuKernels == KernelChoice.DENSE) {
            analyzer = analyzer.withKernelChoice(h -> simulator(sizer, KernelChoice.AUTO).totalsOnly().simulate(m, path, h));
        }
        // CSV holds the layers only: what-ifs are measured when a table, JSON or a report shows them.
        boolean whatIfs = !noWhatIf && (format != ResultFormat.CSV || report != null);
        Analysis analysis = whatIfs ? analyzer.analyze(r, hw, document, overrides) : analyzer.analyze(r, hw);
        OutputTarget.Content result = w -> ResultWriter.write(r, Optional.of(analysis), format, w);
        // The files are moved into place together, once all are written: a failure while writing leaves none of them.
        try (OutputTarget.Batch files = new OutputTarget.Batch()) {
            if (trace != null) {
                files.add(trace, w -> ChromeTrace.write(run, hw, w));
            }
            if (report != null) {
                files.add(report, w -> HtmlReport.write(run, hw, analysis, w));
            }
            if (output != null) {
                files.add(output, result);
            }
            files.commit();
        }
        if (output == null) {
            OutputTarget.write(null, spec.commandLine().getOut(), result);
        }
        return Main.OK;
    }

    /** The files the command reads: the model, the hardware description and the input files. */
    private List<Path> inputFiles() {
        List<Path> files = new ArrayList<>(inputs);
        files.add(model);
        files.add(hardware.file());
        return files;
    }

    /** Simulates the model as it is and transformed, and writes both side by side. */
    private Integer weightWhatIf(Simulator simulator, Model m, HardwareConfig hw) {
        if (CompiledOperator.any(m)) {
            // A compiled model's weights are encoded in its command stream's buffers, not in its operators' tensors.
            throw new InputException(model.toString(), prune != null ? "--prune" : nm != null ? "--nm" : "--cluster",
                    "the model is compiled by Vela: its weights are already encoded in the command stream; prune or"
                            + " cluster the model before compiling it");
        }
        Model transformed = m;
        StringBuilder what = new StringBuilder();
        if (prune != null || nm != null) {
            Optional<NM> structured = nm == null ? Optional.empty() : Optional.of(NM.parse(nm, "--nm"));
            double sparsity = prune == null ? 0.0 : prune;
            transformed = WeightTransforms.prune(transformed, sparsity, structured);
            // Say what was applied: N:M zeroes (m - n)/m of the weights, and --prune only tops that up.
            if (structured.isEmpty()) {
                what.append("prune ").append(sparsity);
            } else {
                NM x = structured.get();
                what.append("N:M ").append(x.n()).append(':').append(x.m()).append(" pruning (")
                        .append(Json.number(x.sparsity())).append(" of the weights zero)");
                if (prune != null) {
                    what.append(sparsity > x.sparsity() ? ", topped up to " + Json.number(sparsity)
                            : ", --prune " + Json.number(sparsity) + " below it adds nothing");
                }
            }
        }
        if (cluster != null) {
            transformed = WeightTransforms.cluster(transformed, cluster, ModelInputs.seed(seed), preserveSparsity);
            what.append(what.length() > 0 ? ", " : "").append("cluster ").append(cluster)
                    .append(preserveSparsity ? " (zeros kept)" : "");
        }
        WeightTransforms.untouched(m).ifPresent(u -> what.append("; ").append(u));
        SimulationResult baseline = simulator.simulate(m, model.toString(), hw);
        SimulationResult after = simulator.simulate(transformed, model.toString(), hw);
        String transform = what.toString();
        PrintWriter out = spec.commandLine().getOut();
        OutputTarget.write(output, out, w -> WhatIfWriter.write(baseline, after, transform, format, w));
        return Main.OK;
    }

    /** The simulator of this command: the Cortex-M model (with the chosen CPU kernels) and {@code sizer}. */
    private Simulator simulator(WeightSizer sizer) {
        return simulator(sizer, cpuKernels);
    }

    /** The simulator with the Cortex-M model and {@code kernels} on the CPU's convolution and fully connected layers. */
    private Simulator simulator(WeightSizer sizer, KernelChoice kernels) {
        return new Simulator(VariantCpuCostModel.forChoice(kernels, activationSparsity), sizer);
    }

    /**
     * Measures, when --input or --random asks for it, the zero fraction of each operator's input on a bit-exact run;
     * zero-skipping kernels are costed with it. Without inputs, activations are taken as dense.
     */
    private Map<Integer, Double> measureActivationSparsity(Model m) {
        if (inputs.isEmpty() && !random) {
            return Map.of();
        }
        if (cpuKernels != KernelChoice.AUTO) {
            throw new InputException("", inputs.isEmpty() ? "--random" : "--input", "measured activations only change"
                    + " zero-skipping CPU kernels, which only --cpu-kernels auto considers");
        }
        Interpreter interpreter = Interpreter.of(m.withName(model.toString()));
        List<TensorBuffer> values = ModelInputs.values(interpreter, model.toString(), inputs, random, ModelInputs.seed(seed));
        return interpreter.run(values).inputZeroFractions();
    }
}
