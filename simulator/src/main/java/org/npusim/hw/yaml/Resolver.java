// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.npusim.hw.CpuAccess;
import org.npusim.hw.CpuConfig;
import org.npusim.hw.CpuCore;
import org.npusim.hw.EnergyConfig;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.KernelLibrary;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.MemoryKind;
import org.npusim.hw.MemoryMode;
import org.npusim.hw.NpuConfig;
import org.npusim.hw.NpuVariant;
import org.npusim.hw.Placement;
import org.npusim.hw.Ports;
import org.npusim.hw.SimulationSettings;
import org.npusim.hw.TechnologyProfile;
import org.npusim.hw.yaml.Node.Entry;
import org.npusim.hw.yaml.Node.MapNode;
import org.npusim.hw.yaml.Node.ScalarKind;
import org.npusim.hw.yaml.Node.ScalarNode;
import org.npusim.units.CurrentPerFrequency;
import org.npusim.units.DataSize;
import org.npusim.units.Duration;
import org.npusim.units.Energy;
import org.npusim.units.EnergyPerByte;
import org.npusim.units.Frequency;
import org.npusim.units.Power;
import org.npusim.units.UnitException;
import org.npusim.units.Voltage;

/**
 * Reads the normal-form tree of one description into a {@link HardwareConfig}, checking every key, unit, range and
 * cross-reference. Every error goes to {@link Problems} and reading continues; a value that depends on a broken one
 * (a memory clock given as a scale of a broken NPU clock) is skipped without a second error. Returns empty when
 * anything was wrong.
 */
final class Resolver {

    /** The one schema this loader reads. */
    static final String SCHEMA = "npusim.hw/v1";

    static final List<String> TOP_KEYS = List.of("schema", "extends", "name", "description", "npu", "cpu", "memories",
            "ports", "placement", "energy", "simulation");
    static final List<String> NPU_KEYS = List.of("variant", "clock");
    static final List<String> CPU_KEYS = List.of("core", "clock", "kernels");
    static final List<String> MEMORY_KEYS = List.of("kind", "size", "clock", "clock_scale", "data_width",
            "burst_length", "read_latency", "write_latency", "read_energy", "write_energy", "static_power");
    static final List<String> PORT_KEYS = List.of("axi0", "axi1", "cpu");
    static final List<String> PLACEMENT_KEYS = List.of("mode", "weights", "arena", "cache", "cache_size", "inputs",
            "outputs", "layer_weights");
    static final List<String> ENERGY_KEYS = List.of("profile", "npu_mac_energy", "npu_static_power", "cpu_current",
            "cpu_voltage");
    static final List<String> SIMULATION_KEYS = List.of("overlap", "contention", "driver_overhead");

    private static final Pattern MEMORY_NAME = Pattern.compile("[a-z][a-z0-9_-]*");
    /** A count of cycles: a decimal number, with an exponent as a frequency or time may have ("1e3 cycles"). */
    private static final Pattern CYCLES = Pattern.compile("(\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)\\s*cycles?");
    /** A number with a time unit: a latency whose problem is not its unit (negative, fraction of a ps). */
    private static final Pattern TIME = Pattern.compile("[+-]?[0-9.eE+-]+\\s*(ps|ns|us|µs|ms|s)");
    private static final Pattern WHOLE = Pattern.compile("\\d{1,9}");
    private static final BigDecimal PS_PER_SECOND = BigDecimal.valueOf(1_000_000_000_000L);

    private final Problems problems;

    Resolver(Problems problems) {
        this.problems = problems;
    }

    /** What is known about the NPU: absent, present and valid, or present but broken (already reported). */
    private record NpuState(Optional<NpuConfig> config, boolean declared) {
        boolean absent() {
            return !declared;
        }
    }

    /** What is known about the memories, even partly broken ones, for cross-checks without cascades. */
    private static final class MemoryFacts {
        final Set<String> names = new LinkedHashSet<>();
        final Map<String, MemoryKind> kinds = new LinkedHashMap<>();
        final Map<String, Long> sizes = new LinkedHashMap<>();
        final List<MemoryConfig> valid = new ArrayList<>();
        boolean complete = true;

        String list() {
            return String.join(", ", new java.util.TreeSet<>(names));
        }
    }

