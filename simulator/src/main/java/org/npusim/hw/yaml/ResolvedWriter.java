// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Pattern;
import org.npusim.hw.CpuAccess;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.NpuConfig;
import org.npusim.json.Json;
import org.npusim.units.Bandwidth;
import org.npusim.units.CurrentPerFrequency;
import org.npusim.units.DataSize;
import org.npusim.units.Duration;
import org.npusim.units.Energy;
import org.npusim.units.EnergyPerByte;
import org.npusim.units.Frequency;
import org.npusim.units.Power;
import org.npusim.units.Voltage;

/**
 * Prints a resolved description, every key written out, units canonical. The YAML form is itself a valid
 * description (loading it gives the same {@link HardwareConfig}); derived figures (bandwidths, clock scales,
 * latencies in cycles) are comments. The JSON form gives every value in base units ({@code _hz}, {@code _bytes},
 * {@code _ps}, ...) plus the derived figures, for tools and for results that embed the hardware. Both are
 * deterministic.
 */
public final class ResolvedWriter {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final BigDecimal PS_PER_SECOND = BigDecimal.valueOf(1_000_000_000_000L);
    private static final int COMMENT_COLUMN = 36;

    private ResolvedWriter() {}

    /** Returns the YAML form. */
    public static String yaml(HardwareConfig hw) {
        StringBuilder b = new StringBuilder();
        String cycles = hw.npu().isPresent() ? "NPU" : "CPU";
        long refHz = hw.referenceClockHz();
        line(b, 0, "schema", Resolver.SCHEMA);
        line(b, 0, "name", PLAIN.matcher(hw.name()).matches() ? hw.name() : quote(hw.name()));
        line(b, 0, "description", quote(hw.description()));
        if (hw.npu().isPresent()) {
            NpuConfig npu = hw.npu().get();
            b.append("npu:\n");
            line(b, 1, "variant", npu.variant().label(), npu.variant().macsPerCycle() + " MACs/cycle, AXI "
                    + npu.variant().axiBytesPerCycle() + " B/cycle");
            line(b, 1, "clock", new Frequency(npu.clockHz()).toString());
        }
        b.append("cpu:\n");
        line(b, 1, "core", hw.cpu().core().label());
        line(b, 1, "clock", new Frequency(hw.cpu().clockHz()).toString());
        line(b, 1, "kernels", hw.cpu().kernels().label());
        b.append("memories:\n");
        for (MemoryConfig m : hw.memories()) {
            b.append("  ").append(m.name()).append(":\n");
            line(b, 2, "kind", m.kind().label());
            line(b, 2, "size", new DataSize(m.sizeBytes()).toString());
            line(b, 2, "clock", new Frequency(m.clockHz()).toString(),
                    hw.npu().map(n -> decimal(BigDecimal.valueOf(m.clockHz()).divide(BigDecimal.valueOf(n.clockHz()), 6,
                            RoundingMode.HALF_EVEN)) + " × NPU clock").orElse(""));
            line(b, 2, "data_width", new DataSize(m.dataWidthBytes()).toString());
            line(b, 2, "burst_length", new DataSize(m.burstLengthBytes()).toString());
            line(b, 2, "read_latency", new Duration(m.readLatencyPs()).toString(), cyclesOf(m.readLatencyPs(), refHz, cycles));
            line(b, 2, "write_latency", new Duration(m.writeLatencyPs()).toString(),
                    cyclesOf(m.writeLatencyPs(), refHz, cycles));
            line(b, 2, "read_energy", new EnergyPerByte(m.readEnergyPjPerByte()).toString());
            line(b, 2, "write_energy", new EnergyPerByte(m.writeEnergyPjPerByte()).toString());
            line(b, 2, "static_power", new Power(m.staticPowerMw()).toString());
            b.append("    # bandwidth ").append(gigabytes(m.bytesPerSecond())).append(" GB/s, ")
                    .append(decimal(BigDecimal.valueOf(m.bytesPerSecond()).divide(BigDecimal.valueOf(refHz), 3,
                            RoundingMode.HALF_EVEN)))
                    .append(" B per ").append(cycles).append(" cycle\n");
        }
        b.append("ports:\n");
        hw.ports().axi0().ifPresent(p -> line(b, 1, "axi0", p));
        hw.ports().axi1().ifPresent(p -> line(b, 1, "axi1", p));
        b.append("  cpu:\n");
        for (CpuAccess a : hw.ports().cpu()) {
            line(b, 2, a.memory(), Integer.toString(a.waitStates()), "wait states");
        }
        b.append("placement:\n");
        line(b, 1, "mode", hw.placement().mode().label());
        line(b, 1, "weights", hw.placement().weights());
        line(b, 1, "arena", hw.placement().arena());
        line(b, 1, "cache", hw.placement().cache());
        line(b, 1, "cache_size", new DataSize(hw.placement().cacheSizeBytes()).toString());
        line(b, 1, "inputs", hw.placement().inputs());
        line(b, 1, "outputs", hw.placement().outputs());
        if (!hw.placement().layerWeights().isEmpty()) {
            b.append("  layer_weights:\n");
            hw.placement().layerWeightsByMemory().forEach((memory, layers) -> line(b, 2, memory, layers));
        }
        b.append("energy:\n");
        line(b, 1, "profile", hw.energy().profile().label());
        line(b, 1, "npu_mac_energy", new Energy(hw.energy().npuMacEnergyPj()).toString());
        line(b, 1, "npu_static_power", new Power(hw.energy().npuStaticPowerMw()).toString());
        line(b, 1, "cpu_current", new CurrentPerFrequency(hw.energy().cpuMicroampsPerMhz()).toString());
        line(b, 1, "cpu_voltage", new Voltage(hw.energy().cpuSupplyVolts()).toString(),
                decimal(BigDecimal.valueOf(hw.energy().cpuEnergyPjPerCycle()).setScale(3, RoundingMode.HALF_EVEN))
                        + " pJ per CPU cycle");
        b.append("simulation:\n");
        line(b, 1, "overlap", Boolean.toString(hw.simulation().overlap()));
        line(b, 1, "contention", Boolean.toString(hw.simulation().contention()));
        line(b, 1, "driver_overhead", Boolean.toString(hw.simulation().driverOverhead()));
        return b.toString();
    }

