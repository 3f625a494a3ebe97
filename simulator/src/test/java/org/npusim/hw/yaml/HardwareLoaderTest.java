// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import org.npusim.testsupport.ShippedHardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.MemoryKind;
import org.npusim.hw.MemoryMode;
import org.npusim.hw.NpuVariant;
import org.npusim.hw.TechnologyProfile;

final class HardwareLoaderTest {

    @TempDir
    Path tmp;

    private static final String MINIMAL = """
            schema: npusim.hw/v1
            description: A minimal system
            npu:
              variant: ethos-u55-128
              clock: 400 MHz
            cpu:
              core: cortex-m55
              clock: 400 MHz
            memories:
              sram:
                kind: sram
                size: 1 MiB
                clock_scale: 1.0
                data_width: axi
                burst_length: 32 B
                read_latency: 32 cycles
                write_latency: 32 cycles
              flash:
                kind: flash
                size: 4 MiB
                clock_scale: 0.25
                data_width: axi
                burst_length: 128 B
                read_latency: 100 ns
                write_latency: 100 ns
            ports:
              axi0: sram
              axi1: flash
              cpu:
                sram: 0
                flash: 3
            placement: shared-sram
            """;

    private static HardwareConfig minimal(String... set) {
        return HardwareLoader.load(MINIMAL, "minimal.yaml", Path.of(""), Overrides.of(set));
    }

