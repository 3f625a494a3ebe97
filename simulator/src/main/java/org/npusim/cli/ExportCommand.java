// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
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
        OutputTarget.writeBinary(output, TfliteWriter.write(m));
        return Main.OK;
    }
}