    /** Returns the JSON form as a complete document. */
    public static String json(HardwareConfig hw) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.generator(w)) {
            json(hw, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.append('\n').toString();
    }

    /** Writes the JSON form as one object to {@code g}, so that results can embed it. */
    public static void json(HardwareConfig hw, JsonGenerator g) throws IOException {
        long refHz = hw.referenceClockHz();
        g.writeStartObject();
        g.writeStringField("schema", Resolver.SCHEMA);
        g.writeStringField("name", hw.name());
        g.writeStringField("description", hw.description());
        if (hw.npu().isPresent()) {
            NpuConfig npu = hw.npu().get();
            g.writeObjectFieldStart("npu");
            g.writeStringField("variant", npu.variant().label());
            g.writeNumberField("clock_hz", npu.clockHz());
            g.writeNumberField("macs_per_cycle", npu.variant().macsPerCycle());
            g.writeNumberField("axi_bytes_per_cycle", npu.variant().axiBytesPerCycle());
            g.writeEndObject();
        } else {
            g.writeNullField("npu");
        }
        g.writeObjectFieldStart("cpu");
        g.writeStringField("core", hw.cpu().core().label());
        g.writeNumberField("clock_hz", hw.cpu().clockHz());
        g.writeStringField("kernels", hw.cpu().kernels().label());
        g.writeEndObject();
        g.writeStringField("cycles_of", hw.npu().isPresent() ? "npu" : "cpu");
        g.writeArrayFieldStart("memories");
        for (MemoryConfig m : hw.memories()) {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeStringField("kind", m.kind().label());
            g.writeNumberField("size_bytes", m.sizeBytes());
            g.writeNumberField("clock_hz", m.clockHz());
            g.writeNumberField("data_width_bytes", m.dataWidthBytes());
            g.writeNumberField("burst_length_bytes", m.burstLengthBytes());
            g.writeNumberField("read_latency_ps", m.readLatencyPs());
            g.writeNumberField("write_latency_ps", m.writeLatencyPs());
            g.writeNumberField("read_energy_pj_per_byte", m.readEnergyPjPerByte());
            g.writeNumberField("write_energy_pj_per_byte", m.writeEnergyPjPerByte());
            g.writeNumberField("static_power_mw", m.staticPowerMw());
            g.writeNumberField("bandwidth_bytes_per_second", m.bytesPerSecond());
            g.writeNumberField("bandwidth_gb_per_second", new Bandwidth(m.bytesPerSecond()).gigabytesPerSecond());
            g.writeNumberField("bytes_per_cycle", m.bytesPerCycle(refHz));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("ports");
        if (hw.ports().axi0().isPresent()) {
            g.writeStringField("axi0", hw.ports().axi0().get());
            g.writeStringField("axi1", hw.ports().axi1().orElseThrow());
        }
        g.writeArrayFieldStart("cpu");
        for (CpuAccess a : hw.ports().cpu()) {
            g.writeStartObject();
            g.writeStringField("memory", a.memory());
            g.writeNumberField("wait_states", a.waitStates());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeObjectFieldStart("placement");
        g.writeStringField("mode", hw.placement().mode().label());
        g.writeStringField("weights", hw.placement().weights());
        g.writeStringField("arena", hw.placement().arena());
        g.writeStringField("cache", hw.placement().cache());
        g.writeNumberField("cache_size_bytes", hw.placement().cacheSizeBytes());
        g.writeStringField("inputs", hw.placement().inputs());
        g.writeStringField("outputs", hw.placement().outputs());
        if (!hw.placement().layerWeights().isEmpty()) {
            g.writeObjectFieldStart("layer_weights");
            for (Map.Entry<String, String> e : hw.placement().layerWeightsByMemory().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeObjectFieldStart("energy");
        g.writeStringField("profile", hw.energy().profile().label());
        g.writeNumberField("npu_mac_energy_pj", hw.energy().npuMacEnergyPj());
        g.writeNumberField("npu_static_power_mw", hw.energy().npuStaticPowerMw());
        g.writeNumberField("cpu_current_ua_per_mhz", hw.energy().cpuMicroampsPerMhz());
        g.writeNumberField("cpu_voltage_v", hw.energy().cpuSupplyVolts());
        g.writeNumberField("cpu_energy_pj_per_cycle", hw.energy().cpuEnergyPjPerCycle());
        g.writeEndObject();
        g.writeObjectFieldStart("simulation");
        g.writeBooleanField("overlap", hw.simulation().overlap());
        g.writeBooleanField("contention", hw.simulation().contention());
        g.writeBooleanField("driver_overhead", hw.simulation().driverOverhead());
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Writes the YAML form to {@code out}. */
    public static void yaml(HardwareConfig hw, Writer out) throws IOException {
        out.write(yaml(hw));
    }

    private static void line(StringBuilder b, int depth, String key, String value) {
        line(b, depth, key, value, "");
    }

    private static void line(StringBuilder b, int depth, String key, String value, String comment) {
        int start = b.length();
        b.append("  ".repeat(depth)).append(key).append(": ").append(value);
        if (!comment.isEmpty()) {
            int width = b.length() - start;
            b.append(" ".repeat(Math.max(1, COMMENT_COLUMN - width))).append("# ").append(comment);
        }
        b.append('\n');
    }

    /** Returns a latency in cycles of the reference clock, {@code ps × hz / 10¹²}, to three decimals. */
    private static String cyclesOf(long ps, long hz, String clock) {
        BigDecimal c = BigDecimal.valueOf(ps).multiply(BigDecimal.valueOf(hz)).divide(PS_PER_SECOND, 3,
                RoundingMode.HALF_EVEN);
        return decimal(c) + " " + clock + " cycles";
    }

    /** Returns bytes per second in GB/s (10⁹ B/s, as Vela prints), to three decimals. */
    static String gigabytes(long bytesPerSecond) {
        return decimal(BigDecimal.valueOf(bytesPerSecond).divide(BigDecimal.valueOf(1_000_000_000L), 3,
                RoundingMode.HALF_EVEN));
    }

    private static String decimal(BigDecimal v) {
        String s = v.stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    /** Returns a YAML double-quoted string. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
