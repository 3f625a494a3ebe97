// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.Objects;
import org.npusim.hw.NpuVariant;

/**
 * How fast the Ethos-U weight decoder turns an encoded stream into weights, for the simulation's weight path.
 *
 * <p><b>What is public.</b> Arm states that the Ethos-U55/U65 have a dedicated hardware weight decoder fed with
 * Vela's compressed blocks (Arm AI blog, G. Gekov, "Benefit of pruning and clustering a neural network for before
 * deploying on Arm Ethos-U NPU", 2023), and the NPU's PMU counts its activity and the MAC stalls it causes
 * ({@code WD_ACTIVE}, {@code WD_STALLED}, {@code WD_PARSE_ACTIVE}, {@code MAC_STALLED_BY_WD} in the
 * ethos-u-core-driver's {@code pmu_ethosu.h}), so the decoder can be a bottleneck. No public source gives its
 * throughput: neither the Ethos-U55/U65 TRMs as indexed, nor Arm's blogs, nor Vela, whose performance model has no
 * decode term at all (ethos-u-facts.md §1.4, §5.6: compression enters timing only through bytes moved).
 *
 * <p><b>The rate used.</b> Vela's one related rule is the weight-step floor {@code cycles_wb = 4·ublock_D}
 * cycles per kernel step (ethos-u-facts.md §1.4, {@code npu_performance.py: _estimate_conv_cycles}). A
 * depth-first step consumes 32 IFM channels × ublock_D OFM channels of weights, so the floor is a supply of
 * {@code 32·ublock_D / (4·ublock_D) = 8} weights per cycle per core, on every variant (U55-32: 32·4/16). This
 * model takes that as the decoder's rate: {@value #WEIGHTS_PER_CYCLE_PER_CORE} decoded weights (padding included,
 * since the decoder emits every value of the reordered stream) per cycle, per core; on the two-core U65-512
 * each core decodes its own stream.
 *
 * <p><b>Zero runs.</b> No public source describes a faster path for zeros sent as zero-run lengths, so zero-run
 * zeros cost the same as other weights ({@link #zeroRunWeightsPerCycle()} equals the normal rate). The encoded
 * ranges still count them separately, so a faster path can be modelled here if a source appears.
 *
 * @param weightsPerCyclePerCore decoded weights per NPU cycle per core
 * @param zeroRunWeightsPerCycle decoded zero-run zeros per NPU cycle per core
 * @param source where the numbers come from
 */
public record WeightDecoderModel(double weightsPerCyclePerCore, double zeroRunWeightsPerCycle, String source) {

    /** Weights per cycle per core implied by Vela's {@code cycles_wb} floor. */
    public static final int WEIGHTS_PER_CYCLE_PER_CORE = 8;

    /** The source text of the default model. */
    public static final String DERIVED_SOURCE = "derived from Vela 3.10's cycles_wb = 4*ublock_D weight-step floor "
            + "(ethos-u-facts.md 1.4): 32*ublock_D weights per step = 8 weights/cycle/core; no public decoder "
            + "throughput and no public zero-run fast path";

    public WeightDecoderModel {
        Objects.requireNonNull(source, "source");
        if (!(weightsPerCyclePerCore > 0) || !(zeroRunWeightsPerCycle > 0)) {
            throw new IllegalArgumentException("decode rates must be positive");
        }
    }

    /** Returns the model for {@code variant} (the same rate on every variant; see the class comment). */
    public static WeightDecoderModel of(NpuVariant variant) {
        Objects.requireNonNull(variant, "variant");
        return new WeightDecoderModel(WEIGHTS_PER_CYCLE_PER_CORE, WEIGHTS_PER_CYCLE_PER_CORE, DERIVED_SOURCE);
    }

    /** Returns the cycles one core's decoder needs for {@code range}, rounded up. */
    public long decodeCycles(EncodedRange range) {
        long zeros = range.zeroRunZeros();
        double cycles = (range.weights() - zeros) / weightsPerCyclePerCore + zeros / zeroRunWeightsPerCycle;
        return (long) Math.ceil(cycles);
    }
}
