// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import org.npusim.testsupport.ShippedHardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.MemoryMode;
import org.npusim.hw.NpuVariant;
import org.npusim.testsupport.SharedData;

/**
 * The shipped descriptions: every one loads, the Vela ones combine with every variant and memory mode Vela
 * accepts, and a golden file pins the resolved form of each. Regenerate the golden files with
 * {@code mvn -pl simulator test -Dtest=ShippedHardwareTest -Dnpusim.updateGolden=true} and review the diff.
 */
final class ShippedHardwareTest {

    private static final Path GOLDEN = SharedData.repositoryRoot().resolve("simulator/src/test/resources/golden/hw");

    @Test
    void everyShippedFile_loads_andPrintsItsFigures() {
        List<Path> files = ShippedHardware.all();
        // 4 Vela system configurations, 6 real systems (two of them the Alif E7 HP core), 5 CPU-only boards.
        assertThat(files).hasSize(15);
        for (Path f : files) {
            HardwareConfig hw = HardwareLoader.load(f);
            StringBuilder line = new StringBuilder(String.format("%-38s %-24s %-20s", ShippedHardware.name(f),
                    hw.npu().map(n -> n.variant().label() + " @ " + n.clockHz() / 1_000_000 + " MHz").orElse("-"),
                    hw.cpu().core().label() + " @ " + hw.cpu().clockHz() / 1_000_000 + " MHz"));
            for (MemoryConfig m : hw.memories()) {
                line.append(String.format(" %s %.3f GB/s;", m.name(), m.bytesPerSecond() / 1e9));
            }
            System.out.println(line);
            assertThat(hw.description()).isNotBlank();
        }
    }

    @Test
    void velaFiles_everyVariantAndMemoryMode_loadExceptArenaInFlash() {
        List<String> modes = List.of("sram-only", "shared-sram", "dedicated-sram");
        int loaded = 0;
        for (String name : List.of("ethos-u55-high-end-embedded", "ethos-u55-deep-embedded", "ethos-u65-high-end",
                "ethos-u65-mid-end")) {
            HardwareDocument doc = HardwareLoader.parse(ShippedHardware.file("vela/" + name + ".yaml"));
            boolean flashOnAxi1 = name.startsWith("ethos-u55");
            for (NpuVariant v : NpuVariant.values()) {
                for (String mode : modes) {
                    Overrides o = new Overrides(List.of(), Optional.of(v.label()), Optional.of(mode));
                    if (flashOnAxi1 && mode.equals("dedicated-sram")) {
                        // Vela rejects Dedicated_Sram when AXI1 is flash: the arena must be SRAM or DRAM (§2.5).
                        assertThatThrownBy(() -> doc.resolve(o)).hasMessageContaining("Vela rejects this combination");
                        continue;
                    }
                    HardwareConfig hw = doc.resolve(o);
                    // Vela: SRAM bandwidth = AXI width x scale 1.0: 8 B/cycle on U55, 16 B/cycle on U65 (§2.2).
                    assertThat(hw.axi0Memory().bytesPerCycle(hw.referenceClockHz())).isEqualTo(v.axiBytesPerCycle());
                    assertThat(hw.placement().mode()).isEqualTo(MemoryMode.fromLabel(mode).orElseThrow());
                    assertThat(hw.npu().orElseThrow().variant()).isEqualTo(v);
                    loaded++;
                }
            }
        }
        // 4 files x 6 variants x 3 modes, less dedicated-sram on the two U55 files (2 x 6).
        assertThat(loaded).isEqualTo(4 * 6 * 3 - 12);
    }

