// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.NpuVariant;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Does the encoder produce what Vela 3.10 produces? Compares the total of the unsliced encoded weights of every
 * model with Vela's {@code total_npu_encoded_weights} for each variant and configuration Vela compiled
 * (../shared/reference/vela), and prints the table.
 */
class VelaEncodedSizeTest {

    /** Vela operators that carry an encoded weight tensor. */
    private static final Set<String> WEIGHTED = Set.of("Conv2DBias", "DepthwiseConv2DBias", "FullyConnected",
            "Conv2DBackpropInputSwitchedBias", "VectorProduct");

    @Test
    void totals_everyCompiledConfiguration_within1PercentOfVela() throws IOException {
        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-36s %-14s %-28s %-15s %9s %9s %7s  %s%n",
                "model", "variant", "system", "mode", "ours", "vela", "err %", "compared"));
        Path dir = SharedData.require().resolve("reference/vela");
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        ObjectMapper json = new ObjectMapper();
        for (Path f : files) {
            JsonNode root = json.readTree(f.toFile());
            String name = root.get("model").asText();
            Path modelFile = SharedData.model(name);
            if (!Files.exists(modelFile)) {
                continue;
            }
            Model model = TfliteReader.read(modelFile);
            for (JsonNode config : root.get("configs")) {
                if (!config.has("summary")) {
                    continue;
                }
                NpuVariant variant = NpuVariant.fromLabel(config.get("accelerator").asText()).orElseThrow();
                long vela = config.get("summary").get("total_npu_encoded_weights").asLong();
                List<LayerWeights> layers = ModelWeights.of(model, variant);
                long ours = 0;
                int oursWeighted = 0;
                for (LayerWeights l : layers) {
                    if (l.encoded().isPresent()) {
                        ours += l.encoded().get().totalBytes();
                        oursWeighted++;
                    }
                }
                int velaWeighted = 0;
                int velaFromLstmOrSvdf = 0;
                for (JsonNode layer : config.get("layers")) {
                    if (WEIGHTED.contains(layer.get("vela_operator").asText())) {
                        velaWeighted++;
                        String tflite = layer.get("tflite_operator").asText();
                        if (!tflite.equals("CONV_2D") && !tflite.equals("DEPTHWISE_CONV_2D")
                                && !tflite.equals("FULLY_CONNECTED") && !tflite.equals("TRANSPOSE_CONV")) {
                            velaFromLstmOrSvdf++;
                        }
                    }
                }
                boolean comparable = velaFromLstmOrSvdf == 0 && velaWeighted == oursWeighted;
                double err = 100.0 * (ours - vela) / vela;
                table.append(String.format(Locale.ROOT, "%-36s %-14s %-28s %-15s %9d %9d %7.3f  %s%n", name,
                        variant.label(), config.get("system_config").asText(), config.get("memory_mode").asText(),
                        ours, vela, err, comparable ? "yes" : "no (Vela " + velaWeighted + " weighted ops, "
                                + velaFromLstmOrSvdf + " from LSTM/SVDF; ours " + oursWeighted + ")"));
                if (comparable && Math.abs(err) > 1.0) {
                    failures.add(name + " " + variant.label() + " " + config.get("memory_mode").asText() + ": " + err + "%");
                }
            }
        }
        System.out.print(table);
        assertThat(failures).isEmpty();
    }
}
