// SPDX-License-Identifier: Apache-2.0
package org.npusim.result;

import java.util.Optional;

/**
 * The resources a result names that every system has, as opposed to its channels ({@code axi1:flash}, named
 * after their port and memory) and, for CPU layers, the memories whose wait states dominated. Their labels are
 * part of the result contract: a layer's {@code bottleneck}, the keys of its busy and hidden cycles, and the tracks
 * of a timeline. Declared in the order traces and reports list them.
 */
public enum FixedResource {
    /** The whole NPU, as the Vela-compatible estimate sees it (no stages). */
    NPU("npu", "NPU (Vela-compatible estimate)"),
    MAC("mac", "MAC array"),
    OUTPUT("output", "output stage"),
    WEIGHT_DECODER("weight-decoder", "weight decoder"),
    SCALE_FETCH("scale-fetch", "scale/bias fetch"),
    DMA("dma", "NPU DMA (weight and LUT copies)"),
    CPU("cpu", "CPU"),
    /** A layer with no work (removed when lowered). */
    NONE("none", "no work");

    private final String label;
    private final String description;

    FixedResource(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Returns the label results carry. */
    public String label() {
        return label;
    }

    /** Returns what the resource is, in words. */
    public String description() {
        return description;
    }

    /** Returns whether {@code label} names this resource. */
    public boolean is(String label) {
        return this.label.equals(label);
    }

    /** Returns the resource labelled {@code label}, if it is one of these. */
    public static Optional<FixedResource> ofLabel(String label) {
        for (FixedResource r : values()) {
            if (r.label.equals(label)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
