// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.Kernel;
import org.npusim.npu.Shape4;
import org.npusim.npu.TensorFormat;

/** Decodes the hand-assembled stream of {@link HandBuiltStream} and malformed variants of it. */
final class CommandStreamDecoderTest {

    private static final PayloadSource SOURCE = new PayloadSource("hand.tflite", "operator 0 (ethos-u) input 0 (cms)");

    private static CommandStream decode(ByteBuffer payload) {
        return CommandStreamDecoder.decode(DriverPayload.parse(payload, SOURCE), HandBuiltStream.REGIONS, SOURCE);
    }

    @Test
    void decode_handBuiltStream_everyRegisterAsAssembled() {
        DriverPayload payload = DriverPayload.parse(HandBuiltStream.payload(true), SOURCE);
        assertThat(payload.config()).hasValue(new OptimizerConfig(0, 1, 128, 0, 24, 0, "1.0.6"));
        assertThat(payload.streams()).hasSize(1);
        assertThat(payload.streams().get(0).firstWord()).isEqualTo(8);

        CommandStream s = CommandStreamDecoder.decode(payload, HandBuiltStream.REGIONS, SOURCE);
        assertThat(s.words()).isEqualTo(HandBuiltStream.STREAM.length);
        assertThat(s.parallelMode()).isEmpty();
        assertThat(s.commands()).extracting(NpuCommand::label).containsExactly(
                "DMA r0 0x40+96 -> r1 0x1000",
                "CONV 8x8x16->8x8x16",
                "POOL MAX 8x8x16->4x4x16",
                "DMA r0 0x100+256 -> SHRAM 0x5800",
                "ELEMENTWISE ADD 4x4x16->4x4x16");

        DmaCommand weights = (DmaCommand) s.commands().get(0);
        assertThat(weights.source()).isEqualTo(new AddressRange(0, 0x40, 96));
        assertThat(weights.destination()).isEqualTo(new AddressRange(1, 0x1000, 96));
        assertThat(weights.toShram()).isFalse();
        assertThat(weights.kernelsIssued()).isZero();

        KernelCommand conv = (KernelCommand) s.commands().get(1);
        assertThat(conv.operation()).isEqualTo(Operation.CONV);
        assertThat(conv.ifm()).isEqualTo(new FeatureMap(1, 0, Shape4.block(8, 8, 16), 8, true, TensorFormat.NHWC));
        assertThat(conv.ofm()).isEqualTo(new FeatureMap(1, 0x400, Shape4.block(8, 8, 16), 8, true, TensorFormat.NHCWB16));
        assertThat(conv.kernel()).hasValue(new KernelWindow(new Kernel(3, 3, 1, 1, 1, 1), false, new Padding(1, 1, 1, 1)));
        assertThat(conv.ofmBlock()).isEqualTo(Shape4.block(4, 8, 16));
        assertThat(conv.weights()).containsExactly(new AddressRange(1, 0x1020, 64));
        assertThat(conv.scales()).containsExactly(new AddressRange(1, 0x1000, 32));
        assertThat(conv.accumulator()).isEqualTo(KernelCommand.Accumulator.INT32);
        assertThat(conv.activation()).isEqualTo(new Activation(Activation.Function.NONE, 0, 0, 127));
        assertThat(conv.activation().clampsBelowRange(8, true)).as("min 0: a ReLU").isTrue();
        assertThat(conv.shram()).isEqualTo(new KernelCommand.ShramLayout(8, 16, 0));
        // MACs as Vela counts them: 3 x 3 kernel x 16 IFM channels x 8 x 8 x 16 OFM elements.
        assertThat(conv.macs()).isEqualTo(9L * 16 * 1024);

        KernelCommand pool = (KernelCommand) s.commands().get(2);
        assertThat(pool.operation()).isEqualTo(Operation.MAX_POOL);
        // No IFM height register: (4 - 1) x stride 2 + kernel 2 = 8 rows read, as tile 0 says.
        assertThat(pool.ifm().shape()).isEqualTo(Shape4.block(8, 8, 16));
        assertThat(pool.kernel()).hasValue(new KernelWindow(new Kernel(2, 2, 2, 2, 1, 1), false, Padding.NONE));
        assertThat(pool.weights()).as("a POOL reads no weights, whatever the registers hold").isEmpty();
        assertThat(pool.macs()).isEqualTo(4L * 4 * 4 * 16);

        DmaCommand lut = (DmaCommand) s.commands().get(3);
        assertThat(lut.toShram()).isTrue();
        assertThat(lut.destination().address()).isEqualTo(0x5800);
        assertThat(lut.bytes()).isEqualTo(256);
        assertThat(lut.kernelsIssued()).isEqualTo(2);
        assertThat(lut.kernelsDone()).as("KERNEL_WAIT 1 after two kernel commands: the first is done").isEqualTo(1);

        KernelCommand add = (KernelCommand) s.commands().get(4);
        assertThat(add.operation()).isEqualTo(Operation.ADD);
        assertThat(add.kernel()).isEmpty();
        assertThat(add.ifm2()).hasValue(new SecondOperand.Scalar(0, 8));
        assertThat(add.ofm()).isEqualTo(new FeatureMap(1, 0xC00, Shape4.block(4, 4, 16), 8, true, TensorFormat.NHWC));
        assertThat(add.activation()).isEqualTo(new Activation(Activation.Function.LUT, 0, -128, 127));
        assertThat(add.activation().clampsBelowRange(8, true)).isFalse();
    }

