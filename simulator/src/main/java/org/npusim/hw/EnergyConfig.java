// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Objects;

/**
 * The energy parameters of the compute units; memories carry their own access energies. Defaults and their sources
 * are listed in hwconfigs/README.md.
 *
 * @param profile the technology profile the defaults came from
 * @param npuMacEnergyPj energy per NPU MAC (8 × 8 bit with accumulation)
 * @param npuStaticPowerMw NPU static (idle, leakage) power
 * @param cpuMicroampsPerMhz CPU run-mode current per MHz of CPU clock, as MCU datasheets quote it
 * @param cpuSupplyVolts the supply voltage that current is drawn at
 */
public record EnergyConfig(TechnologyProfile profile, double npuMacEnergyPj, double npuStaticPowerMw,
        double cpuMicroampsPerMhz, double cpuSupplyVolts) {

    /** Validates the record: every value finite and not negative, a positive voltage. */
    public EnergyConfig {
        Objects.requireNonNull(profile, "profile");
        if (!(npuMacEnergyPj >= 0 && npuStaticPowerMw >= 0 && cpuMicroampsPerMhz >= 0 && cpuSupplyVolts > 0)
                || Double.isInfinite(npuMacEnergyPj + npuStaticPowerMw + cpuMicroampsPerMhz + cpuSupplyVolts)) {
            throw new IllegalArgumentException("energy parameters must be finite, not negative, with a positive voltage");
        }
    }

    /**
     * Returns the CPU's energy per clock cycle in picojoules: {@code µA/MHz × V}. Derivation: a current of
     * I µA per MHz at V volts draws I·V µW per MHz of clock, i.e. I·V·10⁻⁶ W / 10⁶ cycles/s = I·V·10⁻¹² J, which is
     * I·V pJ per cycle.
     */
    public double cpuEnergyPjPerCycle() {
        return cpuMicroampsPerMhz * cpuSupplyVolts;
    }
}
