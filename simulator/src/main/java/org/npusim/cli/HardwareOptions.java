// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.nio.file.Path;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.HardwareLoader;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --hw FILE} with its overrides ({@code --npu}, {@code --memory-mode}, {@code --set}): a picocli mixin for
 * commands that simulate or check a model on a hardware description. A bad description fails with a
 * {@code HardwareConfigException} listing every error; the command line prints one line each and exits 2.
 */
public final class HardwareOptions {

    @Option(names = "--hw", required = true, paramLabel = "FILE", description = "The hardware description (YAML).")
    Path hw;

    @Mixin
    HardwareOverrideOptions overrides = new HardwareOverrideOptions();

    /** Returns the description file. */
    public Path file() {
        return hw;
    }

    /** Loads and validates the description with the command-line overrides. */
    public HardwareConfig load() {
        return HardwareLoader.load(hw, overrides.overrides());
    }

    /** Parses the description without validating it, for commands that resolve it many times (sweeps). */
    public HardwareDocument parse() {
        return HardwareLoader.parse(hw);
    }

    /** Returns the overrides given on the command line. */
    public HardwareOverrideOptions overrideOptions() {
        return overrides;
    }
}
