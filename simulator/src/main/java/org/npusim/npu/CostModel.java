// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import org.npusim.hw.NpuVariant;
import org.npusim.hw.NpuVariant.ActivationCase;
import org.npusim.hw.NpuVariant.OutputCase;

/**
 * The per-block costs of an NPU operation: MAC-array cycles, output-stage cycles, the per-block command overhead,
 * and the transfer efficiency of the feature-map streams. The equations are Vela 3.10's
 * ({@code npu_performance.py}), written out in ethos-u-facts.md §3.3-§3.5; the step numbers below refer to §3.3.
 * They are the component models of both the Vela-compatible estimate and the event-driven simulation.
 */
public final class CostModel {

    /** Cycles per DPU kernel step per micro-block ({@code _estimate_conv_cycles}). */
    private static final int CYCLES_PER_STEP = 4;
    /** Divisor of the per-block command overhead: the four stages it is spread over ("per DPU"). */
    private static final double COMMAND_DIVISOR = 4.0;
    /** Bytes per OFM channel of the scale/bias stream ({@code encode_bias}). */
    public static final int SCALE_BYTES_PER_CHANNEL = 10;

    private final NpuVariant variant;

    public CostModel(NpuVariant variant) {
        this.variant = variant;
    }

    public NpuVariant variant() {
        return variant;
    }

    /** Returns the output-stage cycles per element of {@code op} (§1.3, selection order). */
    public double outputCyclesPerElement(NpuOperation op, BlockConfig bc) {
        OutputCase c;
        boolean mul = op.function() == NpuOperation.Function.MUL;
        if (op.type() == NpuBlockType.ELEMENTWISE && op.ifmBits() == 32) {
            c = op.ifm2().isPresent() && !op.ifm2Scalar() ? OutputCase.ELEMENTWISE_INT32_BINARY : OutputCase.ELEMENTWISE_INT32_UNARY;
        } else if (mul && op.ofmBits() == 32) {
            c = OutputCase.MUL_INT32_OUT;
        } else if (mul || (op.type().usesAccumulators() && bc.accumulator() == BlockConfig.Accumulator.ACC40)) {
            c = OutputCase.MUL_OR_ACC40;
        } else if (op.function() == NpuOperation.Function.ADD || op.function() == NpuOperation.Function.SUB
                || op.function() == NpuOperation.Function.LUT) {
            c = OutputCase.ADD_SUB;
        } else if (op.function() == NpuOperation.Function.MAX_POOL) {
            c = OutputCase.MAX_POOL;
        } else {
            c = OutputCase.OTHER;
        }
        ActivationCase a = switch (op.activation()) {
            case LUT -> ActivationCase.LUT;
            case RELU -> ActivationCase.RELU;
            case NONE -> ActivationCase.NONE;
        };
        return Math.max(variant.outputCyclesPerElement(c), variant.activationCyclesPerElement(a));
    }

