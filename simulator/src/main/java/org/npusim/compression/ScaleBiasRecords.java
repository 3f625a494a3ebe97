// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

/**
 * The per-OFM-channel scale and bias records that precede each weight stream (ethos-u-facts.md §5.1; Vela 3.10
 * {@code weight_compressor.py: encode_bias, _prepare_scale_and_bias} and {@code scaling.py: quantise_scale}).
 *
 * <p>A record is 80 bits, little-endian: the bias as a signed 40-bit value (bits 0-39), the multiplier as an
 * unsigned 32-bit value (bits 40-71), the shift in 6 bits (72-77), and two zero bits. The records of one stream
 * are padded with zero bytes to a 16-byte boundary.
 *
 * <p>The rescale of channel c is {@code ifm_scale · weight_scale[c] / ofm_scale}, quantised as TFLite does: with
 * {@code scale = m · 2^e}, 0.5 ≤ m < 1 (C's {@code frexp}), the multiplier is {@code round(m · 2^31)} rounded half
 * away from zero and the shift {@code 31 − e}; a shift outside 0…63 gives multiplier 0 and shift 16. The product
 * is taken in single precision for fully connected layers and uint8 IFMs and in double precision otherwise
 * (TFLite computes the scales that way per kernel). 16-bit IFMs with 64-bit biases use the reduced-precision form
 * {@code ((m + 2^15) >> 16, shift − 16)}.
 */
final class ScaleBiasRecords {

    /** Bytes per record. */
    static final int RECORD_BYTES = 10;
    /** Streams are padded to a multiple of this many bytes. */
    static final int ALIGNMENT_BYTES = 16;

    private static final long BIAS_MAX = (1L << 39) - 1;
    private static final long BIAS_MIN = -(1L << 39);

    private ScaleBiasRecords() {}

    /** Returns the padded size of {@code channels} records. */
    static int paddedBytes(int channels) {
        int raw = channels * RECORD_BYTES;
        return (raw + ALIGNMENT_BYTES - 1) / ALIGNMENT_BYTES * ALIGNMENT_BYTES;
    }

    /**
     * Quantises {@code scale} and returns {@code multiplier << 6 | shift} (the multiplier fits 32 unsigned bits,
     * the shift 6 bits).
     */
    static long quantise(double scale) {
        if (scale == 0 || !Double.isFinite(scale)) {
            return pack(0, scale == 0 ? 31 : 16);
        }
        int exponent = Math.getExponent(scale) + 1;
        double significand = scale / Math.scalb(1.0, exponent);
        double scaled = Math.abs(significand) * (1L << 31);
        long multiplier = (long) Math.floor(scaled + 0.5) * (significand < 0 ? -1 : 1);
        int shift = 31 - exponent;
        if (shift < 0 || shift >= 64 || multiplier < 0) {
            return pack(0, 16);
        }
        return pack(multiplier, shift);
    }

    /** Returns the reduced-precision form Vela uses for 16-bit IFMs with 64-bit biases. */
    static long quantiseReduced(double scale) {
        long q = quantise(scale);
        long multiplier = (multiplier(q) + (1L << 15)) >> 16;
        return pack(multiplier, Math.max(0, shift(q) - 16));
    }

    /** Returns the multiplier of a packed quantised scale. */
    static long multiplier(long packed) {
        return packed >>> 6;
    }

    /** Returns the shift of a packed quantised scale. */
    static int shift(long packed) {
        return (int) (packed & 63);
    }

    private static long pack(long multiplier, int shift) {
        return (multiplier << 6) | shift;
    }

    /**
     * Writes one record at {@code out[offset]}. A bias beyond 40 bits is saturated: such a layer cannot run on
     * the NPU (ethos-u-facts.md §6.2 limits biases to 40 bits), so the record only stands for its size.
     */
    static void write(byte[] out, int offset, long bias, long quantisedScale) {
        long b = Math.max(BIAS_MIN, Math.min(BIAS_MAX, bias));
        long m = multiplier(quantisedScale);
        int s = shift(quantisedScale);
        for (int k = 0; k < 5; k++) {
            out[offset + k] = (byte) (b >> (8 * k));
        }
        for (int k = 0; k < 4; k++) {
            out[offset + 5 + k] = (byte) (m >> (8 * k));
        }
        out[offset + 9] = (byte) (s & 0x3f);
    }
}
