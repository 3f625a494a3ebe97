// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.npusim.hw.CpuCore;

/**
 * Cycles and memory footprint of every {@link KernelVariant} for a layer on a Cortex-M core: the work of the layer
 * counted in the units each kernel loops over (MACs, tiles, nonzeros, groups, activations), times the instruction
 * mix of that unit ({@link KernelMixes}), at the core's instruction timings ({@link CoreTiming}).
 *
 * <p>With P output pixels, C output channels, K = kH · kW · inC the reduction, d = 1 − weight sparsity and
 * a the activation sparsity, every variant pays the shared per-output work {@code P · C · (output stage +
 * residual)} and:
 *
 * <ul>
 *   <li>dense convolution: im2col {@code P · (K · element + kH · kW · tap)}, GEMM {@code P · C · K₁₆ · mac}
 *       (K₁₆ = K rounded up to 16 on Helium), block set-up {@code P · C}; fully connected: no im2col;
 *   <li>Winograd F(m,3), T = N · ⌈outH / m⌉ · ⌈outW / m⌉ tiles of t = m + 2: input transform
 *       {@code T · inC}, products {@code T · t² · inC₈ · C} (inC rounded up to 8 on Helium) with
 *       {@code T · t² · C} Winograd-domain outputs, output transform {@code T · C}, exact division {@code P · C};
 *   <li>CSR and bitmask: im2col as dense, then per output channel and block of b pixels the row set-up (per 32
 *       positions for the bitmask) and {@code d · K} nonzeros;
 *   <li>N:M: per output channel and pixel block ⌈K / M⌉ groups of N slots, whatever the weight sparsity;
 *   <li>zero-skip: im2col as dense (one column), then per output pixel and channel block of B channels K tests
 *       and {@code (1 − a) · K} weight-column updates.
 * </ul>
 *
 * <p>The scratch footprint is the im2col buffer (scalar and DSP: 2 columns of int16, 4K bytes; Helium dense: 4
 * columns of int8, 4K; Helium sparse: 8 interleaved int8 columns, 8K; zero-skip: one column) or, for Winograd, V and M
 * for a block of tiles (2 tiles, Helium 4): {@code tiles · t² · (2 inC + 4 C)} bytes. Fully connected kernels
 * need none.
 *
 * <p>Contract: deterministic; the cost of a sparse variant is affine in its density (so crossovers are exact).
 */
public final class KernelCostModel {

    private final CoreTiming timing;
    private final Isa isa;

    /** Creates the model of {@code core} with the timings of {@link CoreTiming#of}. */
    public KernelCostModel(CpuCore core) {
        this(CoreTiming.of(core));
    }

    /** Creates a model with explicit timings (calibration, what-if). */
    public KernelCostModel(CoreTiming timing) {
        this.timing = Objects.requireNonNull(timing, "timing");
        this.isa = timing.isa();
    }

    /** Returns the timings. */
    public CoreTiming timing() {
        return timing;
    }

    /** Returns why {@code variant} does not apply to {@code shape}, or empty when it does. */
    public Optional<String> notApplicable(LayerShape shape, KernelVariant variant, Sparsity sparsity) {
        return Applicability.reason(shape, variant, sparsity.pattern());
    }

    /**
     * Returns the cost of {@code variant} for {@code shape} with {@code sparsity}; throws
     * {@link IllegalArgumentException} when the variant does not apply ({@link #notApplicable}).
     */
    public VariantCost cost(LayerShape shape, KernelVariant variant, Sparsity sparsity) {
        Applicability.require(shape, variant, sparsity.pattern());
        boolean conv = shape.kind() == LayerShape.Kind.CONV;
        double outputs = shape.outputs();
        double shared = outputs * (KernelMixes.outputStage(isa).cycles(timing) + timing.outputResidualCycles());
        Optional<NmPattern> pattern = variant == KernelVariant.SPARSE_NM ? sparsity.pattern() : Optional.empty();
        double cycles = shared + switch (variant) {
            case DENSE -> conv ? denseConv(shape) : denseFullyConnected(shape);
            case WINOGRAD_F2, WINOGRAD_F4 -> winograd(shape, WinogradTile.of(variant));
            case SPARSE_CSR, SPARSE_BITMASK, SPARSE_NM -> weightSparse(shape, variant, sparsity);
            case ZERO_SKIP -> zeroSkip(shape, sparsity.activations());
        };
        return new VariantCost(variant, pattern, cycles, footprint(shape, variant, sparsity));
    }

