// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

/**
 * TFLite's interpolated lookup tables for int16 inputs: {@code LUTPopulate<int16_t>} builds them and
 * {@code LUTLookup(int16_t, const int16_t*)} reads them (tensorflow/lite/kernels/internal/common.h in TFLite Micro,
 * the {@code detail::LUTPopulateInt16<float>} template that replaced the older {@code gen_lut}). TFLite Micro's
 * int16 SOFTMAX builds its two tables with it.
 *
 * <p>A table has {@value #SIZE} entries: the int16 input range split into 512 steps of 128 values, plus one entry
 * for the input maximum so that the last step has a slope. Entry {@code i} holds {@code f} at the step's left end,
 * in the output quantization, nudged by half the error linear interpolation would make at the step's midpoint (so
 * that the interpolated curve straddles {@code f} instead of lying on one side of it). A lookup takes the high 9
 * bits of the input as the step and the low 7 as the position in it.
 *
 * <p>Bit-exactness rests on doing every step in float as the C++ does: Java's float arithmetic is IEEE single
 * precision with round-to-nearest, as SSE and the Cortex-M FPU compute it, so only the transform's own library
 * function (for softmax, {@code expf}) can differ; see {@link #populate}.
 */
final class Int16Lut {

    private Int16Lut() {}

    /** kInt16LUTArraySize, TFLite's {@code LUTSize<int16_t>()}: 512 steps and one closing entry. */
    static final int SIZE = 513;

    private static final int STEPS = 512;

    /** A float-to-float function, evaluated in float as TFLite's {@code float (*)(float)} transforms are. */
    @FunctionalInterface
    interface FloatFunction {
        float apply(float x);
    }

    /**
     * Returns the table of {@code f} for inputs quantized as ({@code inputScale}, {@code inputZeroPoint}) and
     * outputs as ({@code outputScale}, {@code outputZeroPoint}).
     *
     * <p>In float: the real input range is [inMin, inMax] = inputScale * ([-32768, 32767] - inputZeroPoint), and
     * a step is (inMax - inMin) / 512. Outputs are scaled by 65536 / (outMax - outMin), where [outMin, outMax] is
     * the real output range. For step i with left end a = inMin + i * step, and with every product rounded half
     * away from zero ({@code TfLiteRound}, i.e. {@code roundf}):
     *
     * <pre>
     *   sample  = round(f(a) * k)
     *   interp  = round((f(a + step) * k + sample) / 2)      the midpoint that interpolation would give
     *   exact   = round(f(a + step / 2) * k)                  the midpoint f actually has
     *   entry_i = clamp(sample - round((interp - exact) / 2), -32768, 32767)
     * </pre>
     *
     * and the closing entry is clamp(round(f(inMax) * k)). The arguments a + step and a + step / 2 are formed as
     * the C++ forms them, {@code inMin + (i + 1) * step} and {@code (inMin + i * step) + step / 2}, since the float
     * roundings of the two ways differ.
     */
    static short[] populate(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint,
            FloatFunction f) {
        float inMin = inputScale * (Short.MIN_VALUE - inputZeroPoint);
        float inMax = inputScale * (Short.MAX_VALUE - inputZeroPoint);
        float outMin = outputScale * (Short.MIN_VALUE - outputZeroPoint);
        float outMax = outputScale * (Short.MAX_VALUE - outputZeroPoint);
        float step = (inMax - inMin) / STEPS;
        float halfStep = step / 2;
        float toTable = 65536f / (outMax - outMin);
        short[] lut = new short[SIZE];
        for (int i = 0; i < STEPS; i++) {
            float left = inMin + i * step;
            float atLeft = f.apply(left);
            float atMid = f.apply(left + halfStep);
            float atRight = f.apply(inMin + (i + 1) * step);
            float sample = round(atLeft * toTable);
            float interpolatedMid = round((atRight * toTable + sample) / 2);
            float exactMid = round(atMid * toTable);
            float bias = round((interpolatedMid - exactMid) / 2);
            lut[i] = clampToShort(sample - bias);
        }
        lut[STEPS] = clampToShort(round(f.apply(inMax) * toTable));
        return lut;
    }

    private static float round(float v) {
        return FixedPoint.roundHalfAwayFromZero(v);
    }

    private static short clampToShort(float v) {
        return (short) Math.min(Math.max(v, Short.MIN_VALUE), Short.MAX_VALUE);
    }

    /**
     * Returns the table's value at the int16 {@code value}: step {@code 256 + (value >> 7)} (the arithmetic shift
     * maps [-32768, 32767] onto [0, 511]), position {@code p = value & 127} in it, and
     * {@code base + ((slope * p + 64) >> 7)} with the slope {@code lut[step + 1] - lut[step]} taken as an int16,
     * i.e. linear interpolation rounded half up in units of 2^-7, truncated to int16 as the C++ returns it.
     */
    static short lookup(short[] lut, int value) {
        int index = 256 + (value >> 7);
        int position = value & 0x7F;
        int base = lut[index];
        short slope = (short) (lut[index + 1] - base);
        return (short) (base + ((slope * position + 64) >> 7));
    }
}
