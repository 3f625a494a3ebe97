// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import java.util.Optional;
import org.npusim.hw.NpuVariant;
import org.npusim.hw.NpuVariant.ShramKind;

/**
 * Chooses the block config of an NPU operation as Vela 3.10 does (ethos-u-facts.md §4; {@code
 * architecture_allocator.py: find_block_config}): every OFM block that is a multiple of the micro-block and whose
 * IFM and accumulator buffers fit in SHRAM is costed by the IFM and weight elements it makes the NPU fetch per OFM
 * element, and the cheapest wins. Ties are broken as Vela breaks them, in double precision evaluated in Vela's
 * order, because many candidates tie exactly (1×1 kernels) and the choice changes the cycle count.
 */
public final class BlockConfigSearch {

    /** OFM depth split granule ({@code OFMSplitDepth}). */
    static final int SPLIT_DEPTH = 16;
    /** Sub-kernel limit for IFM block sizing ({@code SubKernelMax}: 8×8). */
    static final int SUB_KERNEL_MAX = 8;

    private BlockConfigSearch() {}

    /** Returns the block config for {@code op} on {@code variant}, or empty when no block fits SHRAM. */
    public static Optional<BlockConfig> find(NpuVariant variant, NpuOperation op) {
        Shape4 ofm = op.ofm();
        Shape4 ifm = op.ifm();
        // Element-wise larger-volume correction: size the IFM buffer for the bigger of the two inputs.
        if (op.ifm2().isPresent() && op.ifm2().get().elements() > ifm.elements()) {
            ifm = op.ifm2().get();
        }
        NpuBlockType type = op.type();
        boolean elementwise = type == NpuBlockType.ELEMENTWISE;
        boolean depthwise = type == NpuBlockType.DEPTHWISE;
        boolean equalDepth = type.isEqualDepth();
        boolean convolution = type == NpuBlockType.CONVOLUTION || depthwise;
        Kernel k = op.kernel();

        BlockConfig.Traversal traversal = convolution && partKernelFirst(ifm.c(), op.ifmBits(), k)
                ? BlockConfig.Traversal.PART_KERNEL_FIRST
                : BlockConfig.Traversal.DEPTH_FIRST;
        BlockConfig.Accumulator acc = accumulator(type, op.ifmBits(), op.scaled());
        int accGranule = variant.granule(acc == BlockConfig.Accumulator.ACC40 ? ShramKind.ACC40 : ShramKind.ACC32);
        int ifmGranule = variant.granule(ifmKind(op.ifmBits(), elementwise));
        int lutBanks = Math.max(op.usesLut() ? 2 : 0, variant.shramReservedEndBanks());
        int upscale = op.resampling() == NpuOperation.Resampling.NONE ? 1 : 2;
        int nearest = op.resampling() == NpuOperation.Resampling.NEAREST ? 1 : 0;
        Usage usage = !elementwise ? Usage.NONE : (op.ifm2Scalar() || op.ifm2().isEmpty() ? Usage.SCALAR : Usage.FULL);

        int ifmRepeats = Shape4.ceilDiv(k.areaW(), SUB_KERNEL_MAX) * Shape4.ceilDiv(k.areaH(), SUB_KERNEL_MAX);
        int ifmBlockDepth = ifmBlockDepth(variant, ifm.c(), op.ifmBits(), traversal == BlockConfig.Traversal.PART_KERNEL_FIRST);
        long weightFetchWh = convolution ? (long) k.areaW() * k.areaH() : 0;

        int uh = variant.ofmUblockH();
        int uw = variant.ofmUblockW();
        int ud = variant.ofmUblockD();
        int spaceH = Shape4.roundUp(Math.min(ofm.h(), NpuVariant.OFM_BLOCK_MAX[0]), uh);
        int spaceW = Shape4.roundUp(Math.min(ofm.w(), NpuVariant.OFM_BLOCK_MAX[1]), uw);
        int spaceD = Shape4.roundUp(Math.min(ofm.c(), NpuVariant.OFM_BLOCK_MAX[2]), ud);
        boolean conv1d = ofm.h() == 1 && k.h() == 1 && uh == 2;

        double bestCost = Double.POSITIVE_INFINITY;
        double bestCoverage = Double.POSITIVE_INFINITY;
        BlockConfig best = null;
        int depth = Math.max(ud, Math.min(spaceD, SPLIT_DEPTH));
        if (depth < ofm.c()) {
            depth = Shape4.roundUp(depth, SPLIT_DEPTH);
        }
        // An (h, w) block that did not fit means its transpose (w, h) will not either: skip it at this depth. The
        // loop sees thousands of candidates per operation, so nothing in it allocates and the skip test is one array
        // read: a dense table over (h, w) (blocks are at most 64 either way) holding the pass (depth) at which each
        // was marked, so that it needs no clearing between depths. The IFM block is three ints (a Shape4 is made
        // only for a block that is chosen), each part computed in the loop it depends on (its width once per width).
        int side = Math.max(spaceH, spaceW) + 1;
        int[] skippedAtPass = new int[side * side];
        int[] ifmWidthOf = new int[side];
        for (int w = uw; w <= spaceW; w += uw) {
            ifmWidthOf[w] = ifmBlockExtent(w, k.strideX(), k.areaW(), uw, upscale, nearest);
        }
        int pass = 0;
        while (depth <= spaceD) {
            pass++;
            int ibD = equalDepth ? depth : ifmBlockDepth;
            for (int h = uh; h <= spaceH; h += uh) {
                int ibH = ifmBlockExtent(h, k.strideY(), k.areaH(), uh, upscale, nearest);
                int fitH = conv1d ? Math.min(h, ofm.h()) : h;
                for (int w = uw; w <= spaceW; w += uw) {
                    if (skippedAtPass[h * side + w] == pass) {
                        continue;
                    }
                    int ibW = ifmWidthOf[w];
                    long ibWh = (long) ibH * ibW;
                    if (!fits(variant, usage, fitH, w, depth, ibWh, ibD, op.ifmBits(), ifmGranule, acc.bits(), accGranule, lutBanks)) {
                        skippedAtPass[w * side + h] = pass;
                        break;
                    }
                    // Costs use the fitted block (Conv1D height 1), as Vela's find_block_config does.
                    double fullH = Shape4.ceilDiv(ofm.h(), fitH);
                    double fullW = Shape4.ceilDiv(ofm.w(), w);
                    double fullD = Shape4.ceilDiv(ofm.c(), depth);
                    double fracH = (double) ofm.h() / fitH;
                    double fracW = (double) ofm.w() / w;
                    double fracD = (double) ofm.c() / depth;

                    double weightFetch = (double) (weightFetchWh * ifm.c()) * (fullH * fullW);
                    if (!depthwise) {
                        weightFetch *= depth * fracD;
                    }
                    double ifmFetch = (double) (ibWh * ifm.c() * ifmRepeats) * (fracH * fracW);
                    if (!equalDepth) {
                        ifmFetch *= fullD;
                    }
                    double cost = (ifmFetch + weightFetch) / ofm.elements();
                    if (ifm.elements() < ibWh * ibD * 2) {
                        cost = cost / 2;
                    }
                    if (cost <= bestCost) {
                        boolean choose = false;
                        if (cost == bestCost) {
                            long coverWh = (long) Math.min(ifm.h(), ibH) * Math.min(ifm.w(), ibW);
                            double coverage = (double) ifm.elementsWh() / coverWh;
                            if (coverage <= bestCoverage && h <= 4 && w <= 4) {
                                bestCoverage = coverage;
                                choose = true;
                            }
                        } else {
                            bestCoverage = Double.POSITIVE_INFINITY;
                            choose = true;
                        }
                        if (choose) {
                            bestCost = cost;
                            best = new BlockConfig(Shape4.block(h, w, depth), Shape4.block(ibH, ibW, ibD), acc, traversal);
                        }
                    }
                }
            }
            depth += ud;
            if (depth < ofm.c()) {
                depth = Shape4.roundUp(depth, SPLIT_DEPTH);
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Returns the block config of {@code op} with a given OFM block, traversal and accumulator (a block config
     * fixed by a compiled command stream rather than searched): the IFM block is derived from the OFM block as the
     * search derives it (§4.3).
     */
    public static BlockConfig withOfmBlock(NpuVariant variant, NpuOperation op, Shape4 ofmBlock, BlockConfig.Traversal traversal,
            BlockConfig.Accumulator accumulator) {
        int upscale = op.resampling() == NpuOperation.Resampling.NONE ? 1 : 2;
        int nearest = op.resampling() == NpuOperation.Resampling.NEAREST ? 1 : 0;
        Shape4 ifmBlock = ifmBlock(ofmBlock.h(), ofmBlock.w(), ofmBlock.c(), op.kernel(), variant.ofmUblockH(), variant.ofmUblockW(),
                upscale, nearest);
        if (!op.type().isEqualDepth()) {
            ifmBlock = ifmBlock.withDepth(ifmBlockDepth(variant, op.ifm().c(), op.ifmBits(),
                    traversal == BlockConfig.Traversal.PART_KERNEL_FIRST));
        }
        return new BlockConfig(Shape4.block(ofmBlock.h(), ofmBlock.w(), ofmBlock.c()), ifmBlock, accumulator, traversal);
    }

    private enum Usage {
        NONE,
        FULL,
        SCALAR
    }

    /**
     * Part-kernel-first traversal when the IFM has at most 8 channels, or when it uses the MAC array better than
     * depth-first: utilisation {@code C/roundup(C, 32|16)} against {@code C·K/(roundup(C, 8)·roundup(K, 4|2))}
     * ({@code _choose_kernel_method}).
     */
    public static boolean partKernelFirst(int ifmDepth, int ifmBits, Kernel k) {
        if (ifmDepth <= 8) {
            return true;
        }
        int kernelElements = k.areaW() * k.areaH();
        double depthUtil = (double) ifmDepth / Shape4.roundUp(ifmDepth, ifmBits == 8 ? 32 : 16);
        double partUtil = (double) ifmDepth * kernelElements
                / ((double) Shape4.roundUp(ifmDepth, 8) * Shape4.roundUp(kernelElements, ifmBits == 8 ? 4 : 2));
        return partUtil > depthUtil;
    }

    /** 40-bit accumulators only for a 16-bit IFM of a scaled non-pooling operation ({@code _acc_type}). */
    static BlockConfig.Accumulator accumulator(NpuBlockType type, int ifmBits, boolean scaled) {
        return ifmBits == 16 && type != NpuBlockType.POOLING && scaled
                ? BlockConfig.Accumulator.ACC40
                : BlockConfig.Accumulator.ACC32;
    }

    private static ShramKind ifmKind(int ifmBits, boolean elementwise) {
        if (ifmBits == 32) {
            return ShramKind.IFM32;
        }
        if (elementwise) {
            return ifmBits == 16 ? ShramKind.IFM16_ELEMENTWISE : ShramKind.IFM8_ELEMENTWISE;
        }
        return ifmBits == 16 ? ShramKind.IFM16 : ShramKind.IFM8;
    }

    /** IFM block depth (§4.3): 16-bit: roundup(min(C,16),4); 8-bit: roundup(min(C, 16|32), IFM ublock depth). */
    static int ifmBlockDepth(NpuVariant v, int ifmDepth, int ifmBits, boolean partKernel) {
        if (ifmBits == 16) {
            return Shape4.roundUp(Math.min(ifmDepth, 16), 4);
        }
        return Shape4.roundUp(Math.min(ifmDepth, partKernel ? 16 : 32), v.ifmUblockD());
    }

    /**
     * The IFM footprint of an OFM block for one sub-kernel (§4.3): {@code ceil(((o-1)·stride + min(area, 8) +
     * nearest) / upscale)}, rounded up to the OFM micro-block.
     */
    static Shape4 ifmBlock(int h, int w, int depth, Kernel k, int uh, int uw, int upscale, int nearest) {
        return Shape4.block(ifmBlockExtent(h, k.strideY(), k.areaH(), uh, upscale, nearest),
                ifmBlockExtent(w, k.strideX(), k.areaW(), uw, upscale, nearest), depth);
    }

    /** One axis of {@link #ifmBlock}: {@code roundup(ceil(((o-1)·stride + min(area, 8) + nearest) / upscale), u)}. */
    private static int ifmBlockExtent(int o, int stride, int area, int u, int upscale, int nearest) {
        int i = (int) Math.ceil(((o - 1) * stride + Math.min(area, SUB_KERNEL_MAX) + nearest) / (double) upscale);
        return Shape4.roundUp(i, u);
    }

    /**
     * The SHRAM fit test (§4.2): double-buffered IFM banks after the 2 reserved output banks, then accumulators
     * (double-buffered) or a second IFM buffer, all below the LUT/reserved banks at the end.
     */
    private static boolean fits(NpuVariant v, Usage usage, int oh, int ow, int od, long ifmBlockWh, int ifmBlockDepth,
            int ifmBits, int ifmGranule, int accBits, int accGranule, int lutBanks) {
        long ifmBytes = ifmBlockWh * Shape4.roundUp((int) Math.ceil(ifmBlockDepth * ifmBits / 8.0), 8);
        int ifmBanks = Shape4.roundUp((int) ceilDivLong(ifmBytes, NpuVariant.SHRAM_BANK_BYTES) * 2, ifmGranule);
        int lutStart = v.shramBanks() - lutBanks;
        int ifmEnd = NpuVariant.SHRAM_RESERVED_OUTPUT_BANKS + ifmBanks;
        int accStart = lutStart;
        if (usage == Usage.NONE) {
            long accBytes = (long) oh * ow * Shape4.roundUp(od, 8) * accBits / 8;
            int accBanks = Shape4.roundUp((int) ceilDivLong(accBytes, NpuVariant.SHRAM_BANK_BYTES) * 2, accGranule);
            accStart -= accBanks;
        } else {
            int ifm2Banks = usage == Usage.FULL ? ifmBanks : 0;
            if (ifmEnd + ifm2Banks > accStart) {
                return false;
            }
            ifmEnd = accStart;
        }
        return ifmEnd <= accStart;
    }

    private static long ceilDivLong(long a, long b) {
        return (a + b - 1) / b;
    }
}