    Optional<HardwareConfig> resolve(MapNode root, String defaultName) {
        Section top = Section.of(root, "", TOP_KEYS, problems);
        String name = top.value("name", false, Resolver::line).orElse(defaultName);
        Optional<String> description = top.value("description", true, Resolver::line);

        Optional<MapNode> npuNode = top.map("npu", false);
        NpuState npu = new NpuState(npuNode.flatMap(this::npu), top.has("npu"));
        Optional<CpuConfig> cpu = top.map("cpu", true).flatMap(this::cpu);

        Optional<Section> energySection = top.map("energy", false)
                .map(n -> Section.of(n, "energy", ENERGY_KEYS, problems));
        TechnologyProfile profile = energySection.flatMap(s -> s.value("profile", false, v -> label(v,
                TechnologyProfile.fromLabel(v.text()), "technology profile", TechnologyProfile.labels())))
                .orElse(Defaults.ENERGY_PROFILE);
        Optional<EnergyConfig> energy = energy(energySection, profile);

        // Latencies given in cycles count the NPU core clock when there is an NPU (Vela's latencies are NPU
        // cycles), else the CPU clock.
        Optional<Long> cycleClockHz = npu.declared() ? npu.config().map(NpuConfig::clockHz) : cpu.map(CpuConfig::clockHz);
        String cycleClockName = npu.declared() ? "NPU" : "CPU";

        MemoryFacts memories = new MemoryFacts();
        Optional<MapNode> memoriesNode = top.map("memories", true);
        memoriesNode.ifPresent(n -> memories(n, npu, cycleClockHz, cycleClockName, profile, memories));
        if (memoriesNode.isEmpty()) {
            memories.complete = false;
        }

        Optional<Ports> ports = top.map("ports", true).flatMap(n -> ports(n, npu, memories));
        Optional<Placement> placement = top.map("placement", true).flatMap(n -> placement(n, npu, ports, memories));
        SimulationSettings simulation = top.map("simulation", false).map(this::simulation)
                .orElse(new SimulationSettings(Defaults.SIMULATION_SWITCHES, Defaults.SIMULATION_SWITCHES,
                        Defaults.SIMULATION_SWITCHES));

        if (!problems.isEmpty() || description.isEmpty() || cpu.isEmpty() || !memories.complete || ports.isEmpty()
                || placement.isEmpty() || energy.isEmpty() || (npu.declared() && npu.config().isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new HardwareConfig(name, description.get(), npu.config(), cpu.get(), memories.valid,
                ports.get(), placement.get(), energy.get(), simulation));
    }

    private Optional<NpuConfig> npu(MapNode node) {
        Section s = Section.of(node, "npu", NPU_KEYS, problems);
        Optional<NpuVariant> variant = s.value("variant", true,
                v -> label(v, NpuVariant.fromLabel(v.text()), "NPU variant", NpuVariant.labels()));
        Optional<Long> clock = s.value("clock", true, Resolver::frequency);
        return variant.isPresent() && clock.isPresent() ? Optional.of(new NpuConfig(variant.get(), clock.get()))
                : Optional.empty();
    }

    private Optional<CpuConfig> cpu(MapNode node) {
        Section s = Section.of(node, "cpu", CPU_KEYS, problems);
        Optional<CpuCore> core = s.value("core", true,
                v -> label(v, CpuCore.fromLabel(v.text()), "CPU core", CpuCore.labels()));
        Optional<Long> clock = s.value("clock", true, Resolver::frequency);
        KernelLibrary kernels = s.value("kernels", false,
                v -> label(v, KernelLibrary.fromLabel(v.text()), "kernel library", KernelLibrary.labels()))
                .orElse(Defaults.CPU_KERNELS);
        return core.isPresent() && clock.isPresent() ? Optional.of(new CpuConfig(core.get(), clock.get(), kernels))
                : Optional.empty();
    }

    private Optional<EnergyConfig> energy(Optional<Section> section, TechnologyProfile profile) {
        if (section.isEmpty()) {
            return Optional.of(new EnergyConfig(profile, profile.macEnergyPj(), Defaults.NPU_STATIC_POWER_MW,
                    Defaults.CPU_MICROAMPS_PER_MHZ, Defaults.CPU_SUPPLY_VOLTS));
        }
        Section s = section.get();
        boolean ok = true;
        Optional<Double> mac = s.value("npu_mac_energy", false,
                v -> atMost(Energy.parse(v.text()).picojoules(), MAX_ENERGY_PJ, "1 uJ", v));
        ok &= mac.isPresent() || !s.has("npu_mac_energy");
        Optional<Double> npuStatic = s.value("npu_static_power", false,
                v -> atMost(Power.parse(v.text()).milliwatts(), MAX_POWER_MW, "1 kW", v));
        ok &= npuStatic.isPresent() || !s.has("npu_static_power");
        Optional<Double> current = s.value("cpu_current", false,
                v -> atMost(CurrentPerFrequency.parse(v.text()).microampsPerMegahertz(), MAX_CURRENT_UA_PER_MHZ,
                        "1 A/MHz", v));
        ok &= current.isPresent() || !s.has("cpu_current");
        Optional<Double> volts = s.value("cpu_voltage", false,
                v -> atMost(positive(Voltage.parse(v.text()).volts(), v), MAX_VOLTS, "100 V", v));
        ok &= volts.isPresent() || !s.has("cpu_voltage");
        if (!ok) {
            return Optional.empty();
        }
        return Optional.of(new EnergyConfig(profile, mac.orElse(profile.macEnergyPj()),
                npuStatic.orElse(Defaults.NPU_STATIC_POWER_MW), current.orElse(Defaults.CPU_MICROAMPS_PER_MHZ),
                volts.orElse(Defaults.CPU_SUPPLY_VOLTS)));
    }

    private void memories(MapNode node, NpuState npu, Optional<Long> cycleClockHz, String cycleClockName,
            TechnologyProfile profile, MemoryFacts facts) {
        if (node.entries().isEmpty()) {
            problems.add(node.location(), "memories", "no memories; a system needs at least one");
            facts.complete = false;
        }
        for (Entry e : node.entries().values()) {
            facts.names.add(e.key());
            if (!MEMORY_NAME.matcher(e.key()).matches()) {
                problems.add(e.keyLocation(), "memories", "memory name '" + e.key()
                        + "' must start with a lower-case letter and contain only a-z, 0-9, '_' and '-'");
                facts.complete = false;
                continue;
            }
            if (!(e.value() instanceof MapNode)) {
                problems.add(e.value().location(), "memories." + e.key(), "expected a map of keys, got "
                        + e.value().describe());
                facts.complete = false;
                continue;
            }
            Optional<MemoryConfig> m = memory(e.key(), (MapNode) e.value(), npu, cycleClockHz, cycleClockName, profile,
                    facts);
            m.ifPresentOrElse(facts.valid::add, () -> facts.complete = false);
        }
    }

    private Optional<MemoryConfig> memory(String name, MapNode node, NpuState npu, Optional<Long> cycleClockHz,
            String cycleClockName, TechnologyProfile profile, MemoryFacts facts) {
        Section s = Section.of(node, "memories." + name, MEMORY_KEYS, problems);
        Optional<MemoryKind> kind = s.value("kind", true,
                v -> label(v, MemoryKind.fromLabel(v.text()), "memory kind", MemoryKind.labels()));
        kind.ifPresent(k -> facts.kinds.put(name, k));
        Optional<Long> size = s.value("size", true, v -> positive(DataSize.parse(v.text()).bytes(), v));
        size.ifPresent(b -> facts.sizes.put(name, b));
        Optional<Long> clock = memoryClock(s, npu);
        Optional<Integer> width = s.valueIfKnown("data_width", true, v -> dataWidth(v, npu));
        Optional<Integer> burst = s.value("burst_length", true, v -> intBytes(v));
        Optional<Long> read = s.valueIfKnown("read_latency", true, v -> latency(v, cycleClockHz, cycleClockName));
        Optional<Long> write = s.valueIfKnown("write_latency", true, v -> latency(v, cycleClockHz, cycleClockName));
        Optional<Double> readEnergy = s.value("read_energy", false,
                v -> atMost(EnergyPerByte.parse(v.text()).picojoulesPerByte(), MAX_ENERGY_PJ, "1 uJ/B", v));
        Optional<Double> writeEnergy = s.value("write_energy", false,
                v -> atMost(EnergyPerByte.parse(v.text()).picojoulesPerByte(), MAX_ENERGY_PJ, "1 uJ/B", v));
        Optional<Double> staticPower = s.value("static_power", false,
                v -> atMost(Power.parse(v.text()).milliwatts(), MAX_POWER_MW, "1 kW", v));
        if (kind.isEmpty() || size.isEmpty() || clock.isEmpty() || width.isEmpty() || burst.isEmpty() || read.isEmpty()
                || write.isEmpty() || (s.has("read_energy") && readEnergy.isEmpty())
                || (s.has("write_energy") && writeEnergy.isEmpty()) || (s.has("static_power") && staticPower.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new MemoryConfig(name, kind.get(), size.get(), clock.get(), width.get(), burst.get(),
                read.get(), write.get(),
                readEnergy.orElse(profile.readEnergyPjPerByte(kind.get(), size.get())),
                writeEnergy.orElse(profile.writeEnergyPjPerByte(kind.get(), size.get())),
                staticPower.orElse(Defaults.MEMORY_STATIC_POWER_MW)));
    }

    /**
     * Resolves {@code clock} (absolute) or {@code clock_scale} (a fraction of the NPU clock, Vela's
     * {@code <mem>_clock_scale}). The scaled clock is {@code scale × NPU clock}, rounded to the nearest hertz; Vela's
     * scales (binary fractions such as 0.234375) give whole hertz at whole-MHz core clocks, so nothing is lost there.
     */
    private Optional<Long> memoryClock(Section s, NpuState npu) {
        boolean absolute = s.has("clock");
        boolean scaled = s.has("clock_scale");
        if (absolute && scaled) {
            s.error("clock_scale", "give either clock or clock_scale, not both");
            return Optional.empty();
        }
        if (!absolute && !scaled) {
            s.missing("clock", "missing required key 'clock' (or 'clock_scale', a fraction of the NPU clock)");
            return Optional.empty();
        }
        if (absolute) {
            return s.value("clock", true, Resolver::frequency);
        }
        if (npu.absent()) {
            s.error("clock_scale", "clock_scale is a fraction of the NPU clock and needs an npu section; give clock instead");
            return Optional.empty();
        }
        return s.valueIfKnown("clock_scale", true, v -> {
            BigDecimal scale = clockScale(v);
            return npu.config().map(c -> {
                long hz = scale.multiply(BigDecimal.valueOf(c.clockHz())).setScale(0, RoundingMode.HALF_UP).longValueExact();
                if (hz <= 0) {
                    throw new IllegalArgumentException("'" + v.text() + "' of the NPU clock is below 1 Hz");
                }
                return hz;
            });
        });
    }

    private static BigDecimal clockScale(ScalarNode v) {
        BigDecimal scale;
        try {
            scale = new BigDecimal(v.text().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number in (0, 1] such as 0.125, got '" + v.text() + "'");
        }
        if (scale.signum() <= 0 || scale.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("must be in (0, 1] (a fraction of the NPU clock, as Vela's"
                    + " <mem>_clock_scale), got " + v.text());
        }
        return scale;
    }

    /** Resolves {@code data_width}: bytes, or {@code axi}, the AXI data width of the NPU's family (§1.2). */
    private static Optional<Integer> dataWidth(ScalarNode v, NpuState npu) {
        if (v.text().strip().equals("axi")) {
            if (npu.absent()) {
                throw new IllegalArgumentException("'axi' is the width of the NPU's AXI ports and needs an npu section;"
                        + " give a size such as '8 B'");
            }
            return npu.config().map(c -> c.variant().axiBytesPerCycle());
        }
        return Optional.of(intBytes(v));
    }

    /**
     * Resolves a latency: {@code N cycles} of the reference clock ({@code N × 10¹² / clock} picoseconds, rounded to
     * the nearest picosecond) or a time.
     */
    private static Optional<Long> latency(ScalarNode v, Optional<Long> clockHz, String clockName) {
        String t = v.text().strip();
        Matcher m = CYCLES.matcher(t);
        if (m.matches()) {
            BigDecimal cycles = new BigDecimal(m.group(1));
            return clockHz.map(hz -> {
                BigDecimal ps = cycles.multiply(PS_PER_SECOND).divide(BigDecimal.valueOf(hz), 0, RoundingMode.HALF_UP);
                if (ps.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                    throw new IllegalArgumentException("'" + t + "' is too large: more picoseconds than a 64-bit count"
                            + " holds at the " + clockName + " clock");
                }
                return ps.longValueExact();
            });
        }
        try {
            return Optional.of(Duration.parse(t).ps());
        } catch (UnitException e) {
            if (TIME.matcher(t).matches()) {
                throw e;
            }
            throw new IllegalArgumentException("'" + t + "' is not a latency; expected cycles of the " + clockName
                    + " clock such as '32 cycles', or a time in ps, ns, us, ms or s such as '64 ns'");
        }
    }

    private Optional<Ports> ports(MapNode node, NpuState npu, MemoryFacts memories) {
        Section s = Section.of(node, "ports", PORT_KEYS, problems);
        Optional<String> axi0 = Optional.empty();
        Optional<String> axi1 = Optional.empty();
        boolean ok = true;
        if (npu.declared()) {
            axi0 = s.value("axi0", true, v -> memoryRef(v, memories));
            axi1 = s.value("axi1", true, v -> memoryRef(v, memories));
            ok = axi0.isPresent() && axi1.isPresent();
        } else {
            for (String port : List.of("axi0", "axi1")) {
                if (s.has(port)) {
                    s.error(port, "an NPU port needs an npu section; remove " + port + " or describe the NPU");
                    ok = false;
                }
            }
        }
        Optional<MapNode> cpuNode = s.map("cpu", true);
        if (cpuNode.isEmpty()) {
            return Optional.empty();
        }
        List<CpuAccess> cpu = new ArrayList<>();
        if (cpuNode.get().entries().isEmpty()) {
            problems.add(cpuNode.get().location(), "ports.cpu", "the CPU must reach at least one memory");
            ok = false;
        }
        for (Entry e : cpuNode.get().entries().values()) {
            if (!memories.names.contains(e.key())) {
                problems.add(e.keyLocation(), "ports.cpu", unknownMemory(e.key(), memories));
                ok = false;
                continue;
            }
            String path = "ports.cpu." + e.key();
            if (!(e.value() instanceof ScalarNode) || !WHOLE.matcher(((ScalarNode) e.value()).text()).matches()
                    || ((ScalarNode) e.value()).kind() != ScalarKind.NUMBER) {
                problems.add(e.value().location(), path, "expected the wait states of a CPU access, a whole number"
                        + " such as 0 or 5, got " + e.value().describe());
                ok = false;
                continue;
            }
            cpu.add(new CpuAccess(e.key(), Integer.parseInt(((ScalarNode) e.value()).text())));
        }
        return ok ? Optional.of(new Ports(axi0, axi1, cpu)) : Optional.empty();
    }

    private Optional<Placement> placement(MapNode node, NpuState npu, Optional<Ports> ports, MemoryFacts memories) {
        Section s = Section.of(node, "placement", PLACEMENT_KEYS, problems);
        Optional<MemoryMode> mode = s.value("mode", true,
                v -> label(v, MemoryMode.fromLabel(v.text()), "memory mode", MemoryMode.labels()));
        Optional<String> weights = s.value("weights", false, v -> memoryRef(v, memories));
        Optional<String> arena = s.value("arena", false, v -> memoryRef(v, memories));
        Optional<String> cache = s.value("cache", false, v -> memoryRef(v, memories));
        Optional<Long> cacheSize = s.value("cache_size", false, v -> positive(DataSize.parse(v.text()).bytes(), v));
        Optional<String> inputs = s.value("inputs", false, v -> memoryRef(v, memories));
        Optional<String> outputs = s.value("outputs", false, v -> memoryRef(v, memories));
        Optional<SortedMap<Integer, String>> layerWeights = layerWeights(s, memories);
        boolean explicitOk = (weights.isPresent() || !s.has("weights")) && (arena.isPresent() || !s.has("arena"))
                && (cache.isPresent() || !s.has("cache")) && (cacheSize.isPresent() || !s.has("cache_size"))
                && (inputs.isPresent() || !s.has("inputs")) && (outputs.isPresent() || !s.has("outputs"));
        if (mode.isEmpty()) {
            return Optional.empty();
        }
        MemoryMode m = mode.get();
        if (m.isPreset()) {
            if (npu.absent()) {
                s.error("mode", "mode " + m.label() + " places data by NPU AXI port and needs an npu section;"
                        + " use mode: custom with weights, arena and cache");
                return Optional.empty();
            }
            if (ports.isEmpty() || ports.get().axi0().isEmpty()) {
                return Optional.empty();
            }
            String axi0 = ports.get().axi0().get();
            String axi1 = ports.get().axi1().get();
            // Vela's memory modes (ethos-u-facts.md §2.5): const / arena / cache on these ports.
            String[] roles = switch (m) {
                case SRAM_ONLY -> new String[] {axi0, axi0, axi0};
                case SHARED_SRAM -> new String[] {axi1, axi0, axi0};
                case DEDICATED_SRAM -> new String[] {axi1, axi1, axi0};
                case CUSTOM -> throw new IllegalStateException("custom is not a preset");
            };
            boolean agree = agrees(s, "weights", weights, roles[0], m, axi0)
                    & agrees(s, "arena", arena, roles[1], m, axi0)
                    & agrees(s, "cache", cache, roles[2], m, axi0);
            if (!agree) {
                return Optional.empty();
            }
            weights = Optional.of(roles[0]);
            arena = Optional.of(roles[1]);
            cache = Optional.of(roles[2]);
        } else {
            for (String role : List.of("weights", "arena", "cache")) {
                if (!s.has(role)) {
                    s.missing(role, "missing required key '" + role + "' (mode custom names every role)");
                }
            }
        }
        if (!explicitOk || weights.isEmpty() || arena.isEmpty() || cache.isEmpty() || layerWeights.isEmpty()) {
            return Optional.empty();
        }
        String cacheMemory = cache.get();
        long size = cacheSize.orElseGet(() -> m == MemoryMode.DEDICATED_SRAM ? Defaults.DEDICATED_SRAM_CACHE_BYTES
                : memories.sizes.getOrDefault(cacheMemory, 0L));
        Placement p = new Placement(m, weights.get(), arena.get(), cache.get(), Math.max(size, 1),
                inputs.orElse(arena.get()), outputs.orElse(arena.get()), layerWeights.get());
        return checkPlacement(s, p, cacheSize.isPresent(), npu, ports, memories) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Reads {@code placement.layer_weights}: memory names, each with the layers (graph operator indices, as
     * {@code 3-7,12}) whose weights it holds instead of {@code placement.weights}. Returns the layer → memory map,
     * empty when the key is absent, or nothing when it is broken (reported).
     */
    private Optional<SortedMap<Integer, String>> layerWeights(Section s, MemoryFacts memories) {
        SortedMap<Integer, String> out = new TreeMap<>();
        if (!s.has("layer_weights")) {
            return Optional.of(out);
        }
        Optional<MapNode> node = s.map("layer_weights", false);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        boolean ok = true;
        String path = s.childPath("layer_weights");
        for (Entry e : node.get().entries().values()) {
            String at = path + "." + e.key();
            if (!memories.names.contains(e.key())) {
                problems.add(e.keyLocation(), at, unknownMemory(e.key(), memories));
                ok = false;
                continue;
            }
            if (!(e.value() instanceof ScalarNode v)) {
                problems.add(e.keyLocation(), at, "expected layer indices such as 3-7,12, got " + e.value().describe());
                ok = false;
                continue;
            }
            try {
                for (int layer : layerList(v.text())) {
                    String before = out.put(layer, e.key());
                    if (before != null && !before.equals(e.key())) {
                        throw new IllegalArgumentException("layer " + layer + " is also given to memory '" + before
                                + "'; a layer's weights live in one memory");
                    }
                }
            } catch (IllegalArgumentException bad) {
                problems.add(v.location(), at, bad.getMessage());
                ok = false;
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** Parses layer indices written as {@code 3-7,12}: ranges inclusive, non-negative, each ascending. */
    static List<Integer> layerList(String text) {
        List<Integer> out = new ArrayList<>();
        String expected = "expected layer indices such as 3-7,12, got '" + text.strip() + "'";
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-');
            int from;
            int to;
            try {
                from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
                to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException(expected);
            }
            if (from < 0 || to < from) {
                throw new IllegalArgumentException(expected + " (ranges go up from 0)");
            }
            if (to - from >= 1 << 16) {
                throw new IllegalArgumentException(expected + " (a range of more than 65,536 layers)");
            }
            for (int layer = from; layer <= to; layer++) {
                out.add(layer);
            }
        }
        return out;
    }

    private boolean agrees(Section s, String role, Optional<String> given, String derived, MemoryMode mode,
            String axi0) {
        if (given.isPresent() && !given.get().equals(derived)) {
            s.error(role, "mode " + mode.label() + " puts the " + role + " on " + (derived.equals(axi0) ? "axi0" : "axi1")
                    + " ('" + derived + "'); use mode: custom to place them elsewhere");
            return false;
        }
        return true;
    }

    /** Checks that each role's memory can hold it and that the masters that use it reach it. */
    private boolean checkPlacement(Section s, Placement p, boolean explicitCacheSize, NpuState npu,
            Optional<Ports> ports, MemoryFacts memories) {
        boolean ok = true;
        boolean preset = p.mode().isPreset();
        Map<String, String> writable = new LinkedHashMap<>();
        writable.put("arena", p.arena());
        writable.put("cache", p.cache());
        if (s.has("outputs")) {
            writable.put("outputs", p.outputs());
        }
        for (Map.Entry<String, String> r : writable.entrySet()) {
            MemoryKind kind = memories.kinds.get(r.getValue());
            if (kind == null || kind.writableAtRunTime()) {
                continue;
            }
            String memory = "memory '" + r.getValue() + "' of kind " + kind.label();
            String needs = "the " + r.getKey() + " needs sram, tcm or dram";
            if (preset && !r.getKey().equals("outputs")) {
                String port = ports.flatMap(Ports::axi0).filter(r.getValue()::equals).isPresent() ? "axi0" : "axi1";
                s.error("mode", "mode " + p.mode().label() + " puts the " + r.getKey() + " on " + port + ", " + memory
                        + ", which is not writable at run time; " + needs + " (Vela rejects this combination too)");
            } else {
                s.error(r.getKey(), memory + " is not writable at run time; " + needs);
            }
            ok = false;
        }
        Long cacheMemoryBytes = memories.sizes.get(p.cache());
        if (cacheMemoryBytes != null && p.cacheSizeBytes() > cacheMemoryBytes) {
            String sizes = new DataSize(p.cacheSizeBytes()) + " does not fit in memory '" + p.cache() + "' ("
                    + new DataSize(cacheMemoryBytes) + ")";
            if (explicitCacheSize) {
                s.error("cache_size", sizes);
            } else {
                s.error("mode", "the default cache_size of mode " + p.mode().label() + ", " + sizes
                        + "; set placement.cache_size");
            }
            ok = false;
        }
        SortedSet<String> layerMemories = p.layerWeightMemories();
        if (npu.config().isPresent() && ports.isPresent()) {
            // Each key and the memory the NPU must reach for it: a preset mode places the roles on the ports itself.
            List<String[]> npuNeeds = new ArrayList<>();
            if (!preset) {
                npuNeeds.add(new String[] {"weights", p.weights()});
                npuNeeds.add(new String[] {"arena", p.arena()});
                npuNeeds.add(new String[] {"cache", p.cache()});
            }
            for (String memory : layerMemories) {
                npuNeeds.add(new String[] {"layer_weights", memory});
            }
            // Both ports may lead to one memory (an SRAM on both AXI ports): a set of one.
            Set<String> npuReach = new HashSet<>(List.of(ports.get().axi0().orElseThrow(),
                    ports.get().axi1().orElseThrow()));
            for (String[] need : npuNeeds) {
                if (!npuReach.contains(need[1])) {
                    s.error(need[0], "memory '" + need[1] + "' is behind neither NPU port (axi0: " + ports.get().axi0().get()
                            + ", axi1: " + ports.get().axi1().get() + ")");
                    ok = false;
                }
            }
        }
        if (ports.isPresent()) {
            Map<String, List<String>> needs = new LinkedHashMap<>();
            needs.computeIfAbsent(p.weights(), k -> new ArrayList<>()).add("the weights");
            for (String memory : layerMemories) {
                needs.computeIfAbsent(memory, k -> new ArrayList<>()).add("layer weights");
            }
            needs.computeIfAbsent(p.arena(), k -> new ArrayList<>()).add("the arena");
            needs.computeIfAbsent(p.inputs(), k -> new ArrayList<>()).add("the inputs");
            needs.computeIfAbsent(p.outputs(), k -> new ArrayList<>()).add("the outputs");
            for (Map.Entry<String, List<String>> n : needs.entrySet()) {
                if (ports.get().cpuAccess(n.getKey()).isEmpty()) {
                    problems.add(s.node().location(), "placement", "memory '" + n.getKey() + "' holds "
                            + String.join(" and ", n.getValue()) + ", but the CPU does not reach it; add it to ports.cpu"
                            + " (CPU-fallback operators and the application use it)");
                    ok = false;
                }
            }
        }
        return ok;
    }

    private SimulationSettings simulation(MapNode node) {
        Section s = Section.of(node, "simulation", SIMULATION_KEYS, problems);
        boolean overlap = s.value("overlap", false, Resolver::bool).orElse(Defaults.SIMULATION_SWITCHES);
        boolean contention = s.value("contention", false, Resolver::bool).orElse(Defaults.SIMULATION_SWITCHES);
        boolean driver = s.value("driver_overhead", false, Resolver::bool).orElse(Defaults.SIMULATION_SWITCHES);
        return new SimulationSettings(overlap, contention, driver);
    }

    // Conversions: each throws IllegalArgumentException with the message that Section reports at the value.

    private static String line(ScalarNode v) {
        String t = v.text();
        if (t.isBlank() || t.contains("\n")) {
            throw new IllegalArgumentException("expected one non-empty line of text");
        }
        return t.strip();
    }

    private static <T> T label(ScalarNode v, Optional<T> found, String what, String valid) {
        return found.orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + v.text() + "' (valid: "
                + valid + ")"));
    }

    /**
     * The fastest clock accepted: the timeline counts picoseconds, so a 10 GHz cycle (100 ps) is resolved to 1%;
     * faster clocks would quantise every duration (no microcontroller or its NPU comes near).
     */
    static final long MAX_CLOCK_HZ = 10_000_000_000L;

    private static long frequency(ScalarNode v) {
        long hz = positive(Frequency.parse(v.text()).hz(), v);
        if (hz > MAX_CLOCK_HZ) {
            throw new IllegalArgumentException("'" + v.text() + "' is faster than 10 GHz, the fastest clock the"
                    + " picosecond timeline resolves to 1%");
        }
        return hz;
    }

    private static int intBytes(ScalarNode v) {
        long b = positive(DataSize.parse(v.text()).bytes(), v);
        if (b > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + v.text() + "' is too large for a bus width");
        }
        return (int) b;
    }

    private static long positive(long value, ScalarNode v) {
        if (value <= 0) {
            throw new IllegalArgumentException("must be positive, got '" + v.text() + "'");
        }
        return value;
    }

    /**
     * Upper bounds of the energy keys, far above any real part (a MAC or a byte at 1 uJ, 1 kW of static power,
     * 1 A/MHz, 100 V): a value beyond them is a unit mistake, and one near the double's range (1e308 pJ) would make
     * the energies infinite and the result unwritable.
     */
    static final double MAX_ENERGY_PJ = 1e6;
    static final double MAX_POWER_MW = 1e6;
    static final double MAX_CURRENT_UA_PER_MHZ = 1e6;
    static final double MAX_VOLTS = 100;

    private static double atMost(double value, double max, String maxText, ScalarNode v) {
        if (value > max) {
            throw new IllegalArgumentException("must be at most " + maxText + ", got '" + v.text() + "'");
        }
        return value;
    }

    private static double positive(double value, ScalarNode v) {
        if (!(value > 0)) {
            throw new IllegalArgumentException("must be positive, got '" + v.text() + "'");
        }
        return value;
    }

    private static boolean bool(ScalarNode v) {
        if (v.kind() == ScalarKind.BOOLEAN && (v.text().equals("true") || v.text().equals("false"))) {
            return Boolean.parseBoolean(v.text());
        }
        throw new IllegalArgumentException("expected true or false, got '" + v.text() + "'");
    }

    private static String memoryRef(ScalarNode v, MemoryFacts memories) {
        String name = v.text().strip();
        if (!memories.names.contains(name)) {
            throw new IllegalArgumentException(unknownMemory(name, memories));
        }
        return name;
    }

    private static String unknownMemory(String name, MemoryFacts memories) {
        return "unknown memory '" + name + "' (defined: " + memories.list() + ")";
    }
}
