// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Optional;

/**
 * The commands of an Ethos-U55/U65 register command stream: the operations ({@code NPU_OP_*}) and the register
 * writes ({@code NPU_SET_*}).
 *
 * <p>Each command is one 32-bit word: bits 0-9 the opcode, bits 14-15 the payload mode (0: none, 1: one 32-bit
 * payload word follows), bits 16-31 a 16-bit parameter. Commands without a payload ("cmd0") carry their value in
 * the parameter; commands with one ("cmd1") carry it in the payload word, and for addresses the parameter holds
 * the bits above 32 (Vela's {@code CommandStreamEmitter.cmd0_with_param}, {@code cmd1_with_offset},
 * {@code cmd1_with_address}; {@code CmdMode}). Opcodes are those of Vela's {@code ethos_u55_regs.py} classes
 * {@code cmd0} and {@code cmd1}, which share one numbering between U55 and U65.
 */
public enum Command {
    NPU_OP_STOP(false, 0x000),
    NPU_OP_IRQ(false, 0x001),
    NPU_OP_CONV(false, 0x002),
    NPU_OP_DEPTHWISE(false, 0x003),
    NPU_OP_POOL(false, 0x005),
    NPU_OP_ELEMENTWISE(false, 0x006),
    NPU_OP_DMA_START(false, 0x010),
    NPU_OP_DMA_WAIT(false, 0x011),
    NPU_OP_KERNEL_WAIT(false, 0x012),
    NPU_OP_PMU_MASK(false, 0x013),
    NPU_SET_IFM_PAD_TOP(false, 0x100),
    NPU_SET_IFM_PAD_LEFT(false, 0x101),
    NPU_SET_IFM_PAD_RIGHT(false, 0x102),
    NPU_SET_IFM_PAD_BOTTOM(false, 0x103),
    NPU_SET_IFM_DEPTH_M1(false, 0x104),
    NPU_SET_IFM_PRECISION(false, 0x105),
    NPU_SET_IFM_UPSCALE(false, 0x107),
    NPU_SET_IFM_ZERO_POINT(false, 0x109),
    NPU_SET_IFM_WIDTH0_M1(false, 0x10A),
    NPU_SET_IFM_HEIGHT0_M1(false, 0x10B),
    NPU_SET_IFM_HEIGHT1_M1(false, 0x10C),
    NPU_SET_IFM_IB_END(false, 0x10D),
    NPU_SET_IFM_REGION(false, 0x10F),
    NPU_SET_OFM_WIDTH_M1(false, 0x111),
    NPU_SET_OFM_HEIGHT_M1(false, 0x112),
    NPU_SET_OFM_DEPTH_M1(false, 0x113),
    NPU_SET_OFM_PRECISION(false, 0x114),
    NPU_SET_OFM_BLK_WIDTH_M1(false, 0x115),
    NPU_SET_OFM_BLK_HEIGHT_M1(false, 0x116),
    NPU_SET_OFM_BLK_DEPTH_M1(false, 0x117),
    NPU_SET_OFM_ZERO_POINT(false, 0x118),
    NPU_SET_OFM_WIDTH0_M1(false, 0x11A),
    NPU_SET_OFM_HEIGHT0_M1(false, 0x11B),
    NPU_SET_OFM_HEIGHT1_M1(false, 0x11C),
    NPU_SET_OFM_REGION(false, 0x11F),
    NPU_SET_KERNEL_WIDTH_M1(false, 0x120),
    NPU_SET_KERNEL_HEIGHT_M1(false, 0x121),
    NPU_SET_KERNEL_STRIDE(false, 0x122),
    NPU_SET_PARALLEL_MODE(false, 0x123),
    NPU_SET_ACC_FORMAT(false, 0x124),
    NPU_SET_ACTIVATION(false, 0x125),
    NPU_SET_ACTIVATION_MIN(false, 0x126),
    NPU_SET_ACTIVATION_MAX(false, 0x127),
    NPU_SET_WEIGHT_REGION(false, 0x128),
    NPU_SET_SCALE_REGION(false, 0x129),
    NPU_SET_AB_START(false, 0x12D),
    NPU_SET_BLOCKDEP(false, 0x12F),
    NPU_SET_DMA0_SRC_REGION(false, 0x130),
    NPU_SET_DMA0_DST_REGION(false, 0x131),
    NPU_SET_DMA0_SIZE0(false, 0x132),
    NPU_SET_DMA0_SIZE1(false, 0x133),
    NPU_SET_IFM2_BROADCAST(false, 0x180),
    NPU_SET_IFM2_SCALAR(false, 0x181),
    NPU_SET_IFM2_PRECISION(false, 0x185),
    NPU_SET_IFM2_ZERO_POINT(false, 0x189),
    NPU_SET_IFM2_WIDTH0_M1(false, 0x18A),
    NPU_SET_IFM2_HEIGHT0_M1(false, 0x18B),
    NPU_SET_IFM2_HEIGHT1_M1(false, 0x18C),
    NPU_SET_IFM2_IB_START(false, 0x18D),
    NPU_SET_IFM2_REGION(false, 0x18F),
    NPU_SET_IFM_BASE0(true, 0x000),
    NPU_SET_IFM_BASE1(true, 0x001),
    NPU_SET_IFM_BASE2(true, 0x002),
    NPU_SET_IFM_BASE3(true, 0x003),
    NPU_SET_IFM_STRIDE_X(true, 0x004),
    NPU_SET_IFM_STRIDE_Y(true, 0x005),
    NPU_SET_IFM_STRIDE_C(true, 0x006),
    NPU_SET_OFM_BASE0(true, 0x010),
    NPU_SET_OFM_BASE1(true, 0x011),
    NPU_SET_OFM_BASE2(true, 0x012),
    NPU_SET_OFM_BASE3(true, 0x013),
    NPU_SET_OFM_STRIDE_X(true, 0x014),
    NPU_SET_OFM_STRIDE_Y(true, 0x015),
    NPU_SET_OFM_STRIDE_C(true, 0x016),
    NPU_SET_WEIGHT_BASE(true, 0x020),
    NPU_SET_WEIGHT_LENGTH(true, 0x021),
    NPU_SET_SCALE_BASE(true, 0x022),
    NPU_SET_SCALE_LENGTH(true, 0x023),
    NPU_SET_OFM_SCALE(true, 0x024),
    NPU_SET_OPA_SCALE(true, 0x025),
    NPU_SET_OPB_SCALE(true, 0x026),
    NPU_SET_DMA0_SRC(true, 0x030),
    NPU_SET_DMA0_DST(true, 0x031),
    NPU_SET_DMA0_LEN(true, 0x032),
    NPU_SET_DMA0_SKIP0(true, 0x033),
    NPU_SET_DMA0_SKIP1(true, 0x034),
    NPU_SET_IFM2_BASE0(true, 0x080),
    NPU_SET_IFM2_BASE1(true, 0x081),
    NPU_SET_IFM2_BASE2(true, 0x082),
    NPU_SET_IFM2_BASE3(true, 0x083),
    NPU_SET_IFM2_STRIDE_X(true, 0x084),
    NPU_SET_IFM2_STRIDE_Y(true, 0x085),
    NPU_SET_IFM2_STRIDE_C(true, 0x086),
    NPU_SET_WEIGHT1_BASE(true, 0x090),
    NPU_SET_WEIGHT1_LENGTH(true, 0x091),
    NPU_SET_SCALE1_BASE(true, 0x092),
    NPU_SET_SCALE1_LENGTH(true, 0x093);

