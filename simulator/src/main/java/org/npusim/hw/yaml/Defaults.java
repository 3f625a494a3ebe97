// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.util.LinkedHashMap;
import java.util.Map;
import org.npusim.hw.KernelLibrary;
import org.npusim.hw.TechnologyProfile;
import org.npusim.units.CurrentPerFrequency;
import org.npusim.units.DataSize;
import org.npusim.units.Power;
import org.npusim.units.Voltage;

/**
 * The few keys that may be left out, and what they default to. Every other key is required: a missing clock,
 * size, width, burst length or latency is an error, never a silent default. hwconfigs/README.md lists the same
 * defaults with their sources; a test keeps the two in agreement through {@link #documented()}.
 */
public final class Defaults {

    /** {@code cpu.kernels}: TFLite Micro on Cortex-M is normally built with CMSIS-NN. */
    static final KernelLibrary CPU_KERNELS = KernelLibrary.CMSIS_NN;
    /** {@code energy.profile}: Horowitz 45 nm, the most widely cited set (energy-parameters.md §C5). */
    static final TechnologyProfile ENERGY_PROFILE = TechnologyProfile.H45;
    /** {@code energy.npu_static_power}: no public figure (energy-parameters.md §C4: "Ethos-U TOPS/W, mW: not found"). */
    static final double NPU_STATIC_POWER_MW = 0;
    /**
     * {@code energy.cpu_current}: 120 µA/MHz, the middle of the 110–130 µA/MHz that energy-parameters.md §C5
     * recommends for Cortex-M4-class MCUs (STM32F401/411 ~130, STM32L4 ~110 µA/MHz [EN20]).
     */
    static final double CPU_MICROAMPS_PER_MHZ = 120;
    /**
     * {@code energy.cpu_voltage}: 3.3 V, the supply at which chip-level µA/MHz figures are quoted (LPC1111 at
     * 3.3 V [EN21]); an assumption, set it per board.
     */
    static final double CPU_SUPPLY_VOLTS = 3.3;
    /** {@code memories.NAME.static_power}: no public figure per memory; leakage is left out unless given. */
    static final double MEMORY_STATIC_POWER_MW = 0;
    /** {@code placement.cache_size} in dedicated-sram mode: Vela's {@code Dedicated_Sram} arena_cache_size. */
    static final long DEDICATED_SRAM_CACHE_BYTES = 384 * 1024;
    /** {@code simulation.overlap} and {@code simulation.contention}: the simulator's own model, not Vela's. */
    static final boolean SIMULATION_SWITCHES = true;

    private Defaults() {}

    /**
     * Returns every defaulted key with its default as hwconfigs/README.md writes it. Keys under a memory are written
     * {@code memories.<name>.key}; defaults that depend on another key say so ({@code from energy.profile}).
     */
    public static Map<String, String> documented() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("name", "the file name without .yaml");
        d.put("cpu.kernels", CPU_KERNELS.label());
        d.put("memories.<name>.read_energy", "from energy.profile");
        d.put("memories.<name>.write_energy", "from energy.profile");
        d.put("memories.<name>.static_power", new Power(MEMORY_STATIC_POWER_MW).toString());
        d.put("placement.cache_size", "the size of the cache memory; " + new DataSize(DEDICATED_SRAM_CACHE_BYTES)
                + " in dedicated-sram mode");
        d.put("placement.inputs", "the arena memory");
        d.put("placement.outputs", "the arena memory");
        d.put("energy.profile", ENERGY_PROFILE.label());
        d.put("energy.npu_mac_energy", "from energy.profile");
        d.put("energy.npu_static_power", new Power(NPU_STATIC_POWER_MW).toString());
        d.put("energy.cpu_current", new CurrentPerFrequency(CPU_MICROAMPS_PER_MHZ).toString());
        d.put("energy.cpu_voltage", new Voltage(CPU_SUPPLY_VOLTS).toString());
        d.put("simulation.overlap", Boolean.toString(SIMULATION_SWITCHES));
        d.put("simulation.contention", Boolean.toString(SIMULATION_SWITCHES));
        d.put("simulation.driver_overhead", Boolean.toString(SIMULATION_SWITCHES));
        return d;
    }
}
