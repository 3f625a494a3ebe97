// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.hw.NpuVariant;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * The worked examples of ethos-u-facts.md §3.9, reproduced exactly: person_detect on Ethos-U55-256 with
 * Ethos_U55_High_End_Embedded + Shared_Sram (SRAM 8 B/cycle, latency 32, burst 32; flash 1 B/cycle, latency 64,
 * burst 128).
 */
final class CostModelTest {

    static final MemoryTiming SRAM = new MemoryTiming("sram", 8.0, 32, 32, 32);
    static final MemoryTiming FLASH = new MemoryTiming("flash", 1.0, 128, 64, 64);

    private static NpuOperation lowered(String outputName) {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        Lowering lowering = new Lowering(m.main());
        for (Operator op : m.main().operators()) {
            if (m.main().tensor(op.output(0)).name().equals(outputName)) {
                List<NpuOperation> ops = ((Lowering.Result.Npu) lowering.lower(op)).operations();
                return ops.get(0);
            }
        }
        throw new AssertionError(outputName);
    }

    /**
     * (a) Conv2d_1_pointwise: dpu 512 per block, output 1024 (0.25 cycles/element x 4096), command overhead
     * (288 + 544 + 1024 + 512) / 4 = 592, 9 blocks: 1024 x 9 + 592 = 9808 cycles. SRAM: IFM 16x16x16 x 9 blocks
     * = 36,864 B and OFM 36,864 B: 73,728 B / 8 = 9,216 access cycles.
     */
    @Test
    void macOperation_pointwiseExample_givesVelasCycles() {
        CostModel model = new CostModel(NpuVariant.ETHOS_U55_256);
        NpuOperation op = lowered("MobilenetV1/MobilenetV1/Conv2d_1_pointwise/Relu6");
        BlockConfig bc = BlockConfigSearch.find(NpuVariant.ETHOS_U55_256, op).orElseThrow();
        StreamPlacement fm = new StreamPlacement(SRAM, TensorFormat.NHCWB16);
        OpCost cost = model.macOperation(op, bc, fm, fm, SRAM.readLatencyCycles());
        assertThat(cost.macBlockCycles()).isEqualTo(512.0);
        assertThat(cost.outputBlockCycles()).isEqualTo(1024.0);
        assertThat(cost.commandCycles()).isEqualTo(592.0);
        assertThat(cost.blocks()).isEqualTo(9);
        assertThat(cost.cycles()).isEqualTo(9808);
        CostModel.Traffic t = model.traffic(op, bc, TensorFormat.NHCWB16, TensorFormat.NHCWB16);
        assertThat(t.ifmElements()).isEqualTo(36_864);
        assertThat(t.ofmElements()).isEqualTo(36_864);
    }

    /**
     * (b) the logits FC (1x1x256 to 1x1x2): dpu (32 + 2) x 8 depth passes = 272; output ceil(0.25 x 2) = 1, and the
     * scale fetch 10 x 2 x 64 / 256 = 5 (bias read from flash) floors it to 5; command (36 + 33 + 5 + 272) / 4 =
     * 86.5 floors both stages, so Vela's output stage and the output stage's own work are both 86.5;
     * int(272 + 86.5) = 358.
     * The OFM (a subgraph output, NHWC) is written with 8-byte bursts into 32-byte SRAM bursts: efficiency 4.
     */
    @Test
    void macOperation_fullyConnectedExample_givesVelasCycles() {
        CostModel model = new CostModel(NpuVariant.ETHOS_U55_256);
        NpuOperation op = lowered("MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd");
        BlockConfig bc = BlockConfigSearch.find(NpuVariant.ETHOS_U55_256, op).orElseThrow();
        OpCost cost = logitsCost(FLASH.readLatencyCycles());
        assertThat(cost.macBlockCycles()).isEqualTo(272.0);
        assertThat(cost.outputBlockCycles()).isEqualTo(1.0);
        assertThat(cost.scaleFetchCycles()).isEqualTo(5.0);
        assertThat(cost.outputStageCycles()).isEqualTo(86.5);
        assertThat(cost.outputWorkCycles()).isEqualTo(86.5);
        assertThat(cost.commandCycles()).isEqualTo(86.5);
        assertThat(cost.cycles()).isEqualTo(358);
        CostModel.Traffic t = model.traffic(op, bc, TensorFormat.NHCWB16, TensorFormat.NHWC);
        assertThat(t.weightElements()).isEqualTo(512);
        assertThat(t.scaleBytes()).isEqualTo(20);
    }

    /**
     * (c) the same FC with its scales behind a 2,000-cycle latency: the scale fetch 10 x 2 x 2000 / 256 = 156.25
     * floors Vela's output stage; the command overhead takes that floored stage, (36 + 33 + 156.25 + 272) / 4 =
     * 124.3125; int(272 + 156.25) = 428. The output stage's own work is the command floor alone, 124.3125: what
     * the event simulation runs after the MAC stage, while the fetch runs beside it.
     */
    @Test
    void macOperation_scalesBehindLongLatency_splitsFetchFromOutputWork() {
        OpCost cost = logitsCost(2000);
        assertThat(cost.scaleFetchCycles()).isEqualTo(156.25);
        assertThat(cost.commandCycles()).isEqualTo(124.3125);
        assertThat(cost.outputStageCycles()).isEqualTo(156.25);
        assertThat(cost.outputWorkCycles()).isEqualTo(124.3125);
        assertThat(cost.cycles()).isEqualTo(428);
    }

    /** The logits FC on Ethos-U55-256 (IFM NHCWB16, OFM NHWC, both in SRAM), its scales behind {@code latency}. */
    private static OpCost logitsCost(double latency) {
        NpuOperation op = lowered("MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd");
        BlockConfig bc = BlockConfigSearch.find(NpuVariant.ETHOS_U55_256, op).orElseThrow();
        return new CostModel(NpuVariant.ETHOS_U55_256).macOperation(op, bc, new StreamPlacement(SRAM, TensorFormat.NHCWB16),
                new StreamPlacement(SRAM, TensorFormat.NHWC), latency);
    }
}
