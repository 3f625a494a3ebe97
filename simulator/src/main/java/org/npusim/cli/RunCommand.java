// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.npusim.errors.InputException;
import org.npusim.exec.ActivationStats;
import org.npusim.exec.ExecutionResult;
import org.npusim.exec.Interpreter;
import org.npusim.exec.NpyFormat;
import org.npusim.exec.OutputComparison;
import org.npusim.exec.TensorBuffer;
import org.npusim.exec.TensorText;
import org.npusim.graph.Model;
import org.npusim.graph.Tensor;
import org.npusim.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code npusim run MODEL}: executes a quantized model bit-exactly on given or random inputs, writes its outputs,
 * and optionally prints per-tensor activation statistics or compares the outputs with a second model's.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Execute a quantized model bit-exactly (TFLite Micro reference semantics).")
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite file or a .yaml model description.")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Values of one model input, in input order: .npy, .csv/.txt, .bin/.raw or an image "
                    + "(.png, .bmp, .jpg, .gif).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--random", description = "Use uniformly random inputs instead of files.")
    boolean random;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of --random (default: 1).")
    Long seed;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the outputs to FILE: .npy (one file per output; the second is FILE_1.npy, ...) or "
                    + "text (any other extension). Default: text on standard output.")
    Path output;

    @Option(names = "--stats", description = "Print each tensor's zero fraction, range and saturation counts.")
    boolean stats;

    @Option(names = "--compare", paramLabel = "MODEL_B",
            description = "Also run MODEL_B on the same inputs and print the max and mean absolute difference of "
                    + "the dequantized outputs.")
    Path compare;

    @Override
    public Integer call() throws IOException {
        if (seed != null && !random) {
            throw new InputException("", "--seed", "only seeds --random inputs; add --random or drop --seed");
        }
        Model m = ModelFiles.load(model);
        Interpreter interpreter = Interpreter.of(m.withName(model.toString()));
        List<Path> read = new ArrayList<>(inputs);
        read.add(model);
        read.add(compare);
        OutputTarget.check(read, outputFiles(interpreter.outputs().size()));
        List<TensorBuffer> values = ModelInputs.values(interpreter, model.toString(), inputs, random, ModelInputs.seed(seed));
        ExecutionResult result = interpreter.run(values);
        // Everything that can fail on bad input happens before anything is written.
        List<OutputComparison.Difference> diffs = compare == null ? List.of() : compareWith(interpreter, result, values);
        PrintWriter out = spec.commandLine().getOut();
        writeOutputs(interpreter, result, out);
        if (stats) {
            printStats(interpreter, result, out);
        }
        if (compare != null) {
            printComparison(diffs, out);
        }
        out.flush();
        return Main.OK;
    }

    private List<OutputComparison.Difference> compareWith(Interpreter interpreter, ExecutionResult result,
            List<TensorBuffer> values) {
        Interpreter other = Interpreter.of(ModelFiles.load(compare).withName(compare.toString()));
        checkSameInputs(interpreter, other);
        ExecutionResult otherResult = other.run(values);
        try {
            return OutputComparison.compare(interpreter.outputs(), result.outputs(), other.outputs(),
                    otherResult.outputs());
        } catch (IllegalArgumentException e) {
            throw new InputException(compare.toString(), "outputs", e.getMessage() + "; the models' outputs do not"
                    + " correspond");
        }
    }

    private void checkSameInputs(Interpreter a, Interpreter b) {
        List<Tensor> ta = a.inputs();
        List<Tensor> tb = b.inputs();
        if (ta.size() != tb.size()) {
            throw new InputException(compare.toString(), "inputs", "has " + tb.size() + " inputs, " + model + " has "
                    + ta.size());
        }
        for (int i = 0; i < ta.size(); i++) {
            if (ta.get(i).type() != tb.get(i).type() || !ta.get(i).shape().equals(tb.get(i).shape())) {
                throw new InputException(compare.toString(), "input " + i, "is " + tb.get(i).type().label() + " "
                        + tb.get(i).shape() + ", but " + model + " takes " + ta.get(i).type().label() + " "
                        + ta.get(i).shape());
            }
        }
    }

    private void writeOutputs(Interpreter interpreter, ExecutionResult result, PrintWriter out) throws IOException {
        List<Tensor> tensors = interpreter.outputs();
        List<TensorBuffer> values = result.outputs();
        if (npyOutputs()) {
            // One file per output, moved into place together.
            try (OutputTarget.Batch files = new OutputTarget.Batch()) {
                for (int i = 0; i < values.size(); i++) {
                    TensorBuffer v = values.get(i);
                    files.addBinary(npyPath(output, i), o -> o.write(NpyFormat.write(v)));
                }
                files.commit();
            }
            return;
        }
        OutputTarget.write(output, out, w -> {
            for (int i = 0; i < values.size(); i++) {
                TensorText.write(w, tensors.get(i), values.get(i));
            }
        });
    }

    /** Returns whether the outputs go to .npy files, one per model output. */
    private boolean npyOutputs() {
        return output != null && output.getFileName() != null
                && output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    /** Returns the files the command writes for a model of {@code outputs} outputs (none for standard output). */
    private Path[] outputFiles(int outputs) {
        if (!npyOutputs()) {
            return new Path[] {output};
        }
        Path[] files = new Path[outputs];
        for (int i = 0; i < outputs; i++) {
            files[i] = npyPath(output, i);
        }
        return files;
    }

    /** Returns the file of output {@code i}: the given path for the first, {@code stem_i.npy} for the others. */
    static Path npyPath(Path first, int i) {
        if (i == 0) {
            return first;
        }
        String f = first.getFileName().toString();
        String stem = f.substring(0, f.length() - 4);
        return first.resolveSibling(stem + "_" + i + ".npy");
    }

    private static void printStats(Interpreter interpreter, ExecutionResult result, Writer out) throws IOException {
        Table t = new Table("tensor", "op", "name", "type", "shape", "zero %", "min", "max", "at min", "at max")
                .alignRight(0, 5, 6, 7, 8, 9);
        List<Integer> rows = new ArrayList<>();
        for (int i : interpreter.graph().inputs()) {
            rows.add(i);
        }
        rows.addAll(result.activationTensors());
        String[] producer = new String[interpreter.graph().tensors().size()];
        for (var op : interpreter.graph().operators()) {
            for (int o : op.outputs()) {
                producer[o] = "#" + op.index() + " " + op.opName();
            }
        }
        for (int i : rows) {
            Tensor tensor = interpreter.graph().tensor(i);
            ActivationStats s = result.stats(i);
            t.row(Integer.toString(i), producer[i] == null ? "input" : producer[i], tensor.name(),
                    tensor.type().label(), tensor.shape().toString(),
                    String.format(Locale.ROOT, "%.1f", 100 * s.zeroFraction()), Long.toString(s.min()),
                    Long.toString(s.max()), Long.toString(s.atTypeMin()), Long.toString(s.atTypeMax()));
        }
        out.write("\nActivation statistics (zero = the zero point; at min/max = values at the type's limits)\n");
        t.writeTo(out);
    }

    private void printComparison(List<OutputComparison.Difference> diffs, Writer out) throws IOException {
        Table t = new Table("output", "name", "values", "max |a-b|", "mean |a-b|").alignRight(0, 2, 3, 4);
        for (OutputComparison.Difference d : diffs) {
            t.row(Integer.toString(d.index()), d.name(), Long.toString(d.elements()),
                    String.format(Locale.ROOT, "%.6g", d.maxAbsDiff()),
                    String.format(Locale.ROOT, "%.6g", d.meanAbsDiff()));
        }
        out.write("\nDifference of dequantized outputs: " + model + " vs " + compare + "\n");
        t.writeTo(out);
    }
}
