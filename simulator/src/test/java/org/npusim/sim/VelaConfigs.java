// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.VelaReference;
import org.npusim.tflite.TfliteReader;

/**
 * The shipped hardware descriptions of Vela's system configurations ({@code hwconfigs/vela}), loaded for a
 * reference configuration the way {@code npusim simulate --hw FILE --npu VARIANT --memory-mode MODE} loads them.
 */
final class VelaConfigs {

    /** The settings that make {@code npusim simulate} Vela-compatible (no overlap between layers, no contention). */
    static final List<String> VELA_COMPATIBLE = List.of("simulation.overlap=false", "simulation.contention=false");

    private static final Map<String, String> FILES = Map.of(
            "Ethos_U55_High_End_Embedded", "ethos-u55-high-end-embedded.yaml",
            "Ethos_U55_Deep_Embedded", "ethos-u55-deep-embedded.yaml",
            "Ethos_U65_High_End", "ethos-u65-high-end.yaml",
            "Ethos_U65_Mid_End", "ethos-u65-mid-end.yaml");

    private static final Map<String, String> MODES = Map.of(
            "Sram_Only", "sram-only",
            "Shared_Sram", "shared-sram",
            "Dedicated_Sram", "dedicated-sram");

    private VelaConfigs() {}

    /** A shared model (its file name without {@code .tflite}, read) with one configuration Vela compiled it for. */
    record Case(String name, Model model, VelaReference.Config config) {}

    /** Returns every shared model with a Vela reference, once per configuration Vela compiled, in file order. */
    static List<Case> all() {
        List<Case> out = new ArrayList<>();
        for (Path p : SharedData.models()) {
            String name = p.getFileName().toString().replace(".tflite", "");
            List<VelaReference.Config> configs = VelaReference.configs(name);
            if (!configs.isEmpty()) {
                Model m = TfliteReader.read(p);
                configs.forEach(c -> out.add(new Case(name, m, c)));
            }
        }
        return out;
    }

    /** Returns the hardware of reference configuration {@code c} with the extra {@code settings}. */
    static HardwareConfig hardware(VelaReference.Config c, List<String> settings) {
        String file = FILES.get(c.systemConfig());
        String mode = MODES.get(c.memoryMode());
        if (file == null || mode == null) {
            throw new IllegalArgumentException("no hardware description for " + c.tag());
        }
        Path path = SharedData.repositoryRoot().resolve("hwconfigs/vela").resolve(file);
        return HardwareLoader.load(path, new ArrayList<>(settings), Optional.of(c.accelerator()), Optional.of(mode));
    }
}