    /**
     * Returns the compute cost of a MAC-type operation (convolution, depthwise, vector product, pooling,
     * ReduceSum) under {@code bc}, with the IFM and OFM in the given places and the scale stream read with
     * {@code scaleReadLatency} cycles of latency.
     */
    public OpCost macOperation(NpuOperation op, BlockConfig bc, StreamPlacement ifm, StreamPlacement ofm,
            double scaleReadLatency) {
        Shape4 o = op.ofm();
        Shape4 i = op.ifm();
        NpuBlockType type = op.type();
        // Step 1: clamp the config blocks to the tensors.
        Shape4 ob = o.min(bc.ofmBlock());
        Shape4 ib = i.min(bc.ifmBlock());
        int uh = variant.ofmUblockH();
        int uw = variant.ofmUblockW();
        int ud = variant.ofmUblockD();
        // Step 2: the 1-D special case of the 2x2 micro-block variants.
        if (uh == 2 && (type == NpuBlockType.CONVOLUTION || type == NpuBlockType.DEPTHWISE || type == NpuBlockType.VECTOR_PRODUCT)
                && o.h() == 1 && o.w() % 2 == 0 && op.kernel().h() == 1) {
            uh = 1;
            uw = 4;
            ob = ob.withHeight(1);
        }
        // Step 3: micro-block counts.
        int nx = Shape4.ceilDiv(ob.w(), uw);
        int ny = Shape4.ceilDiv(ob.h(), uh);
        int nz = Shape4.ceilDiv(ob.c(), ud);
        int nxy = nx * ny;
        boolean acc40 = bc.accumulator() == BlockConfig.Accumulator.ACC40;
        boolean ifm16 = op.ifmBits() == 16;
        boolean partKernel = type == NpuBlockType.CONVOLUTION && bc.traversal() == BlockConfig.Traversal.PART_KERNEL_FIRST;
        int ibDepthPasses8 = Shape4.ceilDiv(ib.c(), 8);
        int cyclesWb = variant.weightStepCycles();
        int delay = delay(acc40);

        // Step 4-5: sub-kernels of at most L×L (L = 8, or 1 for vector products), undilated.
        int limit = type == NpuBlockType.VECTOR_PRODUCT || type == NpuBlockType.ELEMENTWISE ? 1 : BlockConfigSearch.SUB_KERNEL_MAX;
        int kw = op.kernel().w();
        int kh = op.kernel().h();
        double dpu = 0;
        for (int y = 0; y < kh; y += limit) {
            int ch = Math.min(limit, kh - y);
            for (int x = 0; x < kw; x += limit) {
                int cw = Math.min(limit, kw - x);
                int elements = cw * ch;
                long steps;
                long cycles;
                switch (type) {
                    case POOLING -> {
                        steps = 1;
                        cycles = (long) Math.max(4, elements) * nxy * nz;
                        if (ifm16 && variant != NpuVariant.ETHOS_U55_32) {
                            cycles *= 2;
                        }
                    }
                    case DEPTHWISE -> {
                        steps = Shape4.ceilDiv(elements, 4);
                        cycles = (long) Math.max(cyclesWb, CYCLES_PER_STEP * nxy * (ifm16 ? 2 : 1)) * steps * nz;
                    }
                    default -> {
                        if (partKernel) {
                            steps = Shape4.ceilDiv(elements, ifm16 ? 2 : 4);
                            cycles = (long) Math.max(cyclesWb, CYCLES_PER_STEP * nxy) * steps * ibDepthPasses8 * nz;
                        } else {
                            steps = elements;
                            cycles = (long) Math.max(cyclesWb, CYCLES_PER_STEP * nxy) * steps * nz;
                        }
                    }
                }
                // Pipeline delay, charged when the OFM block is a single micro-block in XY.
                long d = 0;
                if (nx == 1 && ny == 1) {
                    if (nz == 1) {
                        d = delay * steps;
                    } else if (steps > 1) {
                        d = delay * (steps - 1) * nz;
                    }
                }
                if (variant == NpuVariant.ETHOS_U55_32 && (nx == 1 || ny == 1) && nz > 1 && acc40) {
                    d += (long) delay * nz;
                }
                if (partKernel) {
                    d *= ibDepthPasses8;
                }
                dpu += cycles + d;
            }
        }
        // Step 6: IFM depth passes.
        if (type == NpuBlockType.CONVOLUTION || type == NpuBlockType.VECTOR_PRODUCT || type == NpuBlockType.REDUCE_SUM) {
            dpu *= Shape4.ceilDiv(i.c(), ib.c());
        }
        // Step 7: cores share the work.
        dpu /= variant.cores();
        // Step 8: OFM blocks.
        long blocks = (long) o.n() * Shape4.ceilDiv(o.h(), ob.h()) * Shape4.ceilDiv(o.w(), ob.w()) * Shape4.ceilDiv(o.c(), ob.c());
        // Step 9: output stage, and the scale/bias fetch that floors it (OpCost.outputStageCycles applies the floor).
        double out = Math.ceil(outputCyclesPerElement(op, bc) * ((long) ob.h() * ob.w() * ob.c()));
        double scaleFetch = op.scaled() ? SCALE_BYTES_PER_CHANNEL * ob.c() * scaleReadLatency / 256.0 : 0;
        // Step 10: per-block command overhead, over the output stage as Vela floors it.
        double cmd = commandCycles(op, bc, ifm, ofm, dpu + Math.max(out, scaleFetch));
        OpCost cost = new OpCost(blocks, dpu, out, scaleFetch, cmd, 0);
        double dpuStage = cost.macStageCycles();
        double outStage = cost.outputStageCycles();
        // Step 11: two-stage pipeline.
        long total = (long) (Math.max(dpuStage, outStage) * blocks + Math.min(dpuStage, outStage));
        return new OpCost(blocks, dpu, out, scaleFetch, cmd, total);
    }

