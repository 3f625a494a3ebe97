// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.tflite.TfliteReader;
import org.npusim.tflite.TfliteWriter;

/** resize_bilinear and resize_nearest_neighbor layers in model descriptions: shapes, options, versions, round trip. */
final class ResizeDescriptionTest {

    private static final String UPSAMPLING = """
            schema: npusim.model/v1
            name: upsampling
            input: {shape: [1, 8, 8, 4], type: int8, scale: 0.02, zero_point: 0}
            weights: {seed: 5}
            layers:
              - {op: conv2d, name: conv, filters: 16, kernel: 3, padding: same}
              - {op: resize_bilinear, name: up, size: [32, 32]}
              - {op: resize_nearest_neighbor, name: up2, size: [63, 63], align_corners: true}
              - {op: resize_nearest_neighbor, name: up3, size: [126, 126], half_pixel_centers: true}
            """;

    @Test
    void parse_resizes_shapesOptionsVersionsAndSharedQuantization() {
        Subgraph g = ModelDescriptions.parse(UPSAMPLING, "upsampling.yaml").main();
        assertThat(g.tensor(g.operators().get(1).output(0)).shape()).isEqualTo(Shape.of(1, 32, 32, 16));
        assertThat(g.tensor(g.operators().get(3).output(0)).shape()).isEqualTo(Shape.of(1, 126, 126, 16));
        assertThat(g.operators().get(1).options()).isEqualTo(new OpOptions.Resize(false, false));
        assertThat(g.operators().get(2).options()).isEqualTo(new OpOptions.Resize(true, false));
        // op_version.cc: int8 2; align_corners or half_pixel_centers on nearest neighbour 3.
        assertThat(g.operators()).extracting(o -> o.code().version()).containsExactly(3, 2, 3, 3);
        // The size input is the output's height and width; the output keeps the input's quantization.
        assertThat(g.tensor(g.operators().get(1).input(1)).data().orElseThrow().toIntArray()).containsExactly(32, 32);
        assertThat(g.tensor(g.operators().get(1).output(0)).quantization())
                .isEqualTo(g.tensor(g.operators().get(1).input(0)).quantization());
        Model m = ModelDescriptions.parse(UPSAMPLING, "upsampling.yaml");
        Model back = TfliteReader.read(ByteBuffer.wrap(TfliteWriter.write(m)), "x.tflite", m.name());
        assertThat(back.main().operators()).extracting(o -> o.options())
                .containsExactlyElementsOf(m.main().operators().stream().map(o -> o.options()).toList());
    }

    @Test
    void simulate_everyResize_onTheNpu() {
        Model m = ModelDescriptions.parse(UPSAMPLING, "upsampling.yaml");
        SimulationResult r = Simulator.standard().simulate(m, m.name(), HardwareLoader.load(ShippedHardware.file("corstone-300.yaml")));
        assertThat(r.layers()).extracting(l -> l.unit()).containsOnly(Unit.NPU);
    }

    @Test
    void parse_bothFlags_refusedWithThePlace() {
        String yaml = UPSAMPLING.replace("align_corners: true", "align_corners: true, half_pixel_centers: true");
        assertThatThrownBy(() -> ModelDescriptions.parse(yaml, "upsampling.yaml")).isInstanceOf(InputException.class)
                .hasMessageContaining("half_pixel_centers").hasMessageContaining("not both");
    }
}
