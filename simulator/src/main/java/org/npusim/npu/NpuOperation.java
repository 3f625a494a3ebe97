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
 * @param ifm2Bits bits per second-IFM element (0 without one)
 * @param ofmBits bits per OFM element
 * @param kernel window, stride, dilation (unit for element-wise and vector products)
 * @param resampling IFM upscaling (transpose convolution and nearest-neighbour resize)
 * @param ifm2Scalar whether IFM2 is a single value carried in the command stream
 * @param scaled whether the operation has a per-channel scale/bias stream (10 bytes per OFM channel)
 * @param activation the fused activation's cost class
 * @param lutBytes bytes of the lookup table the DMA copies into SHRAM before the operation (0 without a LUT):
 *     256 for an int8 LUT, 2048 for an int16 one, 1024 for the int8 softmax exponent table (ethos-u-facts.md §2.6)
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
        int ifm2Bits,
        int ofmBits,
        Kernel kernel,
        Resampling resampling,
        boolean ifm2Scalar,
        boolean scaled,
        ActivationKind activation,
        int lutBytes,
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
        if (lutBytes < 0) {
            throw new IllegalArgumentException("negative LUT size");
        }
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

    /**
     * Returns whether the operation applies a LUT held in SHRAM, which takes 2 SHRAM banks. Native int16
     * sigmoid and tanh activations are LUT-class in cost but need no table.
     */
    public boolean usesLut() {
        return lutBytes > 0;
    }

    /** Returns a builder for an operation of {@code type} lowered from graph operator {@code source}. */
    public static Builder builder(String name, int source, NpuBlockType type) {
        return new Builder(name, source, type);
    }

    /** Returns a builder initialised with this operation's fields. */
    public Builder toBuilder() {
        Builder b = new Builder(name, sourceOperator, type);
        b.function = function;
        b.ifm = ifm;
        b.ifm2 = ifm2;
        b.ofm = ofm;
        b.ifmBits = ifmBits;
        b.ifm2Bits = ifm2Bits;
        b.ofmBits = ofmBits;
        b.kernel = kernel;
        b.resampling = resampling;
        b.ifm2Scalar = ifm2Scalar;
        b.scaled = scaled;
        b.activation = activation;
        b.lutBytes = lutBytes;
        b.weights = weights;
        b.tensors = tensors;
        return b;
    }

    /** Builds operations field by field; unset fields take neutral values (no IFM2, unit kernel, no LUT). */
    public static final class Builder {
        private final String name;
        private final int source;
        private final NpuBlockType type;
        private Function function = Function.NONE;
        private Shape4 ifm;
        private Optional<Shape4> ifm2 = Optional.empty();
        private Shape4 ofm;
        private int ifmBits = 8;
        private int ifm2Bits;
        private int ofmBits = 8;
        private Kernel kernel = Kernel.UNIT;
        private Resampling resampling = Resampling.NONE;
        private boolean ifm2Scalar;
        private boolean scaled;
        private ActivationKind activation = ActivationKind.NONE;
        private int lutBytes;
        private Optional<WeightTensor> weights = Optional.empty();
        private TensorRefs tensors;

        private Builder(String name, int source, NpuBlockType type) {
            this.name = name;
            this.source = source;
            this.type = type;
        }

        public Builder function(Function f) {
            this.function = f;
            return this;
        }

        /** Sets the IFM: its tensor id, shape and element width. */
        public Builder ifm(int tensor, Shape4 shape, int bits) {
            this.ifm = shape;
            this.ifmBits = bits;
            this.tensors = new TensorRefs(tensor, tensors == null ? java.util.OptionalInt.empty() : tensors.ifm2(),
                    tensors == null ? -1 : tensors.ofm());
            return this;
        }

        /** Sets the second IFM: its tensor id, shape and element width. */
        public Builder ifm2(int tensor, Shape4 shape, int bits) {
            this.ifm2 = Optional.of(shape);
            this.ifm2Bits = bits;
            this.tensors = new TensorRefs(tensors == null ? -1 : tensors.ifm(), java.util.OptionalInt.of(tensor),
                    tensors == null ? -1 : tensors.ofm());
            return this;
        }

        /** Sets the OFM: its tensor id, shape and element width. */
        public Builder ofm(int tensor, Shape4 shape, int bits) {
            this.ofm = shape;
            this.ofmBits = bits;
            this.tensors = new TensorRefs(tensors == null ? -1 : tensors.ifm(),
                    tensors == null ? java.util.OptionalInt.empty() : tensors.ifm2(), tensor);
            return this;
        }

        public Builder kernel(Kernel k) {
            this.kernel = k;
            return this;
        }

        public Builder resampling(Resampling r) {
            this.resampling = r;
            return this;
        }

        /** Marks IFM2 as a rank-0 scalar carried in the command stream (no SHRAM banks, no reads). */
        public Builder scalarIfm2(int bits) {
            this.ifm2 = Optional.of(new Shape4(1, 1, 1, 1));
            this.ifm2Bits = bits;
            this.ifm2Scalar = true;
            return this;
        }

        public Builder scaled(boolean s) {
            this.scaled = s;
            return this;
        }

        public Builder activation(ActivationKind a) {
            this.activation = a;
            return this;
        }

        public Builder lut(int bytes) {
            this.lutBytes = bytes;
            return this;
        }

        public Builder weights(WeightTensor w) {
            this.weights = Optional.of(w);
            return this;
        }

        public NpuOperation build() {
            return new NpuOperation(name, source, type, function, ifm, ifm2, ofm, ifmBits, ifm2Bits, ofmBits, kernel,
                    resampling, ifm2Scalar, scaled, activation, lutBytes, weights, tensors);
        }
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
