// SPDX-License-Identifier: Apache-2.0
package org.npusim.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.graph.Activation;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Padding;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.Lowering;

/** Tensors and operators of a hand-built test graph: x (a model input) → 1x1 average pool → p, then what a test adds. */
public final class TestGraph {
    public final List<Tensor> tensors = new ArrayList<>();
    public final List<Operator> ops = new ArrayList<>();
    public final List<Integer> outputs = new ArrayList<>();
    /** Subgraph inputs besides {@link #x}: feature maps no operator of the graph writes. */
    public final List<Integer> inputs = new ArrayList<>();
    public final int x;
    public final int p;

    public TestGraph(Shape shape) {
        x = tensor("x", shape, null);
        p = tensor("p", shape, null);
        op(BuiltinOperator.AVERAGE_POOL_2D, new int[] {x}, new int[] {p}, pool());
    }

    public int tensor(String name, Shape shape, ConstantData data) {
        return tensor(name, shape, data, 0.05f);
    }

    /** A tensor named {@code name}: int32 when constant and named "i32 ...", else int8 of {@code scale}, zero point 0. */
    public int tensor(String name, Shape shape, ConstantData data, float scale) {
        ElementType type = data != null && name.startsWith("i32") ? ElementType.INT32 : ElementType.INT8;
        tensors.add(new Tensor(tensors.size(), name, type, shape,
                type == ElementType.INT32 ? Optional.empty() : Optional.of(Quantization.perTensor(scale, 0)),
                Optional.ofNullable(data), false));
        return tensors.size() - 1;
    }

    /** A non-constant tensor the graph's caller writes: a subgraph input. */
    public int input(String name, Shape shape) {
        int t = tensor(name, shape, null);
        inputs.add(t);
        return t;
    }

    public int ints(String name, int... values) {
        return ints(name, Shape.of(values.length), values);
    }

    public int ints(String name, Shape shape, int... values) {
        return tensor("i32 " + name, shape, ConstantData.ofInt32(values));
    }

    public int scalar(String name, int value) {
        return tensor("i32 " + name, Shape.SCALAR, ConstantData.ofInt32(new int[] {value}));
    }

    public Operator op(BuiltinOperator b, int[] in, int[] out, OpOptions options) {
        Operator o = new Operator(ops.size(), OperatorCode.of(b), in, out, new int[0], options);
        ops.add(o);
        return o;
    }

    /** A SPLIT of p along {@code axis} into parts of the given shapes; returns the parts' tensors. */
    public int[] split(int axis, Shape... parts) {
        int[] out = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            out[k] = tensor(String.valueOf((char) ('a' + k)), parts[k], null);
        }
        op(BuiltinOperator.SPLIT, new int[] {scalar("axis", axis), p}, out, new OpOptions.Split(parts.length));
        return out;
    }

    /** A 1x1 average pool from {@code in} to a new output tensor of {@code shape}, a model output. */
    public int poolTo(String name, int in, Shape shape) {
        int y = tensor(name, shape, null);
        op(BuiltinOperator.AVERAGE_POOL_2D, new int[] {in}, new int[] {y}, pool());
        outputs.add(y);
        return y;
    }

    public Model model() {
        int[] in = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(x),
                inputs.stream().mapToInt(Integer::intValue)).toArray();
        return new Model("test", "", 3, List.of(Subgraph.of("main", tensors, ops, in,
                outputs.stream().mapToInt(Integer::intValue).toArray())));
    }

    public static OpOptions pool() {
        return new OpOptions.Pool2D(Padding.VALID, 1, 1, 1, 1, Activation.NONE);
    }

    /** Lowers {@code op} of {@code m} for the U55-128 and returns its NPU operations, failing if it stays on the CPU. */
    public static Lowering.Result.Npu lowered(Model m, Operator op) {
        Lowering.Result r = new Lowering(m.main(), Optional.of(NpuVariant.ETHOS_U55_128)).lower(op);
        assertThat(r).as("%s", r).isInstanceOf(Lowering.Result.Npu.class);
        return (Lowering.Result.Npu) r;
    }
}