    private int delay(boolean acc40) {
        if (variant == NpuVariant.ETHOS_U55_32) {
            return acc40 ? 7 : 3;
        }
        return acc40 && (variant == NpuVariant.ETHOS_U55_64 || variant == NpuVariant.ETHOS_U55_128) ? 3 : 2;
    }

    /**
     * Step 10: {@code (T_ifm + T_ofm + stages) / 4}, with {@code T = latency + E(min(tensor, block))·η / BW}.
     * The element count is not multiplied by the element size, as in Vela.
     */
    private double commandCycles(NpuOperation op, BlockConfig bc, StreamPlacement ifm, StreamPlacement ofm, double stages) {
        double tIfm = ifm.memory().readLatencyCycles()
                + op.ifm().min(bc.ifmBlock()).elements()
                        * efficiency(ifm, true, op.ifmBits(), bc.ifmBlock(), op.ifm().w())
                        / ifm.memory().bytesPerCycle();
        double tOfm = ofm.memory().writeLatencyCycles()
                + op.ofm().min(bc.ofmBlock()).elements()
                        * efficiency(ofm, false, op.ofmBits(), bc.ofmBlock(), op.ofm().w())
                        / ofm.memory().bytesPerCycle();
        return (tIfm + tOfm + stages) / COMMAND_DIVISOR;
    }

    /** Returns the compute cost of an element-wise operation (§3.4). */
    public OpCost elementwise(NpuOperation op, BlockConfig bc, StreamPlacement ifm, StreamPlacement ofm) {
        double cpe0 = outputCyclesPerElement(op, bc);
        Shape4 b = bc.ofmBlock();
        long blockElements = (long) b.h() * b.w() * b.c();
        double cmd = commandCycles(op, bc, ifm, ofm, cpe0 * blockElements);
        double cpe = Math.max(cpe0, cmd / blockElements);
        long ofmElements = op.ofm().withDepthRoundedTo(ofm.format().depthQuantum()).elements();
        long cycles = (long) Math.ceil(cpe * ofmElements);
        long blocks = blocksOf(op.ofm(), b);
        return new OpCost(blocks, 0, cpe0 * blockElements, 0, cmd, cycles);
    }

    /** Returns the number of OFM blocks of {@code block} covering {@code ofm}. */
    static long blocksOf(Shape4 ofm, Shape4 block) {
        return (long) ofm.n() * Shape4.ceilDiv(ofm.h(), block.h()) * Shape4.ceilDiv(ofm.w(), block.w())
                * Shape4.ceilDiv(ofm.c(), block.c());
    }

    /**
     * Returns the burst-efficiency factor η ≥ 1 of a stream (§3.5, {@code _estimate_memory_transfer_efficiency}):
     * the bytes moved are inflated by {@code burst_length / actual_burst} when the block shape and format make
     * bursts shorter than the memory's burst length.
     *
     * @param blk the unclamped config block (IFM block for reads, OFM block for writes)
     * @param tensorW the tensor's width (NHCWB16 stride test)
     */
    public double efficiency(StreamPlacement p, boolean read, int elementBits, Shape4 blk, int tensorW) {
        int e = elementBits;
        long burstBits;
        if (p.format() == TensorFormat.NHCWB16) {
            if ((long) e * 16 * tensorW / 8 == blk.c()) {
                burstBits = (long) e * blk.c() * blk.w();
            } else if (read) {
                burstBits = 16L * e * blk.w();
            } else {
                burstBits = 16L * e * blk.w() * variant.cores();
            }
        } else if (read) {
            burstBits = e / 8 == blk.c() ? (long) e * blk.c() * blk.w() : (long) e * blk.c();
        } else {
            burstBits = blk.c() <= 16 && e / 8 == blk.c()
                    ? (long) e * blk.c() * blk.w()
                    : Math.min(512, Math.min(16L * e * variant.cores(), (long) blk.c() * e));
        }
        int burstLength = p.memory().burstBytes();
        long burstBytes = Math.max(1, Math.min(burstLength, burstBits / 8));
        return (double) burstLength / burstBytes;
    }

