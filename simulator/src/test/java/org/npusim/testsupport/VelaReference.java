// SPDX-License-Identifier: Apache-2.0
package org.npusim.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Vela 3.10's reference estimates in ../shared/reference/vela. */
public final class VelaReference {

    private VelaReference() {}

    /** One (accelerator, system config, memory mode) entry that Vela compiled. */
    public record Config(String model, String accelerator, String systemConfig, String memoryMode, JsonNode summary,
            List<JsonNode> layers) {

        /** Returns Vela's op_cycles per TFLite operator, keyed by the output tensor name; lowered parts summed. */
        public Map<String, Double> cyclesByOperator() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (JsonNode row : layers) {
                m.merge(row.get("name").asText(), row.get("op_cycles").asDouble(), Double::sum);
            }
            return m;
        }

        public String tag() {
            return model + "/" + accelerator + "/" + systemConfig + "/" + memoryMode;
        }
    }

    /** Returns the compiled configurations of {@code model}, or none when there is no reference file. */
    public static List<Config> configs(String model) {
        Path p = SharedData.velaReference(model);
        List<Config> out = new ArrayList<>();
        if (!Files.exists(p)) {
            return out;
        }
        try {
            JsonNode root = new ObjectMapper().readTree(p.toFile());
            for (JsonNode c : root.get("configs")) {
                if (!c.has("summary")) {
                    continue;
                }
                List<JsonNode> layers = new ArrayList<>();
                c.get("layers").forEach(layers::add);
                out.add(new Config(model, c.get("accelerator").asText(), c.get("system_config").asText(),
                        c.get("memory_mode").asText(), c.get("summary"), layers));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
