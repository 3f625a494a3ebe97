// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Does the CPU cost model cost every operator of every shared model and shipped model description on every CPU-only
 * board (and, as the fallback CPU, on every other shipped system), with both kernel libraries, without exceptions
 * and with a plausible bottleneck? Prints each pair's whole-network figures, and the MLPerf Tiny comparison.
 */
class CpuOnlyBoardsTest {

    static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).filter(p -> !p.toString().contains("/base/"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Model load(Path p) {
        return p.toString().endsWith(".tflite") ? TfliteReader.read(p) : ModelDescriptions.load(p);
    }

    static List<Path> models() {
        List<Path> models = new ArrayList<>(list(SharedData.repositoryRoot().resolve("models"), ".yaml"));
        models.addAll(SharedData.models());
        return models;
    }

    /** Returns the whole-network CPU cycles of {@code g} on {@code cpu}, checking every operator's cost. */
    static long total(CortexMCostModel cpu, Subgraph g, String what) {
        long total = 0;
        for (Operator op : g.operators()) {
            CpuOpCost c = cpu.cost(g, op);
            assertThat(c.cycles()).as("%s %s: %s", what, op, c.kernel()).isPositive();
            boolean touched = c.readBytes().containsKey(c.bottleneck()) || c.writeBytes().containsKey(c.bottleneck());
            assertThat(c.bottleneck().equals("cpu") || touched).as("%s %s bottleneck %s", what, op, c.bottleneck())
                    .isTrue();
            total += c.cycles();
        }
        return total;
    }

    @Test
    void cost_everyModelOnEveryCpuOnlyBoard_positiveCyclesAndPlausibleBottleneck() {
        List<Path> models = models();
        for (Path b : list(SharedData.repositoryRoot().resolve("hwconfigs/cpu-only"), ".yaml")) {
            for (String library : new String[] {"cmsis-nn", "reference"}) {
                HardwareConfig hw = HardwareLoader.load(b, List.of("cpu.kernels=" + library), Optional.empty(),
                        Optional.empty());
                CortexMCostModel cpu = CortexMCostModel.of(hw);
                for (Path mp : models) {
                    Subgraph g = load(mp).main();
                    long total = total(cpu, g, b.getFileName() + " " + mp.getFileName());
                    System.out.printf(Locale.ROOT, "%-24s %-9s %-40s %,14d cycles %10.3f ms %6.3f MAC/cycle%n",
                            b.getFileName(), library, mp.getFileName(), total, total * 1e3 / hw.cpu().clockHz(),
                            (double) g.facts().totalMacs() / total);
                }
            }
        }
    }

    @Test
    void cost_everyModelOnEveryShippedSystem_noExceptions() {
        List<Path> models = models();
        for (Path b : list(SharedData.repositoryRoot().resolve("hwconfigs"), ".yaml")) {
            CortexMCostModel cpu = CortexMCostModel.of(HardwareLoader.load(b));
            for (Path mp : models) {
                assertThat(total(cpu, load(mp).main(), b + " " + mp)).isPositive();
            }
        }
    }

    /**
     * The MLPerf Tiny reference models against the published latencies of the two boards the CPU-only
     * descriptions follow (../shared/docs/cortex-m-kernel-facts.md §2.2): the Cortex-M33 of the Renesas RA6M4 at 200
     * MHz (TFLM + CMSIS-NN, round v0.7: 0.25, 0.26, 0.23, 0.29 MAC/cycle for IC, KWS, VWW, AD over the reference MAC
     * counts 12,501,632, 2,656,768, 7,489,664 and 264,192) and the Cortex-M85 of the RA8D1 at 480 MHz (v1.2:
     * 117.948, 288.611, 74.665 and 1884.138 inferences per second). The model is derived from the kernels, not fitted
     * to these numbers; the test prints the comparison and only guards against gross errors (a factor of 2.5).
     */
    @Test
    void cost_mlperfTinyModels_printComparisonWithPublishedLatencies() {
        String[] models = {"resnet8", "ds_cnn_small", "mobilenet_v1_025_96", "autoencoder_ad"};
        double[] referenceMacs = {12_501_632, 2_656_768, 7_489_664, 264_192};
        double[] m33MacsPerCycle = {0.25, 0.26, 0.23, 0.29};
        double[] m85InferencesPerSecond = {117.948, 288.611, 74.665, 1884.138};
        System.out.printf(Locale.ROOT, "%-22s %-20s %12s %12s %8s%n", "board", "model", "npusim ms", "published ms",
                "error");
        for (String board : new String[] {"cortex-m33-200mhz", "cortex-m85-480mhz"}) {
            HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/cpu-only/" + board
                    + ".yaml"));
            CortexMCostModel cpu = CortexMCostModel.of(hw);
            for (int i = 0; i < models.length; i++) {
                Subgraph g = load(SharedData.repositoryRoot().resolve("models/" + models[i] + ".yaml")).main();
                double ms = total(cpu, g, board + " " + models[i]) * 1e3 / hw.cpu().clockHz();
                double published = board.contains("m33") ? referenceMacs[i] / m33MacsPerCycle[i] / 200e6 * 1e3
                        : 1e3 / m85InferencesPerSecond[i];
                System.out.printf(Locale.ROOT, "%-22s %-20s %12.3f %12.3f %+7.1f%%%n", board, models[i], ms, published,
                        100 * (ms - published) / published);
                assertThat(ms / published).isBetween(1 / 2.5, 2.5);
            }
        }
    }
}
