// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Tensor;

/**
 * Element-wise activation operators on quantized tensors: RELU, RELU_N1_TO_1, RELU6, LEAKY_RELU, HARD_SWISH,
 * LOGISTIC and TANH, each as TFLite Micro's reference kernel computes it (activations.cc, leaky_relu_common.cc,
 * hard_swish_common.cc, logistic_common.cc, tanh.cc and the reference headers they call).
 */
final class ActivationKernels {

    private ActivationKernels() {}

    private static Tensor[] unary(OpBinding b, ElementType... types) {
        b.requireInputCount(1, 1);
        Tensor in = b.input(0);
        Tensor out = b.output(0);
        ElementType t = b.requireType(in, "input", types);
        b.requireType(out, "output", t);
        b.requireSameCount(in.shape(), out.shape());
        return new Tensor[] {in, out};
    }

    /**
     * RELU and RELU_N1_TO_1 rescale {@code x - inZp} by {@code inScale / outScale} and clamp to the quantized real
     * bounds (0 or -1, and 1 or the type maximum); RELU6 clamps to [zp, q(6)] of the input without rescaling, as
     * TFLite Micro's Relu6 does (it requires input and output to share quantization).
     */
    static Step relu(OpBinding b, BuiltinOperator which) {
        Tensor[] io = unary(b, ElementType.INT8, ElementType.INT16);
        Tensor in = io[0];
        Tensor out = io[1];
        ElementType t = in.type();
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        int typeMin = ActivationRange.typeMin(t);
        int typeMax = ActivationRange.typeMax(t);
        if (which == BuiltinOperator.RELU6) {
            float s = b.scale(in, "input");
            int zp = b.zeroPoint(in, "input");
            int lo = Math.max(typeMin, zp);
            int hi = Math.min(typeMax, zp + (int) FixedPoint.roundHalfAwayFromZero(6f / s));
            return tensors -> clampCopy(tensors[inIdx], lo, hi, tensors[outIdx]);
        }
        float outScale = b.scale(out, "output");
        int outZp = b.zeroPoint(out, "output");
        int inZp = b.zeroPoint(in, "input");
        QuantizedMultiplier m = QuantizedMultiplier.of((double) b.scale(in, "input") / (double) outScale);
        float actMin = which == BuiltinOperator.RELU ? 0f : -1f;
        int lo = Math.max(typeMin, outZp + (int) FixedPoint.roundHalfAwayFromZero(actMin / outScale));
        int hi = which == BuiltinOperator.RELU ? typeMax
                : Math.min(typeMax, outZp + (int) FixedPoint.roundHalfAwayFromZero(1f / outScale));
        return tensors -> {
            TensorBuffer x = tensors[inIdx];
            TensorBuffer y = tensors[outIdx];
            for (int i = 0; i < x.length(); i++) {
                int v = outZp + m.apply((int) x.get(i) - inZp);
                y.set(i, Math.min(Math.max(v, lo), hi));
            }
        };
    }

    private static void clampCopy(TensorBuffer x, int lo, int hi, TensorBuffer y) {
        for (int i = 0; i < x.length(); i++) {
            y.set(i, Math.min(Math.max((int) x.get(i), lo), hi));
        }
    }

