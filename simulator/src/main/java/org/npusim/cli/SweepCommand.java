// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.Overrides;
import org.npusim.kernels.KernelChoice;
import org.npusim.sweep.Axis;
import org.npusim.sweep.PointEvaluator;
import org.npusim.sweep.PointResult;
import org.npusim.sweep.Progress;
import org.npusim.sweep.Sweep;
import org.npusim.sweep.SweepFormat;
import org.npusim.sweep.SweepPoint;
import org.npusim.sweep.SweepWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code npusim sweep MODEL --hw BASE.yaml --vary KEY=V1,V2,...}: simulates the model on every point of the
 * cartesian product of the varied keys, in parallel, and writes one row per point with the Pareto front marked.
 * The model is read once and the description parsed once; each point resolves its overrides and simulates.
 *
 * <p>With {@code -o FILE}, rows are appended to {@code FILE.partial} as they finish; the final file is written in
 * point order when the sweep ends, and the partial file removed. Ctrl-C stops the sweep: the points in flight
 * finish, and the rows finished so far are written in point order (exit code 130).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Simulate a model on the cartesian product of varied hardware keys, in parallel: one row per point "
                + "(time, energy, peak SRAM, flash and DRAM traffic, hardware size) with the Pareto front marked: the"
                + " points no other point beats on time, energy, NPU MACs per cycle and peak on-chip bytes at once (equal"
                + " in all four, the one that builds less on-chip memory wins; flash and DRAM bytes are reported, not"
                + " weighed).")
final class SweepCommand implements Callable<Integer> {

    /** The exit code after Ctrl-C (128 + SIGINT), with the finished rows written. */
    static final int INTERRUPTED = 130;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite file or a .yaml model description.")
    Path model;

    @Mixin
    HardwareOptions hardware = new HardwareOptions();

    @Option(names = "--vary", required = true, paramLabel = "KEY=V1,V2,...",
            description = "Vary a key of the description over values (repeatable): any --set key path, npu.variant, "
                    + "placement (a memory mode) or cpu_kernels (dense, winograd, sparse, auto), e.g. --vary"
                    + " npu.clock=200MHz,400MHz.")
    List<String> vary = new ArrayList<>();

    @Option(names = "--jobs", paramLabel = "N", description = "Simulate N points at once (default: the number of cores).")
    Integer jobs;

