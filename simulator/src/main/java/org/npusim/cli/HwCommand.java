// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.npusim.errors.InputException;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.hw.yaml.ResolvedWriter;
import org.npusim.report.Table;
import org.npusim.units.Frequency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code npusim hw show FILE} and {@code npusim hw list}: hardware descriptions, resolved and shipped. */
@Command(name = "hw", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Show a resolved hardware description, or list the shipped ones.",
        subcommands = {HwCommand.Show.class, HwCommand.ListFiles.class})
final class HwCommand {

    /** Output formats of {@code hw show}. */
    enum Format {
        YAML,
        JSON
    }

    /** {@code npusim hw show FILE [overrides] [--format yaml|json] [-o FILE]}. */
    @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Print the fully resolved description: every key, units canonical, derived"
            + " bandwidths. The YAML form loads back as the same system, frozen: memory clocks that followed the NPU"
            + " clock (clock_scale) become fixed clocks, and placements follow no memory mode, so --set npu.clock,"
            + " --memory-mode and the what-ifs built on them change less on it than on the original file.")
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "A hardware description (YAML).")
        Path file;

        @Mixin
        HardwareOverrideOptions overrides = new HardwareOverrideOptions();

        @Option(names = "--format", defaultValue = "yaml", description = "yaml or json (default: ${DEFAULT-VALUE}).")
        Format format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
        Path output;

        @Override
        public Integer call() {
            OutputTarget.check(Arrays.asList(file), output);
            HardwareConfig hw = HardwareLoader.load(file, overrides.overrides());
            String text = format == Format.JSON ? ResolvedWriter.json(hw) : ResolvedWriter.yaml(hw);
            OutputTarget.write(output, spec.commandLine().getOut(), w -> w.write(text));
            return Main.OK;
        }
    }

    /** {@code npusim hw list [--dir DIR]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "List the shipped descriptions (hwconfigs/, without base/) with their NPU, CPU"
            + " and a one-line description.")
    static final class ListFiles implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", paramLabel = "DIR", description = "The directory to list (default: hwconfigs/ of the"
                + " repository the jar was built in, else of the working directory).")
        Path dir;

        @Override
        public Integer call() throws IOException {
            Path root = dir != null ? dir : library();
            if (!Files.isDirectory(root)) {
                throw new InputException(root.toString(), "", Files.exists(root)
                        ? "is a file; --dir takes a directory of hardware descriptions" : "no such directory");
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(root)) {
                files = s.filter(p -> p.toString().endsWith(".yaml") && Files.isRegularFile(p))
                        .filter(p -> !root.relativize(p).startsWith("base"))
                        .sorted((a, b) -> slashes(root.relativize(a)).compareTo(slashes(root.relativize(b))))
                        .toList();
            }
            Table t = new Table("file", "NPU", "CPU", "description");
            int code = Main.OK;
            List<String> errors = new ArrayList<>();
            for (Path f : files) {
                String name = slashes(root.relativize(f));
                try {
                    HardwareConfig hw = HardwareLoader.load(f);
                    String npu = hw.npu().map(n -> n.variant().label() + " @ " + new Frequency(n.clockHz())).orElse("-");
                    String cpu = hw.cpu().core().label() + " @ " + new Frequency(hw.cpu().clockHz());
                    t.row(name, npu, cpu, hw.description());
                } catch (InputException e) {
                    t.row(name, "?", "?", "does not load: " + e.getMessage());
                    errors.addAll(e.messages());
                    code = Main.BAD_INPUT;
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Hardware descriptions in " + root);
            t.writeTo(out);
            out.flush();
            PrintWriter err = spec.commandLine().getErr();
            errors.forEach(err::println);
            err.flush();
            return code;
        }

        private static String slashes(Path relative) {
            return relative.toString().replace('\\', '/');
        }
    }

    /**
     * Finds the shipped hwconfigs/: beside the code's own repository (the jar is
     * {@code ROOT/simulator/target/npusim.jar}, the classes {@code ROOT/simulator/target/classes}, so ROOT is three
     * levels up), else in the working directory.
     */
    static Path library() {
        Optional<Path> fromCode = codeLocation().map(Path::getParent).map(Path::getParent).map(Path::getParent)
                .map(p -> p.resolve("hwconfigs")).filter(Files::isDirectory);
        if (fromCode.isPresent()) {
            return fromCode.get();
        }
        Path cwd = Path.of("hwconfigs");
        if (Files.isDirectory(cwd)) {
            return cwd;
        }
        throw new InputException("hwconfigs", "", "cannot find the hwconfigs/ directory next to the npusim jar or in"
                + " the working directory; give --dir DIR");
    }

    private static Optional<Path> codeLocation() {
        try {
            var source = HwCommand.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
