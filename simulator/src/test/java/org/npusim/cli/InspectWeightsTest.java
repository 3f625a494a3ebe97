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

    @Test
    void weights_json_onTwoCores_givesPerLayerBytes() throws Exception {
        MainTest.Run r = MainTest.run("inspect", SharedData.model("hello_world_int8").toString(), "--weights",
                "--npu", "ethos-u65-512", "--format", "json");
        assertThat(r.code()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("schema").asText()).isEqualTo("npusim.weights/v1");
        assertThat(root.get("npu").asText()).isEqualTo("ethos-u65-512");
        // Vela's total on the two-core U65-512 is 800 bytes: each core has its own padded records and stream.
        assertThat(root.get("total").get("encoded_bytes").asLong()).isEqualTo(800);
        assertThat(root.get("layers")).hasSize(3);
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
