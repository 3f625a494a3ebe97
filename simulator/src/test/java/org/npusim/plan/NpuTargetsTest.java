// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.testsupport.SharedData;

/** How the NPU sees the memories behind its AXI ports. */
final class NpuTargetsTest {

    private static NpuTarget corstone300(String... sets) {
        HardwareConfig hw = HardwareLoader.load(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"), List.of(sets),
                Optional.empty(), Optional.empty());
        return NpuTargets.from(hw).orElseThrow();
    }

    @Test
    void from_memoryWiderThanTheAxiPort_isReadAtThePortsWidth() {
        // Corstone-300's SRAM is 8 B wide at the NPU clock, the U55's AXI width (ethos-u-facts.md §2.2). A 64 B
        // SRAM cannot deliver more through the same 64-bit port; a narrower one delivers less.
        assertThat(corstone300().arena().timing().bytesPerCycle()).isEqualTo(8.0);
        assertThat(corstone300("memories.sram.data_width=64 B").arena().timing().bytesPerCycle()).isEqualTo(8.0);
        assertThat(corstone300("memories.sram.data_width=4 B").arena().timing().bytesPerCycle()).isEqualTo(4.0);
        // On a U65 the port is 16 B wide.
        assertThat(corstone300("npu.variant=ethos-u65-256", "memories.sram.data_width=64 B").arena().timing().bytesPerCycle())
                .isEqualTo(16.0);
    }
}