    /**
     * Returns the costs of every applicable variant, in enum order; with no pattern in {@code sparsity}, sparse-nm
     * is costed for each of {@code patterns} (which may be empty).
     */
    public List<VariantCost> costAll(LayerShape shape, Sparsity sparsity, Collection<NmPattern> patterns) {
        List<VariantCost> out = new ArrayList<>();
        for (KernelVariant v : KernelVariant.values()) {
            if (v == KernelVariant.SPARSE_NM && sparsity.pattern().isEmpty()) {
                for (NmPattern p : patterns) {
                    out.add(cost(shape, v, sparsity.withPattern(Optional.of(p))));
                }
            } else if (notApplicable(shape, v, sparsity).isEmpty()) {
                out.add(cost(shape, v, sparsity));
            }
        }
        return out;
    }

    /**
     * Returns the fastest applicable variant among {@code allowed} (ties go to the earlier variant, dense first);
     * {@code allowed} must contain a variant that applies (dense always does).
     */
    public VariantCost best(LayerShape shape, Sparsity sparsity, Collection<KernelVariant> allowed) {
        VariantCost best = null;
        for (KernelVariant v : KernelVariant.values()) {
            if (allowed.contains(v) && notApplicable(shape, v, sparsity).isEmpty()) {
                VariantCost c = cost(shape, v, sparsity);
                if (best == null || c.cycles() < best.cycles()) {
                    best = c;
                }
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no allowed variant applies to " + shape.label());
        }
        return best;
    }

    /**
     * Returns the weight sparsity above which {@code variant} (sparse-csr or sparse-bitmask) is faster than dense:
     * 0 when it is faster even with dense weights, empty when it is not faster even with all weights zero. The
     * variant's cost is affine in the density, so the crossover solves a linear equation.
     */
    public OptionalDouble weightCrossover(LayerShape shape, KernelVariant variant, double activationSparsity) {
        if (variant != KernelVariant.SPARSE_CSR && variant != KernelVariant.SPARSE_BITMASK) {
            throw new IllegalArgumentException("a weight-sparsity crossover exists for sparse-csr and sparse-bitmask");
        }
        Sparsity base = new Sparsity(0, activationSparsity, Optional.empty());
        double dense = cost(shape, KernelVariant.DENSE, base).cycles();
        return crossover(cost(shape, variant, base).cycles(), cost(shape, variant, base.withWeights(1)).cycles(), dense);
    }

    /** Returns the activation sparsity above which zero-skip is faster than dense; empty when never. */
    public OptionalDouble activationCrossover(LayerShape shape) {
        double dense = cost(shape, KernelVariant.DENSE, Sparsity.NONE).cycles();
        return crossover(cost(shape, KernelVariant.ZERO_SKIP, Sparsity.NONE).cycles(),
                cost(shape, KernelVariant.ZERO_SKIP, Sparsity.NONE.withActivations(1)).cycles(), dense);
    }

    private static OptionalDouble crossover(double atZero, double atOne, double dense) {
        if (atZero <= dense) {
            return OptionalDouble.of(0);
        }
        if (atOne >= dense) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((atZero - dense) / (atZero - atOne));
    }

    /**
     * Returns how many times {@code variant} reads its whole encoded weights ({@link Footprint#weightBytes()}) in
     * one inference, from the loops its cycles count:
     * <ul>
     *   <li>Winograd: once per output tile (every tile multiplies its t×t transformed input by all Cin×Cout
     *       transformed filters);</li>
     *   <li>weight-sparse: once per block of output pixels ({@code sparsePixelBlock}: 2, or 8 on Helium; one row
     *       for a fully connected layer), each row's nonzeros scaling the block's activations;</li>
     *   <li>zero-skip: once per output pixel for each nonzero activation, a column of weights per nonzero input
     *       value, so the pixels times the activation density.</li>
     * </ul>
     * Dense kernels are the CPU model's (it knows CMSIS-NN's pixel blocking) and are not asked for.
     */
    public double weightPasses(LayerShape s, KernelVariant variant, Sparsity sparsity) {
        return switch (variant) {
            case WINOGRAD_F2, WINOGRAD_F4 -> tiles(s, WinogradTile.of(variant));
            case SPARSE_CSR, SPARSE_BITMASK, SPARSE_NM -> s.kind() == LayerShape.Kind.CONV
                    ? ceilDiv(s.pixels(), KernelMixes.sparsePixelBlock(isa)) : s.pixels();
            case ZERO_SKIP -> s.pixels() * (1 - sparsity.activations());
            case DENSE -> throw new IllegalArgumentException("the dense kernel's weight passes are the CPU model's");
        };
    }

    // ----------------------------------------------------------------------------------------- the variants

    private double c(InstructionMix m) {
        return m.cycles(timing);
    }

    private double im2col(LayerShape s, boolean interleaved) {
        InstructionMix element = interleaved ? KernelMixes.im2colInterleavedPerElement() : KernelMixes.im2colPerElement(isa);
        return s.pixels() * ((double) s.reduction() * c(element) + (double) s.kH() * s.kW() * c(KernelMixes.im2colPerTap()));
    }

    private double denseConv(LayerShape s) {
        double k = isa == Isa.HELIUM ? roundUp(s.reduction(), 16) : s.reduction();
        return im2col(s, false) + s.outputs() * (k * c(KernelMixes.denseConvPerMac(isa))
                + c(KernelMixes.gemmBlockPerOutput(isa)));
    }

    private double denseFullyConnected(LayerShape s) {
        double k = isa == Isa.HELIUM ? roundUp(s.reduction(), 16) : s.reduction();
        return s.outputs() * (k * c(KernelMixes.denseFullyConnectedPerMac(isa)) + c(KernelMixes.gemmBlockPerOutput(isa)));
    }

    /** Returns the number of output tiles of {@code tile} over the layer's output. */
    static long tiles(LayerShape s, WinogradTile tile) {
        int m = tile.outputEdge();
        return (long) s.batches() * ((s.outH() + m - 1) / m) * ((s.outW() + m - 1) / m);
    }

    private double winograd(LayerShape s, WinogradTile tile) {
        double tiles = tiles(s, tile);
        double tt = tile.inputEdge() * tile.inputEdge();
        double inC = isa == Isa.HELIUM ? roundUp(s.inC(), 8) : s.inC();
        return tiles * s.inC() * c(KernelMixes.winogradInputPerTileChannel(isa, tile))
                + tiles * tt * inC * s.outC() * c(KernelMixes.winogradProductPerMac(isa))
                + tiles * tt * s.outC() * c(KernelMixes.winogradProductPerOutput(isa))
                + tiles * s.outC() * c(KernelMixes.winogradOutputPerTileChannel(isa, tile))
                + s.outputs() * c(KernelMixes.winogradDivisionPerOutput(isa, tile));
    }

    private double weightSparse(LayerShape s, KernelVariant v, Sparsity sp) {
        boolean conv = s.kind() == LayerShape.Kind.CONV;
        int block = conv ? KernelMixes.sparsePixelBlock(isa) : 1;
        double rowPasses = (double) s.outC() * ceilDiv(s.pixels(), block);
        double k = s.reduction();
        double density = 1 - sp.weights();
        double work = switch (v) {
            case SPARSE_CSR -> rowPasses * (c(KernelMixes.csrPerRow()) + density * k * c(conv
                    ? KernelMixes.csrConvPerNonzero(isa) : KernelMixes.csrFullyConnectedPerNonzero(isa)));
            case SPARSE_BITMASK -> rowPasses * (Math.ceil(k / 32) * c(KernelMixes.bitmaskPerWord())
                    + (isa == Isa.SCALAR ? k * c(KernelMixes.bitmaskScalarPerPosition()) : 0)
                    + density * k * c(conv ? KernelMixes.bitmaskConvPerNonzero(isa)
                            : KernelMixes.bitmaskFullyConnectedPerNonzero(isa)));
            case SPARSE_NM -> {
                NmPattern p = sp.pattern().orElseThrow();
                yield rowPasses * (c(KernelMixes.nmPerRow()) + p.groups(s.reduction()) * c(conv
                        ? KernelMixes.nmConvPerGroup(isa, p) : KernelMixes.nmFullyConnectedPerGroup(isa, p)));
            }
            default -> throw new IllegalArgumentException(v.label());
        };
        double setup = s.outputs() * c(conv ? KernelMixes.sparseBlockPerOutput(isa) : KernelMixes.gemmBlockPerOutput(isa));
        return (conv ? im2col(s, isa == Isa.HELIUM) : 0) + work + setup;
    }

    private double zeroSkip(LayerShape s, double activationSparsity) {
        boolean conv = s.kind() == LayerShape.Kind.CONV;
        double blocks = ceilDiv(s.outC(), KernelMixes.zeroSkipChannelBlock(isa));
        double entries = (double) s.pixels() * s.reduction() * blocks;
        return (conv ? im2col(s, false) : 0)
                + entries * (c(KernelMixes.zeroSkipPerEntry())
                        + (1 - activationSparsity) * c(KernelMixes.zeroSkipPerNonzero(isa)))
                + s.outputs() * c(KernelMixes.zeroSkipPerOutput(isa));
    }

    // ----------------------------------------------------------------------------------------- footprints

    /** Returns the weights and scratch of {@code variant} for {@code shape}. */
    public Footprint footprint(LayerShape s, KernelVariant v, Sparsity sp) {
        int rows = s.outC();
        int cols = s.reduction();
        long nnz = Math.round((1 - sp.weights()) * s.weightCount());
        long weights = switch (v) {
            case DENSE, ZERO_SKIP -> s.weightCount();
            case WINOGRAD_F2, WINOGRAD_F4 -> {
                int t = WinogradTile.of(v).inputEdge();
                yield 2L * t * t * s.inC() * s.outC();
            }
            case SPARSE_CSR -> CsrMatrix.sizeBytes(nnz, rows, cols);
            case SPARSE_BITMASK -> BitmaskMatrix.sizeBytes(nnz, rows, cols);
            case SPARSE_NM -> NmMatrix.sizeBytes(sp.pattern().orElseThrow(
                    () -> new IllegalArgumentException("sparse-nm needs an N:M pattern")), rows, cols);
        };
        return new Footprint(weights, scratch(s, v));
    }

    private long scratch(LayerShape s, KernelVariant v) {
        if (s.kind() == LayerShape.Kind.FULLY_CONNECTED) {
            return 0;
        }
        long k = s.reduction();
        return switch (v) {
            case DENSE -> isa == Isa.HELIUM ? 4 * roundUp(k, 4) : 4 * k;
            case SPARSE_CSR, SPARSE_BITMASK, SPARSE_NM -> isa == Isa.HELIUM ? 8 * k : 4 * k;
            case ZERO_SKIP -> isa == Isa.HELIUM ? k : 2 * k;
            case WINOGRAD_F2, WINOGRAD_F4 -> {
                int t = WinogradTile.of(v).inputEdge();
                long tilesPerPass = isa == Isa.HELIUM ? 4 : 2;
                yield tilesPerPass * t * t * (2L * s.inC() + 4L * s.outC());
            }
        };
    }

    private static long roundUp(long v, int to) {
        return (v + to - 1) / to * to;
    }

    private static double ceilDiv(long a, int b) {
        return (a + b - 1) / b;
    }
}