    /**
     * LEAKY_RELU: {@code x - inZp} is scaled by {@code inScale / outScale} when non-negative and by
     * {@code inScale * alpha / outScale} when negative (both products in float, as TFLite Micro computes them), then
     * offset by the output zero point and saturated to the type.
     */
    static Step leakyRelu(OpBinding b) {
        Tensor[] io = unary(b, ElementType.INT8, ElementType.INT16);
        Tensor in = io[0];
        Tensor out = io[1];
        float alpha = b.options(OpOptions.LeakyRelu.class, OpKind.LEAKY_RELU).alpha();
        float inScale = b.scale(in, "input");
        float outScale = b.scale(out, "output");
        QuantizedMultiplier mAlpha = QuantizedMultiplier.of((double) (inScale * alpha / outScale));
        QuantizedMultiplier mIdentity = QuantizedMultiplier.of((double) (inScale / outScale));
        int inZp = b.zeroPoint(in, "input");
        int outZp = b.zeroPoint(out, "output");
        int lo = ActivationRange.typeMin(in.type());
        int hi = ActivationRange.typeMax(in.type());
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> {
            TensorBuffer x = tensors[inIdx];
            TensorBuffer y = tensors[outIdx];
            for (int i = 0; i < x.length(); i++) {
                int v = (int) x.get(i) - inZp;
                int r = outZp + (v >= 0 ? mIdentity.apply(v) : mAlpha.apply(v));
                y.set(i, Math.min(Math.max(r, lo), hi));
            }
        };
    }

    // ------------------------------------------------------------------------------------------ HARD_SWISH

    /** The fixed-point parameters of HARD_SWISH (TFLite's HardSwishParams). */
    record HardSwishParams(int inZp, int outZp, short outMultiplier, int outExponent, short reluishMultiplier,
            int reluishExponent, int typeMin, int typeMax) {}

    /**
     * HARD_SWISH, x * relu6(x + 3) / 6, in TFLite's 16-bit fixed point (reference/hard_swish.h): the input is put on
     * a high-resolution scale of inScale / 128, a "reluish" factor in [0, 1] is computed as (x + 3) / 6 saturated,
     * and the two are multiplied. The Q31 multipliers are rounded to Q15 by {@link #downscaleToInt16}.
     */
    static Step hardSwish(OpBinding b) {
        Tensor[] io = unary(b, ElementType.INT8);
        Tensor in = io[0];
        Tensor out = io[1];
        float hiresInputScale = (1.0f / 128.0f) * b.scale(in, "input");
        float reluishScale = 3.0f / 32768.0f;
        float outputMultiplier = hiresInputScale / b.scale(out, "output");
        QuantizedMultiplier om = QuantizedMultiplier.of(outputMultiplier);
        if (om.shift() > 0) {
            throw b.fail("output scale is too small relative to the input scale for HARD_SWISH");
        }
        float reluishMultiplier = hiresInputScale / reluishScale;
        QuantizedMultiplier rm = QuantizedMultiplier.of(reluishMultiplier);
        HardSwishParams p = new HardSwishParams(b.zeroPoint(in, "input"), b.zeroPoint(out, "output"),
                downscaleToInt16(om.multiplier()), om.shift(), downscaleToInt16(rm.multiplier()), rm.shift(),
                ActivationRange.typeMin(in.type()), ActivationRange.typeMax(in.type()));
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> {
            byte[] x = tensors[inIdx].int8();
            byte[] y = tensors[outIdx].int8();
            for (int i = 0; i < x.length; i++) {
                y[i] = (byte) hardSwish(p, x[i]);
            }
        };
    }

    /** TFLite's {@code DownScaleInt32ToInt16Multiplier}: rounds a Q31 multiplier to Q15, saturating at 2^15 - 1. */
    static short downscaleToInt16(int multiplier) {
        final int roundingOffset = 1 << 15;
        if (multiplier >= Integer.MAX_VALUE - roundingOffset) {
            return Short.MAX_VALUE;
        }
        return (short) ((multiplier + roundingOffset) >> 16);
    }

    /** gemmlowp's int16 {@code SaturatingRoundingDoublingHighMul}. */
    static short srdhm16(short a, short b) {
        if (a == b && a == Short.MIN_VALUE) {
            return Short.MAX_VALUE;
        }
        int ab = a * b;
        int nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
        return (short) ((ab + nudge) / (1 << 15));
    }

    /** TFLite's int16 {@code SaturatingDoublingHighMul}: the doubling high multiply truncated, not rounded. */
    static short sdhm16(short a, short b) {
        if (a == b && a == Short.MIN_VALUE) {
            return Short.MAX_VALUE;
        }
        return (short) ((a * b) / (1 << 15));
    }