    @Option(names = "--format", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE}).")
    SweepFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Option(names = "--cpu-kernels", paramLabel = "KIND",
            description = "Kernels of CPU convolution and fully connected layers at every point: dense, winograd,"
                    + " sparse or auto, as simulate takes them (default: dense; --vary cpu_kernels=dense,auto"
                    + " compares them).")
    KernelChoice cpuKernels;

    @Option(names = "--progress", negatable = true,
            description = "Show a progress bar on standard error (default: when standard error is a terminal).")
    Boolean progress;

    /**
     * Refuses a value that makes no valid description with the base overrides alone (a typo such as
     * {@code npu.clock=fast} or {@code simulation.overlap=maybe}): it would fail every point it is in, which is bad
     * input, not a result. Values that only fail in some combinations, or whose model does not fit, stay failed rows.
     * Two values of one axis that describe the same hardware are refused too, as the same text twice is.
     */
    private static void checkValues(HardwareDocument document, List<Axis> axes, Overrides base) {
        // A bad fixed --set fails every point: it is reported as itself, not as the first varied value it meets. (The
        // base alone may lack what the axes give, so only errors at a --set count here; no axis can mend those, since
        // a key both fixed and varied is refused before.)
        try {
            document.resolve(base);
        } catch (InputException e) {
            if (e.messages().stream().anyMatch(m -> m.startsWith("--set "))) {
                throw e;
            }
        }
        for (Axis a : axes) {
            // Two spellings of one value (500MHz, 500 MHz, 0.5GHz) would give identical rows, each on the front.
            Map<HardwareConfig, String> seen = new HashMap<>();
            for (String v : a.values()) {
                SweepPoint alone = SweepPoint.product(List.of(new Axis(a.key(), List.of(v))), base).get(0);
                HardwareConfig hw;
                try {
                    hw = document.resolve(alone.overrides());
                } catch (InputException e) {
                    throw new InputException("", "--vary " + a.key() + "=" + v, "makes no valid description: "
                            + e.getMessage(), e);
                }
                String same = a.key().equals(Axis.CPU_KERNELS) ? null : seen.putIfAbsent(hw, v);
                if (same != null) {
                    throw new InputException("", "--vary " + a.key(), "values '" + same + "' and '" + v
                            + "' describe the same hardware; give each value once");
                }
            }
        }
    }

    /**
     * The keys a memory mode decides (--memory-mode, or the {@code placement} axis): it replaces these and keeps the
     * rest of the placement (layer weights, the cache size).
     */
    private static final java.util.Set<String> MODE_KEYS = java.util.Set.of("placement", "placement.mode",
            "placement.weights", "placement.arena", "placement.cache");

    /**
     * Refuses a key that is both fixed (--set, --npu, --memory-mode) and varied: at every point one of them would
     * replace the other without a word. A --set of a key above or below a varied one (memories.sram and
     * memories.sram.size) overlaps it the same way; a memory mode overlaps the keys it decides ({@link #MODE_KEYS}).
     */
    private static void checkFixedAndVaried(List<Axis> axes, Overrides base) {
        for (int i = 0; i < axes.size(); i++) {
            for (int k = 0; k < i; k++) {
                if (overlap(axes.get(k).key(), axes.get(i).key())) {
                    // Two axes that set the same thing: at every point the later replaces the earlier, and the rows
                    // are labelled with values that were not simulated.
                    throw new InputException("", "--vary " + axes.get(i).key(), "--vary " + axes.get(k).key()
                            + " sets it too; vary it once");
                }
            }
        }
        for (Axis a : axes) {
            String varied = a.key();
            if ((varied.equals("npu.variant") || varied.equals("npu")) && base.npu().isPresent()) {
                throw new InputException("", "--vary " + varied, "--npu " + base.npu().get() + " fixes the variant"
                        + " the sweep varies; give one of them");
            }
            if (MODE_KEYS.contains(varied) && base.memoryMode().isPresent()) {
                throw new InputException("", "--vary " + varied, "--memory-mode " + base.memoryMode().get() + " fixes"
                        + " the " + (varied.equals("placement") ? "memory mode" : varied) + " the sweep varies; give one"
                        + " of them");
            }
            for (String set : base.set()) {
                int eq = set.indexOf('=');
                String key = eq < 0 ? set : set.substring(0, eq);
                if (overlap(key, varied)) {
                    throw new InputException("", "--vary " + varied, "--set " + set + " fixes what the sweep varies;"
                            + " give one of them");
                }
            }
        }
    }

    /**
     * Returns whether setting {@code a} and setting {@code b} change the same key: one is the other or above it, or
     * one is the memory mode ({@code placement}) and the other a key it decides.
     */
    private static boolean overlap(String a, String b) {
        if (a.equals("placement") || b.equals("placement")) {
            return MODE_KEYS.contains(a) && MODE_KEYS.contains(b);
        }
        return a.equals(b) || a.startsWith(b + ".") || b.startsWith(a + ".");
    }

    @Override
    public Integer call() {
        OutputTarget.check(Arrays.asList(model, hardware.file()), output);
        List<Axis> axes = new ArrayList<>();
        for (String v : vary) {
            axes.add(Axis.parse(v));
        }
        int threads = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        if (threads < 1) {
            throw new InputException("", "--jobs", "expected at least 1, got " + threads);
        }
        HardwareDocument document = hardware.parse();
        Overrides base = hardware.overrideOptions().overrides();
        checkFixedAndVaried(axes, base);
        if (cpuKernels != null && axes.stream().anyMatch(a -> a.key().equals(Axis.CPU_KERNELS))) {
            throw new InputException("", "--vary " + Axis.CPU_KERNELS, "--cpu-kernels " + cpuKernels.label()
                    + " fixes the kernels the sweep varies; give one of them");
        }
        List<SweepPoint> points = SweepPoint.product(axes, base);
        checkValues(document, axes, base);
        Model m = ModelFiles.load(model);
        KernelChoice kernels = cpuKernels == null ? KernelChoice.DENSE : cpuKernels;
        PointEvaluator evaluator = new PointEvaluator(m, model.toString(), document, kernels);
        boolean kernelsVaried = axes.stream().anyMatch(a -> a.key().equals(Axis.CPU_KERNELS));
        SweepWriter.Header header = new SweepWriter.Header(model.toString(), hardware.file().toString(), axes,
                kernelsVaried ? "varied" : kernels.label());
        PrintWriter err = spec.commandLine().getErr();
        Progress bar = (progress != null ? progress : stderrIsTerminal())
                ? new Progress(err, points.size(), System::nanoTime) : null;
        Sweep sweep = new Sweep(points, evaluator::evaluate, threads);
        CountDownLatch written = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            sweep.cancel();
            try {
                written.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "npusim-sweep-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Journal journal = Journal.open(output, header)) {
            Sweep.Outcome outcome = sweep.run((row, done, total) -> {
                journal.append(row);
                if (bar != null) {
                    bar.update(done);
                }
            });
            if (bar != null) {
                bar.finish(outcome.rows().size());
            }
            if (!outcome.rows().isEmpty() && outcome.rows().stream().allMatch(r -> r.outcome() instanceof PointResult.Failure)) {
                throw new InputException("", "sweep", "no point could be simulated; point 0 ("
                        + String.join(", ", outcome.rows().get(0).values()) + "): "
                        + ((PointResult.Failure) outcome.rows().get(0).outcome()).reason());
            }
            OutputTarget.write(output, spec.commandLine().getOut(), w -> SweepWriter.write(header, outcome, format, w));
            if (outcome.interrupted()) {
                err.println("npusim: interrupted: " + outcome.rows().size() + " of " + outcome.points()
                        + " points finished; their rows are written");
                err.flush();
                return INTERRUPTED;
            }
            return Main.OK;
        } finally {
            written.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down (Ctrl-C): the hook is running and ends now that the rows are written.
            }
        }
    }

    /**
     * Returns whether standard error is a terminal. Java 17 can only ask whether the process has a console
     * (standard input and output); on Linux, file descriptor 2's link names the device.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * {@code FILE.partial}: the rows of a sweep written to {@code -o FILE}, in the order they finish, so that not
     * even a killed process loses them. Removed when the command ends (the final file then holds every finished
     * row). Without {@code -o}, nothing.
     */
    private static final class Journal implements AutoCloseable {
        private final Path file;
        private final Writer writer;

        private Journal(Path file, Writer writer) {
            this.file = file;
            this.writer = writer;
        }

        static Journal open(Path output, SweepWriter.Header header) {
            if (output == null) {
                return new Journal(null, null);
            }
            Path partial = output.resolveSibling(output.getFileName() + ".partial");
            try {
                Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
                w.write(SweepWriter.csvHeader(header));
                w.flush();
                return new Journal(partial, w);
            } catch (IOException e) {
                throw new InputException(partial.toString(), "", "cannot write: " + e.getMessage(), e);
            }
        }

        void append(PointResult row) {
            if (writer == null) {
                return;
            }
            try {
                writer.write(SweepWriter.csvRowUnmarked(row));
                writer.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (writer == null) {
                return;
            }
            try {
                writer.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
