// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.hw.HardwareConfig;
import org.npusim.result.MemoryUse;
import org.npusim.result.SimulationResult;
import org.npusim.testsupport.VelaReference;

/**
 * The arena a run reports ({@code total.memory}) against Vela 3.10's {@code sram_memory_used} on every reference
 * configuration whose arena is the SRAM (Shared_Sram, Sram_Only): Vela allocates the feature maps and the weight
 * buffers of its schedule in the SRAM and reports the allocation's size, npusim the peak of the same schedule's
 * feature maps with the running operation's weight buffers. Vela's figure leaves out the weights that Sram_Only
 * stores in the SRAM too, which npusim counts as the memory's constants, so the arena alone is compared. In the
 * Dedicated_Sram configurations the SRAM is a cache, and the cache's peak is compared: the feature maps promoted
 * into it and the lowerings' intermediates, live as Vela's live ranges count them, with the running operation's
 * weight buffers. Both choose the cache's feature maps after scheduling (npusim's plan.CachePromotion); in these
 * configurations all of them fit. dtln is the exception to a close match: Vela schedules the second LSTM's first
 * recurrent products before the first LSTM, so their outputs stay live through it.
 */
final class MemoryUseVsVelaTest {

    @Test
    void simulate_everyReferenceConfiguration_arenaNearVelasSramUse() {
        List<String> lines = new ArrayList<>();
        double worst = 0;
        int compared = 0;
        int exact = 0;
        int caches = 0;
        int cachesClose = 0;
        double worstCache = 0;
        for (VelaConfigs.Case k : VelaConfigs.all()) {
            VelaReference.Config c = k.config();
            HardwareConfig hw = VelaConfigs.hardware(c, List.of());
            SimulationResult r = Simulator.standard().simulate(k.model(), k.name(), hw);
            long vela = Math.round(c.summary().get("sram_memory_used").asDouble() * 1024);
            MemoryUse sram = r.total().memory().get("sram");
            boolean dedicated = c.memoryMode().equals("Dedicated_Sram");
            long npusim = dedicated ? sram.cacheBytes() : sram.arenaBytes();
            double diff = vela == 0 ? (npusim == 0 ? 0 : 1) : (npusim - vela) / (double) vela;
            lines.add(String.format("%-85s npusim %8d B  vela %8d B  %+6.1f%%%s", c.tag(), npusim, vela, 100 * diff,
                    dedicated ? "  (cache)" : ""));
            // Every memory holds what the capacity check let through.
            for (MemoryUse m : r.total().memory().values()) {
                assertThat(m.constantBytes() + m.arenaBytes()).isLessThanOrEqualTo(m.sizeBytes());
            }
            if (!dedicated) {
                worst = Math.max(worst, Math.abs(diff));
                compared++;
                exact += npusim == vela ? 1 : 0;
            } else {
                caches++;
                cachesClose += Math.abs(diff) <= 0.08 ? 1 : 0;
                worstCache = Math.max(worstCache, Math.abs(diff));
            }
        }
        System.out.printf("SRAM arena against Vela's sram_memory_used:%n  %s%n%d compared, %d exact, worst %.1f%%;"
                + " caches: %d of %d within 8%%, worst %.1f%%%n", String.join("\n  ", lines), compared, exact, worst * 100,
                cachesClose, caches, worstCache * 100);
        assertThat(compared).isGreaterThan(30);
        // Measured: 2.1% at worst (MobileNet v2 shared-sram, whose feature-map peak npusim's cascading puts 7,808
        // bytes higher); hello_world, micro_speech and MobileNet v2 sram-only exact.
        assertThat(worst).isLessThanOrEqualTo(0.03);
        // Measured: 12 of the 14 caches within 8% (trained_lstm -7.3%, micro_speech_lstm -3.4%, person_detect -0.5%
        // and -0.6%, the others exact); dtln -35.7% (Vela's operation order, above).
        assertThat(cachesClose).isGreaterThanOrEqualTo(12);
        assertThat(worstCache).isLessThanOrEqualTo(0.40);
    }
}
