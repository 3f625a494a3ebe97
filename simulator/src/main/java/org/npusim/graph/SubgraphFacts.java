// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * Facts derived once from a subgraph: per-operator MACs, parameters and activation bytes; totals; tensor
 * lifetimes over the execution order; and the peak live activation memory, i.e. the largest sum of the bytes of
 * the tensors live at one step when each tensor has its own buffer (a lower bound for any tensor arena that
 * keeps execution order, and what TFLite Micro's greedy planner approaches).
 */
public record SubgraphFacts(
        List<OperatorFacts> operators,
        List<TensorLifetime> lifetimes,
        long totalMacs,
        long parameterCount,
        long parameterBytes,
        long peakActivationBytes,
        int peakActivationStep) {

    public SubgraphFacts {
        operators = List.copyOf(operators);
        lifetimes = List.copyOf(lifetimes);
    }

    /** Computes the facts of a subgraph with these tensors, operators, inputs and outputs. */
    static SubgraphFacts compute(List<Tensor> tensors, List<Operator> ops, int[] inputs, int[] outputs) {
        List<OperatorFacts> opFacts = new ArrayList<>(ops.size());
        long macs = 0;
        long params = 0;
        long paramBytes = 0;
        boolean[] counted = new boolean[tensors.size()];
        Operator[] producers = new Operator[tensors.size()];
        int[] readers = new int[tensors.size()];
        List<List<Operator>> readerOps = new ArrayList<>(tensors.size());
        for (int t = 0; t < tensors.size(); t++) {
            readerOps.add(new ArrayList<>(1));
        }
        boolean[] modelOutput = new boolean[tensors.size()];
        for (Operator op : ops) {
            for (int t : op.outputs()) {
                if (t >= 0) {
                    producers[t] = op;
                }
            }
            for (int t : op.inputs()) {
                if (t >= 0) {
                    readers[t]++;
                    readerOps.get(t).add(op);
                }
            }
        }
        for (int t : outputs) {
            if (t >= 0) {
                modelOutput[t] = true;
            }
        }
        for (Operator op : ops) {
            long p = 0;
            long pb = 0;
            long inBytes = 0;
            long outBytes = 0;
            for (int t : op.inputs()) {
                if (t < 0) {
                    continue;
                }
                Tensor tensor = tensors.get(t);
                if (tensor.isConstant()) {
                    p += tensor.elementCount();
                    pb += tensor.sizeBytes();
                    if (!counted[t]) {
                        counted[t] = true;
                        params += tensor.elementCount();
                        paramBytes += tensor.sizeBytes();
                    }
                } else {
                    inBytes += tensor.sizeBytes();
                }
            }
            for (int t : op.outputs()) {
                if (t >= 0) {
                    outBytes += tensors.get(t).sizeBytes();
                }
            }
            // A ReLU packed into its producer's pass is no operation of its own: its pool's MACs are not counted.
            int in = op.inputCount() > 0 ? op.input(0) : -1;
            boolean packed = in >= 0 && ActivationPacking.packs(op, producers[in], readers[in], modelOutput[in], tensors);
            long m = packed ? 0 : Macs.of(op, tensors);
            // A PAD that is not every reader's hardware padding becomes 1x1 average pools writing every element.
            if (op.is(BuiltinOperator.PAD) && op.outputCount() > 0 && op.output(0) >= 0
                    && PadFolding.heightAndWidth(op, tensors).isPresent()
                    && PadFolding.convertedToCopies(op, readerOps.get(op.output(0)), modelOutput[op.output(0)], tensors)) {
                m = tensors.get(op.output(0)).elementCount();
            }
            macs += m;
            opFacts.add(new OperatorFacts(m, p, pb, inBytes, outBytes));
        }

        int steps = ops.size();
        int last = Math.max(0, steps - 1);
        int[] first = new int[tensors.size()];
        int[] end = new int[tensors.size()];
        java.util.Arrays.fill(first, Integer.MAX_VALUE);
        java.util.Arrays.fill(end, -1);
        for (int t : inputs) {
            if (t >= 0) {
                first[t] = 0;
                end[t] = Math.max(end[t], 0);
            }
        }
        for (Operator op : ops) {
            int s = op.index();
            for (int t : op.inputs()) {
                if (t >= 0) {
                    first[t] = Math.min(first[t], s);
                    end[t] = Math.max(end[t], s);
                }
            }
            for (int t : op.outputs()) {
                if (t >= 0) {
                    first[t] = Math.min(first[t], s);
                    end[t] = Math.max(end[t], s);
                }
            }
            for (int t : op.intermediates()) {
                if (t >= 0) {
                    first[t] = Math.min(first[t], s);
                    end[t] = Math.max(end[t], s);
                }
            }
        }
        for (int t : outputs) {
            if (t >= 0 && first[t] != Integer.MAX_VALUE) {
                end[t] = last;
            }
        }
        List<TensorLifetime> lifetimes = new ArrayList<>();
        long[] delta = new long[steps + 1];
        for (Tensor tensor : tensors) {
            int t = tensor.index();
            if (tensor.isConstant() || first[t] == Integer.MAX_VALUE) {
                continue;
            }
            int from = tensor.variable() ? 0 : first[t];
            int to = tensor.variable() ? last : end[t];
            lifetimes.add(new TensorLifetime(t, from, to));
            if (steps > 0) {
                delta[from] += tensor.sizeBytes();
                delta[to + 1] -= tensor.sizeBytes();
            }
        }
        long live = 0;
        long peak = 0;
        int peakStep = 0;
        for (int s = 0; s < steps; s++) {
            live += delta[s];
            if (live > peak) {
                peak = live;
                peakStep = s;
            }
        }
        return new SubgraphFacts(opFacts, lifetimes, macs, params, paramBytes, peak, peakStep);
    }
}
