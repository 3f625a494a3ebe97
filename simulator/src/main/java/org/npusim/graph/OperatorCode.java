// SPDX-License-Identifier: Apache-2.0
package org.npusim.graph;

import java.util.Objects;
import java.util.Optional;

/**
 * What an operator is: a TFLite builtin code (and, for CUSTOM, the custom code string) and its version.
 *
 * @param builtinCode TFLite's BuiltinOperator value ({@code 32} for CUSTOM)
 * @param customCode the custom operator's name, present only for CUSTOM
 * @param version the operator version the model declares
 */
public record OperatorCode(int builtinCode, Optional<String> customCode, int version) {

    public OperatorCode {
        Objects.requireNonNull(customCode, "customCode");
        if (builtinCode < 0) {
            throw new IllegalArgumentException("negative builtin operator code " + builtinCode);
        }
    }

    /** Returns the code of builtin {@code op}, version 1. */
    public static OperatorCode of(BuiltinOperator op) {
        return new OperatorCode(op.code(), Optional.empty(), 1);
    }

    /** Returns the builtin, when this code is one the project knows. */
    public Optional<BuiltinOperator> builtin() {
        return BuiltinOperator.fromCode(builtinCode);
    }

    /** Returns whether this is builtin {@code op}. */
    public boolean is(BuiltinOperator op) {
        return builtinCode == op.code();
    }

    /**
     * Returns the name reports use: the builtin's TFLite name, the custom code for custom operators, or
     * {@code BUILTIN_<n>} for a builtin code this version does not know.
     */
    public String name() {
        if (builtinCode == BuiltinOperator.CUSTOM.code()) {
            return customCode.orElse("CUSTOM");
        }
        return builtin().map(Enum::name).orElse("BUILTIN_" + builtinCode);
    }
}
