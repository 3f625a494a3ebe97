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

final class BlockConfigSearchTest {

    private static NpuOperation lowered(Model m, String outputName) {
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
     * ethos-u-facts.md §3.9 (a): person_detect's Conv2d_1_pointwise (1x1, 48x48x8 to 48x48x16) on U55-256 gets
     * OFM block 16x16x16, IFM block 16x16x8, part-kernel-first (IFM depth 8 is at most 8).
     */
    @Test
    void find_personDetectPointwiseOnU55_256_matchesVelaWorkedExample() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        NpuOperation op = lowered(m, "MobilenetV1/MobilenetV1/Conv2d_1_pointwise/Relu6");
        BlockConfig bc = BlockConfigSearch.find(NpuVariant.ETHOS_U55_256, op).orElseThrow();
        assertThat(bc.ofmBlock()).isEqualTo(Shape4.block(16, 16, 16));
        assertThat(bc.ifmBlock()).isEqualTo(Shape4.block(16, 16, 8));
        assertThat(bc.traversal()).isEqualTo(BlockConfig.Traversal.PART_KERNEL_FIRST);
    }

    /** §3.9 (b): the final 1x1 conv on a 1x1x256 IFM is a vector product with OFM block 2x2x8, IFM block 2x2x32. */
    @Test
    void find_personDetectLogitsOnU55_256_isVectorProductBlock() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        NpuOperation op = lowered(m, "MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd");
        assertThat(op.type()).isEqualTo(NpuBlockType.VECTOR_PRODUCT);
        BlockConfig bc = BlockConfigSearch.find(NpuVariant.ETHOS_U55_256, op).orElseThrow();
        assertThat(bc.ofmBlock()).isEqualTo(Shape4.block(2, 2, 8));
        assertThat(bc.ifmBlock()).isEqualTo(Shape4.block(2, 2, 32));
    }

    @Test
    void find_everyPersonDetectLayerOnEveryVariant_fitsShramAndIsUblockAligned() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        Lowering lowering = new Lowering(m.main());
        for (NpuVariant v : NpuVariant.values()) {
            for (Operator op : m.main().operators()) {
                if (lowering.lower(op) instanceof Lowering.Result.Npu npu) {
                    for (NpuOperation o : npu.operations()) {
                        BlockConfig bc = BlockConfigSearch.find(v, o).orElseThrow();
                        assertThat(bc.ofmBlock().h() % v.ofmUblockH()).isZero();
                        assertThat(bc.ofmBlock().w() % v.ofmUblockW()).isZero();
                        assertThat(bc.ofmBlock().c() % v.ofmUblockD()).isZero();
                    }
                }
            }
        }
    }
}
