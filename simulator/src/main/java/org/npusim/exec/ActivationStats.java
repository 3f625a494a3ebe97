// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import org.npusim.graph.ElementType;

/**
 * What one tensor's values looked like in a run: how many are exactly the real value zero (the quantized zero
 * point, which is what zero-skipping and sparse kernels can exploit), the quantized range, and how many sit at the
 * element type's limits (saturated, or clamped by a fused activation at the type's edge).
 *
 * @param elements the number of values
 * @param zeros the number of values equal to the zero point
 * @param min the smallest quantized value (0 for an empty tensor)
 * @param max the largest quantized value (0 for an empty tensor)
 * @param atTypeMin the number of values equal to the element type's smallest value
 * @param atTypeMax the number of values equal to the element type's largest value
 */
public record ActivationStats(long elements, long zeros, long min, long max, long atTypeMin, long atTypeMax) {

    /** Returns the fraction of values that are real zeros, 0 for an empty tensor. */
    public double zeroFraction() {
        return elements == 0 ? 0.0 : (double) zeros / elements;
    }

    /** Returns the number of values at either limit of the element type. */
    public long saturated() {
        return atTypeMin + atTypeMax;
    }

    /**
     * Measures a buffer; {@code zeroPoint} is the quantized value of real zero (0 for unquantized tensors). Float
     * buffers count values equal to 0.0 as zeros and have no saturation.
     */
    public static ActivationStats of(TensorBuffer values, long zeroPoint) {
        int n = values.length();
        if (n == 0) {
            return new ActivationStats(0, 0, 0, 0, 0, 0);
        }
        ElementType type = values.type();
        boolean integer = type != ElementType.FLOAT32;
        long typeMin = integer ? ActivationRange.typeMin(type) : Long.MIN_VALUE;
        long typeMax = integer ? ActivationRange.typeMax(type) : Long.MAX_VALUE;
        if (type == ElementType.INT64) {
            typeMin = Long.MIN_VALUE;
            typeMax = Long.MAX_VALUE;
        }
        long zeros = 0;
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        long atMin = 0;
        long atMax = 0;
        switch (type) {
            case INT8: {
                byte[] a = values.int8();
                for (byte v : a) {
                    zeros += v == zeroPoint ? 1 : 0;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    atMin += v == Byte.MIN_VALUE ? 1 : 0;
                    atMax += v == Byte.MAX_VALUE ? 1 : 0;
                }
                return new ActivationStats(n, zeros, lo, hi, atMin, atMax);
            }
            case INT16: {
                short[] a = values.int16();
                for (short v : a) {
                    zeros += v == zeroPoint ? 1 : 0;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    atMin += v == Short.MIN_VALUE ? 1 : 0;
                    atMax += v == Short.MAX_VALUE ? 1 : 0;
                }
                return new ActivationStats(n, zeros, lo, hi, atMin, atMax);
            }
            default:
                for (int i = 0; i < n; i++) {
                    double d = values.getDouble(i);
                    long v = values.get(i);
                    zeros += (integer ? v == zeroPoint : d == 0.0) ? 1 : 0;
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    atMin += integer && v == typeMin ? 1 : 0;
                    atMax += integer && v == typeMax ? 1 : 0;
                }
                return new ActivationStats(n, zeros, lo, hi, atMin, atMax);
        }
    }
}
