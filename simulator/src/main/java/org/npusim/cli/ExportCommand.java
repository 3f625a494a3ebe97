// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.tflite.TfliteWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code npusim export MODEL.yaml -o OUT.tflite}: writes a model as a TFLite flatbuffer. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Write a model (a .yaml description or a .tflite file) as a TFLite flatbuffer.")
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .yaml model description (or a .tflite file).")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.tflite", required = true, description = "The file to write.")
    Path output;

    @Override
    public Integer call() {
        OutputTarget.check(Arrays.asList(model), output);
        Model m = ModelFiles.load(model);
        byte[] bytes;
        try {
            bytes = TfliteWriter.write(m);
        } catch (InputException e) {
            // The writer knows the operator, not the file it came from.
            throw e.file().isEmpty() ? new InputException(model.toString(), e.place(), e.problem(), e) : e;
        }
        OutputTarget.writeBinary(output, bytes);
        return Main.OK;
    }
}
