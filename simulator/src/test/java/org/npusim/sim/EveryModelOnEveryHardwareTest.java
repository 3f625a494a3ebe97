// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.npusim.cmdstream.CompiledOperator;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.CachedWeightSizer;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.result.SimulationResult;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.tflite.TfliteReader;

/**
 * Every model of ../shared/models (the LSTM, dtln and Vela-compiled ones included) and every shipped model
 * description, on every shipped hardware description. Vela crashes on several of these combinations; the simulator
 * must either give a result or refuse with a one-line capacity error (a model whose weights or arena do not fit a
 * small MCU's memories), never fail otherwise. A Vela-compiled model runs only on the NPU variant its command
 * stream was compiled for: elsewhere (another variant, or no NPU) the one refusal allowed names that variant, and
 * it must give a result on at least one shipped description. The test prints the matrix.
 */
class EveryModelOnEveryHardwareTest {

    /** Fragments of the messages that say a model does not fit: the only refusals allowed. */
    private static final List<String> CAPACITY = List.of("holds", "does not fit", "needs");

    @Test
    void simulate_everyModelOnEveryShippedHardware_resultOrCapacityError() {
        SharedData.require();
        Map<String, Model> models = new TreeMap<>();
        for (Path p : SharedData.models()) {
            models.put(p.getFileName().toString(), TfliteReader.read(p));
        }
        for (String d : new String[] {"autoencoder_ad", "ds_cnn_small", "mobilenet_v1_025_96", "mobilenet_v2_100_224",
            "resnet8"}) {
            models.put(d + ".yaml", ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/" + d + ".yaml")));
        }
        // One weight cache for the whole matrix: descriptions with the same NPU variant share encodings.
        Simulator simulator = new Simulator(CortexMCostModel::of, new CachedWeightSizer(new EthosUWeightSizer()));
        List<String> failures = new ArrayList<>();
        int results = 0;
        int refusals = 0;
        Map<String, Integer> compiledResults = new TreeMap<>();
        StringBuilder table = new StringBuilder();
        for (Path file : ShippedHardware.all()) {
            HardwareConfig hw = HardwareLoader.load(file);
            table.append(String.format("%-36s", ShippedHardware.name(file)));
            for (Map.Entry<String, Model> m : models.entrySet()) {
                String cell;
                boolean compiled = CompiledOperator.any(m.getValue());
                if (compiled) {
                    compiledResults.putIfAbsent(m.getKey(), 0);
                }
                try {
                    Simulator.Run run = simulator.run(m.getValue(), m.getKey(), hw, false);
                    SimulationResult r = run.result();
                    assertThat(r.total().seconds()).as(m.getKey() + " on " + file).isPositive();
                    // One layer per operator of the model that ran: a compiled model's ethos-u operator is one
                    // layer per command of its stream.
                    assertThat(r.layers()).as(m.getKey() + " on " + file).hasSize(run.plan().model().main().operators().size());
                    // The CPU runs between NPU subgraphs: a CPU layer starts once every earlier layer has ended
                    // (its NPU producer's last write included), and nothing later starts before it ends.
                    long ended = 0;
                    for (int l = 0; l < r.layers().size(); l++) {
                        var layer = r.layers().get(l);
                        // Layers start in order, those without work of their own (a removed reshape) included.
                        if (l > 0) {
                            assertThat(layer.startCycle()).as(m.getKey() + " on " + file + ": layer " + l + " starts"
                                    + " before the layer before it").isGreaterThanOrEqualTo(r.layers().get(l - 1).startCycle());
                        }
                        if (layer.unit() == org.npusim.result.Unit.CPU) {
                            assertThat(layer.startCycle()).as(m.getKey() + " on " + file + ": CPU layer " + l
                                    + " starts before an earlier layer ends").isGreaterThanOrEqualTo(ended);
                        }
                        ended = Math.max(ended, layer.endCycle());
                    }
                    cell = String.format("%9.2f", r.total().seconds() * 1e3);
                    results++;
                    if (compiled) {
                        compiledResults.merge(m.getKey(), 1, Integer::sum);
                    }
                } catch (InputException e) {
                    String message = String.join(" ", e.messages());
                    if (compiled && message.contains("compiled by Vela for ethos-u")) {
                        cell = "   other";
                        refusals++;
                        table.append(cell);
                        continue;
                    }
                    if (CAPACITY.stream().noneMatch(message::contains)) {
                        failures.add(m.getKey() + " on " + ShippedHardware.name(file) + ": " + message);
                    }
                    cell = "  no fit";
                    refusals++;
                } catch (RuntimeException e) {
                    failures.add(m.getKey() + " on " + ShippedHardware.name(file) + ": " + e);
                    cell = "   ERROR";
                }
                table.append(cell);
            }
            table.append('\n');
        }
        System.out.println("Simulated time (ms) of every model on every shipped hardware description; models in order:");
        System.out.println("  " + String.join(", ", models.keySet()));
        System.out.print(table);
        System.out.println(results + " results, " + refusals + " refusals (capacity, or 'other': a Vela-compiled model on"
                + " another NPU variant than its stream's), " + failures.size() + " failures; results of compiled models: "
                + compiledResults);
        assertThat(failures).isEmpty();
        assertThat(compiledResults.values()).as("each compiled model simulates somewhere").allMatch(n -> n > 0);
        // Most combinations fit: a refusal is the exception (large models on small MCUs), not the rule.
        assertThat(results).isGreaterThan(3 * refusals);
    }
}