    /** Bits 0-9 of a command word: the opcode ({@code CmdMode.CmdOpMask}). */
    static final int OPCODE_MASK = 0x03FF;
    /** Bits 14-15 of a command word: the payload mode ({@code CmdMode.Mask}). */
    static final int MODE_MASK = 0xC000;
    /** The payload mode of a command followed by one 32-bit payload word ({@code CmdMode.Payload32}). */
    static final int PAYLOAD32 = 0x4000;

    private static final Command[] WITHOUT_PAYLOAD = new Command[OPCODE_MASK + 1];
    private static final Command[] WITH_PAYLOAD = new Command[OPCODE_MASK + 1];

    static {
        for (Command c : values()) {
            (c.payload ? WITH_PAYLOAD : WITHOUT_PAYLOAD)[c.opcode] = c;
        }
    }

    private final boolean payload;
    private final int opcode;

    Command(boolean payload, int opcode) {
        this.payload = payload;
        this.opcode = opcode;
    }

    /** Returns whether a 32-bit payload word follows the command word. */
    public boolean hasPayload() {
        return payload;
    }

    /** Returns the 10-bit opcode. */
    public int opcode() {
        return opcode;
    }

    /** Returns the command word's low half: opcode and payload mode. */
    public int code() {
        return opcode | (payload ? PAYLOAD32 : 0);
    }

    /** Returns the command of a word's low half (opcode and payload mode), or empty when there is none. */
    static Optional<Command> of(int code) {
        int mode = code & MODE_MASK;
        if (mode != 0 && mode != PAYLOAD32) {
            return Optional.empty();
        }
        if ((code & ~(MODE_MASK | OPCODE_MASK) & 0xFFFF) != 0) {
            return Optional.empty();
        }
        Command[] table = mode == PAYLOAD32 ? WITH_PAYLOAD : WITHOUT_PAYLOAD;
        return Optional.ofNullable(table[code & OPCODE_MASK]);
    }

    /** Returns whether this is an {@code NPU_OP_*} command. */
    public boolean isOperation() {
        return !payload && opcode < 0x100;
    }
}
