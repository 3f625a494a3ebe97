// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.npusim.testsupport.SharedData;

/** Does {@code npusim inspect --weights} report the weighted layers and reject bad arguments with exit code 2? */
final class InspectWeightsTest {

    @Test
    void weights_table_listsEncodedLayersAndTotals() {
        MainTest.Run r = MainTest.run("inspect", SharedData.model("hello_world_int8").toString(), "--weights");
        assertThat(r.code()).isZero();
        // Three fully connected layers; Vela's total for this model on every single-core variant is 752 bytes.
        assertThat(r.out()).contains("FULLY_CONNECTED").contains("weights on ethos-u55-128")
                .contains("encoded bytes    752");
    }

    /** Runs {@code inspect --weights} on a shared model for a variant, in JSON, and reads the output. */
    private static JsonNode weightsJson(String model, String npu) throws Exception {
        MainTest.Run r = MainTest.run("inspect", SharedData.model(model).toString(), "--weights", "--npu", npu,
                "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void weights_json_onTwoCores_givesPerLayerBytes() throws Exception {
        JsonNode root = weightsJson("hello_world_int8", "ethos-u65-512");
        assertThat(root.get("schema").asText()).isEqualTo("npusim.weights/v1");
        assertThat(root.get("npu").asText()).isEqualTo("ethos-u65-512");
        // Vela's total on the two-core U65-512 is 800 bytes: each core has its own padded records and stream.
        assertThat(root.get("total").get("encoded_bytes").asLong()).isEqualTo(800);
        assertThat(root.get("layers")).hasSize(3);
    }

    /**
     * An LSTM's weights are not left out: micro_speech_lstm's LSTM holds 107,840 of its 119,600 weights in eight gate
     * matrices (input and recurrent, for each of its four gates), each encoded once as the gate products read it, so
     * that the layer's and the model's encoded bytes equal simulate's (113,856 and 127,600 B on U65 high-end);
     * keyword_scrambled's SVDFs say they run on the CPU.
     */
    @Test
    void weights_lstmAndSvdf_listedAsSimulateSizesThem() throws Exception {
        JsonNode root = weightsJson("micro_speech_lstm", "ethos-u65-256");
        MainTest.Run sim = MainTest.run("simulate", SharedData.model("micro_speech_lstm").toString(), "--hw",
                SharedData.repositoryRoot().resolve("hwconfigs/vela/ethos-u65-high-end.yaml").toString(), "--npu",
                "ethos-u65-256", "--format", "json", "--no-what-if");
        JsonNode simulated = new ObjectMapper().readTree(sim.out());
        JsonNode layer = root.get("layers").get(0);
        assertThat(layer.get("op").asText()).isEqualTo("UNIDIRECTIONAL_SEQUENCE_LSTM");
        assertThat(layer.get("weights").asLong()).isEqualTo(107_840);
        assertThat(layer.get("encoded_bytes").asLong())
                .isEqualTo(simulated.get("layers").get(0).get("weights").get("encoded_bytes").asLong()).isEqualTo(113_856);
        assertThat(root.get("total").get("encoded_bytes").asLong())
                .isEqualTo(simulated.get("total").get("weights").get("encoded_bytes").asLong()).isEqualTo(127_600);
        MainTest.Run svdf = MainTest.run("inspect", SharedData.model("keyword_scrambled").toString(), "--weights");
        assertThat(svdf.out()).contains("1 weight matrix on the CPU: SVDF is not an Ethos-U operator")
                .contains("weighted layers  12 (5 encoded)");
    }

    @Test
    void weights_unknownVariant_exitsTwoWithTheValidNames() {
        MainTest.Run r = MainTest.run("inspect", SharedData.model("hello_world_int8").toString(), "--weights",
                "--npu", "ethos-u99");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("--npu: unknown variant 'ethos-u99'").contains("ethos-u65-512")
                .doesNotContain("\n").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }
}
