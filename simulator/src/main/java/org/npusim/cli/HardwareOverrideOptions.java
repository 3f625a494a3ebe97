// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.hw.yaml.Overrides;
import picocli.CommandLine.Option;

/**
 * The command-line overrides of a hardware description: {@code --npu}, {@code --memory-mode} and repeatable
 * {@code --set key.path=value}. A picocli mixin, shared by every command that reads a description.
 */
public final class HardwareOverrideOptions {

    @Option(names = "--npu", paramLabel = "VARIANT",
            description = "Replace the NPU variant: ethos-u55-32|64|128|256, ethos-u65-256|512.")
    String npu;

    @Option(names = "--memory-mode", paramLabel = "MODE",
            description = "Replace the memory mode: sram-only, shared-sram or dedicated-sram.")
    String memoryMode;

    @Option(names = "--set", paramLabel = "KEY.PATH=VALUE",
            description = "Set a key of the description, e.g. --set npu.clock='400 MHz' (repeatable; later ones win).")
    List<String> set = new ArrayList<>();

    /** Returns the overrides given on the command line. */
    public Overrides overrides() {
        return new Overrides(set, Optional.ofNullable(npu), Optional.ofNullable(memoryMode));
    }
}
