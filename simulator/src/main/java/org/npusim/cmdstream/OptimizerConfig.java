// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

/**
 * The accelerator configuration Vela records in the driver payload (driver action {@code OPTIMIZER_CONFIG}), which
 * the driver checks against the NPU it runs on.
 *
 * <p>Layout (three words): the action tag, whose 16-bit data holds the payload's release in bits 0-3 and patch in
 * bits 4-7 ({@code ethosu_driver.c: struct custom_data_s}); the NPU {@code CONFIG} word, {@code macs_per_cc} (log2
 * of the MACs per cycle of all cores) in bits 0-3, {@code cmd_stream_version} in bits 4-7, {@code shram_size} in
 * KiB (all cores) in bits 8-15, {@code product} in bits 28-31 ({@code ethos_u55_regs.py: config_r}); and the NPU
 * {@code ID} word, of which the architecture version is bits 16-19 (patch), 20-27 (minor) and 28-31 (major)
 * ({@code id_r}). Vela writes them in {@code driver_actions.py: emit_config, build_config_word, build_id_word};
 * it does not set {@code product}, so the word does not tell an Ethos-U55-256 from an Ethos-U65-256.
 *
 * @param release payload release number
 * @param patch payload patch number
 * @param macsPerCycle MACs per cycle, all cores together (2 to the power of {@code macs_per_cc})
 * @param commandStreamVersion the command stream version (0 in every Vela release)
 * @param shramKib SHRAM in KiB, all cores together
 * @param product the product field (0 as Vela writes it)
 * @param architecture the architecture version {@code major.minor.patch} of the register definitions Vela used
 */
public record OptimizerConfig(int release, int patch, int macsPerCycle, int commandStreamVersion, int shramKib, int product,
        String architecture) {

    /** Decodes the three words of the action (tag, config, id). */
    static OptimizerConfig of(int tag, int config, int id) {
        int data = tag >>> 16;
        String arch = (id >>> 28) + "." + ((id >>> 20) & 0xFF) + "." + ((id >>> 16) & 0xF);
        return new OptimizerConfig(data & 0xF, (data >>> 4) & 0xF, 1 << (config & 0xF), (config >>> 4) & 0xF,
                (config >>> 8) & 0xFF, config >>> 28, arch);
    }
}
