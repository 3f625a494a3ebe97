// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.CpuOpCost;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.CpuCore;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.testsupport.SharedData;

final class VariantCpuCostModelTest {

    /** A base model that charges one cycle per MAC plus 1,000, so that ratios are easy to follow. */
    static final CpuCostModel BASE = (g, op) -> CpuOpCost.of(g.operatorFacts(op.index()).macs() + 1000, "cpu",
            "base " + op.opName());

    static Subgraph resnet8() {
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));
        return m.main();
    }

    @Test
    void cost_dense_isTheBaseCost() {
        Subgraph g = resnet8();
        CpuCostModel dense = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.DENSE);
        for (Operator op : g.operators()) {
            assertThat(dense.cost(g, op)).isEqualTo(BASE.cost(g, op));
        }
    }

    @Test
    void cost_winograd_scales3x3Stride1LayersByTheModelledRatioAndLeavesTheRest() {
        Subgraph g = resnet8();
        CpuCostModel w = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.WINOGRAD);
        KernelCostModel model = new KernelCostModel(CpuCore.CORTEX_M4);
        int scaled = 0;
        for (Operator op : g.operators()) {
            CpuOpCost base = BASE.cost(g, op);
            CpuOpCost c = w.cost(g, op);
            var shape = LayerShape.of(g, op);
            if (shape.isPresent() && shape.get().isWinogradShape()) {
                scaled++;
                Sparsity none = Sparsity.ofWeights(0);
                double ratio = Math.min(model.cost(shape.get(), KernelVariant.WINOGRAD_F2, none).cycles(),
                        model.cost(shape.get(), KernelVariant.WINOGRAD_F4, none).cycles())
                        / model.cost(shape.get(), KernelVariant.DENSE, none).cycles();
                assertThat(c.cycles()).isEqualTo(Math.round(base.cycles() * ratio)).isLessThan(base.cycles());
                assertThat(c.kernel()).startsWith(base.kernel() + " [winograd-f");
            } else {
                assertThat(c).isEqualTo(base);
            }
        }
        // conv_0 and the second convolution of each stack, plus the first of stack 1: 3x3 stride 1.
        assertThat(scaled).isEqualTo(5);
    }

    @Test
    void cost_sparseOnDenseWeights_isForcedAndSlower_autoNeverSlower() {
        Subgraph g = resnet8();
        CpuCostModel sparse = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.SPARSE);
        CpuCostModel auto = new VariantCpuCostModel(BASE, CpuCore.CORTEX_M4, KernelChoice.AUTO);
        for (Operator op : g.operators()) {
            if (LayerShape.of(g, op).isPresent()) {
                // Generated weights are dense (no sparsity key in resnet8.yaml), so CSR pays for nothing.
                assertThat(sparse.cost(g, op).cycles()).isGreaterThan(BASE.cost(g, op).cycles());
                assertThat(sparse.cost(g, op).kernel()).contains("[sparse-");
            }
            assertThat(auto.cost(g, op).cycles()).isLessThanOrEqualTo(BASE.cost(g, op).cycles());
        }
    }
}
