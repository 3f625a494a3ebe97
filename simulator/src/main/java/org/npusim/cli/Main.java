// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.PrintWriter;
import org.npusim.errors.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code npusim} command. Exit codes: 0 success, 2 bad input (one line on stderr naming the file, the place
 * and what was expected) or output that cannot be written, 1 internal error. A stack trace is printed only with {@code --debug}.
 */
@Command(
        name = "npusim",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Cycle-level performance simulator for Arm Ethos-U NPUs and Cortex-M CPUs.",
        subcommands = {SimulateCommand.class, CheckCommand.class, InspectCommand.class, ExportCommand.class, RunCommand.class,
                HwCommand.class, SweepCommand.class, CompareCommand.class, KernelsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for an internal error. */
    public static final int INTERNAL_ERROR = 1;
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;

    @Option(names = "--debug", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, err, debug));
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("npusim: " + ex.getMessage().replace('\n', ' '));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return BAD_INPUT;
        });
        int code;
        try {
            code = cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler; a JVM Error still gets one line, not a stack trace.
            long heapMb = Runtime.getRuntime().maxMemory() >> 20;
            err.println("npusim: out of memory: the Java heap is limited to " + heapMb + " MB; raise it with"
                    + " NPUSIM_JAVA_OPTS=-Xmx2g (run with --debug for details)");
            if (debug) {
                e.printStackTrace(err);
            }
            code = INTERNAL_ERROR;
        } catch (StackOverflowError e) {
            err.println("npusim: internal error: stack overflow; raise the thread stack with NPUSIM_JAVA_OPTS=-Xss16m"
                    + " (run with --debug for details)");
            if (debug) {
                e.printStackTrace(err);
            }
            code = INTERNAL_ERROR;
        }
        // A PrintWriter swallows write errors: without this check, output lost to a full disk or a closed pipe would
        // end in exit 0 with nothing said.
        if (out.checkError() && code == OK) {
            err.println("npusim: standard output: cannot write (a full disk or a closed pipe): the output is incomplete");
            code = BAD_INPUT;
        }
        err.flush();
        return code;
    }

    private static int handle(Exception ex, PrintWriter err, boolean debug) {
        if (ex instanceof InputException) {
            ((InputException) ex).messages().forEach(err::println);
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return BAD_INPUT;
        }
        err.println("npusim: internal error: " + ex + (debug ? "" : " (run with --debug for details)"));
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return INTERNAL_ERROR;
    }

    /** Reports the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"npusim " + (v == null ? "dev" : v)};
        }
    }
}
