// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ConstantData;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * A small driver payload assembled by hand, word by word, for an Ethos-U55-128: a weight DMA, a 3x3 CONV, a 2x2
 * max pool, a LUT DMA into SHRAM and an element-wise ADD of a scalar with that LUT as activation. Each word is
 * written out with its derivation: a command word is {@code param << 16 | mode << 14 | opcode}, where mode 1
 * (0x4000) means a 32-bit payload word follows (Vela's {@code CommandStreamEmitter}); opcodes are those of Vela's
 * {@code ethos_u55_regs.py}.
 *
 * <p>Regions: 0 is a 4 KiB flash tensor, 1 an 8 KiB scratch tensor.
 */
final class HandBuiltStream {

    /** Region sizes: flash, scratch. */
    static final long[] REGIONS = {4096, 8192};

    /** Driver payload header: fourcc, OPTIMIZER_CONFIG (3 words), NOP padding, COMMAND_STREAM tag. */
    static int[] header(int streamWords, boolean withConfig) {
        int[] config = {
            0x31504F43, // "COP1": 'C' 0x43 | 'O' 0x4F << 8 | 'P' 0x50 << 16 | '1' 0x31 << 24
            0x00100001, // OPTIMIZER_CONFIG: action 1, data (patch 1 << 4 | release 0) = 0x0010 in bits 16-31
            0x00001807, // CONFIG: macs_per_cc log2(128) = 7 in bits 0-3, shram_size 24 (KiB) << 8 = 0x1800
            0x10060000, // ID: arch 1.0.6: major 1 << 28 | minor 0 << 20 | patch 6 << 16
            0x00000005, // NOP (action 5): Vela pads so that the stream starts 16-byte aligned
            0x00000005, // NOP
            0x00000005, // NOP
        };
        int[] plain = {
            0x31504F43, // "COP1"
            0x00000005, // NOP
            0x00000005, // NOP
            0x00000005, // NOP
        };
        int[] head = withConfig ? config : plain;
        int[] out = Arrays.copyOf(head, head.length + 1);
        // COMMAND_STREAM: action 2 in bits 0-7, length bits 16-23 in the reserved byte (0 here), bits 0-15 in 16-31.
        out[head.length] = streamWords << 16 | 0x02;
        return out;
    }

    /** The command stream. */
    static final int[] STREAM = {
        // ---- #0 DMA: 96 bytes of weights and scales from flash 0x40 to scratch 0x1000 ----
        0x00000130, // NPU_SET_DMA0_SRC_REGION (0x130) = 0: flash
        0x00004030, 0x00000040, // NPU_SET_DMA0_SRC (cmd1 0x030 | 0x4000), payload 0x40
        0x00010131, // NPU_SET_DMA0_DST_REGION (0x131) = 1: scratch
        0x00004031, 0x00001000, // NPU_SET_DMA0_DST (0x031), payload 0x1000
        0x00004032, 0x00000060, // NPU_SET_DMA0_LEN (0x032), payload 96
        0x00000010, // NPU_OP_DMA_START (0x010), channel 0, mode 0

        // ---- #1 CONV 3x3, stride 1, SAME: IFM 8x8x16 int8 NHWC at scratch 0 -> OFM 8x8x16 int8 NHCWB16 at 0x400 ----
        0x0001010F, // NPU_SET_IFM_REGION (0x10F) = 1
        0x00004000, 0x00000000, // NPU_SET_IFM_BASE0 (cmd1 0x000) = 0
        0x0007010B, // NPU_SET_IFM_HEIGHT0_M1 (0x10B) = 7: tile 0 is 8 rows
        0x0007010C, // NPU_SET_IFM_HEIGHT1_M1 (0x10C) = 7
        0x0007010A, // NPU_SET_IFM_WIDTH0_M1 (0x10A) = 7: 8 columns
        0x000F0104, // NPU_SET_IFM_DEPTH_M1 (0x104) = 15: 16 channels
        0x00004006, 0x00000001, // NPU_SET_IFM_STRIDE_C (0x006) = 1 byte (NHWC, int8)
        0x00004005, 0x00000080, // NPU_SET_IFM_STRIDE_Y (0x005) = 128 = 8 columns x 16 channels
        0x00004004, 0x00000010, // NPU_SET_IFM_STRIDE_X (0x004) = 16
        0x00010105, // NPU_SET_IFM_PRECISION (0x105) = 1: signed (bit 0), 8-bit (code 0 in bits 2-3), NHWC (bits 6-7 = 0)
        0x00010100, // NPU_SET_IFM_PAD_TOP (0x100) = 1
        0x00010101, // NPU_SET_IFM_PAD_LEFT (0x101) = 1
        0x00010103, // NPU_SET_IFM_PAD_BOTTOM (0x103) = 1
        0x00010102, // NPU_SET_IFM_PAD_RIGHT (0x102) = 1
        0x0001011F, // NPU_SET_OFM_REGION (0x11F) = 1
        0x00004010, 0x00000400, // NPU_SET_OFM_BASE0 (cmd1 0x010) = 0x400
        0x0007011B, // NPU_SET_OFM_HEIGHT0_M1 (0x11B) = 7
        0x0007011C, // NPU_SET_OFM_HEIGHT1_M1 (0x11C) = 7
        0x0007011A, // NPU_SET_OFM_WIDTH0_M1 (0x11A) = 7
        0x00070112, // NPU_SET_OFM_HEIGHT_M1 (0x112) = 7: 8 rows
        0x00070111, // NPU_SET_OFM_WIDTH_M1 (0x111) = 7: 8 columns
        0x000F0113, // NPU_SET_OFM_DEPTH_M1 (0x113) = 15: 16 channels
        0x00004016, 0x00000080, // NPU_SET_OFM_STRIDE_C (0x016) = 128: between 16-channel bricks, 8 x 16
        0x00004015, 0x00000080, // NPU_SET_OFM_STRIDE_Y (0x015) = 128
        0x00004014, 0x00000010, // NPU_SET_OFM_STRIDE_X (0x014) = 16
        0x00410114, // NPU_SET_OFM_PRECISION (0x114) = 0x41: signed, 8-bit (code 0 in bits 1-2), NHCWB16 (bit 6)
        0x00020121, // NPU_SET_KERNEL_HEIGHT_M1 (0x121) = 2: (3 - 1) x dilation 1
        0x00020120, // NPU_SET_KERNEL_WIDTH_M1 (0x120) = 2
        0x00000122, // NPU_SET_KERNEL_STRIDE (0x122) = 0: stride 1x1, dilation 1, depth-first
        0x00010128, // NPU_SET_WEIGHT_REGION (0x128) = 1: the weights were copied into scratch
        0x00004020, 0x00001020, // NPU_SET_WEIGHT_BASE (0x020) = 0x1020
        0x00004021, 0x00000040, // NPU_SET_WEIGHT_LENGTH (0x021) = 64
        0x00010129, // NPU_SET_SCALE_REGION (0x129) = 1
        0x00004022, 0x00001000, // NPU_SET_SCALE_BASE (0x022) = 0x1000
        0x00004023, 0x00000020, // NPU_SET_SCALE_LENGTH (0x023) = 32
        0x00000125, // NPU_SET_ACTIVATION (0x125) = 0: no function, clamp only
        0x00000126, // NPU_SET_ACTIVATION_MIN (0x126) = 0: a ReLU
        0x007F0127, // NPU_SET_ACTIVATION_MAX (0x127) = 127
        0x00030116, // NPU_SET_OFM_BLK_HEIGHT_M1 (0x116) = 3: block 4 rows
        0x00070115, // NPU_SET_OFM_BLK_WIDTH_M1 (0x115) = 7: 8 columns
        0x000F0117, // NPU_SET_OFM_BLK_DEPTH_M1 (0x117) = 15: 16 channels
        0x0008010D, // NPU_SET_IFM_IB_END (0x10D) = 8
        0x0010012D, // NPU_SET_AB_START (0x12D) = 16
        0x00000124, // NPU_SET_ACC_FORMAT (0x124) = 0: 32-bit
        0x0000012F, // NPU_SET_BLOCKDEP (0x12F) = 0
        0x00000011, // NPU_OP_DMA_WAIT (0x011): the weights must have arrived
        0x00000002, // NPU_OP_CONV (0x002)

        // ---- #2 POOL MAX 2x2, stride 2: the CONV's OFM -> 4x4x16 NHCWB16 at 0x800 ----
        0x00004000, 0x00000400, // NPU_SET_IFM_BASE0 = 0x400
        0x00004006, 0x00000080, // NPU_SET_IFM_STRIDE_C = 128 (stride X and Y are unchanged: 16, 128)
        0x00410105, // NPU_SET_IFM_PRECISION = 0x41: signed 8-bit NHCWB16 (format in bit 6)
        0x00000100, // NPU_SET_IFM_PAD_TOP = 0
        0x00000101, // NPU_SET_IFM_PAD_LEFT = 0
        0x00000103, // NPU_SET_IFM_PAD_BOTTOM = 0
        0x00000102, // NPU_SET_IFM_PAD_RIGHT = 0
        0x00004010, 0x00000800, // NPU_SET_OFM_BASE0 = 0x800
        0x0003011B, // NPU_SET_OFM_HEIGHT0_M1 = 3
        0x0003011C, // NPU_SET_OFM_HEIGHT1_M1 = 3
        0x0003011A, // NPU_SET_OFM_WIDTH0_M1 = 3
        0x00030112, // NPU_SET_OFM_HEIGHT_M1 = 3: 4 rows
        0x00030111, // NPU_SET_OFM_WIDTH_M1 = 3: 4 columns
        0x00004016, 0x00000040, // NPU_SET_OFM_STRIDE_C = 64 = 4 x 16
        0x00004015, 0x00000040, // NPU_SET_OFM_STRIDE_Y = 64
        0x00010121, // NPU_SET_KERNEL_HEIGHT_M1 = 1: 2 rows
        0x00010120, // NPU_SET_KERNEL_WIDTH_M1 = 1: 2 columns
        0x00030122, // NPU_SET_KERNEL_STRIDE = 3: stride - 1 = 1 in bit 0 (x) and bit 1 (y): stride 2x2
        0x00030115, // NPU_SET_OFM_BLK_WIDTH_M1 = 3: block 4x4x16
        0x00000005, // NPU_OP_POOL (0x005), mode 0: MAX

        // ---- #3 DMA: a 256-byte LUT from flash 0x100 into SHRAM 0x5800 (LUT banks of a 24-bank SHRAM) ----
        0x00004030, 0x00000100, // NPU_SET_DMA0_SRC = 0x100 (source region still 0)
        0x01030131, // NPU_SET_DMA0_DST_REGION = 0x103: bit 8 set, SHRAM (Vela's BasePointerIndex.Mem2Mem)
        0x00004031, 0x00005800, // NPU_SET_DMA0_DST = 0x5800 = 22 x 1024
        0x00004032, 0x00000100, // NPU_SET_DMA0_LEN = 256
        0x00010012, // NPU_OP_KERNEL_WAIT (0x012), 1: at most one kernel command outstanding (the CONV is done)
        0x00000010, // NPU_OP_DMA_START

        // ---- #4 ELEMENTWISE ADD of scalar 0 with the LUT: 4x4x16 NHCWB16 at 0x800 -> 4x4x16 NHWC at 0xC00 ----
        0x00004000, 0x00000800, // NPU_SET_IFM_BASE0 = 0x800
        0x0003010B, // NPU_SET_IFM_HEIGHT0_M1 = 3
        0x0003010C, // NPU_SET_IFM_HEIGHT1_M1 = 3
        0x0003010A, // NPU_SET_IFM_WIDTH0_M1 = 3
        0x00004006, 0x00000040, // NPU_SET_IFM_STRIDE_C = 64
        0x00004005, 0x00000040, // NPU_SET_IFM_STRIDE_Y = 64
        0x00004010, 0x00000C00, // NPU_SET_OFM_BASE0 = 0xC00
        0x00004016, 0x00000001, // NPU_SET_OFM_STRIDE_C = 1 (NHWC)
        0x00010114, // NPU_SET_OFM_PRECISION = 1: signed 8-bit NHWC
        0x00100125, // NPU_SET_ACTIVATION = 16: LUT in slot 0
        0xFF800126, // NPU_SET_ACTIVATION_MIN = 0xFF80 = -128: no clamp for int8
        0x00800180, // NPU_SET_IFM2_BROADCAST (0x180) = 0x80: bit 7, IFM2 is a scalar
        0x00000181, // NPU_SET_IFM2_SCALAR (0x181) = 0
        0x00010185, // NPU_SET_IFM2_PRECISION (0x185) = 1: signed 8-bit
        0x00010006, // NPU_OP_ELEMENTWISE (0x006), mode 1: ADD

        0xFFFF0000, // NPU_OP_STOP (0x000), parameter 0xFFFF as Vela writes it
    };

    private HandBuiltStream() {}

    /** Returns the payload's bytes: header and stream, little-endian. */
    static ByteBuffer payload(boolean withConfig) {
        return bytes(words(withConfig));
    }

    /** Returns the payload's words. */
    static int[] words(boolean withConfig) {
        int[] head = header(STREAM.length, withConfig);
        int[] all = Arrays.copyOf(head, head.length + STREAM.length);
        System.arraycopy(STREAM, 0, all, head.length, STREAM.length);
        return all;
    }

    /**
     * Returns a model holding the payload as Vela lays out its {@code ethos-u} operator: inputs command stream,
     * flash (4 KiB), scratch (8 KiB), fast scratch (8 KiB) and the model input (8x8x16 int8); output 4x4x16 int8.
     */
    static Model model() {
        ByteBuffer payload = payload(true);
        List<Tensor> t = List.of(
                new Tensor(0, "cms", ElementType.UINT8, Shape.of(payload.remaining()), Optional.empty(),
                        Optional.of(ConstantData.copyOf(payload)), false),
                new Tensor(1, "flash", ElementType.UINT8, Shape.of(4096), Optional.empty(),
                        Optional.of(ConstantData.copyOf(new byte[4096])), false),
                new Tensor(2, "scratch", ElementType.UINT8, Shape.of(8192), Optional.empty(), Optional.empty(), false),
                new Tensor(3, "scratch_fast", ElementType.UINT8, Shape.of(8192), Optional.empty(), Optional.empty(), false),
                new Tensor(4, "input", ElementType.INT8, Shape.of(1, 8, 8, 16), Optional.empty(), Optional.empty(), false),
                new Tensor(5, "output", ElementType.INT8, Shape.of(1, 4, 4, 16), Optional.empty(), Optional.empty(), false));
        Operator op = new Operator(0, new OperatorCode(BuiltinOperator.CUSTOM.code(), Optional.of("ethos-u"), 1),
                new int[] {0, 1, 2, 3, 4}, new int[] {5}, new int[0], new OpOptions.CustomOptions(ConstantData.copyOf(new byte[0])));
        return new Model("hand", "", 3, List.of(Subgraph.of("main", t, List.of(op), new int[] {4}, new int[] {5})));
    }

    /** Returns {@code words} as little-endian bytes. */
    static ByteBuffer bytes(int[] words) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(words);
        return b;
    }
}
