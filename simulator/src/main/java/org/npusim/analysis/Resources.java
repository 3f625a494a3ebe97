// SPDX-License-Identifier: Apache-2.0
package org.npusim.analysis;

import java.util.Optional;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.result.FixedResource;
import org.npusim.result.LayerResult;
import org.npusim.result.Unit;

/**
 * Names the resources of a result in words. The labels are the simulator's: a {@link FixedResource}, an NPU
 * channel {@code axiN:MEMORY}, or, for CPU layers, the name of a memory whose wait states dominated.
 */
public final class Resources {

    private Resources() {}

    /** Returns what {@code label} is, in words, with the memory's kind when {@code hw} names it. */
    public static String describe(String label, HardwareConfig hw) {
        Optional<FixedResource> fixed = FixedResource.ofLabel(label);
        if (fixed.isPresent()) {
            return fixed.get().description();
        }
        int colon = label.indexOf(':');
        if (label.startsWith("axi") && colon > 0) {
            String memory = label.substring(colon + 1);
            return label.substring(0, colon).toUpperCase(java.util.Locale.ROOT) + " port to " + memory + kind(memory, hw);
        }
        if (hasMemory(hw, label)) {
            return "CPU waiting on " + label + kind(label, hw);
        }
        return label;
    }

    /**
     * Returns what bound layer {@code l}, in words: {@link #describe} of its bottleneck, except that the CPU bounding
     * an NPU layer is the NPU driver's invocation (the CPU's only work in an NPU layer), which dominates layers too
     * small to pay for it.
     */
    public static String describeBottleneck(LayerResult l, HardwareConfig hw) {
        return boundByDriver(l) ? "CPU running the NPU driver" : describe(l.bottleneck(), hw);
    }

    /** Returns the label of layer {@code l}'s bottleneck for a table: {@code cpu (driver)} for the driver's work. */
    public static String bottleneckLabel(LayerResult l) {
        return boundByDriver(l) ? l.bottleneck() + " (driver)" : l.bottleneck();
    }

    /** Whether NPU layer {@code l} waited most on the CPU: its only CPU work is the driver's invocation. */
    private static boolean boundByDriver(LayerResult l) {
        return l.unit() == Unit.NPU && FixedResource.CPU.is(l.bottleneck());
    }

    /** Returns the memory a channel label {@code axiN:MEMORY} reaches, or an empty string for other resources. */
    public static String channelMemory(String label) {
        int colon = label.indexOf(':');
        return label.startsWith("axi") && colon > 0 ? label.substring(colon + 1) : "";
    }

    private static String kind(String memory, HardwareConfig hw) {
        return hasMemory(hw, memory) ? " (" + hw.memory(memory).kind().label() + ")" : "";
    }

    private static boolean hasMemory(HardwareConfig hw, String name) {
        for (MemoryConfig m : hw.memories()) {
            if (m.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
