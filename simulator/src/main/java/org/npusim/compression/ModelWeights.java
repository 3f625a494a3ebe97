// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpKind;
import org.npusim.graph.Operator;
import org.npusim.graph.Quantization;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.BlockConfigSearch;
import org.npusim.npu.Lowering;
import org.npusim.npu.NpuOperation;

/**
 * The weights of every weighted layer of a model (convolution, depthwise and transpose convolution, fully
 * connected) and their unsliced Ethos-U encoding on a variant, with the block config Vela would choose. This is
 * what {@code npusim inspect --weights} prints and what a what-if comparison (pruned or clustered model against
 * the original) measures.
 */
public final class ModelWeights {

    private ModelWeights() {}

    /** Returns the weighted layers of {@code model}'s main subgraph, in execution order. */
    public static List<LayerWeights> of(Model model, NpuVariant variant) {
        Subgraph g = model.main();
        Lowering lowering = new Lowering(g);
        WeightEncoder encoder = new WeightEncoder(g);
        List<LayerWeights> layers = new ArrayList<>();
        for (Operator op : g.operators()) {
            Optional<Tensor> w = weightTensor(g, op);
            if (w.isEmpty()) {
                otherWeights(g, op, lowering.lower(op), encoder, variant).ifPresent(layers::add);
                continue;
            }
            Tensor t = w.get();
            long[] stats = statistics(t, op);
            String name = op.outputCount() == 0 ? "" : g.tensor(op.output(0)).name();
            List<EncodedWeights> encoded = List.of();
            String note;
            Lowering.Result result = lowering.lower(op);
            if (result instanceof Lowering.Result.NotLowered n) {
                note = n.reason();
            } else if (t.type() != ElementType.INT8 && t.type() != ElementType.UINT8) {
                note = "weights are " + t.type().label() + "; the Ethos-U encodes 8-bit weights";
            } else {
                encoded = new ArrayList<>();
                note = encodeEach((Lowering.Result.Npu) result, encoder, variant, encoded);
            }
            layers.add(new LayerWeights(op.index(), name, op.opName(), t.elementCount(), (int) stats[0], stats[1],
                    encoded, note));
        }
        return layers;
    }

    /**
     * Returns the weights of an operator outside the four weighted kinds that still holds weight matrices (constant
     * 8-bit tensors of rank 2 or more: an LSTM's eight gate matrices, an SVDF's feature weights; its int16 time
     * weights are not 8-bit and not listed), with their statistics and, where the layer lowers to NPU operations (an
     * LSTM's gate products), the stream of each matrix as the simulation sizes it; leaving them out hid most of an
     * LSTM model's weights.
     */
    private static Optional<LayerWeights> otherWeights(Subgraph g, Operator op, Lowering.Result lowered, WeightEncoder encoder,
            NpuVariant variant) {
        List<Tensor> matrices = new ArrayList<>();
        for (int i = 0; i < op.inputCount(); i++) {
            int index = op.input(i);
            if (index < 0) {
                continue;
            }
            Tensor t = g.tensor(index);
            if (t.isConstant() && t.shape().rank() >= 2
                    && (t.type() == ElementType.INT8 || t.type() == ElementType.UINT8)) {
                matrices.add(t);
            }
        }
        if (matrices.isEmpty()) {
            return Optional.empty();
        }
        long elements = 0;
        long zeros = 0;
        boolean[] seen = new boolean[256];
        for (Tensor t : matrices) {
            elements += t.elementCount();
            zeros += count(t, op, seen)[1];
        }
        int unique = 0;
        for (boolean b : seen) {
            unique += b ? 1 : 0;
        }
        String name = op.outputCount() == 0 ? "" : g.tensor(op.output(0)).name();
        String matricesText = matrices.size() + (matrices.size() == 1 ? " weight matrix" : " weight matrices");
        List<EncodedWeights> encoded = new ArrayList<>();
        String note;
        if (lowered instanceof Lowering.Result.Npu npu) {
            String problem = encodeEach(npu, encoder, variant, encoded);
            note = problem.isEmpty() ? "" : matricesText + ": " + problem;
        } else {
            note = matricesText + " on the CPU: " + ((Lowering.Result.NotLowered) lowered).reason();
        }
        return Optional.of(new LayerWeights(op.index(), name, op.opName(), elements, unique, zeros, encoded, note));
    }

