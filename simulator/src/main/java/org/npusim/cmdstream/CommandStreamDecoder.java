// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.npusim.npu.Kernel;
import org.npusim.npu.Shape4;
import org.npusim.npu.TensorFormat;

/**
 * Decodes an Ethos-U register command stream into its operation commands, each with the register state that
 * defines it.
 *
 * <p>The decoder keeps the value of every register as the stream writes it, and at each {@code NPU_OP_*} that
 * starts work takes a snapshot ({@link KernelCommand}, {@link DmaCommand}). Registers the operation needs and the
 * stream never wrote are an error; registers with a neutral reset value (padding, upscaling, activation,
 * accumulator format, SHRAM layout) read as 0 until written. Field layouts are Vela's ({@code
 * register_command_stream_generator.py}): {@code NPU_SET_IFM_PRECISION} holds signedness in bit 0, the precision
 * code (0: 8, 1: 16, 2: 32 bits) in bits 2-3, the format (0: NHWC, 1: NHCWB16) in bits 6-7
 * ({@code generate_ifm_precision}); {@code NPU_SET_OFM_PRECISION} the same with the precision code in bits 1-2
 * ({@code generate_ofm_precision}); region registers the region in bits 0-2.
 *
 * <p>The IFM's height and width have no register: the hardware reads what the OFM, kernel, stride and padding
 * need. Its shape here is the larger of that extent, {@code (ofm - 1) · stride + dilated kernel - padding}
 * (halved for an upscaled IFM), and of tile 0 ({@code NPU_SET_IFM_HEIGHT0_M1}, {@code _WIDTH0_M1}), which Vela
 * sets to the whole IFM box unless the IFM is a rolling buffer ({@code tensor.py: addresses_for_rolling_buffer}).
 * An element-wise command's operands have the OFM's height and width (the second operand 1 along a broadcast
 * dimension) and the IFM's depth.
 *
 * <p>Every range the stream addresses (feature-map tile 0 with its strides, weight and scale streams, DMA source
 * and destination) must lie inside its region, whose sizes the caller gives.
 */
public final class CommandStreamDecoder {

    /** The SHRAM of the largest variant (Ethos-U65-512: 2 × 48 KiB), the bound of a DMA into SHRAM. */
    static final long SHRAM_BYTES_MAX = 96 * 1024;

    private static final int OPCODES = Command.OPCODE_MASK + 1;

    private final PayloadSource source;
    private final long[] regionBytes;
    /** Parameters of commands without payload, by opcode. */
    private final int[] param0 = new int[OPCODES];
    private final boolean[] set0 = new boolean[OPCODES];
    /** Payload word and parameter of commands with payload, by opcode. */
    private final long[] payload1 = new long[OPCODES];
    private final int[] param1 = new int[OPCODES];
    private final boolean[] set1 = new boolean[OPCODES];
    private final int[] written0 = new int[OPCODES];
    private final int[] written1 = new int[OPCODES];
    /** The word being decoded, for error messages. */
    private int word;
    /** Kernel commands issued so far. */
    private int kernels;
    /** How many of them the waits so far require to be complete. */
    private int kernelsDone;

    private CommandStreamDecoder(PayloadSource source, long[] regionBytes) {
        this.source = source;
        this.regionBytes = regionBytes.clone();
    }

    /**
     * Decodes the command streams of {@code payload}; {@code regionBytes[r]} is the size of region {@code r} (the
     * base pointers the operator passes to the driver). Register state carries over from one stream to the next,
     * as in the NPU.
     */
    public static CommandStream decode(DriverPayload payload, long[] regionBytes, PayloadSource source) {
        CommandStreamDecoder d = new CommandStreamDecoder(source, regionBytes);
        List<NpuCommand> commands = new ArrayList<>();
        OptionalInt parallel = OptionalInt.empty();
        int words = 0;
        for (DriverPayload.Section s : payload.streams()) {
            d.run(s, commands);
            words += s.length();
            if (d.set0[Command.NPU_SET_PARALLEL_MODE.opcode()] && parallel.isEmpty()) {
                parallel = OptionalInt.of(d.param0[Command.NPU_SET_PARALLEL_MODE.opcode()]);
            }
        }
        return new CommandStream(commands, parallel, words);
    }

