// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import org.npusim.hw.NpuVariant;
import org.npusim.npu.MemoryTiming;
import org.npusim.plan.Channel;
import org.npusim.plan.NpuTarget;

/** NPU targets for Vela's system configurations and memory modes (../shared/reference/README.md). */
final class VelaTargets {

    private VelaTargets() {}

    static NpuTarget of(String accelerator, String systemConfig, String memoryMode) {
        NpuVariant v = NpuVariant.fromLabel(accelerator).orElseThrow();
        int axi = v.axiBytesPerCycle();
        long clock;
        double scale;
        boolean dram;
        switch (systemConfig) {
            case "Ethos_U55_High_End_Embedded" -> { clock = 500_000_000L; scale = 0.125; dram = false; }
            case "Ethos_U55_Deep_Embedded" -> { clock = 200_000_000L; scale = 0.0625; dram = false; }
            case "Ethos_U65_High_End" -> { clock = 1_000_000_000L; scale = 0.234375; dram = true; }
            case "Ethos_U65_Mid_End" -> { clock = 500_000_000L; scale = 0.46875; dram = true; }
            default -> throw new IllegalArgumentException(systemConfig);
        }
        MemoryTiming sram = new MemoryTiming("sram", axi, 32, 32, 32);
        MemoryTiming slow = dram ? new MemoryTiming("dram", axi * scale, 128, 500, 250)
                : new MemoryTiming("flash", axi * scale, 128, 64, 64);
        Channel sram0 = new Channel(0, "sram", sram);
        Channel slow1 = new Channel(1, slow.name(), slow);
        long cache = 384 * 1024;
        return switch (memoryMode) {
            case "Sram_Only" -> new NpuTarget(v, clock, new Channel(1, "sram", sram), sram0, sram0, cache, false, false);
            case "Shared_Sram" -> new NpuTarget(v, clock, slow1, sram0, sram0, cache, true, false);
            case "Dedicated_Sram" -> new NpuTarget(v, clock, slow1, slow1, sram0, cache, true, true);
            default -> throw new IllegalArgumentException(memoryMode);
        };
    }
}