    /**
     * The elements each stream of an operation moves (§3.5, {@code measure_element_access}). Nothing stays resident
     * across OFM blocks except accumulators: the IFM footprint (halo included) is re-read for every OFM block and
     * sub-kernel, the weights of each OFM depth slice for every XY block; the OFM is written once.
     *
     * @param ifmElements IFM elements read
     * @param ifm2Elements second-IFM elements read (0 for a scalar carried in the command stream)
     * @param ofmElements OFM elements written
     * @param weightElements weight elements the MAC array consumes (before compression), as Vela counts them: a
     *     whole OFM block depth for every block, the last partial one included
     * @param streamedWeightElements weight elements the weight stream holds for what the MAC array consumes: per XY
     *     block the stream of every OFM channel once, so the last partial depth block only its channels (Vela's
     *     count charges it the block's whole depth; the encoder stores only the channels that exist)
     * @param scaleBytes bytes of the scale/bias stream
     */
    public record Traffic(long ifmElements, long ifm2Elements, long ofmElements, long weightElements,
            long streamedWeightElements, long scaleBytes) {}

    /** Returns the stream element counts of {@code op} under {@code bc} with these formats. */
    public Traffic traffic(NpuOperation op, BlockConfig bc, TensorFormat ifmFormat, TensorFormat ofmFormat) {
        Shape4 o = op.ofm();
        Shape4 i = op.ifm();
        long ofmElements = o.withDepthRoundedTo(ofmFormat.depthQuantum()).elements();
        if (op.type() == NpuBlockType.ELEMENTWISE) {
            long ifmElements;
            long ifm2Elements = 0;
            long rounded = o.withDepthRoundedTo(ifmFormat.depthQuantum()).elements();
            // A single-element operand wider than 8 bits is fetched as a whole storage brick of the IFM's
            // format (round_up(shape, ifm_rounding)); an 8-bit one travels in the command stream.
            int ifmQuantum = ifmFormat.depthQuantum();
            if (i.elements() == 1) {
                ifmElements = op.ifmBits() > 8 ? i.withDepthRoundedTo(ifmQuantum).elements() : 0;
                ifm2Elements = op.ifm2().isPresent() ? rounded : 0;
            } else {
                ifmElements = rounded;
                if (op.ifm2().isPresent()) {
                    Shape4 i2 = op.ifm2().get();
                    if (i2.elements() > 1) {
                        ifm2Elements = rounded;
                    } else {
                        ifm2Elements = op.ifm2Bits() > 8 ? i2.withDepthRoundedTo(ifmQuantum).elements() : 0;
                    }
                }
            }
            return new Traffic(ifmElements, ifm2Elements, ofmElements, 0, 0, 0);
        }
        if (op.type() == NpuBlockType.DMA) {
            return new Traffic(i.elements(), 0, o.elements(), 0, 0, 0);
        }
        Shape4 ob = o.min(bc.ofmBlock());
        Shape4 ib = i.min(bc.ifmBlock());
        boolean equalDepth = op.type() == NpuBlockType.DEPTHWISE || op.type() == NpuBlockType.POOLING;
        long blocksH = Shape4.ceilDiv(o.h(), ob.h());
        long blocksW = Shape4.ceilDiv(o.w(), ob.w());
        long blocksD = equalDepth ? 1 : Shape4.ceilDiv(o.c(), ob.c());
        int ofmBlockDepth = equalDepth ? i.c() : ob.c();
        int limit = op.type() == NpuBlockType.VECTOR_PRODUCT ? 1 : BlockConfigSearch.SUB_KERNEL_MAX;
        long subKernels = (long) Shape4.ceilDiv(op.kernel().w(), limit) * Shape4.ceilDiv(op.kernel().h(), limit);
        long n = blocksH * blocksW * blocksD * o.n();
        long ifmElements = ib.elementsWh() * Shape4.roundUp(i.c(), ifmFormat.depthQuantum()) * subKernels * n;
        long weights = 0;
        long streamed = 0;
        long scales = 0;
        if (op.type().hasWeights()) {
            int cin = op.type() == NpuBlockType.DEPTHWISE ? 1 : i.c();
            long kernelElements = (long) op.kernel().w() * op.kernel().h() * cin;
            weights = kernelElements * ofmBlockDepth * n;
            // Every XY block streams each OFM channel's weights once: blocksD blocks of ob.c() channels, the last
            // clipped, are the o.c() channels (a depthwise block already holds them all).
            streamed = equalDepth ? weights : kernelElements * o.c() * blocksH * blocksW * o.n();
        }
        if (op.scaled() && op.type() != NpuBlockType.POOLING && op.type() != NpuBlockType.REDUCE_SUM) {
            scales = (long) o.c() * SCALE_BYTES_PER_CHANNEL;
        }
        return new Traffic(ifmElements, 0, ofmElements, weights, streamed, scales);
    }
}