    /** gemmlowp's saturating int16 {@code ShiftLeft}. */
    static short shiftLeft16(short a, int offset) {
        int wide = a * (1 << offset);
        return (short) FixedPoint.saturateToInt16(wide);
    }

    static int hardSwish(HardSwishParams p, int x) {
        short inputValue = (short) (x - p.inZp());
        short hires = (short) (inputValue * (1 << 7));
        short preshiftOutput = srdhm16(hires, p.outMultiplier());
        short reluish = hires;
        if (p.reluishExponent() > 0) {
            reluish = shiftLeft16(reluish, p.reluishExponent() - 1);
        }
        reluish = srdhm16(reluish, p.reluishMultiplier());
        if (p.reluishExponent() > 0) {
            reluish = shiftLeft16(reluish, 1);
        }
        if (p.reluishExponent() < 0) {
            reluish = (short) FixedPoint.roundingDivideByPot(reluish, -p.reluishExponent());
        }
        reluish = (short) ((reluish + (1 << 15)) >> 1);
        short preshift = sdhm16(reluish, preshiftOutput);
        int out = FixedPoint.roundingDivideByPot(preshift, -p.outExponent()) + p.outZp();
        // The C++ adds in int16 before clamping; the sum of an int16 and an int8 zero point cannot leave int16's
        // range by more than the clamp removes, so clamping the int sum gives the same result for int8 outputs.
        out = (short) out;
        return Math.min(Math.max(out, p.typeMin()), p.typeMax());
    }

    // ---------------------------------------------------------------------------------------- LOGISTIC, TANH

    /** The input scaling of the int8 LOGISTIC and TANH kernels: Q4.27 inputs, and a saturation radius. */
    record SigmoidParams(int inZp, int radius, int multiplier, int leftShift) {}

    private static SigmoidParams sigmoidParams(OpBinding b, Tensor in) {
        final int inputIntegerBits = 4;
        double real = (double) b.scale(in, "input") * (double) (1 << (31 - inputIntegerBits));
        QuantizedMultiplier m = QuantizedMultiplier.frexp(real);
        int radius = FixedPointFunctions.inputRadius(inputIntegerBits, m.shift(), 31);
        return new SigmoidParams(b.zeroPoint(in, "input"), radius, m.multiplier(), m.shift());
    }

    /**
     * LOGISTIC on int8 (reference/integer_ops/logistic.h): the output must have zero point -128 and scale 1/256.
     * Inputs beyond the radius saturate; others are scaled to Q4.27, passed through gemmlowp's fixed-point logistic,
     * and rounded from Q0.31 to Q0.8. On int16 it is TFLite Micro's table lookup ({@link Int16Sigmoid}).
     */
    static Step logistic(OpBinding b) {
        Tensor[] io = unary(b, ElementType.INT8, ElementType.INT16);
        if (io[0].type() == ElementType.INT16) {
            Int16Sigmoid.Scaling s = int16Scaling(b, io, Int16Sigmoid.Scaling.logistic(b.scale(io[0], "input")));
            return int16Table(b, s, false);
        }
        requireOutputQuantization(b, io[1], 1f / 256, -128);
        return int8Fixed(b, sigmoidParams(b, io[0]), false);
    }

    /** The int8 LOGISTIC or TANH step: gemmlowp's fixed-point function on each element. */
    private static Step int8Fixed(OpBinding b, SigmoidParams p, boolean tanh) {
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> {
            byte[] x = tensors[inIdx].int8();
            byte[] y = tensors[outIdx].int8();
            for (int i = 0; i < x.length; i++) {
                y[i] = (byte) (tanh ? tanhInt8(p, x[i]) : logisticInt8(p, x[i]));
            }
        };
    }

