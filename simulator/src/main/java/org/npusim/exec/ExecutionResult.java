// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * The values of every tensor after one run, and their {@link ActivationStats}. Constants are shared with the
 * interpreter; callers must not modify any buffer.
 */
public final class ExecutionResult {

    private final Subgraph graph;
    private final TensorBuffer[] tensors;
    private final ActivationStats[] stats;

    ExecutionResult(Subgraph graph, TensorBuffer[] tensors) {
        this.graph = graph;
        this.tensors = tensors;
        this.stats = new ActivationStats[tensors.length];
    }

    /** Returns the subgraph that ran. */
    public Subgraph graph() {
        return graph;
    }

    /** Returns whether tensor {@code index} has values (false only for tensors no operator touched). */
    public boolean hasValues(int index) {
        return tensors[index] != null;
    }

    /** Returns the values of tensor {@code index}; throws if it has none. */
    public TensorBuffer tensor(int index) {
        TensorBuffer t = tensors[index];
        if (t == null) {
            throw new IllegalArgumentException("tensor " + index + " has no values");
        }
        return t;
    }

    /** Returns the graph outputs' values, in the graph's output order. */
    public List<TensorBuffer> outputs() {
        List<TensorBuffer> out = new ArrayList<>();
        for (int i : graph.outputs()) {
            out.add(tensor(i));
        }
        return out;
    }

    /** Returns the statistics of tensor {@code index}, measured on first request. */
    public synchronized ActivationStats stats(int index) {
        if (stats[index] == null) {
            Tensor t = graph.tensor(index);
            long zp = t.quantization().map(q -> q.zeroPoint(0)).orElse(0L);
            stats[index] = ActivationStats.of(tensor(index), zp);
        }
        return stats[index];
    }

    /** Returns the indices of the tensors operators wrote, in execution order (each once). */
    public List<Integer> activationTensors() {
        List<Integer> out = new ArrayList<>();
        boolean[] seen = new boolean[tensors.length];
        for (var op : graph.operators()) {
            for (int o : op.outputs()) {
                if (!seen[o]) {
                    seen[o] = true;
                    out.add(o);
                }
            }
        }
        return out;
    }

    /**
     * Returns, for each operator whose first input has values, the fraction of that input equal to its zero point,
     * keyed by operator index: the activation sparsity a zero-skipping kernel would see on this run.
     */
    public Map<Integer, Double> inputZeroFractions() {
        Map<Integer, Double> out = new TreeMap<>();
        for (var op : graph.operators()) {
            if (op.inputs().length > 0 && op.input(0) >= 0 && hasValues(op.input(0))) {
                out.put(op.index(), stats(op.input(0)).zeroFraction());
            }
        }
        return out;
    }
}
