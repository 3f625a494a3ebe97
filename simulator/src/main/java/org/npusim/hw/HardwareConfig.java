// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A fully resolved hardware description: what {@code npusim hw show} prints and every result embeds. The loader in
 * {@code hw.yaml} guarantees the cross-references (ports and placement name defined memories); the constructor
 * checks them again so that a hand-built description cannot be inconsistent.
 *
 * @param name a short name (the file name without extension unless the file sets {@code name})
 * @param description one line saying what system this is
 * @param npu the NPU, absent for CPU-only systems
 * @param cpu the CPU that runs fallback operators (and everything, without an NPU)
 * @param memories the memories, in the order the description lists them
 * @param ports which memories the NPU's AXI ports and the CPU reach
 * @param placement where weights, arena, cache, inputs and outputs live
 * @param energy energy parameters of the compute units
 * @param simulation the Vela-compatible switches
 */
public record HardwareConfig(String name, String description, Optional<NpuConfig> npu, CpuConfig cpu,
        List<MemoryConfig> memories, Ports ports, Placement placement, EnergyConfig energy,
        SimulationSettings simulation) {

    /** Validates the record: unique memory names, and ports and placement that name defined memories. */
    public HardwareConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(npu, "npu");
        Objects.requireNonNull(cpu, "cpu");
        memories = List.copyOf(memories);
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(energy, "energy");
        Objects.requireNonNull(simulation, "simulation");
        if (memories.isEmpty()) {
            throw new IllegalArgumentException("a system needs at least one memory");
        }
        Set<String> names = new HashSet<>();
        for (MemoryConfig m : memories) {
            if (!names.add(m.name())) {
                throw new IllegalArgumentException("duplicate memory name " + m.name());
            }
        }
        if (npu.isPresent() != ports.axi0().isPresent()) {
            throw new IllegalArgumentException("the AXI ports are given exactly when there is an NPU");
        }
        List<String> referenced = new java.util.ArrayList<>(List.of(placement.weights(), placement.arena(),
                placement.cache(), placement.inputs(), placement.outputs()));
        ports.axi0().ifPresent(referenced::add);
        ports.axi1().ifPresent(referenced::add);
        ports.cpu().forEach(a -> referenced.add(a.memory()));
        for (String r : referenced) {
            if (!names.contains(r)) {
                throw new IllegalArgumentException("undefined memory " + r);
            }
        }
    }

    /** Returns the memory named {@code name}; throws {@link IllegalArgumentException} when there is none. */
    public MemoryConfig memory(String name) {
        for (MemoryConfig m : memories) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no memory named " + name);
    }

    /** Returns the memory behind the NPU's AXI0 port; throws {@link IllegalStateException} without an NPU. */
    public MemoryConfig axi0Memory() {
        return memory(ports.axi0().orElseThrow(() -> new IllegalStateException(name + " has no NPU")));
    }

    /** Returns the memory behind the NPU's AXI1 port; throws {@link IllegalStateException} without an NPU. */
    public MemoryConfig axi1Memory() {
        return memory(ports.axi1().orElseThrow(() -> new IllegalStateException(name + " has no NPU")));
    }

    /**
     * Returns the clock that results count cycles of: the NPU core clock when there is an NPU, else the CPU clock
     * (design-brief.md, JSON contract).
     */
    public long referenceClockHz() {
        return npu.map(NpuConfig::clockHz).orElse(cpu.clockHz());
    }
}
