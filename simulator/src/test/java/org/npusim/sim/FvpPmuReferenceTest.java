// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.result.SimulationResult;
import org.npusim.testsupport.SharedData;

/**
 * The default simulation against a measurement that is not Vela's: Arm's ML Embedded Evaluation Kit documents one
 * inference of MobileNet v2 1.0 224 int8 on the Corstone-300 FVP with Ethos-U55-128, compiled by Vela for
 * {@code Ethos_U55_High_End_Embedded} in shared-sram mode, with the NPU's PMU counts ({@code
 * docs/use_cases/img_class.md}, "Running Image Classification"): 7,345,741 active cycles; 2,468,259 AXI0 read
 * beats and 1,151,319 AXI0 write beats (the arena in SRAM); 432,351 AXI1 read beats (the model in DDR). The
 * U55's AXI ports are 64 bits wide, 8 bytes a beat. The kit's timing adapters give the FVP's memories the
 * latencies and bandwidths that {@code hwconfigs/corstone-300.yaml} describes.
 *
 * <p>The FVP's NPU model is itself "cycle accurate within approximately +-10%" (tflite-micro,
 * {@code tensorflow/lite/micro/benchmarks/README.md}), so the bound is 10%. The shipped description of MobileNet v2
 * has the same layers as the kit's model but generated weights, which compress differently: the DDR bytes, the
 * weight streams, can differ by a few percent on that alone.
 */
final class FvpPmuReferenceTest {

    private static final long FVP_ACTIVE_CYCLES = 7_345_741;
    private static final long AXI_BYTES_PER_BEAT = 8;
    private static final long FVP_SRAM_READ_BYTES = 2_468_259 * AXI_BYTES_PER_BEAT;
    private static final long FVP_SRAM_WRITE_BYTES = 1_151_319 * AXI_BYTES_PER_BEAT;
    private static final long FVP_DDR_READ_BYTES = 432_351 * AXI_BYTES_PER_BEAT;

    @Test
    void mobilenetV2OnCorstone300_withinTheFvpsAccuracyOfItsPmuCounts() {
        Path root = SharedData.repositoryRoot();
        Model model = ModelDescriptions.load(root.resolve("models/mobilenet_v2_100_224.yaml"));
        HardwareConfig hw = HardwareLoader.load(root.resolve("hwconfigs/corstone-300.yaml"), List.of(), Optional.empty(),
                Optional.empty());
        SimulationResult r = Simulator.standard().simulate(model, "mobilenet_v2_100_224", hw);
        long cycles = r.total().cycles();
        long sramRead = r.total().traffic().get("sram").readBytes();
        long sramWrite = r.total().traffic().get("sram").writeBytes();
        long ddrRead = r.total().traffic().get("ddr").readBytes();
        System.out.printf("MobileNet v2 on Corstone-300 (U55-128), npusim against the FVP's PMU:%n"
                + "  NPU cycles   %,12d against %,12d  %+.1f%%%n"
                + "  SRAM read    %,12d against %,12d  %+.1f%%%n"
                + "  SRAM written %,12d against %,12d  %+.1f%%%n"
                + "  DDR read     %,12d against %,12d  %+.1f%%%n",
                cycles, FVP_ACTIVE_CYCLES, percent(cycles, FVP_ACTIVE_CYCLES), sramRead, FVP_SRAM_READ_BYTES,
                percent(sramRead, FVP_SRAM_READ_BYTES), sramWrite, FVP_SRAM_WRITE_BYTES,
                percent(sramWrite, FVP_SRAM_WRITE_BYTES), ddrRead, FVP_DDR_READ_BYTES, percent(ddrRead, FVP_DDR_READ_BYTES));
        assertThat(Math.abs(percent(cycles, FVP_ACTIVE_CYCLES))).isLessThanOrEqualTo(10.0);
        assertThat(Math.abs(percent(sramRead, FVP_SRAM_READ_BYTES))).isLessThanOrEqualTo(10.0);
        assertThat(Math.abs(percent(sramWrite, FVP_SRAM_WRITE_BYTES))).isLessThanOrEqualTo(10.0);
        assertThat(Math.abs(percent(ddrRead, FVP_DDR_READ_BYTES))).isLessThanOrEqualTo(10.0);
    }

    private static double percent(long npusim, long fvp) {
        return 100.0 * (npusim - fvp) / fvp;
    }
}