    private void run(DriverPayload.Section s, List<NpuCommand> out) {
        int i = 0;
        while (i < s.length()) {
            word = s.firstWord() + i;
            int w = s.word(i);
            int code = w & 0xFFFF;
            int param = w >>> 16;
            Command c = Command.of(code).orElseThrow(() -> source.at(word,
                    String.format(Locale.ROOT, "command word 0x%08X has no Ethos-U opcode; expected an NPU_OP_* or NPU_SET_* command", w)));
            if (c.hasPayload()) {
                if (i + 1 >= s.length()) {
                    throw source.at(word, c + " needs a payload word, but the stream ends (truncated)");
                }
                payload1[c.opcode()] = s.word(i + 1) & 0xFFFFFFFFL;
                param1[c.opcode()] = param;
                set1[c.opcode()] = true;
                written1[c.opcode()] = word;
                i += 2;
                continue;
            }
            i++;
            if (!c.isOperation()) {
                param0[c.opcode()] = param;
                set0[c.opcode()] = true;
                written0[c.opcode()] = word;
                continue;
            }
            switch (c) {
                case NPU_OP_STOP -> {
                    if (i < s.length()) {
                        throw source.at(word, "NPU_OP_STOP is followed by " + (s.length() - i)
                                + " more words; expected it to end the stream");
                    }
                    return;
                }
                case NPU_OP_DMA_START -> out.add(dma(out.size(), param));
                case NPU_OP_CONV, NPU_OP_DEPTHWISE, NPU_OP_POOL, NPU_OP_ELEMENTWISE -> {
                    out.add(kernel(out.size(), c, param));
                    kernels++;
                }
                // At most n kernel commands outstanding: all but the last n issued are complete (in order).
                case NPU_OP_KERNEL_WAIT -> kernelsDone = Math.max(kernelsDone, kernels - Math.min(kernels, param & 0xF));
                default -> {
                    // NPU_OP_IRQ, NPU_OP_DMA_WAIT (transfers complete in order; a command waits for those it reads)
                    // and the PMU mask start no work.
                }
            }
        }
        throw source.at(s.firstWord() + s.length() - 1, "the command stream ends without NPU_OP_STOP (truncated)");
    }

    // ---- Snapshots ----

    private DmaCommand dma(int index, int param) {
        int srcRegion = required0(Command.NPU_SET_DMA0_SRC_REGION, "NPU_OP_DMA_START");
        int dstRegion = required0(Command.NPU_SET_DMA0_DST_REGION, "NPU_OP_DMA_START");
        long length = address(Command.NPU_SET_DMA0_LEN, "NPU_OP_DMA_START");
        long src = address(Command.NPU_SET_DMA0_SRC, "NPU_OP_DMA_START");
        long dst = address(Command.NPU_SET_DMA0_DST, "NPU_OP_DMA_START");
        boolean fromShram = (srcRegion & 0x100) != 0;
        boolean toShram = (dstRegion & 0x100) != 0;
        if (fromShram) {
            throw source.at(word, "a DMA from SHRAM (NPU_SET_DMA0_SRC_REGION 0x" + Integer.toHexString(srcRegion)
                    + "); expected a region, SHRAM is only a destination (of LUTs)");
        }
        AddressRange from = new AddressRange(region(Command.NPU_SET_DMA0_SRC_REGION, srcRegion & 0xFF), src, length);
        checkInside(from, "DMA source");
        AddressRange to = new AddressRange(toShram ? 0 : region(Command.NPU_SET_DMA0_DST_REGION, dstRegion & 0xFF), dst, length);
        if (toShram) {
            if (dst + length > SHRAM_BYTES_MAX) {
                throw source.at(word, "a DMA into SHRAM at 0x" + Long.toHexString(dst) + " of " + length
                        + " bytes; expected it to end within " + SHRAM_BYTES_MAX + " bytes of SHRAM");
            }
        } else {
            checkInside(to, "DMA destination");
        }
        return new DmaCommand(index, word, from, to, toShram, param >>> 4, param & 0xF, kernels, kernelsDone);
    }

