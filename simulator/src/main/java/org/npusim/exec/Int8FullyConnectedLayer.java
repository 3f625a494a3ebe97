// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.util.Objects;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * One int8 FULLY_CONNECTED prepared exactly as the executor prepares it, so that alternative kernels
 * ({@code org.npusim.kernels}) can be checked byte for byte against {@link #runDense}, the executor's own kernel.
 *
 * <p>Weights are {@code [units][depth]} row-major. The arrays are copied on construction and must not be
 * modified through the accessors.
 *
 * @param batches input rows
 * @param units output values per row
 * @param depth input values per row
 * @param weights int8 weights
 * @param inputOffset minus the input zero point
 * @param filterOffset minus the weights' zero point (0 for TFLite's symmetric int8 weights)
 * @param output the output stage
 */
public record Int8FullyConnectedLayer(int batches, int units, int depth, byte[] weights, int inputOffset,
        int filterOffset, Requantization output) {

    /** Returns this layer with {@code newWeights} (same shape) in place of its weights: a pruned or clustered copy. */
    public Int8FullyConnectedLayer withWeights(byte[] newWeights) {
        return new Int8FullyConnectedLayer(batches, units, depth, newWeights, inputOffset, filterOffset, output);
    }

    /** Validates the record: positive sizes, weights and output stage matching them. */
    public Int8FullyConnectedLayer {
        Objects.requireNonNull(output, "output");
        if (batches <= 0 || units <= 0 || depth <= 0) {
            throw new IllegalArgumentException("fully connected sizes must be positive");
        }
        if ((long) units * depth != weights.length) {
            throw new IllegalArgumentException(weights.length + " weights for " + units + " x " + depth);
        }
        if (output.channels() != units) {
            throw new IllegalArgumentException(output.channels() + " output channels for " + units + " units");
        }
        weights = weights.clone();
    }

    /**
     * Prepares operator {@code op} of {@code graph}, which must be an int8 FULLY_CONNECTED with constant weights;
     * throws {@link org.npusim.errors.InputException} naming the layer otherwise.
     */
    public static Int8FullyConnectedLayer of(String source, Subgraph graph, Operator op) {
        OpBinding b = new OpBinding(source, graph, op, Int8ConvLayer.constants(graph, op));
        OpOptions.FullyConnected o = FullyConnectedKernels.options(b);
        Tensor in = b.input(0);
        Tensor filter = b.input(1);
        Tensor out = b.output(0);
        b.requireType(in, "input", ElementType.INT8);
        b.requireType(filter, "weights", ElementType.INT8);
        b.requireType(out, "output", ElementType.INT8);
        int batches = FullyConnectedKernels.batches(b, in, filter, out);
        int units = filter.shape().dim(0);
        int depth = filter.shape().dim(1);
        int[] mult = new int[units];
        int[] shift = new int[units];
        FullyConnectedKernels.multipliers(b, in, filter, out, units, mult, shift);
        int outZp = b.zeroPoint(out, "output");
        ActivationRange range = ActivationRange.of(o.activation(), ElementType.INT8, b.scale(out, "output"), outZp, b);
        Requantization stage = new Requantization(ConvKernels.toInt(ConvKernels.bias(b, 2, units, false)), mult, shift,
                outZp, range.min(), range.max());
        return new Int8FullyConnectedLayer(batches, units, depth, b.constant(1, "weights").int8(),
                -b.zeroPoint(in, "input"), -b.zeroPoint(filter, "weights"), stage);
    }

    /** Runs the executor's dense int8 fully connected kernel. */
    public void runDense(byte[] input, byte[] output) {
        checkLengths(input, output);
        Requantization r = this.output;
        FullyConnectedKernels.int8(batches, units, depth, input, inputOffset, weights, filterOffset, r.bias(),
                r.multiplier(), r.shift(), r.outputZeroPoint(), r.activationMin(), r.activationMax(), output);
    }

    /** Checks the buffer lengths of a run. */
    public void checkLengths(byte[] input, byte[] output) {
        if (input.length != batches * depth || output.length != batches * units) {
            throw new IllegalArgumentException("buffers of " + input.length + " and " + output.length
                    + " bytes for a fully connected layer of " + batches * depth + " to " + batches * units);
        }
    }
}