    @Test
    void load_velaHighEndEmbeddedOnU55_128_sramFourAndFlashHalfGigabytePerSecond() {
        // Vela's vela.ini comments for Ethos_U55_High_End_Embedded: "SRAM 4 GB/s, Flash 0.5 GB/s"; derivation:
        // 64-bit AXI = 8 B/cycle x 500 MHz = 4 GB/s; flash at scale 0.125 is 1 B/cycle = 0.5 GB/s.
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("vela/ethos-u55-high-end-embedded.yaml"), List.of(),
                Optional.of("ethos-u55-128"), Optional.of("shared-sram"));
        MemoryConfig sram = hw.memory("sram");
        MemoryConfig flash = hw.memory("flash");
        System.out.printf("U55 High_End_Embedded: SRAM %.3f GB/s (%.3f B/cycle), flash %.3f GB/s (%.3f B/cycle)%n",
                sram.bytesPerSecond() / 1e9, sram.bytesPerCycle(hw.referenceClockHz()), flash.bytesPerSecond() / 1e9,
                flash.bytesPerCycle(hw.referenceClockHz()));
        assertThat(sram.bytesPerSecond()).isEqualTo(4_000_000_000L);
        assertThat(flash.bytesPerSecond()).isEqualTo(500_000_000L);
        assertThat(flash.bytesPerCycle(hw.referenceClockHz())).isEqualTo(1.0);
        // 32 and 64 NPU cycles at 500 MHz (2 ns per cycle).
        assertThat(sram.readLatencyPs()).isEqualTo(64_000);
        assertThat(flash.readLatencyPs()).isEqualTo(128_000);
        assertThat(hw.placement()).extracting("mode", "weights", "arena", "cache").containsExactly(
                MemoryMode.SHARED_SRAM, "flash", "sram", "sram");
        assertThat(hw.placement().cacheSizeBytes()).isEqualTo(384 * 1024);
    }

    @Test
    void load_velaFileWithU65Variant_bandwidthFollowsTheAxiWidth() {
        // Vela ties the AXI width to the accelerator (ethos-u-facts.md §2.2): a U65 (16 B/cycle) on a U55 system
        // configuration gets twice the bandwidth: SRAM 8 GB/s, flash 1 GB/s at 500 MHz.
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("vela/ethos-u55-high-end-embedded.yaml"), List.of(),
                Optional.of("ethos-u65-256"), Optional.empty());
        assertThat(hw.memory("sram").bytesPerSecond()).isEqualTo(8_000_000_000L);
        assertThat(hw.memory("flash").bytesPerSecond()).isEqualTo(1_000_000_000L);
    }

    @Test
    void load_velaU65HighEnd_dramAtVelaScaleAndLatencies() {
        // Ethos_U65_High_End: 1 GHz, DRAM scale 0.234375 -> 234.375 MHz x 16 B = 3.75 GB/s (vela.ini: "DRAM 3.75");
        // latencies 500/250 cycles at 1 GHz = 500 ns / 250 ns; dedicated-sram puts the arena in DRAM.
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("vela/ethos-u65-high-end.yaml"));
        MemoryConfig dram = hw.memory("dram");
        assertThat(dram.clockHz()).isEqualTo(234_375_000L);
        assertThat(dram.bytesPerSecond()).isEqualTo(3_750_000_000L);
        assertThat(dram.readLatencyPs()).isEqualTo(500_000);
        assertThat(dram.writeLatencyPs()).isEqualTo(250_000);
        assertThat(hw.placement()).extracting("weights", "arena", "cache").containsExactly("dram", "dram", "sram");
        assertThat(hw.npu().orElseThrow().variant()).isEqualTo(NpuVariant.ETHOS_U65_256);
        // Cycles written with an exponent, as frequencies and times may be: 1e3 cycles at 1 GHz are 1 us.
        HardwareConfig exponent = HardwareLoader.load(ShippedHardware.file("vela/ethos-u65-high-end.yaml"),
                List.of("memories.dram.read_latency=1e3 cycles"), Optional.empty(), Optional.empty());
        assertThat(exponent.memory("dram").readLatencyPs()).isEqualTo(1_000_000);
    }

    @Test
    void load_minimal_defaultsApplied() {
        HardwareConfig hw = minimal();
        assertThat(hw.name()).isEqualTo("minimal");
        assertThat(hw.cpu().kernels().label()).isEqualTo("cmsis-nn");
        assertThat(hw.energy().profile()).isEqualTo(TechnologyProfile.H45);
        assertThat(hw.energy().npuMacEnergyPj()).isEqualTo(0.3);
        // 120 uA/MHz x 3.3 V = 396 pJ per cycle (EnergyConfig derivation).
        assertThat(hw.energy().cpuEnergyPjPerCycle()).isCloseTo(396.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(hw.memory("sram").readEnergyPjPerByte()).isEqualTo(1.25);
        assertThat(hw.memory("flash").readEnergyPjPerByte()).isEqualTo(4300.0);
        assertThat(hw.simulation().overlap()).isTrue();
        assertThat(hw.simulation().contention()).isTrue();
        // shared-sram without cache_size: the whole cache memory (1 MiB).
        assertThat(hw.placement().cacheSizeBytes()).isEqualTo(1 << 20);
        assertThat(hw.placement().inputs()).isEqualTo("sram");
        assertThat(hw.ports().cpuAccess("flash").orElseThrow().waitStates()).isEqualTo(3);
    }

    @Test
    void overrides_setAndShortcuts_changeTheResolvedValues() {
        HardwareConfig hw = minimal("npu.clock=200 MHz", "simulation.overlap=false", "energy.profile=cacti28",
                "memories.sram.size=32 KiB");
        // clock_scale and cycles follow the overridden NPU clock: 32 cycles at 200 MHz = 160 ns.
        assertThat(hw.memory("sram").clockHz()).isEqualTo(200_000_000L);
        assertThat(hw.memory("sram").readLatencyPs()).isEqualTo(160_000);
        assertThat(hw.memory("flash").clockHz()).isEqualTo(50_000_000L);
        // A time stays a time.
        assertThat(hw.memory("flash").readLatencyPs()).isEqualTo(100_000);
        assertThat(hw.simulation().overlap()).isFalse();
        // cacti28's small-SRAM figures apply at 32 KiB (energy-parameters.md C2: 0.36 r / 0.81 w pJ/B).
        assertThat(hw.memory("sram").readEnergyPjPerByte()).isEqualTo(0.36);
        assertThat(hw.memory("sram").writeEnergyPjPerByte()).isEqualTo(0.81);
        assertThat(hw.energy().npuMacEnergyPj()).isEqualTo(0.04);
    }

    @Test
    void memoryModeOverride_replacesPresetAndDropsExplicitRoles() {
        HardwareDocument doc = HardwareLoader.parse(MINIMAL.replace("placement: shared-sram",
                "placement: {mode: custom, weights: flash, arena: sram, cache: sram, cache_size: 512 KiB}"), "m.yaml",
                Path.of(""));
        HardwareConfig custom = doc.resolve();
        HardwareConfig only = doc.resolve(new Overrides(List.of(), Optional.empty(), Optional.of("sram-only")));
        assertThat(custom.placement().weights()).isEqualTo("flash");
        assertThat(only.placement().mode()).isEqualTo(MemoryMode.SRAM_ONLY);
        assertThat(only.placement().weights()).isEqualTo("sram");
        assertThat(only.placement().cacheSizeBytes()).isEqualTo(512 * 1024);
    }

    /**
     * An override of the NPU on a CPU-only description is one error that says the description has no NPU, not the
     * keys and ports a partial npu section would lack, which blamed a valid file.
     */
    @Test
    void npuOverride_onCpuOnlyDescription_oneErrorSayingThereIsNoNpu() {
        Path m4 = ShippedHardware.file("cpu-only/cortex-m4-120mhz.yaml");
        for (Overrides o : List.of(new Overrides(List.of(), Optional.of("ethos-u55-64"), Optional.empty()),
                Overrides.of("npu.clock=100 MHz"))) {
            assertThatThrownBy(() -> HardwareLoader.load(m4, o))
                    .isInstanceOf(HardwareConfigException.class)
                    .hasMessageContaining("npu: the description has no NPU (a CPU-only system)")
                    .hasMessageNotContaining("ports:")
                    .hasMessageNotContaining("missing required key");
        }
        assertThat(HardwareLoader.load(m4, Overrides.of("cpu.clock=100 MHz")).cpu().clockHz()).isEqualTo(100_000_000L);
    }

    @Test
    void document_resolvedTwiceWithDifferentOverrides_isUnchanged() {
        HardwareDocument doc = HardwareLoader.parse(MINIMAL, "d.yaml", Path.of(""));
        HardwareConfig a = doc.resolve(Overrides.of("npu.clock=100 MHz"));
        HardwareConfig b = doc.resolve();
        assertThat(a.npu().orElseThrow().clockHz()).isEqualTo(100_000_000L);
        assertThat(b.npu().orElseThrow().clockHz()).isEqualTo(400_000_000L);
        assertThat(doc.resolve()).isEqualTo(b);
    }

    @Test
    void extends_childOverParent_deepMergeChildWinsNullRemoves() throws IOException {
        Files.createDirectories(tmp.resolve("base"));
        Files.writeString(tmp.resolve("base/parent.yaml"), MINIMAL.replace("description: A minimal system",
                "name: parent\ndescription: The parent\nsimulation: {overlap: false}"));
        Files.writeString(tmp.resolve("child.yaml"), """
                schema: npusim.hw/v1
                extends: base/parent.yaml
                npu:
                  variant: ethos-u55-256
                memories:
                  sram:
                    size: 2 MiB
                simulation: ~
                """);
        HardwareConfig hw = HardwareLoader.load(tmp.resolve("child.yaml"));
        assertThat(hw.name()).as("a name is not inherited").isEqualTo("child");
        assertThat(hw.description()).isEqualTo("The parent");
        assertThat(hw.npu().orElseThrow().variant()).isEqualTo(NpuVariant.ETHOS_U55_256);
        assertThat(hw.npu().orElseThrow().clockHz()).as("merged, not replaced").isEqualTo(400_000_000L);
        assertThat(hw.memory("sram").sizeBytes()).isEqualTo(2 << 20);
        assertThat(hw.memory("sram").kind()).isEqualTo(MemoryKind.SRAM);
        assertThat(hw.simulation().overlap()).as("~ removed the parent's setting").isTrue();
        assertThat(hw.memories()).extracting(MemoryConfig::name).containsExactly("sram", "flash");
    }

    @Test
    void extends_cycle_rejectedWithTheChain() throws IOException {
        Files.writeString(tmp.resolve("a.yaml"), "schema: npusim.hw/v1\nextends: b.yaml\n");
        Files.writeString(tmp.resolve("b.yaml"), "schema: npusim.hw/v1\nextends: a.yaml\n");
        Path a = tmp.resolve("a.yaml");
        assertThatThrownBy(() -> HardwareLoader.load(a)).hasMessage(tmp.resolve("b.yaml") + ":2:10: extends: cycle: "
                + a + " -> " + tmp.resolve("b.yaml") + " -> " + a);
    }

    @Test
    void extends_eightLevels_loadNineRejected() throws IOException {
        Files.writeString(tmp.resolve("level0.yaml"), MINIMAL);
        for (int i = 1; i <= 9; i++) {
            Files.writeString(tmp.resolve("level" + i + ".yaml"), "schema: npusim.hw/v1\nextends: level" + (i - 1)
                    + ".yaml\n");
        }
        // level8 extends 8 files (level7 .. level0): allowed; level9 would need a ninth.
        assertThat(HardwareLoader.load(tmp.resolve("level8.yaml")).name()).isEqualTo("level8");
        assertThatThrownBy(() -> HardwareLoader.load(tmp.resolve("level9.yaml")))
                .hasMessageStartingWith(tmp.resolve("level1.yaml") + ":2:10: extends: more than 8 levels of extends");
    }

    @Test
    void resolvedYaml_loadsBack_toTheSameConfig() {
        for (Path f : ShippedHardware.all()) {
            HardwareConfig hw = HardwareLoader.load(f);
            String yaml = ResolvedWriter.yaml(hw);
            HardwareConfig again = HardwareLoader.load(yaml, "again.yaml", Path.of(""), Overrides.NONE);
            assertThat(again).as(ShippedHardware.name(f)).isEqualTo(hw);
        }
    }

    @Test
    void resolvedJson_isDeterministicAndCarriesDerivedBandwidth() {
        HardwareConfig hw = HardwareLoader.load(ShippedHardware.file("vela/ethos-u55-high-end-embedded.yaml"));
        String json = ResolvedWriter.json(hw);
        assertThat(ResolvedWriter.json(HardwareLoader.load(ShippedHardware.file("vela/ethos-u55-high-end-embedded.yaml"))))
                .isEqualTo(json);
        assertThat(json).contains("\"bandwidth_gb_per_second\" : 4.0").contains("\"bandwidth_gb_per_second\" : 0.5")
                .contains("\"read_latency_ps\" : 64000");
    }
}
