// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Ethos-U driver payload of an {@code ethos-u} operator: the little-endian 32-bit words of its first input
 * tensor, which the NPU driver walks action by action.
 *
 * <p>Format ({@code ethosu_driver.c: ethosu_invoke}; written by Vela's {@code driver_actions.py:
 * create_driver_payload}): word 0 is the fourcc {@code "COP1"} (0x31504F43, "custom operator payload 1"); then
 * driver actions, each starting with a tag word whose bits 0-7 are the action, bits 8-15 a reserved byte and bits
 * 16-31 its data: {@code OPTIMIZER_CONFIG} (1, followed by two words, {@link OptimizerConfig}),
 * {@code COMMAND_STREAM} (2: the stream's length in words is {@code reserved << 16 | data}, and the stream follows),
 * {@code READ_APB_REG} (3), {@code DUMP_SHRAM} (4) and {@code NOP} (5, Vela pads with these to align the stream to
 * 16 bytes), each one word. Any other action makes the driver fail the inference.
 *
 * @param config the optimizer config, when the payload has one
 * @param streams the command streams in payload order (Vela writes one)
 */
public record DriverPayload(Optional<OptimizerConfig> config, List<Section> streams) {

    /** {@code "COP1"} read as a little-endian word ({@code ETHOSU_FOURCC}). */
    static final int FOURCC = 0x31504F43;

    private static final int OPTIMIZER_CONFIG = 1;
    private static final int COMMAND_STREAM = 2;
    private static final int READ_APB_REG = 3;
    private static final int DUMP_SHRAM = 4;
    private static final int NOP = 5;

    public DriverPayload {
        Objects.requireNonNull(config, "config");
        streams = List.copyOf(streams);
    }

    /**
     * One command stream of the payload.
     *
     * @param firstWord the position of its first command word in the payload (for error messages)
     * @param words its command words
     */
    public record Section(int firstWord, int[] words) {
        public Section {
            words = words.clone();
        }

        @Override
        public int[] words() {
            return words.clone();
        }

        /** Returns the number of words. */
        public int length() {
            return words.length;
        }

        /** Returns word {@code i}. */
        int word(int i) {
            return words[i];
        }
    }

    /** Reads the payload in {@code bytes}; a malformed one is an error naming the word. */
    public static DriverPayload parse(ByteBuffer bytes, PayloadSource source) {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % 4 != 0) {
            throw source.whole("a driver payload of " + b.remaining() + " bytes; expected a whole number of 32-bit words");
        }
        int count = b.remaining() / 4;
        if (count == 0) {
            throw source.whole("an empty driver payload; expected the fourcc \"COP1\" and a command stream");
        }
        int[] w = new int[count];
        b.asIntBuffer().get(w);
        if (w[0] != FOURCC) {
            throw source.at(0, String.format("fourcc 0x%08X; expected 0x%08X (\"COP1\", an Ethos-U driver payload)", w[0], FOURCC));
        }
        Optional<OptimizerConfig> config = Optional.empty();
        List<Section> streams = new ArrayList<>();
        int i = 1;
        while (i < count) {
            int tag = w[i];
            int action = tag & 0xFF;
            switch (action) {
                case OPTIMIZER_CONFIG -> {
                    if (i + 2 >= count) {
                        throw source.at(i, "OPTIMIZER_CONFIG needs 2 more words, the payload ends after " + (count - i - 1));
                    }
                    if (config.isPresent()) {
                        throw source.at(i, "a second OPTIMIZER_CONFIG; expected one");
                    }
                    config = Optional.of(OptimizerConfig.of(tag, w[i + 1], w[i + 2]));
                    i += 3;
                }
                case COMMAND_STREAM -> {
                    int length = ((tag >>> 8) & 0xFF) << 16 | (tag >>> 16);
                    if (length > count - i - 1) {
                        throw source.at(i, "COMMAND_STREAM of " + length + " words, but the payload ends after "
                                + (count - i - 1) + " (truncated)");
                    }
                    int[] stream = new int[length];
                    System.arraycopy(w, i + 1, stream, 0, length);
                    streams.add(new Section(i + 1, stream));
                    i += 1 + length;
                }
                case READ_APB_REG, DUMP_SHRAM, NOP -> i++;
                default -> throw source.at(i, "driver action " + action + "; expected 1 (OPTIMIZER_CONFIG), 2 (COMMAND_STREAM),"
                        + " 3 (READ_APB_REG), 4 (DUMP_SHRAM) or 5 (NOP)");
            }
        }
        if (streams.isEmpty()) {
            throw source.whole("a driver payload without a COMMAND_STREAM action; expected one");
        }
        return new DriverPayload(config, streams);
    }
}
