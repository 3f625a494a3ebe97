// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.testsupport.SharedData;

/** Do CPU accesses pay the wait states, line fills and write-backs the memory model describes? */
class CpuMemoryModelTest {

    private static HardwareConfig board(String name) {
        return HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/cpu-only/" + name + ".yaml"));
    }

    private static CpuMemoryModel model(String board) {
        HardwareConfig hw = board(board);
        return CpuMemoryModel.of(hw, CoreTiming.of(hw.cpu().core()));
    }

    /**
     * Cortex-M4 without a data cache, flash at 5 wait states (8-byte reads at the CPU clock): 16 bytes of weights
     * read by 4 LDR are 4 transfers of 5 + 1 cycles, of which the LDR's own cycle is already counted: 4 × 5 = 20
     * stall cycles. The same reads from zero-wait SRAM stall 0.
     */
    @Test
    void cost_m4FlashWordLoads_payTheWaitStates() {
        CpuMemoryModel m = model("cortex-m4-120mhz");
        CpuMemoryModel.Result r = m.cost(List.of(Traffic.read("flash", 16, 1, 4, 16), Traffic.read("sram", 16, 1, 4, 16)));
        assertThat(r.stallCycles().get("flash")).isEqualTo(20.0);
        assertThat(r.stallCycles().get("sram")).isEqualTo(0.0);
        assertThat(r.readBytes().get("flash")).isEqualTo(16);
    }

    /**
     * A faster CPU never waits longer for a slower memory: the Cortex-M4's flash stays at 120 MHz while the core goes
     * from 120 to 132 MHz, so a transfer takes 1.1 CPU cycles (the flash's period), not 2. Four LDR from flash: 4 ×
     * (5 + 1.1) − 4 = 20.4 stall cycles, 24.4 cycles at 132 MHz (184.8 ns) against 24 at 120 MHz (200 ns). Rounded
     * up to 2 cycles per transfer they stalled 24, 212.1 ns: slower for the faster core.
     */
    @Test
    void cost_cpuClockAboveTheMemoryClock_aTransferTakesTheMemorysPeriod() {
        double previous = Double.MAX_VALUE;
        for (String clock : new String[] {"120 MHz", "132 MHz", "180 MHz", "240 MHz", "241 MHz", "300 MHz"}) {
            HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/cpu-only/cortex-m4-120mhz.yaml"),
                    List.of("cpu.clock=" + clock), Optional.empty(), Optional.empty());
            CpuMemoryModel m = CpuMemoryModel.of(hw, CoreTiming.of(hw.cpu().core()));
            double stall = m.cost(List.of(Traffic.read("flash", 16, 1, 4, 16))).stallCycles().get("flash");
            double seconds = (4 + stall) / hw.cpu().clockHz();
            assertThat(seconds).as("four flash LDR at %s", clock).isLessThanOrEqualTo(previous);
            previous = seconds;
        }
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/cpu-only/cortex-m4-120mhz.yaml"),
                List.of("cpu.clock=132 MHz"), Optional.empty(), Optional.empty());
        CpuMemoryModel m = CpuMemoryModel.of(hw, CoreTiming.of(hw.cpu().core()));
        assertThat(m.cost(List.of(Traffic.read("flash", 16, 1, 4, 16))).stallCycles().get("flash"))
                .isCloseTo(20.4, org.assertj.core.data.Offset.offset(1e-9));
    }

    /**
     * Cortex-M7 with its data cache, flash at 6 wait states with 16-byte reads at the CPU clock: a 32-byte line is 2
     * transfers of 6 + 1 cycles, 14 cycles. 64 bytes read 3 times while they stay cached: 2 fills, 28 cycles and 64
     * bytes from flash. The same reads with a reuse distance beyond the 16 KiB cache miss on every pass: 6 fills,
     * 84 cycles, 192 bytes.
     */
    @Test
    void cost_m7FlashThroughTheCache_fillsLinesOncePerResidentOperand() {
        CpuMemoryModel m = model("cortex-m7-280mhz");
        CpuMemoryModel.Result hot = m.cost(List.of(Traffic.read("flash", 64, 3, 4, 64)));
        assertThat(hot.stallCycles().get("flash")).isEqualTo(28.0);
        assertThat(hot.readBytes().get("flash")).isEqualTo(64);
        CpuMemoryModel.Result cold = m.cost(List.of(Traffic.read("flash", 64, 3, 4, 64 * 1024)));
        assertThat(cold.stallCycles().get("flash")).isEqualTo(84.0);
        assertThat(cold.readBytes().get("flash")).isEqualTo(192);
    }

    /**
     * Cortex-M85, flash on the 240 MHz system bus behind 8 CPU wait states with 16-byte reads: one transfer takes 2
     * CPU cycles, a line 2 × (8 + 2) = 20 cycles. TCM costs nothing.
     */
    @Test
    void cost_m85FlashAtHalfClock_linesCostTwentyCycles() {
        CpuMemoryModel m = model("cortex-m85-480mhz");
        CpuMemoryModel.Result r = m.cost(List.of(Traffic.read("flash", 32, 1, 16, 32), Traffic.read("dtcm", 4096, 8, 16,
                4096)));
        assertThat(r.stallCycles().get("flash")).isEqualTo(20.0);
        assertThat(r.stallCycles().get("dtcm")).isEqualTo(0.0);
    }

    /**
     * A scratch buffer of 64 bytes written and read back 100 times in a cache: never filled from memory, written
     * back once (2 lines). M85 SRAM at 2 CPU wait states, 8-byte transfers at half the clock: a line is 4 × (2 + 2) =
     * 16 cycles, so 32 cycles in all.
     */
    @Test
    void cost_residentScratchBuffer_isWrittenBackOnce() {
        CpuMemoryModel m = model("cortex-m85-480mhz");
        CpuMemoryModel.Result r = m.cost(List.of(Traffic.scratch("sram", 64, 6400, 6400, 16)));
        assertThat(r.stallCycles().get("sram")).isEqualTo(32.0);
        assertThat(r.readBytes()).doesNotContainKey("sram");
        assertThat(r.writeBytes().get("sram")).isEqualTo(64);
    }
}
