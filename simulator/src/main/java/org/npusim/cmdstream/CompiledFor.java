// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.Shape4;

/**
 * The Ethos-U variant a command stream was compiled for, and how that was found.
 *
 * <p>From the optimizer config: its MACs per cycle and SHRAM size name the variant, except that the config does
 * not tell an Ethos-U55-256 from an Ethos-U65-256 (Vela leaves {@code product} 0); Vela writes
 * {@code NPU_SET_PARALLEL_MODE} at the start of every U65 stream and never in a U55 one, which settles it. Without
 * an optimizer config the variant is inferred, and said to be: the family and core count from
 * {@code NPU_SET_PARALLEL_MODE}; then, of that family's variants, those whose SHRAM holds the highest bank the
 * SHRAM-layout registers and LUT DMAs use and whose OFM micro-block divides every block config (Vela searches
 * block configs in micro-block steps, ethos-u-facts.md §4.4), the one with the smallest SHRAM and then the most
 * MACs.
 *
 * @param variant the variant
 * @param evidence what named it, for reports
 * @param inferred whether it was inferred from the stream rather than read from the optimizer config
 */
public record CompiledFor(NpuVariant variant, String evidence, boolean inferred) {

    public CompiledFor {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(evidence, "evidence");
    }

    /** Returns the variant of {@code stream}, from {@code config} when the payload has one. */
    static CompiledFor of(Optional<OptimizerConfig> config, CommandStream stream, PayloadSource source) {
        boolean u65 = stream.parallelMode().isPresent();
        int cores = stream.parallelMode().orElse(0) + 1;
        String mode = u65 ? "NPU_SET_PARALLEL_MODE " + (cores - 1) : "no NPU_SET_PARALLEL_MODE";
        if (config.isPresent()) {
            OptimizerConfig c = config.get();
            for (NpuVariant v : NpuVariant.values()) {
                if (v.macsPerCycle() == c.macsPerCycle() && shramKib(v) == c.shramKib() && (v.family() == NpuVariant.Family.U65) == u65
                        && v.cores() == cores) {
                    return new CompiledFor(v, "optimizer config: " + c.macsPerCycle() + " MACs/cycle, " + c.shramKib()
                            + " KiB SHRAM, architecture " + c.architecture() + "; " + mode, false);
                }
            }
            throw source.whole("optimizer config of " + c.macsPerCycle() + " MACs/cycle and " + c.shramKib() + " KiB SHRAM with "
                    + mode + " names no Ethos-U55/U65 variant");
        }
        int highest = 0;
        List<Shape4> blocks = new ArrayList<>();
        for (NpuCommand cmd : stream.commands()) {
            if (cmd instanceof KernelCommand k) {
                highest = Math.max(highest, k.shram().highestBank());
                blocks.add(k.ofmBlock());
            } else if (cmd instanceof DmaCommand d && d.toShram()) {
                // Vela's LUT banks are the last two of SHRAM (ethos-u-facts.md §1.2).
                highest = Math.max(highest, (int) ((d.destination().end() + NpuVariant.SHRAM_BANK_BYTES - 1) / NpuVariant.SHRAM_BANK_BYTES));
            }
        }
        NpuVariant best = null;
        for (NpuVariant v : NpuVariant.values()) {
            boolean fits = (v.family() == NpuVariant.Family.U65) == u65 && v.cores() == cores && v.shramBanks() >= highest
                    && blocks.stream().allMatch(b -> b.h() % v.ofmUblockH() == 0 && b.w() % v.ofmUblockW() == 0 && b.c() % v.ofmUblockD() == 0);
            if (fits && (best == null || v.shramBanks() < best.shramBanks()
                    || v.shramBanks() == best.shramBanks() && v.macsPerCycle() > best.macsPerCycle())) {
                best = v;
            }
        }
        if (best == null) {
            throw source.whole("no optimizer config, and no Ethos-U variant fits the stream (" + mode + ", SHRAM bank " + highest
                    + " used, block configs " + blocks.stream().distinct().limit(4).toList() + ")");
        }
        return new CompiledFor(best, "inferred (no optimizer config in the payload): " + mode + ", SHRAM banks up to " + highest
                + ", every block config a multiple of the " + best.ofmUblockH() + "x" + best.ofmUblockW() + "x" + best.ofmUblockD()
                + " micro-block", true);
    }

    /** Returns the SHRAM the optimizer config records for {@code v}: banks × cores ({@code build_config_word}). */
    private static int shramKib(NpuVariant v) {
        return v.shramBanks() * NpuVariant.SHRAM_BANK_BYTES / 1024 * v.cores();
    }
}
