// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.npusim.errors.InputException;
import org.npusim.exec.ExecutionResult;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Int8FullyConnectedLayer;
import org.npusim.exec.Interpreter;
import org.npusim.exec.TensorBuffer;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.CpuCore;
import org.npusim.kernels.Applicability;
import org.npusim.kernels.KernelComparison;
import org.npusim.kernels.KernelVariant;
import org.npusim.kernels.LayerKernel;
import org.npusim.kernels.LayerKernels;
import org.npusim.kernels.LayerShape;
import org.npusim.kernels.NmPattern;
import org.npusim.kernels.Pruning;
import org.npusim.report.KernelsReport;
import org.npusim.report.ResultFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code npusim kernels}: the CPU kernel variants (Winograd, sparse, zero-skipping) of convolution layers. */
@Command(name = "kernels", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Compare CPU kernel variants (dense, Winograd, sparse, zero-skip) of a layer on a Cortex-M core.",
        subcommands = {KernelsCommand.Compare.class, CommandLine.HelpCommand.class})
final class KernelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return Main.OK;
    }

    /**
     * {@code npusim kernels compare}: cycles, speedup over dense and memory footprint of every variant of one layer
     * on one core, at a list of weight sparsities, with the crossover sparsities.
     */
    @Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Cycles, speedup over dense, weight and scratch bytes of every kernel variant of one layer"
                    + " on one core, and the sparsities above which the sparse variants win.")
    static final class Compare implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--core", required = true, paramLabel = "CORE",
                description = "The Cortex-M core: cortex-m0plus, cortex-m4, cortex-m7, cortex-m33, cortex-m55,"
                        + " cortex-m85.")
        String core;

        @Option(names = "--layer", required = true, paramLabel = "LAYER",
                description = "'conv KxK [sS] CIN->COUT HxW [same|valid]' or 'fc IN->OUT [bN]'; with --model, the"
                        + " name of a layer's output tensor or its operator index (#N).")
        String layer;

        @Option(names = "--model", paramLabel = "MODEL",
                description = "Take the layer, its real weights and their measured sparsity from this .tflite or"
                        + " .yaml model.")
        Path model;

        @Option(names = "--sparsity", paramLabel = "LIST", split = ",",
                description = "Weight sparsities to compare at, in [0, 1] (default 0,0.5,0.7,0.9; with --model the"
                        + " layer's measured sparsity only, or the measured one and then these when given).")
        List<String> sparsity;

        @Option(names = "--activation-sparsity", paramLabel = "X", defaultValue = "0",
                description = "Fraction of input activations that are zero, in [0, 1] (default: ${DEFAULT-VALUE}).")
        String activationSparsity;

        @Option(names = "--measure-activations",
                description = "With --model: run the model on a seeded random input and take the activation sparsity"
                        + " of the layer's input from it.")
        boolean measureActivations;

        @Option(names = "--verify",
                description = "With --model: run every applicable variant's kernel on the layer's real weights and a"
                        + " seeded random input and check that its output equals the dense reference.")
        boolean verify;

        @Option(names = "--nm", paramLabel = "N:M",
                description = "The N:M pattern the weights follow (with --layer) or would be pruned to (with --model,"
                        + " when the real weights do not follow it). Default: 2:4, 1:4 and 1:8 as what-ifs, or the"
                        + " tightest of them that the real weights follow.")
        String nm;

        @Option(names = "--format", defaultValue = "table",
                description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        ResultFormat format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Write to FILE instead of standard output.")
        Path output;

        @Override
        public Integer call() {
            OutputTarget.check(output);
            CpuCore cpu = CpuCore.fromLabel(core).orElseThrow(() -> new InputException("", "--core",
                    "unknown core '" + core + "'; expected one of " + CpuCore.labels()));
            Optional<NmPattern> pattern = nm == null ? Optional.empty()
                    : Optional.of(NmPattern.parse(nm).orElseThrow(() -> new InputException("", "--nm",
                            "expected N:M with M a power of two from 2 to 16 and 1 <= N < M (e.g. 2:4), found '" + nm
                                    + "'")));
            double activations = fraction(activationSparsity, "--activation-sparsity");
            List<Double> given = new ArrayList<>();
            if (sparsity != null) {
                for (String s : sparsity) {
                    given.add(fraction(s, "--sparsity"));
                }
            }
            if ((measureActivations || verify) && model == null) {
                throw new InputException("", measureActivations ? "--measure-activations" : "--verify",
                        "needs --model");
            }
            KernelComparison c;
            if (model == null) {
                LayerShape shape = LayerShape.parse(layer, "--layer");
                List<Double> at = given.isEmpty() ? List.of(0.0, 0.5, 0.7, 0.9) : given;
                c = KernelComparison.of(cpu, KernelComparison.Layer.ofShape(shape), at, activations, pattern,
                        Optional.empty());
            } else {
                c = compareModelLayer(cpu, given, activations, pattern);
            }
            KernelComparison result = c;
            PrintWriter out = spec.commandLine().getOut();
            OutputTarget.write(output, out, w -> KernelsReport.write(result, format, w));
            return Main.OK;
        }

        private KernelComparison compareModelLayer(CpuCore cpu, List<Double> given, double activations,
                Optional<NmPattern> pattern) {
            Model m = ModelFiles.load(model);
            Subgraph g = m.main();
            Operator op = find(g);
            String place = "operator " + op.index() + " (" + op.opName() + ")";
            LayerShape shape = LayerShape.of(g, op).orElseThrow(() -> new InputException(model.toString(), place,
                    "kernel variants cover int8 CONV_2D (not grouped) and FULLY_CONNECTED layers with constant"
                            + " weights"));
            Tensor wt = g.tensor(op.input(1));
            byte[] all = wt.data().orElseThrow().toByteArray();
            byte[] weights = Arrays.copyOf(all, (int) Math.min(all.length, shape.weightCount()));
            double measured = Pruning.zeroFraction(weights);
            if (measureActivations) {
                activations = measureActivations(m, g, op);
            }
            List<Double> at = new ArrayList<>();
            at.add(measured);
            at.addAll(given);
            KernelComparison.Layer l = new KernelComparison.Layer(shape, Optional.of(g.tensor(op.output(0)).name()),
                    Optional.of(op.opName()), Optional.of(op.index()), OptionalDouble.of(measured));
            int rows = shape.outC();
            int cols = shape.reduction();
            Optional<NmPattern> followed = pattern.filter(p -> p.fits(weights, rows, cols));
            if (pattern.isEmpty()) {
                followed = Stream.of(new NmPattern(1, 8), new NmPattern(1, 4), new NmPattern(2, 4))
                        .filter(p -> p.fits(weights, rows, cols)).findFirst();
            }
            KernelComparison c = KernelComparison.of(cpu, l, at, activations, followed,
                    followed.isPresent() ? Optional.empty() : pattern);
            return verify ? c.withVerified(verifyKernels(g, op, shape, pattern)) : c;
        }

        private Operator find(Subgraph g) {
            String name = layer.strip();
            String digits = name.startsWith("#") ? name.substring(1) : name;
            if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() < 9) {
                int i = Integer.parseInt(digits);
                if (i < g.operators().size()) {
                    return g.operators().get(i);
                }
                throw new InputException(model.toString(), "--layer", "operator index " + i + " is out of range; the"
                        + " model has " + g.operators().size() + " operators");
            }
            for (Operator op : g.operators()) {
                if (op.outputCount() > 0 && g.tensor(op.output(0)).name().equals(name)) {
                    return op;
                }
            }
            List<String> candidates = new ArrayList<>();
            for (Operator op : g.operators()) {
                if (LayerShape.of(g, op).isPresent() && candidates.size() < 8) {
                    candidates.add("#" + op.index() + " '" + g.tensor(op.output(0)).name() + "'");
                }
            }
            throw new InputException(model.toString(), "--layer", "no layer has output tensor '" + name
                    + "'; convolution and fully connected layers include " + String.join(", ", candidates));
        }

        private static double measureActivations(Model m, Subgraph g, Operator op) {
            Interpreter interpreter = Interpreter.of(m);
            ExecutionResult r = interpreter.run(ModelInputs.values(interpreter, "", List.of(), true, 1));
            return r.stats(op.input(0)).zeroFraction();
        }

        /**
         * Runs every applicable variant on the layer's real weights (pruned to the N:M pattern for sparse-nm when
         * they do not follow it, and compared with the dense kernel on the same pruned weights) and returns the
         * labels of the variants checked; a mismatch is an internal error.
         */
        private List<String> verifyKernels(Subgraph g, Operator op, LayerShape shape, Optional<NmPattern> pattern) {
            boolean conv = shape.kind() == LayerShape.Kind.CONV;
            Int8ConvLayer convLayer = conv ? Int8ConvLayer.of(model.toString(), g, op) : null;
            Int8FullyConnectedLayer fcLayer = conv ? null : Int8FullyConnectedLayer.of(model.toString(), g, op);
            int inLength = conv ? convLayer.inputLength() : fcLayer.batches() * fcLayer.depth();
            byte[] input = new byte[inLength];
            new SplittableRandom(1).nextBytes(input);
            List<String> checked = new ArrayList<>();
            for (KernelVariant v : KernelVariant.values()) {
                List<Optional<NmPattern>> standard = NmPattern.STANDARD.stream().map(Optional::of).toList();
                List<Optional<NmPattern>> patterns = v == KernelVariant.SPARSE_NM
                        ? pattern.map(p -> List.of(Optional.of(p))).orElse(standard)
                        : List.of(Optional.<NmPattern>empty());
                for (Optional<NmPattern> p : patterns) {
                    if (Applicability.reason(shape, v, p).isPresent()) {
                        continue;
                    }
                    byte[] expected;
                    byte[] actual;
                    if (conv) {
                        Int8ConvLayer l = p.isPresent() ? convLayer.withWeights(Pruning.structured(convLayer.weights(),
                                convLayer.outC(), convLayer.filterLength(), p.get())) : convLayer;
                        expected = new byte[l.outputLength()];
                        actual = new byte[l.outputLength()];
                        l.runDense(input, expected);
                        LayerKernels.conv(l, v, p).run(input, actual);
                    } else {
                        Int8FullyConnectedLayer l = p.isPresent() ? fcLayer.withWeights(Pruning.structured(
                                fcLayer.weights(), fcLayer.units(), fcLayer.depth(), p.get())) : fcLayer;
                        expected = new byte[l.batches() * l.units()];
                        actual = new byte[expected.length];
                        l.runDense(input, expected);
                        LayerKernel k = LayerKernels.fullyConnected(l, v, p);
                        k.run(input, actual);
                    }
                    String label = v.label() + p.map(x -> " " + x).orElse("");
                    if (!Arrays.equals(expected, actual)) {
                        throw new IllegalStateException(label + " differs from the dense reference on "
                                + g.tensor(op.output(0)).name());
                    }
                    checked.add(label);
                }
            }
            return checked;
        }

        private static double fraction(String text, String option) {
            try {
                double v = Double.parseDouble(text.strip());
                if (v >= 0 && v <= 1) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // Reported below.
            }
            throw new InputException("", option, "expected a fraction in [0, 1], found '" + text + "'");
        }
    }
}