    @Test
    void compiledFor_optimizerConfig_namesTheVariant() {
        CommandStream s = decode(HandBuiltStream.payload(true));
        CompiledFor c = CompiledFor.of(DriverPayload.parse(HandBuiltStream.payload(true), SOURCE).config(), s, SOURCE);
        assertThat(c.variant()).isEqualTo(NpuVariant.ETHOS_U55_128);
        assertThat(c.inferred()).isFalse();
    }

    @Test
    void compiledFor_withoutConfig_inferredFromShramAndBlocks() {
        // The LUT ends at 0x5900: bank 23 of SHRAM, more than the 16 of U55-32/64; blocks are multiples of 1x2x8.
        CommandStream s = decode(HandBuiltStream.payload(false));
        CompiledFor c = CompiledFor.of(java.util.Optional.empty(), s, SOURCE);
        assertThat(c.variant()).isEqualTo(NpuVariant.ETHOS_U55_128);
        assertThat(c.inferred()).isTrue();
        assertThat(c.evidence()).contains("inferred").contains("SHRAM banks up to 23");
    }

    @Test
    void command_codes_matchTheHandAssembledWords() {
        assertThat(Command.NPU_SET_DMA0_SRC.code()).isEqualTo(0x4030);
        assertThat(Command.NPU_SET_IFM2_PRECISION.code()).isEqualTo(0x0185);
        assertThat(Command.of(0x4093)).hasValue(Command.NPU_SET_SCALE1_LENGTH);
        assertThat(Command.of(0x8002)).as("payload mode 2 does not exist").isEmpty();
        assertThat(Command.of(0x0104 | 0x0400)).as("bits 10-13 are reserved").isEmpty();
    }

    @Test
    void parse_malformedPayloads_oneLineErrorNamingTheWord() {
        int[] words = HandBuiltStream.words(true);
        assertError(with(words, 0, 0x31504F44), "hand.tflite: operator 0 (ethos-u) input 0 (cms) word 0: fourcc 0x31504F44;"
                + " expected 0x31504F43 (\"COP1\", an Ethos-U driver payload)");
        assertError(with(words, 1, 0x00000009), "word 1: driver action 9; expected 1 (OPTIMIZER_CONFIG)");
        // The COMMAND_STREAM tag says 1000 words follow.
        assertError(with(words, 7, 1000 << 16 | 2), "word 7: COMMAND_STREAM of 1000 words, but the payload ends after "
                + HandBuiltStream.STREAM.length + " (truncated)");
        assertError(HandBuiltStream.bytes(java.util.Arrays.copyOf(words, 5)), "a driver payload without a COMMAND_STREAM");
        ByteBuffer odd = ByteBuffer.allocate(6);
        assertError(odd, "a driver payload of 6 bytes; expected a whole number of 32-bit words");
    }

