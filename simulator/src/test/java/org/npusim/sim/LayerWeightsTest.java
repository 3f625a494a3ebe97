// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.Placement;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.testsupport.SharedData;

/** {@code placement.layer_weights}: some layers' weights in another memory than the rest. */
final class LayerWeightsTest {

    private static final Model MODEL = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/mobilenet_v1_025_96.yaml"));

    private static HardwareConfig corstone300(String... set) {
        return HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"), List.of(set),
                Optional.empty(), Optional.empty());
    }

    private static SimulationResult simulate(HardwareConfig hw) {
        return new Simulator(CortexMCostModel::of, new EthosUWeightSizer()).simulate(MODEL, MODEL.name(), hw);
    }

    private static long bytes(LayerResult l, String memory) {
        var t = l.traffic().get(memory);
        return t == null ? 0 : t.readBytes() + t.writeBytes();
    }

    @Test
    void simulate_layersWeightsInSram_theyReadNoDdrAndTheRunIsFaster() {
        // Corstone-300 in shared-sram mode keeps weights in DDR; layers 22-26 are pointwise convolutions bound by it.
        SimulationResult base = simulate(corstone300());
        SimulationResult moved = simulate(corstone300("placement.layer_weights.sram=22-26"));
        for (int i = 0; i < base.layers().size(); i++) {
            LayerResult a = base.layers().get(i);
            LayerResult b = moved.layers().get(i);
            if (i >= 22 && i <= 26) {
                assertThat(bytes(a, "ddr")).as("layer %d reads its weights from DDR", i).isPositive();
                assertThat(bytes(b, "ddr")).as("layer %d with its weights in SRAM", i).isZero();
            } else {
                assertThat(bytes(b, "ddr")).as("layer %d keeps its DDR traffic", i).isEqualTo(bytes(a, "ddr"));
            }
            // The same weights wherever they are stored (their streams differ: read in place from SRAM they are not
            // cut into depth slices for DMA buffering).
            assertThat(b.weights().originalBytes()).isEqualTo(a.weights().originalBytes());
        }
        System.out.printf("mobilenet_v1_025_96 on corstone-300: %.1f us, with layers 22-26's weights in SRAM %.1f us%n",
                base.total().seconds() * 1e6, moved.total().seconds() * 1e6);
        assertThat(moved.total().seconds()).isLessThan(base.total().seconds());
    }

    @Test
    void simulate_allWeightLayersListed_sameAsWeightsInSramForEveryLayer() {
        // Listing every layer moves every constant: the same system as the custom placement of all weights in SRAM.
        String all = "0-" + (MODEL.main().operators().size() - 1);
        SimulationResult listed = simulate(corstone300("placement.layer_weights.sram=" + all));
        SimulationResult custom = simulate(corstone300("placement.mode=custom", "placement.weights=sram",
                "placement.arena=sram", "placement.cache=sram"));
        assertThat(listed.total().seconds()).isEqualTo(custom.total().seconds());
        assertThat(listed.total().traffic()).isEqualTo(custom.total().traffic());
    }

    @Test
    void simulate_layerBeyondTheModel_oneLineErrorNamingTheKey() {
        assertThatThrownBy(() -> simulate(corstone300("placement.layer_weights.sram=40")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("placement.layer_weights.sram")
                .hasMessageContaining("names layer 40, but mobilenet_v1_025_96 has layers 0-30");
    }

    @Test
    void simulate_layerWeightsDoNotFit_errorNamesTheMemory() {
        // Layer 26 (1x1 conv, 256 -> 256): 256 x 256 int8 weights and 256 int32 biases, 65,536 + 1,024 = 66,560
        // bytes as tensors, which the NPU reads as one encoded stream: the compressed weights and 256 scale/bias
        // records of 10 bytes, 64,880 bytes (inspect --weights), which is what the memory must hold. 63 KiB of SRAM
        // does not.
        assertThatThrownBy(() -> simulate(corstone300("memories.sram.size=63 KiB", "placement.layer_weights.sram=26")))
                .isInstanceOf(InputException.class)
                .hasMessage("corstone-300: memory sram: holds 64512 bytes but the weights and constants placed there"
                        + " need 64880 bytes, the NPU layers' weights and biases as their encoded streams (placement.weights,"
                        + " placement.layer_weights); the largest is layer 26 (conv_13_pointwise), 64880 bytes");
        // 96 KiB holds the weights, but not with the activations (the NPU stores the feature maps as NHCWB16, their
        // depth rounded up to 16: more than the 55,296 bytes of the TFLite tensors).
        assertThatThrownBy(() -> simulate(corstone300("memories.sram.size=96 KiB", "placement.layer_weights.sram=26")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("memory sram")
                .hasMessageContaining("live activations (the NPU schedule's feature maps, after cascading, and weight buffers) and weights"
                        + " (the NPU layers' as their encoded streams) (placement.arena)");
    }

    @Test
    void simulate_compiledModel_layerWeightsRefused() {
        Model compiled = org.npusim.tflite.TfliteReader.read(SharedData.model("person_detect_vela"));
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-310.yaml"),
                List.of("placement.layer_weights.sram=1"), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> new Simulator(CortexMCostModel::of, new EthosUWeightSizer()).simulate(compiled, "m", hw))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("placement.layer_weights: a Vela-compiled model reads its weights where its"
                        + " command stream says");
    }

    @Test
    void footprint_layerWeights_splitTheParameterBytesBetweenMemories() {
        HardwareConfig hw = corstone300("placement.layer_weights.sram=22-26");
        var bytes = WeightFootprint.bytesByMemory(MODEL.main(), hw.placement());
        assertThat(bytes.get("ddr") + bytes.get("sram")).isEqualTo(MODEL.main().facts().parameterBytes());
        assertThat(bytes.get("sram")).isPositive();
        assertThat(hw.placement().layerWeightsByMemory()).containsExactly(java.util.Map.entry("sram", "22-26"));
    }

    @Test
    void ranges_ascendingLayers_writtenAsTheKeyReadsThem() {
        assertThat(Placement.ranges(new java.util.TreeSet<>(List.of(3, 4, 5, 7, 9, 10)))).isEqualTo("3-5,7,9-10");
        assertThat(Placement.ranges(new java.util.TreeSet<>(List.of(0)))).isEqualTo("0");
        assertThat(Placement.ranges(new java.util.TreeSet<>())).isEmpty();
    }
}
