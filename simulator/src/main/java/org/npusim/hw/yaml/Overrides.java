// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Command-line changes to a description, applied after {@code extends:} and before validation: {@code --set
 * key.path=value} in order (the value is YAML: {@code 4 MiB}, {@code false}, {@code ~} to remove a key), then the
 * shortcuts {@code --npu VARIANT} (= {@code --set npu.variant=VARIANT}) and {@code --memory-mode MODE} (a Vela
 * preset; it sets {@code placement.mode} and drops explicit {@code weights}, {@code arena} and {@code cache}, which
 * the preset decides).
 */
public record Overrides(List<String> set, Optional<String> npu, Optional<String> memoryMode) {

    /** No overrides. */
    public static final Overrides NONE = new Overrides(List.of(), Optional.empty(), Optional.empty());

    /** Validates and copies. */
    public Overrides {
        set = List.copyOf(set);
        Objects.requireNonNull(npu, "npu");
        Objects.requireNonNull(memoryMode, "memoryMode");
    }

    /** Returns only {@code --set} overrides. */
    public static Overrides of(String... set) {
        return new Overrides(List.of(set), Optional.empty(), Optional.empty());
    }

    /** Returns these overrides with {@code more} {@code --set} overrides appended (they win). */
    public Overrides plus(List<String> more) {
        List<String> all = new java.util.ArrayList<>(set);
        all.addAll(more);
        return new Overrides(all, npu, memoryMode);
    }
}