    @Test
    void decode_malformedStreams_oneLineErrorNamingTheWordAndRegister() {
        // Word 8 of the payload is the stream's first word.
        int ofmPrecision = 8 + indexOf(0x00410114);
        assertError(stream(ofmPrecision, 0x00470114), "word " + ofmPrecision
                + ": NPU_SET_OFM_PRECISION precision code 3; expected 0 (8-bit), 1 (16-bit) or 2 (32-bit)");
        int ofmRegion = 8 + indexOf(0x0001011F);
        assertError(stream(ofmRegion, 0x0005011F), "word " + ofmRegion
                + ": NPU_SET_OFM_REGION region 5; the operator passes 2 base pointers (regions 0-1)");
        int weightLength = 8 + indexOf(0x00004021) + 1;
        assertError(stream(weightLength, 0x00100000), "weight stream 0x1020-0x101020 lies outside region 1 (8192 bytes)");
        int kernelHeight = 8 + indexOf(0x00020121);
        assertError(stream(kernelHeight, 0x00050118), "NPU_OP_CONV needs NPU_SET_KERNEL_HEIGHT_M1, which the stream never"
                + " wrote before it");
        assertError(stream(kernelHeight, 0x00050318), "command word 0x00050318 has no Ethos-U opcode");
        int poolMode = 8 + indexAfter(0x00030115, 0x00000005);
        assertError(stream(poolMode, 0x00030005), "NPU_OP_POOL mode 3; expected 0-2 (MAX, AVERAGE, REDUCE_SUM)");
        int[] words = HandBuiltStream.words(true);
        int stop = words.length - 1;
        assertError(with(words, stop, 0x00000011), "word " + stop + ": the command stream ends without NPU_OP_STOP (truncated)");
        // A payload command cut off: the stream's last word is a cmd1 without its payload.
        int[] cut = HandBuiltStream.words(true);
        cut[7] = (cut[7] & 0xFFFF) | 2 << 16;
        int[] two = java.util.Arrays.copyOf(cut, 10);
        two[9] = 0x00004030;
        assertError(HandBuiltStream.bytes(two), "word 9: NPU_SET_DMA0_SRC needs a payload word, but the stream ends (truncated)");
    }

    private static int indexOf(int word) {
        for (int i = 0; i < HandBuiltStream.STREAM.length; i++) {
            if (HandBuiltStream.STREAM[i] == word) {
                return i;
            }
        }
        throw new IllegalArgumentException("no word " + Integer.toHexString(word));
    }

    /** The index in the stream of the first {@code word} after the first {@code after}. */
    private static int indexAfter(int after, int word) {
        for (int i = indexOf(after) + 1; i < HandBuiltStream.STREAM.length; i++) {
            if (HandBuiltStream.STREAM[i] == word) {
                return i;
            }
        }
        throw new IllegalArgumentException("no word " + Integer.toHexString(word));
    }

    private static ByteBuffer stream(int payloadWord, int value) {
        return with(HandBuiltStream.words(true), payloadWord, value);
    }

    private static ByteBuffer with(int[] words, int at, int value) {
        int[] w = words.clone();
        w[at] = value;
        return HandBuiltStream.bytes(w);
    }

    private static void assertError(ByteBuffer payload, String message) {
        assertThatThrownBy(() -> decode(payload))
                .isInstanceOf(InputException.class)
                .hasMessageContaining(message)
                .hasMessageStartingWith("hand.tflite: operator 0 (ethos-u) input 0 (cms)")
                .hasMessageNotContaining("\n");
    }
}
