// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Are scales quantised as TFLite does, and are the 10-byte records laid out as the format says? */
class ScaleBiasRecordsTest {

    @Test
    void quantise_powersOfTwoAndThreeQuarters_giveTfliteMultipliers() {
        // 0.5 = 0.5·2^0: multiplier 0.5·2^31 = 2^30, shift 31 − 0. 1.0 = 0.5·2^1: 2^30, shift 30.
        assertThat(ScaleBiasRecords.multiplier(ScaleBiasRecords.quantise(0.5))).isEqualTo(1L << 30);
        assertThat(ScaleBiasRecords.shift(ScaleBiasRecords.quantise(0.5))).isEqualTo(31);
        assertThat(ScaleBiasRecords.shift(ScaleBiasRecords.quantise(1.0))).isEqualTo(30);
        // 0.75 = 0.75·2^0: 0.75·2^31 = 1 610 612 736.
        assertThat(ScaleBiasRecords.multiplier(ScaleBiasRecords.quantise(0.75))).isEqualTo(1_610_612_736L);
        // 2^-40 needs shift 31 + 39 = 70 > 63: Vela gives multiplier 0, shift 16.
        assertThat(ScaleBiasRecords.multiplier(ScaleBiasRecords.quantise(Math.scalb(1.0, -40)))).isZero();
        assertThat(ScaleBiasRecords.shift(ScaleBiasRecords.quantise(Math.scalb(1.0, -40)))).isEqualTo(16);
    }

    @Test
    void write_negativeBias_isFortyBitTwosComplementThenMultiplierThenShift() {
        byte[] out = new byte[10];
        ScaleBiasRecords.write(out, 0, -2, ScaleBiasRecords.quantise(0.75));
        // −2 in 40 bits: FE FF FF FF FF; 0x60000000 little-endian: 00 00 00 60; shift 31 = 0x1F.
        assertThat(out).containsExactly(0xfe - 256, -1, -1, -1, -1, 0, 0, 0, 0x60, 0x1f);
    }

    @Test
    void paddedBytes_roundsTenByteRecordsUpToSixteen() {
        assertThat(ScaleBiasRecords.paddedBytes(1)).isEqualTo(16);
        assertThat(ScaleBiasRecords.paddedBytes(8)).isEqualTo(80);
        assertThat(ScaleBiasRecords.paddedBytes(9)).isEqualTo(96);
        assertThat(ScaleBiasRecords.paddedBytes(0)).isZero();
    }
}
