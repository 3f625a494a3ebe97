// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import org.npusim.testsupport.ShippedHardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.npusim.hw.MemoryKind;
import org.npusim.hw.TechnologyProfile;
import org.npusim.units.Energy;
import org.npusim.units.EnergyPerByte;

/** hwconfigs/README.md documents every key and default; these tests keep it in agreement with the loader. */
final class HardwareReadmeTest {

    private static List<String> readme() throws IOException {
        return Files.readAllLines(ShippedHardware.dir().resolve("README.md"));
    }

    /** Returns the cells of a table row, without the outer pipes. */
    private static String[] cells(String row) {
        String inner = row.strip().substring(1, row.strip().length() - 1);
        String[] c = inner.split("(?<!\\\\)\\|", -1);
        for (int i = 0; i < c.length; i++) {
            c[i] = c[i].strip();
        }
        return c;
    }

    private static String unquote(String cell) {
        return cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1) : cell;
    }

    @Test
    void keyTable_defaults_agreeWithTheLoader() throws IOException {
        Map<String, String> documented = new LinkedHashMap<>();
        boolean inKeys = false;
        for (String line : readme()) {
            if (line.startsWith("## ")) {
                inKeys = line.equals("## Keys");
            }
            if (inKeys && line.startsWith("| `") && cells(line).length == 5) {
                String[] c = cells(line);
                documented.put(unquote(c[0]), c[3]);
            }
        }
        Map<String, String> loader = Defaults.documented();
        for (Map.Entry<String, String> d : loader.entrySet()) {
            assertThat(documented).as("README documents " + d.getKey()).containsKey(d.getKey());
            assertThat(unquote(documented.get(d.getKey()))).as("default of " + d.getKey()).isEqualTo(d.getValue());
        }
        documented.forEach((key, value) -> {
            if (!value.equals("—")) {
                assertThat(loader).as("the loader defaults " + key + ", as the README says").containsKey(key);
            }
        });
        System.out.println("README documents " + documented.size() + " keys, " + loader.size() + " with defaults");
    }

    @Test
    void keyTable_listsEveryKeyTheLoaderAccepts() throws IOException {
        String text = String.join("\n", readme());
        for (String k : Resolver.TOP_KEYS) {
            assertThat(text).contains("| `" + k);
        }
        for (String k : Resolver.NPU_KEYS) {
            assertThat(text).contains("| `npu." + k + "` |");
        }
        for (String k : Resolver.CPU_KEYS) {
            assertThat(text).contains("| `cpu." + k + "` |");
        }
        for (String k : Resolver.MEMORY_KEYS) {
            assertThat(text).contains("| `memories.<name>." + k + "` |");
        }
        for (String k : Resolver.PORT_KEYS) {
            assertThat(text).contains("| `ports." + k + "` |");
        }
        for (String k : Resolver.PLACEMENT_KEYS) {
            assertThat(text).contains("| `placement." + k + "` |");
        }
        for (String k : Resolver.ENERGY_KEYS) {
            assertThat(text).contains("| `energy." + k + "` |");
        }
        for (String k : Resolver.SIMULATION_KEYS) {
            assertThat(text).contains("| `simulation." + k + "` |");
        }
    }

    @Test
    void profileTable_values_agreeWithTechnologyProfile() throws IOException {
        int rows = 0;
        for (String line : readme()) {
            if (!line.startsWith("| h45 |") && !line.startsWith("| cacti28 |")) {
                continue;
            }
            String[] c = cells(line);
            TechnologyProfile p = TechnologyProfile.fromLabel(c[0]).orElseThrow();
            String value = c[1];
            String appliesTo = c[2];
            String documented = c[3];
            if (value.equals("mac")) {
                assertThat(new Energy(p.macEnergyPj()).toString()).as(line).isEqualTo(documented);
                rows++;
                continue;
            }
            // Sizes to evaluate a row at: "<= 32 KiB" at 32 KiB, "> 32 KiB" at 2 MiB, no condition at both.
            List<Long> sizes = appliesTo.contains("≤") ? List.of(32L << 10) : appliesTo.contains(">")
                    ? List.of(2L << 20) : List.of(32L << 10, 2L << 20);
            for (String kindLabel : appliesTo.split(" ")[0].split(",")) {
                MemoryKind kind = MemoryKind.fromLabel(kindLabel).orElseThrow();
                for (long size : sizes) {
                    double pj = value.equals("read") ? p.readEnergyPjPerByte(kind, size) : p.writeEnergyPjPerByte(kind, size);
                    assertThat(new EnergyPerByte(pj).toString()).as(line).isEqualTo(documented);
                }
            }
            rows++;
        }
        // Per profile: mac, and read and write for sram/tcm (two size classes in cacti28), dram, flash, mram.
        assertThat(rows).isEqualTo(9 + 11);
    }
}