    /**
     * The int16 checks of LogisticPrepare and TanhPrepare (logistic_common.cc, tanh.cc): input and output zero
     * points 0 and an output scale of 2^-15 (a power of two by {@code CheckedLog2}); returns {@code s} after
     * checking that the kernel can apply it without overflow.
     */
    private static Int16Sigmoid.Scaling int16Scaling(OpBinding b, Tensor[] io, Int16Sigmoid.Scaling s) {
        b.requireSymmetricInt16(io[0], "input");
        b.requireSymmetricInt16(io[1], "output");
        ScaleLog2 outLog2 = ScaleLog2.of(b.scale(io[1], "output"));
        if (!outLog2.powerOfTwo() || outLog2.exponent() != -15) {
            throw b.fail("output '" + io[1].name() + "' must have scale 2^-15 (TFLite's int16 output format for this"
                    + " operator), found " + b.scale(io[1], "output"));
        }
        if (!s.usable()) {
            throw b.fail("input scale " + b.scale(io[0], "input") + " is outside what the int16 kernel can rescale"
                    + " (multiplier " + s.multiplier() + ")");
        }
        return s;
    }

    private static Step int16Table(OpBinding b, Int16Sigmoid.Scaling s, boolean tanh) {
        int inIdx = b.inputIndex(0);
        int outIdx = b.outputIndex(0);
        return tensors -> {
            short[] x = tensors[inIdx].int16();
            short[] y = tensors[outIdx].int16();
            for (int i = 0; i < x.length; i++) {
                y[i] = tanh ? Int16Sigmoid.tanh(x[i], s) : Int16Sigmoid.logistic(x[i], s);
            }
        };
    }

    static int logisticInt8(SigmoidParams p, int x) {
        int input = x - p.inZp();
        if (input <= -p.radius()) {
            return -128;
        }
        if (input >= p.radius()) {
            return 127;
        }
        int inQ4 = FixedPoint.multiplyByQuantizedMultiplier(input, p.multiplier(), p.leftShift());
        int outQ0 = FixedPointFunctions.logistic(inQ4, 4);
        int outQ23 = FixedPoint.roundingDivideByPot(outQ0, 31 - 8);
        return Math.min(Math.max(outQ23 - 128, -128), 127);
    }

    /**
     * TANH on int8 (reference/integer_ops/tanh.h): the output must have zero point 0 and scale 1/128; gemmlowp's
     * fixed-point tanh on Q4.27, rounded from Q0.31 to Q0.7. On int16 it is TFLite Micro's table lookup
     * ({@link Int16Sigmoid}).
     */
    static Step tanh(OpBinding b) {
        Tensor[] io = unary(b, ElementType.INT8, ElementType.INT16);
        if (io[0].type() == ElementType.INT16) {
            Int16Sigmoid.Scaling s = int16Scaling(b, io, Int16Sigmoid.Scaling.tanh(b.scale(io[0], "input")));
            return int16Table(b, s, true);
        }
        requireOutputQuantization(b, io[1], 1f / 128, 0);
        return int8Fixed(b, sigmoidParams(b, io[0]), true);
    }

    static int tanhInt8(SigmoidParams p, int x) {
        int input = x - p.inZp();
        if (input <= -p.radius()) {
            return -128;
        }
        if (input >= p.radius()) {
            return 127;
        }
        int inQ4 = FixedPoint.multiplyByQuantizedMultiplier(input, p.multiplier(), p.leftShift());
        int outQ0 = FixedPointFunctions.tanh(inQ4, 4);
        int outQ24 = FixedPoint.roundingDivideByPot(outQ0, 31 - 7);
        return Math.min(Math.max(outQ24, -128), 127);
    }

    static void requireOutputQuantization(OpBinding b, Tensor out, float scale, int zeroPoint) {
        if (b.zeroPoint(out, "output") != zeroPoint || Math.abs(b.scale(out, "output") - scale) > scale * 1e-3f) {
            throw b.fail("output '" + out.name() + "' must have scale " + scale + " and zero point " + zeroPoint
                    + " (TFLite's fixed output quantization for this operator)");
        }
    }
}
