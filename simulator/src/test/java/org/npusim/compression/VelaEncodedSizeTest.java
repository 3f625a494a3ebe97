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
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.BlockConfigSearch;
import org.npusim.npu.NpuOperation;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Does the encoder produce what Vela 3.10 produces? Compares the total of the unsliced encoded weights of every
 * model with Vela's {@code total_npu_encoded_weights} for each variant and configuration Vela compiled
 * (../shared/reference/vela), and prints the table.
 *
 * <p>Only the operators that {@code Lowering} turns into weighted NPU operations are encoded. Two kinds of
 * Vela weighted operations have no such lowering: MEAN, which Vela runs as a depthwise convolution with all-ones
 * weights (synthesised here so that the total can still be checked), and the fully connected parts Vela splits
 * LSTMs into, one per gate and time step (here each gate matrix's stream is counted once on the LSTM's layer, as
 * those parts read it, and the totals are asserted too). Where Vela buffered weights (every configuration but
 * Sram_Only) it cut some layers into depth slices, each with its own 16-byte-padded records and stream, so its
 * total is a little larger than the unsliced one.
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
                    if (l.isEncoded()) {
                        ours += l.encodedBytes();
                        oursWeighted++;
                    }
                }
                int velaWeighted = 0;
                int velaMeans = 0;
                int velaOther = 0;
                for (JsonNode layer : config.get("layers")) {
                    if (WEIGHTED.contains(layer.get("vela_operator").asText())) {
                        velaWeighted++;
                        String tflite = layer.get("tflite_operator").asText();
                        if (tflite.equals("MEAN")) {
                            velaMeans++;
                        } else if (!tflite.equals("CONV_2D") && !tflite.equals("DEPTHWISE_CONV_2D")
                                && !tflite.equals("FULLY_CONNECTED") && !tflite.equals("TRANSPOSE_CONV")) {
                            velaOther++;
                        }
                    }
                }
                long means = velaMeans > 0 ? meansAsDepthwise(model, variant) : 0;
                // Vela unrolls an LSTM into fully connected parts per time step that read each gate matrix's one
                // stream; ours lists the LSTM once with each matrix's stream, so the totals compare where every
                // LSTM layer is encoded.
                boolean lstmsEncoded = velaOther > 0
                        && layers.stream().filter(l -> l.op().contains("LSTM")).allMatch(LayerWeights::isEncoded)
                        && layers.stream().anyMatch(l -> l.op().contains("LSTM"));
                boolean comparable = (velaOther == 0 && velaWeighted == oursWeighted + velaMeans) || lstmsEncoded;
                double err = 100.0 * (ours + means - vela) / vela;
                String note = lstmsEncoded ? "yes, each LSTM gate matrix's stream once (Vela: " + velaOther + " unrolled ops)"
                        : comparable
                        ? (velaMeans > 0 ? "yes, with " + velaMeans + " MEAN as all-ones depthwise: " + means + " B" : "yes")
                        : "no: Vela has " + velaOther + " weighted ops from LSTM/SVDF (unrolled gates: see VelaEstimatorTest)";
                table.append(String.format(Locale.ROOT, "%-36s %-14s %-28s %-15s %9d %9d %7.3f  %s%n", name,
                        variant.label(), config.get("system_config").asText(), config.get("memory_mode").asText(),
                        ours + means, vela, err, note));
                if (comparable && Math.abs(err) > 1.0) {
                    failures.add(name + " " + variant.label() + " " + config.get("memory_mode").asText() + ": " + err + "%");
                }
            }
        }
        table.append("Differences in configurations other than Sram_Only: Vela sliced the weights of some layers for "
                + "double buffering; each slice has its own 16-byte-padded records and stream.\n");
        System.out.print(table);
        assertThat(failures).isEmpty();
    }

    /**
     * Returns the encoded bytes of the model's MEAN operators as Vela runs them: a depthwise convolution over the
     * whole H×W with weights 1 (ethos-u-facts.md §3.1).
     */
    private static long meansAsDepthwise(Model model, NpuVariant variant) {
        long bytes = 0;
        Subgraph g = model.main();
        for (Operator op : g.operators()) {
            if (!op.is(BuiltinOperator.MEAN)) {
                continue;
            }
            int[] in = g.tensor(op.input(0)).shape().dims();
            int h = in[1];
            int w = in[2];
            int c = in[3];
            byte[] ones = new byte[h * w * c];
            java.util.Arrays.fill(ones, (byte) 1);
            Subgraph dw = TinyGraphs.depthwise(ones, h, w, c, h, w);
            NpuOperation npuOp = TinyGraphs.lower(dw);
            BlockConfig config = BlockConfigSearch.find(variant, npuOp).orElseThrow();
            bytes += new WeightEncoder(dw).encode(npuOp, config, variant).totalBytes();
        }
        return bytes;
    }
}
