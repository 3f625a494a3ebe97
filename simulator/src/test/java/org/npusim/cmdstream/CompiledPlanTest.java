// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.Shape4;
import org.npusim.npu.TensorFormat;
import org.npusim.plan.NpuTarget;
import org.npusim.plan.NpuTargets;
import org.npusim.plan.Step;
import org.npusim.plan.WeightPlan;
import org.npusim.testsupport.SharedData;

/** Plans the hand-assembled stream of {@link HandBuiltStream} as compiled. */
final class CompiledPlanTest {

    private static HardwareConfig hw(String file) {
        return HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs").resolve(file));
    }

    @Test
    void plan_handBuiltStream_stepsTakeBlocksWeightsAndTransfersFromTheStream() {
        HardwareConfig hw = hw("corstone-300.yaml");
        NpuTarget target = NpuTargets.from(hw).orElseThrow();
        CompiledPlan c = CompiledPlan.of(HandBuiltStream.model(), "hand.tflite", Optional.of(target), hw.name());

        // Both DMAs feed a kernel command (the weights the CONV, the LUT the ADD): three layers, three NPU steps.
        assertThat(c.model().main().operators()).extracting(o -> c.model().main().tensor(o.output(0)).name()).containsExactly(
                "ethos-u #1 CONV 8x8x16->8x8x16", "ethos-u #2 POOL MAX 8x8x16->4x4x16", "ethos-u #4 ELEMENTWISE ADD 4x4x16->4x4x16");
        assertThat(c.model().main().operators()).extracting(o -> o.opName()).containsExactly("CONV", "POOL MAX", "ELEMENTWISE ADD");
        List<Step> steps = c.plan().steps();
        assertThat(steps).hasSize(3).allMatch(s -> s instanceof Step.Npu);
        assertThat(c.macs()).isEqualTo(9L * 16 * 8 * 8 * 16 + 4L * 4 * 4 * 16);

        Step.Npu conv = (Step.Npu) steps.get(0);
        assertThat(conv.op().type()).isEqualTo(NpuBlockType.CONVOLUTION);
        assertThat(conv.op().activation()).as("clamp at 0: a ReLU").isEqualTo(NpuOperation.ActivationKind.RELU);
        assertThat(conv.blockConfig().ofmBlock()).isEqualTo(Shape4.block(4, 8, 16));
        assertThat(conv.blockConfig().traversal()).isEqualTo(BlockConfig.Traversal.DEPTH_FIRST);
        assertThat(conv.ifm().format()).isEqualTo(TensorFormat.NHWC);
        assertThat(conv.ofm().format()).isEqualTo(TensorFormat.NHCWB16);
        assertThat(conv.ofm().channel()).isEqualTo(target.arena());
        WeightPlan w = conv.weights().orElseThrow();
        assertThat(w.buffering()).isEqualTo(WeightPlan.Buffering.SINGLE);
        assertThat(w.source()).isEqualTo(target.weights());
        assertThat(w.buffer()).isEqualTo(target.arena());
        assertThat(w.encoded().weightBytes()).isEqualTo(64);
        assertThat(w.encoded().scaleBytes()).isEqualTo(32);
        assertThat(w.encoded().originalElements()).isEqualTo(3 * 3 * 16 * 16);
        assertThat(conv.transferGate()).as("the weight DMA comes before any kernel command").isEqualTo(Step.TransferGate.NONE);

        Step.Npu pool = (Step.Npu) steps.get(1);
        assertThat(pool.op().type()).isEqualTo(NpuBlockType.POOLING);
        assertThat(pool.op().function()).isEqualTo(NpuOperation.Function.MAX_POOL);
        assertThat(pool.weights()).isEmpty();

        Step.Npu add = (Step.Npu) steps.get(2);
        assertThat(add.op().function()).isEqualTo(NpuOperation.Function.ADD);
        assertThat(add.op().ifm2Scalar()).isTrue();
        assertThat(add.lutBytes()).isEqualTo(256);
        assertThat(add.op().activation()).isEqualTo(NpuOperation.ActivationKind.LUT);
        // The LUT DMA follows the POOL's issue and the stream's KERNEL_WAIT 1 holds it until the CONV is done.
        assertThat(add.transferGate()).isEqualTo(new Step.TransferGate(OptionalInt.of(1), OptionalInt.of(0)));
    }

    @Test
    void plan_otherVariantOrNoNpu_oneLineErrorNamingBoth() {
        HardwareConfig u55x256 = hw("corstone-310.yaml");
        assertThatThrownBy(() -> CompiledPlan.of(HandBuiltStream.model(), "hand.tflite", NpuTargets.from(u55x256), u55x256.name()))
                .isInstanceOf(InputException.class)
                .hasMessage("hand.tflite: operator 0 (ethos-u): compiled by Vela for ethos-u55-128 (optimizer config: 128 MACs/cycle,"
                        + " 24 KiB SHRAM, architecture 1.0.6; no NPU_SET_PARALLEL_MODE), but corstone-310 has an ethos-u55-256;"
                        + " simulate with --npu ethos-u55-128 or compile the model for ethos-u55-256");
        HardwareConfig cpu = hw("cpu-only/cortex-m7-280mhz.yaml");
        assertThatThrownBy(() -> CompiledPlan.of(HandBuiltStream.model(), "hand.tflite", NpuTargets.from(cpu), cpu.name()))
                .isInstanceOf(InputException.class)
                .hasMessage("hand.tflite: operator 0 (ethos-u): compiled by Vela for ethos-u55-128; a CPU-only system"
                        + " (cortex-m7-280mhz) cannot run it");
    }
}