    /**
     * Encodes, unsliced, each weight tensor that the operations of {@code lowered} read, once (an LSTM's gate
     * products read each gate matrix at every time step, from one stream), into {@code out} in order of first use;
     * returns why one could not be encoded, or an empty string.
     */
    private static String encodeEach(Lowering.Result.Npu lowered, WeightEncoder encoder, NpuVariant variant,
            List<EncodedWeights> out) {
        java.util.Set<Integer> done = new java.util.HashSet<>();
        for (NpuOperation npuOp : lowered.operations()) {
            if (npuOp.weights().isEmpty() || !done.add(npuOp.weights().get().tensor())) {
                continue;
            }
            Optional<BlockConfig> config = BlockConfigSearch.find(variant, npuOp);
            if (config.isEmpty()) {
                out.clear();
                return "no block config fits SHRAM";
            }
            try {
                out.add(encoder.encode(npuOp, config.get(), variant));
            } catch (IllegalArgumentException notEncodable) {
                out.clear();
                return notEncodable.getMessage();
            }
        }
        return "";
    }

    /** Returns the constant weight tensor of a weighted operator (input 1), if it has one. */
    public static Optional<Tensor> weightTensor(Subgraph g, Operator op) {
        OpKind kind = op.options().kind();
        if (kind != OpKind.CONV_2D && kind != OpKind.DEPTHWISE_CONV_2D && kind != OpKind.FULLY_CONNECTED
                && kind != OpKind.TRANSPOSE_CONV) {
            return Optional.empty();
        }
        int index = op.input(1);
        if (index < 0 || !g.tensor(index).isConstant()) {
            return Optional.empty();
        }
        return Optional.of(g.tensor(index));
    }

    /** Returns the index of the dimension that holds the output channels of a weighted operator's weights. */
    public static int outputChannelAxis(Operator op, Tensor weights) {
        return op.options().kind() == OpKind.DEPTHWISE_CONV_2D ? weights.shape().rank() - 1 : 0;
    }

    /** Returns {unique values, zeros} of 8-bit weights; {0, 0} for other types. */
    private static long[] statistics(Tensor t, Operator op) {
        if (t.type() != ElementType.INT8 && t.type() != ElementType.UINT8) {
            return new long[] {0, 0};
        }
        return count(t, op, new boolean[256]);
    }

    /**
     * Marks the stored values of 8-bit {@code t} in {@code seen} (by their low byte) and returns {values newly marked,
     * weights equal to their channel's zero point}.
     */
    private static long[] count(Tensor t, Operator op, boolean[] seen) {
        boolean unsigned = t.type() == ElementType.UINT8;
        Quantization q = t.quantization().orElse(Quantization.perTensor(1f, 0));
        int axis = outputChannelAxis(op, t);
        int[] dims = t.shape().dims();
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        int channels = dims.length == 0 ? 1 : dims[axis];
        int unique = 0;
        long zeros = 0;
        byte[] raw = t.data().orElseThrow().toByteArray();
        long[] zeroPoints = q.zeroPoints();
        boolean oneZeroPoint = true;
        for (long zp : zeroPoints) {
            oneZeroPoint &= zp == q.zeroPoint(0);
        }
        long zp0 = q.zeroPoint(0);
        for (int k = 0; k < raw.length; k++) {
            int v = unsigned ? raw[k] & 0xff : raw[k];
            if (!seen[v & 0xff]) {
                seen[v & 0xff] = true;
                unique++;
            }
            long zp = oneZeroPoint ? zp0 : q.zeroPoint((int) ((k / inner) % Math.max(1, channels)));
            if (v == zp) {
                zeros++;
            }
        }
        return new long[] {unique, zeros};
    }
}
