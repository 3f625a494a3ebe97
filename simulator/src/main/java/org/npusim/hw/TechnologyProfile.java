// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Arrays;
import java.util.Optional;

/**
 * Named sets of default energies (../shared/docs/energy-parameters.md §C5). A description picks one with
 * {@code energy.profile}; every value can be overridden per key. Sources, by the tags of energy-parameters.md:
 * <ul>
 *   <li>{@code h45}: Horowitz, ISSCC 2014, 45 nm at 0.9 V. int8 MAC 0.3 pJ = 8-bit multiply 0.2 pJ + 32-bit add
 *       0.1 pJ [EN1]; SRAM and TCM 1.25 pJ/B = 10 pJ per 64-bit access of an 8 KB cache / 8 bytes [EN2], used for
 *       reads and writes alike; DRAM 162.5 pJ/B = 1.3 nJ per 64-bit read / 8 bytes, the low end of 1.3–2.6 nJ
 *       [EN7].</li>
 *   <li>{@code cacti28}: the ZigZag example hardware (CACTI-derived) [EN3]. MAC 0.04 pJ; SRAM and TCM up to 32 KiB
 *       0.36 pJ/B read, 0.81 pJ/B write (22.9 and 52.01 pJ per 512-bit access / 64 bytes); larger SRAM 1.63 pJ/B
 *       read, 1.48 pJ/B write (the 2 MB example: 416.16 and 378.4 pJ per 2048-bit access / 256 bytes); DRAM
 *       87.5 pJ/B read, 93.75 pJ/B write (700 and 750 pJ per 64-bit access / 8 bytes).</li>
 *   <li>Both: flash 4300 pJ/B, the serial NOR example AT45DB081B, 4 mA × 2.7 V / 2.5 MB/s [EN9] (no source gives
 *       on-chip flash; set {@code read_energy} from the part's datasheet); MRAM read 260 pJ/B = 14 mW / 54 MB/s,
 *       write 200 pJ/B = 25 pJ/bit × 8 [EN8].</li>
 * </ul>
 */
public enum TechnologyProfile {
    H45("h45", 0.3, 1.25, 1.25, 1.25, 1.25, 162.5, 162.5),
    CACTI28("cacti28", 0.04, 0.36, 0.81, 1.63, 1.48, 87.5, 93.75);

    /** The largest SRAM the {@code cacti28} small-SRAM figures apply to: the 32 KB ZigZag example. */
    public static final long SMALL_SRAM_BYTES = 32 * 1024;
    /** Flash read energy of both profiles, pJ/B: AT45DB081B serial NOR, 4 mA × 2.7 V / 2.5 MB/s [EN9]. */
    public static final double FLASH_PJ_PER_BYTE = 4300;
    /** MRAM read energy of both profiles, pJ/B: 14 mW / 54 MB/s (Samsung 14 nm eMRAM, IEDM 2022) [EN8]. */
    public static final double MRAM_READ_PJ_PER_BYTE = 260;
    /** MRAM write energy of both profiles, pJ/B: 25 pJ/bit × 8 [EN8]. */
    public static final double MRAM_WRITE_PJ_PER_BYTE = 200;

    private final String label;
    private final double macPj;
    private final double smallSramRead;
    private final double smallSramWrite;
    private final double largeSramRead;
    private final double largeSramWrite;
    private final double dramRead;
    private final double dramWrite;

    TechnologyProfile(String label, double macPj, double smallSramRead, double smallSramWrite, double largeSramRead,
            double largeSramWrite, double dramRead, double dramWrite) {
        this.label = label;
        this.macPj = macPj;
        this.smallSramRead = smallSramRead;
        this.smallSramWrite = smallSramWrite;
        this.largeSramRead = largeSramRead;
        this.largeSramWrite = largeSramWrite;
        this.dramRead = dramRead;
        this.dramWrite = dramWrite;
    }

    /** Returns the name users write: {@code h45}. */
    public String label() {
        return label;
    }

    /** Returns the energy of one 8-bit × 8-bit MAC with its 32-bit accumulation, in picojoules. */
    public double macEnergyPj() {
        return macPj;
    }

    /** Returns the default read energy of a memory of {@code kind} and {@code sizeBytes}, in pJ per byte. */
    public double readEnergyPjPerByte(MemoryKind kind, long sizeBytes) {
        return switch (kind) {
            case SRAM, TCM -> sizeBytes <= SMALL_SRAM_BYTES ? smallSramRead : largeSramRead;
            case DRAM -> dramRead;
            case FLASH -> FLASH_PJ_PER_BYTE;
            case MRAM -> MRAM_READ_PJ_PER_BYTE;
        };
    }

    /** Returns the default write energy of a memory of {@code kind} and {@code sizeBytes}, in pJ per byte. */
    public double writeEnergyPjPerByte(MemoryKind kind, long sizeBytes) {
        return switch (kind) {
            case SRAM, TCM -> sizeBytes <= SMALL_SRAM_BYTES ? smallSramWrite : largeSramWrite;
            case DRAM -> dramWrite;
            case FLASH -> FLASH_PJ_PER_BYTE;
            case MRAM -> MRAM_WRITE_PJ_PER_BYTE;
        };
    }

    /** Returns the profile named {@code label}. */
    public static Optional<TechnologyProfile> fromLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst();
    }

    /** Returns the labels of all profiles, for error messages. */
    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(TechnologyProfile::label).toList());
    }
}
