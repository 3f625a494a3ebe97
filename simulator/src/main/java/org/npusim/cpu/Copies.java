// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import org.npusim.cpu.CoreTiming.Isa;

/**
 * Instruction counts of memcpy and memset, which im2col, pooling and the data-movement operators call.
 *
 * <ul>
 *   <li>Scalar (Armv6-M): a word loop, per 4 bytes LDR, STR, 2 ADDS (no post-increment addressing), SUBS/BNE.</li>
 *   <li>DSP cores: the C library's block copy, per 16 bytes one LDM and one STM of 4 words (a load run of 4:
 *       1 + 4 cycles on the M4, as its TRM gives LDM) and SUBS/BNE.</li>
 *   <li>Helium: {@code arm_memcpy_s8}, a tail-predicated loop of VLDRB.8 and VSTRB.8 per 16 bytes.</li>
 * </ul>
 * Each call adds its set-up: {@value #CALL_ALU} data-processing instructions (arguments, alignment and length
 * checks) and {@value #CALL_BRANCHES} branches (call and return).
 */
final class Copies {

    static final int CALL_ALU = 4;
    static final int CALL_BRANCHES = 2;

    private Copies() {}

    /** Returns the instructions of {@code calls} calls that each copy {@code bytesPerCall} bytes. */
    static InstructionMix memcpy(Isa isa, double bytesPerCall, double calls) {
        double bytes = bytesPerCall * calls;
        InstructionMix.Builder b = InstructionMix.builder().alu(CALL_ALU * calls).branch(CALL_BRANCHES * calls);
        switch (isa) {
            case SCALAR -> b.load(bytes / 4, bytes / 4).store(bytes / 4).alu(3 * bytes / 4).branch(bytes / 4);
            case DSP -> b.load(bytes / 4, bytes / 16).store(bytes / 4).alu(bytes / 16).branch(bytes / 16);
            case MVE -> b.vecLoad(Math.ceil(bytesPerCall / 16) * calls).vecStore(Math.ceil(bytesPerCall / 16) * calls);
        }
        return b.build();
    }

    /** Returns the instructions of {@code calls} calls that each fill {@code bytesPerCall} bytes. */
    static InstructionMix memset(Isa isa, double bytesPerCall, double calls) {
        double bytes = bytesPerCall * calls;
        InstructionMix.Builder b = InstructionMix.builder().alu(CALL_ALU * calls).branch(CALL_BRANCHES * calls);
        switch (isa) {
            case SCALAR -> b.store(bytes / 4).alu(2 * bytes / 4).branch(bytes / 4);
            case DSP -> b.store(bytes / 4).alu(bytes / 16).branch(bytes / 16);
            case MVE -> b.vecStore(Math.ceil(bytesPerCall / 16) * calls);
        }
        return b.build();
    }

    /** Returns the widest single access of the copy loops: 1 word, or a 16-byte vector on Helium. */
    static int accessBytes(Isa isa) {
        return isa == Isa.MVE ? 16 : 4;
    }
}
