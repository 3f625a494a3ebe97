// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.npusim.errors.InputException;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.MemoryKind;
import org.npusim.hw.NpuConfig;
import org.npusim.npu.MemoryTiming;

/** Derives the planner's view of an NPU system from a resolved hardware description. */
public final class NpuTargets {

    private static final double PS_PER_SECOND = 1e12;

    private NpuTargets() {}

    /** Returns the NPU target of {@code hw}, or empty for CPU-only hardware. */
    public static Optional<NpuTarget> from(HardwareConfig hw) {
        if (hw.npu().isEmpty()) {
            return Optional.empty();
        }
        NpuConfig npu = hw.npu().get();
        String axi0 = hw.ports().axi0().orElseThrow();
        Optional<String> axi1 = hw.ports().axi1();
        String weights = hw.placement().weights();
        String arena = hw.placement().arena();
        String cache = hw.placement().cache();
        Channel arenaChannel = channel(hw, npu, arena, "arena", axi0, axi1, false);
        Channel cacheChannel = channel(hw, npu, cache, "cache", axi0, axi1, false);
        // Vela's sram-only mode reads weights from SRAM through the second port (its "OnChipFlash" area with
        // SRAM's parameters, ethos-u-facts.md §2.5), so weight reads do not share the port with feature maps.
        NpuTarget.LayerWeights all = weightHome(hw, npu, weights, "weights", axi0, axi1);
        // Layers whose weights live elsewhere are read, and buffered, by the same rules as if all weights did.
        SortedMap<Integer, NpuTarget.LayerWeights> layers = new TreeMap<>();
        hw.placement().layerWeights().forEach((layer, memory) ->
                layers.put(layer, weightHome(hw, npu, memory, "layer_weights." + memory, axi0, axi1)));
        String inputs = hw.placement().inputs();
        String outputs = hw.placement().outputs();
        Channel inputChannel = inputs.equals(arena) ? arenaChannel : channel(hw, npu, inputs, "inputs", axi0, axi1, false);
        Channel outputChannel = outputs.equals(arena) ? arenaChannel : channel(hw, npu, outputs, "outputs", axi0, axi1, false);
        return Optional.of(new NpuTarget(npu.variant(), npu.clockHz(), all.channel(), arenaChannel, cacheChannel,
                hw.placement().cacheSizeBytes(), all.needDma(), !arena.equals(cache), layers, inputChannel, outputChannel));
    }

    /** Returns how the NPU reads weights stored in {@code memory}. */
    private static NpuTarget.LayerWeights weightHome(HardwareConfig hw, NpuConfig npu, String memory, String role,
            String axi0, Optional<String> axi1) {
        String arena = hw.placement().arena();
        boolean secondPort = memory.equals(arena) && axi1.isPresent() && !axi1.get().equals(memory);
        Channel channel = channel(hw, npu, memory, role, axi0, axi1, secondPort);
        MemoryKind kind = hw.memory(memory).kind();
        boolean slow = kind == MemoryKind.FLASH || kind == MemoryKind.MRAM || kind == MemoryKind.DRAM;
        return new NpuTarget.LayerWeights(channel, slow && !memory.equals(hw.placement().cache()));
    }

    private static Channel channel(HardwareConfig hw, NpuConfig npu, String memory, String role, String axi0,
            Optional<String> axi1, boolean secondPort) {
        int port;
        if (secondPort) {
            port = 1;
        } else if (memory.equals(axi0)) {
            port = 0;
        } else if (axi1.isPresent() && memory.equals(axi1.get())) {
            port = 1;
        } else {
            throw new InputException(hw.name(), "placement." + role,
                    "memory " + memory + " is not behind an NPU AXI port (axi0: " + axi0 + ", axi1: " + axi1.orElse("none") + ")");
        }
        return new Channel(port, memory, timing(hw.memory(memory), npu.clockHz(), npu.variant().axiBytesPerCycle()));
    }

    /**
     * Returns a memory's timing in NPU cycles as the NPU sees it through an AXI port: bandwidth per NPU cycle,
     * latencies converted from picoseconds. The port moves at most its data width per NPU cycle (8 B on U55, 16 B
     * on U65: ethos-u-facts.md §2.2), so a wider or faster memory behind it is capped there; Vela's bandwidth,
     * the AXI width times a clock scale of at most 1, is the same figure.
     */
    static MemoryTiming timing(MemoryConfig m, long npuClockHz, int axiBytesPerCycle) {
        double cyclesPerPs = npuClockHz / PS_PER_SECOND;
        return new MemoryTiming(m.name(), Math.min(m.bytesPerCycle(npuClockHz), axiBytesPerCycle), m.burstLengthBytes(),
                Math.round(m.readLatencyPs() * cyclesPerPs * 1e6) / 1e6, Math.round(m.writeLatencyPs() * cyclesPerPs * 1e6) / 1e6);
    }
}