    private KernelCommand kernel(int index, Command c, int param) {
        String op = c.name();
        Operation operation = Operation.of(c, param).orElseThrow(() -> source.at(word,
                op + " mode " + param + "; expected " + (c == Command.NPU_OP_POOL ? "0-2 (MAX, AVERAGE, REDUCE_SUM)"
                        : "0-9 (MUL, ADD, SUB, MIN, MAX, LRELU, ABS, CLZ, SHR, SHL)")));
        Shape4 ofmShape = Shape4.block(required0(Command.NPU_SET_OFM_HEIGHT_M1, op) + 1,
                required0(Command.NPU_SET_OFM_WIDTH_M1, op) + 1, required0(Command.NPU_SET_OFM_DEPTH_M1, op) + 1);
        FeatureMap ofm = featureMap(op, "OFM", Command.NPU_SET_OFM_REGION, Command.NPU_SET_OFM_BASE0, Command.NPU_SET_OFM_PRECISION,
                true, ofmShape, tile(op, Command.NPU_SET_OFM_HEIGHT0_M1, Command.NPU_SET_OFM_WIDTH0_M1, ofmShape.c()),
                Command.NPU_SET_OFM_STRIDE_X, Command.NPU_SET_OFM_STRIDE_Y, Command.NPU_SET_OFM_STRIDE_C);
        int ifmDepth = required0(Command.NPU_SET_IFM_DEPTH_M1, op) + 1;
        Shape4 ifmTile = tile(op, Command.NPU_SET_IFM_HEIGHT0_M1, Command.NPU_SET_IFM_WIDTH0_M1, ifmDepth);
        KernelCommand.Upscale upscale = choice(Command.NPU_SET_IFM_UPSCALE, KernelCommand.Upscale.values(),
                "0 (none), 1 (nearest) or 2 (transpose)");
        Optional<KernelWindow> window = operation.isElementwise() ? Optional.empty() : Optional.of(window(op));
        Shape4 ifmShape = window.map(k -> readExtent(k, ofmShape, ifmTile, upscale))
                .orElse(Shape4.block(ofmShape.h(), ofmShape.w(), ifmDepth));
        FeatureMap ifm = featureMap(op, "IFM", Command.NPU_SET_IFM_REGION, Command.NPU_SET_IFM_BASE0, Command.NPU_SET_IFM_PRECISION,
                false, ifmShape, ifmTile, Command.NPU_SET_IFM_STRIDE_X, Command.NPU_SET_IFM_STRIDE_Y, Command.NPU_SET_IFM_STRIDE_C);
        Optional<SecondOperand> ifm2 = operation.isBinary() ? Optional.of(secondOperand(op, ofmShape, ifmDepth)) : Optional.empty();
        Shape4 block = Shape4.block(required0(Command.NPU_SET_OFM_BLK_HEIGHT_M1, op) + 1,
                required0(Command.NPU_SET_OFM_BLK_WIDTH_M1, op) + 1, required0(Command.NPU_SET_OFM_BLK_DEPTH_M1, op) + 1);
        List<AddressRange> weights = List.of();
        List<AddressRange> scales = List.of();
        if (operation.hasWeights()) {
            weights = streams(op, Command.NPU_SET_WEIGHT_REGION, Command.NPU_SET_WEIGHT_BASE, Command.NPU_SET_WEIGHT_LENGTH,
                    Command.NPU_SET_WEIGHT1_BASE, Command.NPU_SET_WEIGHT1_LENGTH, "weight stream");
            scales = streams(op, Command.NPU_SET_SCALE_REGION, Command.NPU_SET_SCALE_BASE, Command.NPU_SET_SCALE_LENGTH,
                    Command.NPU_SET_SCALE1_BASE, Command.NPU_SET_SCALE1_LENGTH, "scale stream");
        }
        KernelCommand.ShramLayout shram = new KernelCommand.ShramLayout(optional0(Command.NPU_SET_IFM_IB_END),
                optional0(Command.NPU_SET_AB_START), operation.isBinary() ? optional0(Command.NPU_SET_IFM2_IB_START) : 0);
        KernelCommand.Accumulator accumulator = choice(Command.NPU_SET_ACC_FORMAT, KernelCommand.Accumulator.values(),
                "0 (32-bit), 1 (40-bit) or 2 (FP S5.10)");
        return new KernelCommand(index, word, operation, ifm, ifm2, ofm, window, block, accumulator, upscale, activation(),
                weights, scales, shram);
    }

    /** The IFM part a windowed command reads: the larger of the kernel's extent and tile 0. */
    private static Shape4 readExtent(KernelWindow k, Shape4 ofm, Shape4 tile, KernelCommand.Upscale upscale) {
        int factor = upscale == KernelCommand.Upscale.NONE ? 1 : 2;
        Padding p = k.padding();
        Kernel size = k.kernel();
        int h = ((ofm.h() - 1) * size.strideY() + size.areaH() - p.top() - p.bottom() + factor - 1) / factor;
        int w = ((ofm.w() - 1) * size.strideX() + size.areaW() - p.left() - p.right() + factor - 1) / factor;
        return Shape4.block(Math.max(Math.max(h, 1), tile.h()), Math.max(Math.max(w, 1), tile.w()), tile.c());
    }

