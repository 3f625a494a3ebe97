// SPDX-License-Identifier: Apache-2.0
package org.npusim.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Int8FullyConnectedLayer;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.modeldesc.ModelDescriptions;

/**
 * Layers of the shipped model descriptions ({@code models/*.yaml}, generated weights), named
 * {@code model:layer}, for benchmarks run from the repository root; and inputs and weight variants for them.
 */
final class ShippedLayers {

    private ShippedLayers() {}

    private static Operator find(Subgraph g, String name) {
        for (Operator op : g.operators()) {
            if (op.outputCount() > 0 && g.tensor(op.output(0)).name().equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("no layer " + name);
    }

    private static Model model(String spec) {
        Path p = Path.of("models", spec.substring(0, spec.indexOf(':')) + ".yaml");
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " not found: run from the repository root");
        }
        return ModelDescriptions.load(p);
    }

    /** Returns the convolution {@code model:layer}. */
    static Int8ConvLayer conv(String spec) {
        Model m = model(spec);
        return Int8ConvLayer.of(m.name(), m.main(), find(m.main(), spec.substring(spec.indexOf(':') + 1)));
    }

    /** Returns the fully connected layer {@code model:layer}. */
    static Int8FullyConnectedLayer fullyConnected(String spec) {
        Model m = model(spec);
        return Int8FullyConnectedLayer.of(m.name(), m.main(), find(m.main(), spec.substring(spec.indexOf(':') + 1)));
    }

    /** Returns seeded random int8 activations of which {@code zeroFraction} (about) equal {@code zeroPoint}. */
    static byte[] input(int length, int zeroPoint, double zeroFraction) {
        SplittableRandom r = new SplittableRandom(42);
        byte[] x = new byte[length];
        r.nextBytes(x);
        for (int i = 0; i < length; i++) {
            if (r.nextDouble() < zeroFraction) {
                x[i] = (byte) zeroPoint;
            }
        }
        return x;
    }
}