    @Test
    void corstone300_bothNpuPortsToTheSram_loads() {
        // One SRAM behind both AXI ports is a real system: it was refused with an internal error (a set of the two
        // port memories built with Set.of, which refuses duplicates).
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("corstone-300.yaml"), List.of("ports.axi1=sram"),
                Optional.empty(), Optional.empty());
        assertThat(hw.ports().axi1()).contains("sram");
        assertThat(hw.placement().weights()).isEqualTo("sram");
    }

    @Test
    void velaFiles_axi1Bandwidth_asVelaIniComments() {
        // Bytes per NPU cycle on the default variant = AXI width x clock scale (ethos-u-facts.md §2.4 table):
        // U55 deep 8 x 0.0625 = 0.5; U55 high-end 8 x 0.125 = 1; U65 high-end 16 x 0.234375 = 3.75;
        // U65 mid-end 16 x 0.46875 = 7.5.
        assertThat(axi1BytesPerCycle("ethos-u55-deep-embedded")).isEqualTo(0.5);
        assertThat(axi1BytesPerCycle("ethos-u55-high-end-embedded")).isEqualTo(1.0);
        assertThat(axi1BytesPerCycle("ethos-u65-high-end")).isEqualTo(3.75);
        assertThat(axi1BytesPerCycle("ethos-u65-mid-end")).isEqualTo(7.5);
    }

    private static double axi1BytesPerCycle(String name) {
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("vela/" + name + ".yaml"));
        return hw.axi1Memory().bytesPerCycle(hw.referenceClockHz());
    }

    @Test
    void himaxWe2_matchesTheBandwidthsVelaReportsForIt() {
        // Vela with Seeed's WE2 configuration and ethos-u55-64 prints "Design peak SRAM bandwidth 3.20 GB/s,
        // Off-chip Flash 0.05 GB/s": 8 B x 400 MHz and 8 B x 0.015625 x 400 MHz.
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("himax-we2.yaml"));
        assertThat(hw.memory("sram").bytesPerSecond()).isEqualTo(3_200_000_000L);
        assertThat(hw.memory("flash").bytesPerSecond()).isEqualTo(50_000_000L);
    }

    @Test
    void alifE7_matchesTheNpuBandwidthsOfAlifsVelaConfiguration() {
        // ensemble_vela.ini: bandwidth = 8 B (U55 AXI) x clock scale x core clock, latency in NPU cycles.
        // RTSS_HP_SRAM_MRAM: SRAM 0.762 x 400 MHz, MRAM 0.121; RTSS_HE_SRAM_MRAM: SRAM 1.0 x 160 MHz, MRAM 0.303;
        // RTSS_HP_DTCM_MRAM: MRAM 0.118 (its DTCM keeps the core's 16 B at 400 MHz: see the file).
        HardwareConfig hp = HardwareLoader.load(ShippedHardware.file("alif-e7-hp.yaml"));
        assertThat(hp.memory("sram0").bytesPerSecond()).isEqualTo(2_438_400_000L);
        assertThat(hp.memory("mram").bytesPerSecond()).isEqualTo(387_200_000L);
        assertThat(hp.memory("mram").readLatencyPs()).isEqualTo(150_000L);
        HardwareConfig he = HardwareLoader.load(ShippedHardware.file("alif-e7-he.yaml"));
        assertThat(he.memory("sram6").bytesPerSecond()).isEqualTo(1_280_000_000L);
        assertThat(he.memory("mram").bytesPerSecond()).isEqualTo(387_840_000L);
        assertThat(he.memory("mram").readLatencyPs()).isEqualTo(150_000L);
        HardwareConfig dtcm = HardwareLoader.load(ShippedHardware.file("alif-e7-hp-dtcm.yaml"));
        assertThat(dtcm.axi0Memory().name()).isEqualTo("dtcm");
        assertThat(dtcm.memory("mram").bytesPerSecond()).isEqualTo(377_600_000L);
        assertThat(dtcm.memory("dtcm").readLatencyPs()).isEqualTo(12_500L);
    }

    @Test
    void everyShippedFile_resolvedForm_matchesItsGoldenFile() throws IOException {
        boolean update = Boolean.getBoolean("npusim.updateGolden");
        for (Path f : ShippedHardware.all()) {
            String actual = ResolvedWriter.yaml(HardwareLoader.load(f));
            Path golden = GOLDEN.resolve(ShippedHardware.name(f).replace('/', '_'));
            if (update) {
                Files.createDirectories(GOLDEN);
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
                System.out.println("updated " + golden);
                continue;
            }
            assertThat(golden).as("golden file of " + ShippedHardware.name(f) + "; regenerate with"
                    + " -Dnpusim.updateGolden=true").exists();
            assertThat(actual).as(ShippedHardware.name(f) + " differs from " + golden).isEqualTo(
                    Files.readString(golden, StandardCharsets.UTF_8));
        }
        try (var s = Files.list(GOLDEN)) {
            assertThat(s.count()).as("one golden file per shipped file").isEqualTo(ShippedHardware.all().size());
        }
    }
}