    private SecondOperand secondOperand(String op, Shape4 ofm, int depth) {
        int broadcast = optional0(Command.NPU_SET_IFM2_BROADCAST);
        int precision = required0(Command.NPU_SET_IFM2_PRECISION, op);
        int bits = precisionBits(Command.NPU_SET_IFM2_PRECISION, precision, 2);
        if ((broadcast & 0x80) != 0) {
            return new SecondOperand.Scalar((short) required0(Command.NPU_SET_IFM2_SCALAR, op), bits);
        }
        Shape4 shape = Shape4.block((broadcast & 1) != 0 ? 1 : ofm.h(), (broadcast & 2) != 0 ? 1 : ofm.w(),
                (broadcast & 4) != 0 ? 1 : depth);
        Shape4 tile = tile(op, Command.NPU_SET_IFM2_HEIGHT0_M1, Command.NPU_SET_IFM2_WIDTH0_M1, shape.c());
        FeatureMap map = featureMap(op, "IFM2", Command.NPU_SET_IFM2_REGION, Command.NPU_SET_IFM2_BASE0, Command.NPU_SET_IFM2_PRECISION,
                false, shape, tile, Command.NPU_SET_IFM2_STRIDE_X, Command.NPU_SET_IFM2_STRIDE_Y, Command.NPU_SET_IFM2_STRIDE_C);
        return new SecondOperand.Tensor(map, broadcast);
    }

    private Shape4 tile(String op, Command height, Command width, int depth) {
        return Shape4.block(required0(height, op) + 1, required0(width, op) + 1, depth);
    }

    private FeatureMap featureMap(String op, String what, Command regionReg, Command baseReg, Command precisionReg, boolean ofm, Shape4 shape,
            Shape4 tile, Command strideX, Command strideY, Command strideC) {
        int region = region(regionReg, required0(regionReg, op));
        long base = address(baseReg, op);
        int p = required0(precisionReg, op);
        int bits = precisionBits(precisionReg, p, ofm ? 1 : 2);
        int layout = (p >>> 6) & 3;
        if (layout > 1) {
            throw source.at(written0[precisionReg.opcode()], precisionReg + " format " + layout + "; expected 0 (NHWC) or 1 (NHCWB16)");
        }
        TensorFormat format = layout == 1 ? TensorFormat.NHCWB16 : TensorFormat.NHWC;
        // The last byte of tile 0: rows and columns by their strides, channels by element (NHWC) or by brick
        // of 16 (NHCWB16, channel stride between bricks).
        long sx = address(strideX, op);
        long sy = address(strideY, op);
        long sc = address(strideC, op);
        int bytes = bits / 8;
        long channels = format == TensorFormat.NHCWB16 ? (long) (tile.c() - 1) / 16 * sc + 16L * bytes
                : (long) (tile.c() - 1) * sc + bytes;
        long extent = (tile.h() - 1L) * sy + (tile.w() - 1L) * sx + channels;
        checkInside(new AddressRange(region, base, extent), what + " tile 0");
        // Whatever its tiles, a command's feature map is stored in its region: this bounds every shape.
        long stored = shape.withDepthRoundedTo(format.depthQuantum()).elements() * bytes;
        if (stored > regionBytes[region]) {
            throw source.at(word, String.format(Locale.ROOT, "%s %s %s of %d bytes is larger than region %d (%d bytes)", op, what,
                    shape, stored, region, regionBytes[region]));
        }
        return new FeatureMap(region, base, shape, bits, (p & 1) != 0, format);
    }

    /** Returns the element bits of a precision register value whose precision code starts at bit {@code shift}. */
    private int precisionBits(Command register, int value, int shift) {
        int code = (value >>> shift) & 3;
        if (code == 3) {
            throw source.at(written0[register.opcode()], register + " precision code 3; expected 0 (8-bit), 1 (16-bit) or 2 (32-bit)");
        }
        return 8 << code;
    }

    private KernelWindow window(String op) {
        int stride = required0(Command.NPU_SET_KERNEL_STRIDE, op);
        int strideX = 1 + ((stride & 1) | ((stride >>> 6) & 7) << 1);
        int strideY = 1 + (((stride >>> 1) & 1) | ((stride >>> 9) & 7) << 1);
        int dilationX = 1 + ((stride >>> 3) & 1);
        int dilationY = 1 + ((stride >>> 4) & 1);
        int areaW = required0(Command.NPU_SET_KERNEL_WIDTH_M1, op);
        int areaH = required0(Command.NPU_SET_KERNEL_HEIGHT_M1, op);
        if (areaW % dilationX != 0 || areaH % dilationY != 0) {
            throw source.at(word, op + " kernel extent " + (areaH + 1) + "x" + (areaW + 1) + " with dilation " + dilationY + "x"
                    + dilationX + "; expected (size - 1) · dilation + 1");
        }
        Padding pad = new Padding(optional0(Command.NPU_SET_IFM_PAD_TOP), optional0(Command.NPU_SET_IFM_PAD_LEFT),
                optional0(Command.NPU_SET_IFM_PAD_BOTTOM), optional0(Command.NPU_SET_IFM_PAD_RIGHT));
        // Padding covers at most the kernel's extent less one row or column on each side (SAME padding).
        if (pad.top() > areaH || pad.bottom() > areaH || pad.left() > areaW || pad.right() > areaW) {
            throw source.at(word, op + " padding " + pad.top() + "/" + pad.left() + "/" + pad.bottom() + "/" + pad.right()
                    + " (top/left/bottom/right) exceeds the kernel extent " + (areaH + 1) + "x" + (areaW + 1) + " less one");
        }
        return new KernelWindow(new Kernel(areaW / dilationX + 1, areaH / dilationY + 1, strideX, strideY, dilationX, dilationY),
                (stride & 4) != 0, pad);
    }

