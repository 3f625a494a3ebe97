// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.npusim.errors.InputException;
import org.npusim.hw.MemoryMode;
import org.npusim.hw.NpuVariant;
import org.npusim.kernels.KernelChoice;

/**
 * One varied key of a sweep and its values, in the order given: {@code --vary npu.clock=200MHz,400MHz}. The key is
 * any {@code --set} key path of the hardware description, or one of three shortcuts: {@code npu.variant} (applied as
 * {@code --npu}, so that it wins over a base {@code --npu}), {@code placement} (a memory mode, applied as
 * {@code --memory-mode}) and {@code cpu_kernels} (the CPU's convolution and fully connected kernels, as
 * {@code --cpu-kernels}; not a key of the description, which is why it is spelt with an underscore).
 *
 * @param key the key path
 * @param values the values, at least one, without duplicates
 */
public record Axis(String key, List<String> values) {

    /** The shortcut key for the NPU variant. */
    public static final String VARIANT = "npu.variant";
    /** The shortcut key for the memory mode. */
    public static final String PLACEMENT = "placement";
    /** The shortcut key for the CPU kernels. */
    public static final String CPU_KERNELS = "cpu_kernels";

    public Axis {
        Objects.requireNonNull(key, "key");
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("an axis needs at least one value");
        }
    }

    /**
     * Parses {@code KEY=V1,V2,...}, or {@code KEY=V1;V2;...} when a value holds a comma (a layer set such as
     * {@code 3-7,12}; a single such value ends with a semicolon: {@code KEY=3-7,12;}); values are trimmed, and
     * each must be non-empty and given once.
     */
    public static Axis parse(String spec) {
        int eq = spec.indexOf('=');
        String where = "--vary " + spec;
        if (eq <= 0) {
            throw new InputException("", where, "expected KEY=VALUE1,VALUE2,... such as npu.clock=200MHz,400MHz");
        }
        String key = spec.substring(0, eq).strip();
        for (String part : key.split("\\.", -1)) {
            if (part.isBlank()) {
                throw new InputException("", where, "'" + key + "' is not a key path; expected names joined by dots, such as npu.clock");
            }
        }
        LinkedHashSet<String> values = new LinkedHashSet<>();
        String text = spec.substring(eq + 1);
        String separator = text.contains(";") ? ";" : ",";
        if (text.endsWith(";")) {
            // One value holding a comma: KEY=0-3,8; (a trailing semicolon says the separator is ';').
            text = text.substring(0, text.length() - 1);
        }
        for (String v : text.split(separator, -1)) {
            String value = v.strip();
            if (value.isEmpty()) {
                throw new InputException("", where, "empty value; expected values separated by commas (or by"
                        + " semicolons when a value holds a comma)");
            }
            if (!values.add(value)) {
                throw new InputException("", where, "value '" + value + "' is given twice");
            }
            // The shortcuts take names from fixed lists: a typo is bad input, not a point that fails.
            if (key.equals(VARIANT) && NpuVariant.fromLabel(value).isEmpty()) {
                throw new InputException("", where, "unknown NPU variant '" + value + "'; expected one of " + NpuVariant.labels());
            }
            if (key.equals(PLACEMENT) && MemoryMode.fromLabel(value).filter(MemoryMode::isPreset).isEmpty()) {
                throw new InputException("", where, "unknown memory mode '" + value + "'; expected one of sram-only,"
                        + " shared-sram, dedicated-sram");
            }
            if (key.equals(CPU_KERNELS) && KernelChoice.fromLabel(value).isEmpty()) {
                throw new InputException("", where, "unknown CPU kernels '" + value + "'; expected one of "
                        + KernelChoice.labels());
            }
        }
        return new Axis(key, new ArrayList<>(values));
    }
}
