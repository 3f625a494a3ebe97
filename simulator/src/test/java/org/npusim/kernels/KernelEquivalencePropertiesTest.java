// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Int8FullyConnectedLayer;

/**
 * Every kernel variant against the executor's dense reference kernel ({@code runDense}) on random layers: shapes,
 * strides, dilations, paddings, zero points, output stages, weight sparsities from 0 to all-zero and activation
 * zero fractions from 0 to 1. The outputs must be equal byte for byte; a single wrong accumulator shows up in the
 * bytes because the random multipliers and shifts map accumulators that differ by one to different outputs often
 * enough over 300 tries.
 */
final class KernelEquivalencePropertiesTest {

    static byte[] dense(Int8ConvLayer l, byte[] x) {
        byte[] y = new byte[l.outputLength()];
        l.runDense(x, y);
        return y;
    }

    static byte[] run(LayerKernel k, int outputLength, byte[] x) {
        byte[] y = new byte[outputLength];
        k.run(x, y);
        return y;
    }

    static byte[] input(Random r, Int8ConvLayer l) {
        return RandomLayers.activations(r, l.inputLength(), -l.inputOffset(), r.nextInt(3) * 0.45);
    }

    @Property(tries = 300)
    void convVariants_randomLayers_equalDense(@ForAll long seed) {
        Random r = new Random(seed);
        Int8ConvLayer l = RandomLayers.conv(r, false, RandomLayers.sparsity(r));
        byte[] x = input(r, l);
        byte[] expected = dense(l, x);
        for (KernelVariant v : new KernelVariant[] {KernelVariant.DENSE, KernelVariant.SPARSE_CSR,
            KernelVariant.SPARSE_BITMASK, KernelVariant.ZERO_SKIP}) {
            assertThat(run(LayerKernels.conv(l, v, Optional.empty()), l.outputLength(), x)).as(v.label())
                    .isEqualTo(expected);
        }
    }

    @Property(tries = 300)
    void winograd_random3x3Layers_equalDense(@ForAll long seed) {
        Random r = new Random(seed);
        Int8ConvLayer l = RandomLayers.conv(r, true, RandomLayers.sparsity(r));
        byte[] x = input(r, l);
        byte[] expected = dense(l, x);
        for (KernelVariant v : new KernelVariant[] {KernelVariant.WINOGRAD_F2, KernelVariant.WINOGRAD_F4}) {
            assertThat(run(LayerKernels.conv(l, v, Optional.empty()), l.outputLength(), x)).as(v.label())
                    .isEqualTo(expected);
        }
    }

    @Property(tries = 300)
    void nm_randomPatternsAndLayers_equalDenseOnPrunedWeights(@ForAll long seed) {
        Random r = new Random(seed);
        int m = 2 << r.nextInt(4);
        NmPattern p = new NmPattern(1 + r.nextInt(m - 1), m);
        Int8ConvLayer base = RandomLayers.conv(r, false, r.nextDouble() * 0.5);
        Int8ConvLayer l = base.withWeights(Pruning.structured(base.weights(), base.outC(), base.filterLength(), p));
        assertThat(p.fits(l.weights(), l.outC(), l.filterLength())).isTrue();
        byte[] x = input(r, l);
        assertThat(run(LayerKernels.conv(l, KernelVariant.SPARSE_NM, Optional.of(p)), l.outputLength(), x))
                .as(p.toString()).isEqualTo(dense(l, x));
    }

    @Property(tries = 300)
    void fullyConnectedVariants_randomLayers_equalDense(@ForAll long seed) {
        Random r = new Random(seed);
        Int8FullyConnectedLayer l = RandomLayers.fullyConnected(r, RandomLayers.sparsity(r));
        byte[] x = RandomLayers.activations(r, l.batches() * l.depth(), -l.inputOffset(), r.nextInt(3) * 0.45);
        byte[] expected = new byte[l.batches() * l.units()];
        l.runDense(x, expected);
        NmPattern p = NmPattern.STANDARD.get(r.nextInt(NmPattern.STANDARD.size()));
        Int8FullyConnectedLayer pruned = l.withWeights(Pruning.structured(l.weights(), l.units(), l.depth(), p));
        byte[] expectedPruned = new byte[expected.length];
        pruned.runDense(x, expectedPruned);
        for (KernelVariant v : KernelVariant.values()) {
            if (v.winograd()) {
                continue;
            }
            boolean nm = v == KernelVariant.SPARSE_NM;
            LayerKernel k = LayerKernels.fullyConnected(nm ? pruned : l, v, nm ? Optional.of(p) : Optional.empty());
            assertThat(run(k, expected.length, x)).as(v.label()).isEqualTo(nm ? expectedPruned : expected);
        }
    }
}