    private List<AddressRange> streams(String op, Command regionReg, Command base0, Command length0, Command base1, Command length1,
            String what) {
        int region = region(regionReg, required0(regionReg, op));
        List<AddressRange> out = new ArrayList<>(2);
        out.add(new AddressRange(region, address(base0, op), payload(length0, op)));
        if (set1[length1.opcode()] && payload1[length1.opcode()] > 0) {
            out.add(new AddressRange(region, address(base1, op), payload1[length1.opcode()]));
        }
        for (AddressRange r : out) {
            checkInside(r, what);
        }
        return out;
    }

    /** Returns the value of an enumerated register (0 until written) as one of {@code values}, in order. */
    private <E extends Enum<E>> E choice(Command c, E[] values, String expected) {
        int v = optional0(c);
        if (v >= values.length) {
            throw source.at(written0[c.opcode()], c + " " + v + "; expected " + expected);
        }
        return values[v];
    }

    private Activation activation() {
        int v = optional0(Command.NPU_SET_ACTIVATION);
        int function = v & 0x1F;
        Activation.Function f;
        if (function == 0) {
            f = Activation.Function.NONE;
        } else if (function == 3) {
            f = Activation.Function.TANH;
        } else if (function == 4) {
            f = Activation.Function.SIGMOID;
        } else if (function >= 16 && function <= 23) {
            f = Activation.Function.LUT;
        } else {
            throw source.at(written0[Command.NPU_SET_ACTIVATION.opcode()], "NPU_SET_ACTIVATION function " + function
                    + "; expected 0 (none), 3 (tanh), 4 (sigmoid) or 16-23 (LUT)");
        }
        int min = set0[Command.NPU_SET_ACTIVATION_MIN.opcode()] ? (short) param0[Command.NPU_SET_ACTIVATION_MIN.opcode()] : Short.MIN_VALUE;
        int max = set0[Command.NPU_SET_ACTIVATION_MAX.opcode()] ? (short) param0[Command.NPU_SET_ACTIVATION_MAX.opcode()] : Short.MAX_VALUE;
        return new Activation(f, f == Activation.Function.LUT ? function - 16 : 0, min, max);
    }

    // ---- Registers ----

    private int required0(Command c, String op) {
        if (!set0[c.opcode()]) {
            throw source.at(word, op + " needs " + c + ", which the stream never wrote before it");
        }
        return param0[c.opcode()];
    }

    private int optional0(Command c) {
        return param0[c.opcode()];
    }

    private long payload(Command c, String op) {
        if (!set1[c.opcode()]) {
            throw source.at(word, op + " needs " + c + ", which the stream never wrote before it");
        }
        return payload1[c.opcode()];
    }

    /** Returns a 40-bit value: the payload word and, above it, the low 8 bits of the parameter. */
    private long address(Command c, String op) {
        return payload(c, op) | (long) (param1[c.opcode()] & 0xFF) << 32;
    }

    private int region(Command register, int region) {
        if (region >= regionBytes.length) {
            throw source.at(writtenAt(register), register + " region " + region + "; the operator passes "
                    + regionBytes.length + " base pointers (regions 0-" + (regionBytes.length - 1) + ")");
        }
        return region;
    }

    private int writtenAt(Command register) {
        return register.hasPayload() ? written1[register.opcode()] : written0[register.opcode()];
    }

    private void checkInside(AddressRange r, String what) {
        long size = regionBytes[r.region()];
        if (r.end() > size) {
            throw source.at(word, String.format(Locale.ROOT, "%s 0x%x-0x%x lies outside region %d (%d bytes)", what,
                    r.address(), r.end(), r.region(), size));
        }
    }
}
