// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.npusim.graph.ElementType;

/**
 * The fixed-point activation kernels against the real functions: over every int8 input, the quantized result must
 * be within one unit of the real function quantized with the output scale. One unit, because TFLite's fixed-point
 * pipelines round in two places; a wrong constant, shift or sign shows up as errors of many units.
 */
final class ActivationKernelsTest {

    static ActivationKernels.SigmoidParams sigmoidParams(float inScale, int inZp) {
        double real = (double) inScale * (double) (1 << 27);
        QuantizedMultiplier m = QuantizedMultiplier.frexp(real);
        return new ActivationKernels.SigmoidParams(inZp, FixedPointFunctions.inputRadius(4, m.shift(), 31),
                m.multiplier(), m.shift());
    }

    @Property(tries = 50)
    void logisticInt8_everyInput_withinOneUnitOfReal(@ForAll @FloatRange(min = 0.01f, max = 0.2f) float inScale,
            @ForAll @IntRange(min = -20, max = 20) int inZp) {
        var p = sigmoidParams(inScale, inZp);
        for (int x = -128; x <= 127; x++) {
            double real = 1 / (1 + Math.exp(-inScale * (x - inZp)));
            long expected = Math.min(127, Math.round(real * 256) - 128);
            assertThat((long) ActivationKernels.logisticInt8(p, x)).as("x=%d", x).isBetween(expected - 1, expected + 1);
        }
    }

    @Test
    void logisticInt8_zero_isOneHalf() {
        // logistic(0) = 0.5, which is 0.5 * 256 - 128 = 0 on the fixed output scale 1/256, zero point -128.
        assertThat(ActivationKernels.logisticInt8(sigmoidParams(0.1f, 5), 5)).isZero();
    }

    @Property(tries = 50)
    void tanhInt8_everyInput_withinOneUnitOfReal(@ForAll @FloatRange(min = 0.01f, max = 0.2f) float inScale,
            @ForAll @IntRange(min = -20, max = 20) int inZp) {
        var p = sigmoidParams(inScale, inZp);
        for (int x = -128; x <= 127; x++) {
            double real = Math.tanh(inScale * (x - inZp));
            long expected = Math.max(-128, Math.min(127, Math.round(real * 128)));
            assertThat((long) ActivationKernels.tanhInt8(p, x)).as("x=%d", x).isBetween(expected - 1, expected + 1);
        }
    }

    @Property(tries = 50)
    void hardSwishInt8_everyInput_withinTwoUnitsOfReal(@ForAll @FloatRange(min = 0.02f, max = 0.1f) float inScale,
            @ForAll @IntRange(min = -30, max = 30) int inZp) {
        // The output range of x * relu6(x + 3) / 6 over the input range, mapped onto int8.
        float outScale = inScale * 1.2f;
        int outZp = -100;
        float hires = (1.0f / 128.0f) * inScale;
        QuantizedMultiplier om = QuantizedMultiplier.of(hires / outScale);
        QuantizedMultiplier rm = QuantizedMultiplier.of(hires / (3.0f / 32768.0f));
        var p = new ActivationKernels.HardSwishParams(inZp, outZp, ActivationKernels.downscaleToInt16(om.multiplier()),
                om.shift(), ActivationKernels.downscaleToInt16(rm.multiplier()), rm.shift(), -128, 127);
        for (int x = -128; x <= 127; x++) {
            double v = inScale * (x - inZp);
            double real = v * Math.min(6, Math.max(0, v + 3)) / 6;
            long expected = Math.max(-128, Math.min(127, Math.round(real / outScale) + outZp));
            // Two units: the 16-bit pipeline truncates once (SaturatingDoublingHighMul) besides its roundings.
            assertThat((long) ActivationKernels.hardSwish(p, x)).as("x=%d", x).isBetween(expected - 2, expected + 2);
        }
    }

    @Property(tries = 100)
    void softmaxInt8_randomRow_withinOneUnitOfReal(@ForAll("rows") byte[] row,
            @ForAll @FloatRange(min = 0.02f, max = 0.3f) float inScale) {
        var p = SoftmaxKernels.params(1.0f, inScale, ElementType.INT8);
        TensorBuffer out = TensorBuffer.allocate(ElementType.INT8, org.npusim.graph.Shape.of(row.length));
        SoftmaxKernels.softmax(p, row.length, row, out);
        double max = Double.NEGATIVE_INFINITY;
        for (byte b : row) {
            max = Math.max(max, b);
        }
        double sum = 0;
        for (byte b : row) {
            sum += Math.exp(inScale * (b - max));
        }
        for (int i = 0; i < row.length; i++) {
            double real = Math.exp(inScale * (row[i] - max)) / sum;
            long expected = Math.min(127, Math.round(real * 256) - 128);
            assertThat(out.get(i)).as("i=%d", i).isBetween(expected - 1, expected + 1);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<byte[]> rows() {
        return net.jqwik.api.Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40);
    }
}
