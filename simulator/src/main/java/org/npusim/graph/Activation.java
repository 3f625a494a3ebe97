// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

/** Fused activation functions (TFLite's {@code ActivationFunctionType}, codes in order). */
public enum Activation {
    NONE,
    RELU,
    RELU_N1_TO_1,
    RELU6,
    TANH,
    SIGN_BIT;

    /** Returns the activation with TFLite code {@code code}; unknown codes are rejected. */
    public static Activation fromCode(int code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("unknown fused activation code " + code);
        }
        return values()[code];
    }
}
