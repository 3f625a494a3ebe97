// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Tensor;

/**
 * SVDF with int8 input and output and an int16 (or int8) activation state, as TFLite Micro's
 * {@code EvalIntegerSvdfReference} computes it (svdf_common.cc).
 *
 * <p>Inputs: 0 input [batch, inputSize]; 1 feature weights [filters, inputSize] int8; 2 time weights
 * [filters, memory] of the state's type; 3 optional int32 bias [units]; 4 the variable activation state
 * [batch, filters * memory]. One step: the whole state shifts left by one element; each filter's dot product with
 * {@code x - inZp} is requantized by {@code inScale * featureScale / stateScale}, saturated to the state type, offset
 * by the state zero point and stored as the filter's newest memory slot; each filter's memory is dotted with its
 * time weights ({@code state - stateZp}); the {@code rank} filters of a unit are summed with the bias, requantized
 * by {@code stateScale * timeScale / outScale}, offset and saturated to int8. TFLite's integer SVDF applies no
 * fused activation beyond that saturation.
 */
final class SvdfKernels {

    private SvdfKernels() {}

    record Params(int batches, int inputSize, int filters, int units, int rank, int memory, int inZp, int stateZp,
            int outZp, int m1, int s1, int m2, int s2, int stateMin, int stateMax) {}

    static Step svdf(OpBinding b) {
        b.requireInputCount(5, 5);
        OpOptions.Svdf o = b.options(OpOptions.Svdf.class, OpKind.SVDF);
        Tensor in = b.input(0);
        Tensor wf = b.input(1);
        Tensor wt = b.input(2);
        Tensor state = b.input(4);
        Tensor out = b.output(0);
        b.requireType(in, "input", ElementType.INT8);
        b.requireType(wf, "feature weights", ElementType.INT8);
        ElementType st = b.requireType(state, "activation state", ElementType.INT16, ElementType.INT8);
        b.requireType(wt, "time weights", st);
        b.requireType(out, "output", ElementType.INT8);
        b.requireRank(in, "input", 2);
        b.requireRank(wf, "feature weights", 2);
        b.requireRank(wt, "time weights", 2);
        int batches = in.shape().dim(0);
        int inputSize = in.shape().dim(1);
        int filters = wf.shape().dim(0);
        int rank = o.rank();
        int memory = wt.shape().dim(1);
        if (rank < 1 || filters % rank != 0 || wf.shape().dim(1) != inputSize || wt.shape().dim(0) != filters
                || state.elementCount() != (long) batches * filters * memory) {
            throw b.fail("SVDF shapes do not fit: input " + in.shape() + ", feature weights " + wf.shape()
                    + ", time weights " + wt.shape() + ", state " + state.shape() + ", rank " + rank);
        }
        int units = filters / rank;
        if (out.elementCount() != (long) batches * units) {
            throw b.fail("output " + out.shape() + " should hold " + batches + " x " + units + " values");
        }
        if (!state.variable() && b.isConstant(4)) {
            throw b.fail("activation state '" + state.name() + "' must be a variable tensor");
        }
        float stateScale = b.scale(state, "activation state");
        QuantizedMultiplier q1 = QuantizedMultiplier.of((double) b.scale(in, "input")
                * (double) b.scale(wf, "feature weights") / (double) stateScale);
        QuantizedMultiplier q2 = QuantizedMultiplier.of((double) stateScale * (double) b.scale(wt, "time weights")
                / (double) b.scale(out, "output"));
        Params p = new Params(batches, inputSize, filters, units, rank, memory, b.zeroPoint(in, "input"),
                b.zeroPoint(state, "activation state"), b.zeroPoint(out, "output"), q1.multiplier(), q1.shift(),
                q2.multiplier(), q2.shift(), ActivationRange.typeMin(st), ActivationRange.typeMax(st));
        byte[] featureWeights = b.constant(1, "feature weights").int8();
        TensorBuffer timeWeights = b.constant(2, "time weights");
        int[] bias = b.hasInput(3) ? ConvKernels.toInt(ConvKernels.bias(b, 3, units, false)) : new int[units];
        int inIdx = b.inputIndex(0);
        int stateIdx = b.inputIndex(4);
        int outIdx = b.outputIndex(0);
        return tensors -> run(p, tensors[inIdx].int8(), featureWeights, timeWeights, bias, tensors[stateIdx],
                tensors[outIdx].int8());
    }

    static void run(Params p, byte[] x, byte[] wf, TensorBuffer wt, int[] bias, TensorBuffer state, byte[] y) {
        int n = state.length();
        // Shift the whole state left by one element; each filter's newest slot is overwritten below.
        System.arraycopy(state.array(), 1, state.array(), 0, n - 1);
        for (int bt = 0; bt < p.batches(); bt++) {
            for (int f = 0; f < p.filters(); f++) {
                int dot = 0;
                for (int c = 0; c < p.inputSize(); c++) {
                    dot += wf[f * p.inputSize() + c] * (x[bt * p.inputSize() + c] - p.inZp());
                }
                dot = FixedPoint.multiplyByQuantizedMultiplier(dot, p.m1(), p.s1());
                dot = Math.min(Math.max(p.stateMin(), dot), p.stateMax());
                int slot = (bt * p.filters() + f) * p.memory() + p.memory() - 1;
                state.set(slot, p.stateZp() + dot);
            }
        }
        int[] scratch = new int[p.batches() * p.filters()];
        for (int bt = 0; bt < p.batches(); bt++) {
            for (int f = 0; f < p.filters(); f++) {
                int acc = 0;
                int sb = (bt * p.filters() + f) * p.memory();
                for (int j = 0; j < p.memory(); j++) {
                    acc += (int) wt.get(f * p.memory() + j) * ((int) state.get(sb + j) - p.stateZp());
                }
                scratch[bt * p.filters() + f] = acc;
            }
        }
        for (int bt = 0; bt < p.batches(); bt++) {
            for (int u = 0; u < p.units(); u++) {
                int acc = bias[u];
                for (int r = 0; r < p.rank(); r++) {
                    acc += scratch[bt * p.filters() + u * p.rank() + r];
                }
                int v = FixedPoint.multiplyByQuantizedMultiplier(acc, p.m2(), p.s2()) + p.outZp();
                y[bt * p.units() + u] = (byte) Math.min(Math.max(v, -128), 127);
            }
        }
    }
}
