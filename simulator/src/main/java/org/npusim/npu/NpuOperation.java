// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import java.util.Objects;
import java.util.Optional;

/**
 * One operation the NPU executes, as lowered from a graph operator (a graph operator may lower to several, e.g.
 * SOFTMAX to about thirty). It carries what the block-config search, the cycle model and the traffic model need;
 * where tensors live and in which format is decided by the plan.
 *
 * @param name the name reports use: the graph operator's output tensor, with a suffix for the parts of a
 *     multi-operation lowering
 * @param sourceOperator index of the graph operator this was lowered from
 * @param type how the NPU executes it
 * @param function the element-wise or pooling function (NONE for convolutions and vector products)
 * @param ifm the IFM shape as the NPU reads it
 * @param ifm2 the second IFM of a binary element-wise operation
 * @param ofm the OFM shape
 * @param ifmBits bits per IFM element (8, 16 or 32)
 * @param ofmBits bits per OFM element
 * @param kernel window, stride, dilation (unit for element-wise and vector products)
 * @param resampling IFM upscaling (transpose convolution and nearest-neighbour resize)
 * @param ifm2Scalar whether IFM2 is a single value carried in the command stream
 * @param scaled whether the operation has a per-channel scale/bias stream (10 bytes per OFM channel)
 * @param activation the fused activation's cost class
 * @param weights the constant weight tensor (graph tensor index), for convolutions and vector products
 * @param tensors the graph tensors the IFM, IFM2 and OFM belong to (for the parts of a multi-operation lowering,
 *     the tensors of the graph operator whose memory they use)
 */
public record NpuOperation(
        String name,
        int sourceOperator,
        NpuBlockType type,
        Function function,
        Shape4 ifm,
        Optional<Shape4> ifm2,
        Shape4 ofm,
        int ifmBits,
        int ofmBits,
        Kernel kernel,
        Resampling resampling,
        boolean ifm2Scalar,
        boolean scaled,
        ActivationKind activation,
        Optional<WeightTensor> weights,
        TensorRefs tensors) {

    public NpuOperation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(ifm, "ifm");
        Objects.requireNonNull(ifm2, "ifm2");
        Objects.requireNonNull(ofm, "ofm");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(resampling, "resampling");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(tensors, "tensors");
        if (ifmBits != 8 && ifmBits != 16 && ifmBits != 32) {
            throw new IllegalArgumentException("IFM element width " + ifmBits + " bits is not 8, 16 or 32");
        }
    }

    /** Element-wise and pooling functions, where they change the cost (ethos-u-facts.md §1.3). */
    public enum Function {
        NONE,
        ADD,
        SUB,
        MUL,
        MAX_POOL,
        AVG_POOL,
        /** MIN, MAX, ABS, shifts, CLZ and other one-cycle-class element-wise functions. */
        SIMPLE,
        /** A LUT applied by the output stage (EXP, LOGISTIC, TANH, HARD_SWISH as LUT). */
        LUT
    }

    /** IFM resampling. */
    public enum Resampling {
        NONE,
        NEAREST,
        TRANSPOSE
    }

    /** Fused activation cost classes (ethos-u-facts.md §1.3: A0 LUT/sigmoid/tanh, A1 ReLU family, A2 none). */
    public enum ActivationKind {
        NONE,
        RELU,
        LUT
    }

    /**
     * A weight tensor of the graph in the layout the NPU uses.
     *
     * @param tensor graph tensor index
     * @param depthwise whether weights are per channel (kernel elements × C_out) rather than per IFM × OFM channel
     */
    public record WeightTensor(int tensor, boolean depthwise) {}

    /**
     * The graph tensors an operation reads and writes.
     *
     * @param ifm the IFM's tensor index
     * @param ifm2 the second IFM's tensor index, when it has one
     * @param ofm the OFM's tensor index
     */
    public record TensorRefs(int ifm, java.util.OptionalInt ifm2, int ofm) {
        public TensorRefs {
            Objects.requireNonNull(ifm2, "ifm2");
        }

        /** Returns references to a unary operation's IFM and OFM. */
        public static TensorRefs of(int ifm, int ofm) {
            return new TensorRefs(ifm, java.util.OptionalInt.empty(), ofm);
        }

        /** Returns references to a binary operation's IFMs and OFM. */
        public static TensorRefs of(int ifm, int ifm2, int ofm) {
            return new TensorRefs(ifm, java.util.OptionalInt.of(ifm2), ofm);
        }
    }

    /** Returns whether the operation reads a LUT (a LUT activation or a LUT function): it occupies 2 SHRAM banks. */
    public boolean usesLut() {
        return activation == ActivationKind.LUT || function == Function.LUT;
    }

    /** Returns the MACs Vela counts for this operation (ethos-u-facts.md §3.2). */
    public long macs() {
        return switch (type) {
            case CONVOLUTION, VECTOR_PRODUCT, REDUCE_SUM -> (long) kernel.w() * kernel.h() * ifm.c() * ofm.elements();
            case DEPTHWISE, POOLING -> (long) kernel.w() * kernel.h() * ofm.elements();
            case ELEMENTWISE, DMA -> 0;
        };
    }
}
