// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.npusim.errors.InputException;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.MemoryUse;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.result.WeightSizes;

/**
 * Reads a result back from its {@code npusim.result/v1} JSON, as {@link ResultWriter} writes it, for tools that
 * work on saved results ({@code npusim compare}). Every field the contract names is required and checked for its
 * type; a problem is one {@link InputException} naming the file and the field path ({@code layers[3].cycles}).
 * Keys the contract does not name (such as {@code analysis}) are ignored.
 */
public final class ResultReader {

    /** The schema this reader accepts. */
    public static final String SCHEMA = "npusim.result/v1";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String file;

    private ResultReader(String file) {
        this.file = file;
    }

    /** Reads the result in {@code path}. */
    public static SimulationResult read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException(path.toString(), "", "no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(path.toString(), "", "not UTF-8 text; expected an npusim.result/v1 result (npusim"
                    + " simulate --format json)", e);
        } catch (IOException e) {
            throw new InputException(path.toString(), "", "cannot read: " + e.getMessage(), e);
        }
        return read(text, path.toString());
    }

    /** Reads a result from {@code json}; {@code source} names it in messages. */
    public static SimulationResult read(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InputException(source, at, "not valid JSON; expected an npusim.result/v1 result (npusim simulate --format json)", e);
        }
        return new ResultReader(source).result(root);
    }

    private SimulationResult result(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw problem("", "expected a JSON object with \"schema\": \"" + SCHEMA + "\" (npusim simulate --format json)");
        }
        String schema = root.path("schema").asText("");
        if (schema.equals("npusim.whatif/v1")) {
            throw problem("schema", "a weight what-if (simulate --prune, --nm or --cluster) holds two runs and compares"
                    + " them itself; compare takes results of simulate without those options (--format json)");
        }
        if (!schema.equals(SCHEMA)) {
            throw problem("schema", "expected \"" + SCHEMA + "\", got " + (root.has("schema") ? root.get("schema").toString() : "none")
                    + " (write results with npusim simulate --format json)");
        }
        JsonNode model = object(root, "model", "model");
        JsonNode hw = object(root, "hardware", "hardware");
        JsonNode total = object(root, "total", "total");
        SimulationResult.ModelInfo mi = new SimulationResult.ModelInfo(text(model, "name", "model.name"),
                text(model, "path", "model.path"), integer(model, "macs", "model.macs"));
        // Read in the order written, so that a file with several problems names the first.
        String hwName = text(hw, "name", "hardware.name");
        String npu = text(hw, "npu", "hardware.npu");
        long npuClockHz = npuClockHz(hw, npu);
        String cpu = text(hw, "cpu", "hardware.cpu");
        SimulationResult.HardwareInfo hi = new SimulationResult.HardwareInfo(hwName, npu, npuClockHz, cpu,
                clockHz(hw, "cpu_clock_hz", "hardware.cpu_clock_hz", cpu), text(hw, "memory_mode", "hardware.memory_mode"),
                hw.has("simulation") ? text(hw, "simulation", "hardware.simulation") : "");
        TreeMap<String, Double> utilization = new TreeMap<>();
        if (total.has("utilization")) {
            JsonNode u = object(total, "utilization", "total.utilization");
            for (Iterator<String> it = u.fieldNames(); it.hasNext();) {
                String k = it.next();
                utilization.put(k, number(u, k, "total.utilization." + k));
            }
        }
        SimulationResult.Totals totals = new SimulationResult.Totals(integer(total, "cycles", "total.cycles"),
                number(total, "seconds", "total.seconds"), integer(total, "npu_active_cycles", "total.npu_active_cycles"),
                integer(total, "cpu_cycles", "total.cpu_cycles"), number(total, "energy_joules", "total.energy_joules"),
                traffic(total, "total"), weights(total, "total"), utilization, memory(total));
        JsonNode layers = root.get("layers");
        if (layers == null || !layers.isArray()) {
            throw problem("layers", "expected an array of layers");
        }
        List<LayerResult> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            out.add(layer(layers.get(i), "layers[" + i + "]"));
        }
        List<String> notes = new ArrayList<>();
        JsonNode n = root.get("notes");
        if (n != null && n.isArray()) {
            n.forEach(x -> notes.add(x.asText()));
        }
        return new SimulationResult(mi, hi, totals, out, notes);
    }

    private LayerResult layer(JsonNode l, String at) {
        if (!l.isObject()) {
            throw problem(at, "expected a layer object");
        }
        String unit = text(l, "unit", at + ".unit");
        if (!unit.equals("npu") && !unit.equals("cpu")) {
            throw problem(at + ".unit", "expected \"npu\" or \"cpu\", got \"" + unit + "\"");
        }
        TreeMap<String, Long> busy = cycleMap(l, "busy_cycles", at);
        TreeMap<String, Long> hidden = cycleMap(l, "hidden_cycles", at);
        TreeMap<String, Long> queued = cycleMap(l, "queued_cycles", at);
        TreeMap<String, Long> critical = cycleMap(l, "critical_cycles", at);
        TreeMap<String, java.util.SortedMap<String, Long>> streams = new TreeMap<>();
        if (l.has("stream_cycles")) {
            JsonNode ports = object(l, "stream_cycles", at + ".stream_cycles");
            for (Iterator<String> it = ports.fieldNames(); it.hasNext();) {
                String port = it.next();
                streams.put(port, cycleMap(ports, port, at + ".stream_cycles"));
            }
        }
        return new LayerResult(index(l, "index", at + ".index"), text(l, "name", at + ".name"), text(l, "op", at + ".op"),
                unit.equals("npu") ? Unit.NPU : Unit.CPU, integer(l, "macs", at + ".macs"),
                integer(l, "start_cycle", at + ".start_cycle"), integer(l, "end_cycle", at + ".end_cycle"),
                integer(l, "cycles", at + ".cycles"), l.has("overlap_cycles") ? integer(l, "overlap_cycles", at + ".overlap_cycles") : 0,
                l.has("step_overlap_cycles") ? integer(l, "step_overlap_cycles", at + ".step_overlap_cycles") : 0,
                text(l, "bottleneck", at + ".bottleneck"),
                number(l, "bottleneck_share", at + ".bottleneck_share"), number(l, "utilization", at + ".utilization"),
                traffic(l, at), number(l, "energy_joules", at + ".energy_joules"), weights(l, at), busy, hidden, queued,
                critical, streams,
                l.has("kernel") ? text(l, "kernel", at + ".kernel") : "");
    }

    /** Reads an optional object of cycles per resource ({@code busy_cycles}, {@code hidden_cycles},
     * {@code queued_cycles}). */
    private TreeMap<String, Long> cycleMap(JsonNode l, String field, String at) {
        TreeMap<String, Long> out = new TreeMap<>();
        if (l.has(field)) {
            JsonNode b = object(l, field, at + "." + field);
            for (Iterator<String> it = b.fieldNames(); it.hasNext();) {
                String k = it.next();
                out.put(k, integer(b, k, at + "." + field + "." + k));
            }
        }
        return out;
    }

    /** Reads the NPU's clock: 0 where {@code npu} is empty (no NPU), as results are written, else positive. */
    private long npuClockHz(JsonNode hw, String npu) {
        if (!npu.isEmpty()) {
            return clockHz(hw, "npu_clock_hz", "hardware.npu_clock_hz", npu);
        }
        JsonNode n = hw.get("npu_clock_hz");
        if (n == null || !n.isIntegralNumber() || n.asLong() != 0) {
            throw problem("hardware.npu_clock_hz", "expected 0, as hardware.npu names no NPU, got " + n);
        }
        return 0;
    }

    /**
     * Reads the clock of {@code unit} in Hz, which must be positive: compare describes each result by its clocks and
     * tells cycles of different clocks apart by them, so a hand-edited 0 or negative clock is refused, not used.
     */
    private long clockHz(JsonNode hw, String key, String at, String unit) {
        JsonNode n = hw.get(key);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw problem(at, n == null ? "missing; expected a positive integer (the clock of " + unit + " in Hz)"
                    : "expected a positive integer (the clock of " + unit + " in Hz), got " + n);
        }
        long hz = n.asLong();
        if (hz <= 0) {
            throw problem(at, "expected a positive integer (the clock of " + unit + " in Hz), got " + hw.get(key));
        }
        return hz;
    }

    private TreeMap<String, MemoryTraffic> traffic(JsonNode parent, String at) {
        JsonNode t = object(parent, "traffic", at + ".traffic");
        TreeMap<String, MemoryTraffic> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = at + ".traffic." + e.getKey();
            out.put(e.getKey(), new MemoryTraffic(integer(e.getValue(), "read_bytes", p + ".read_bytes"),
                    integer(e.getValue(), "write_bytes", p + ".write_bytes")));
        }
        return out;
    }

    /** Reads {@code total.memory}; empty when the result has none (written before results had it). */
    private TreeMap<String, MemoryUse> memory(JsonNode total) {
        TreeMap<String, MemoryUse> out = new TreeMap<>();
        if (!total.has("memory")) {
            return out;
        }
        JsonNode m = object(total, "memory", "total.memory");
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = "total.memory." + e.getKey();
            JsonNode u = object(m, e.getKey(), p);
            out.put(e.getKey(), new MemoryUse(integer(u, "size_bytes", p + ".size_bytes"),
                    integer(u, "constants_bytes", p + ".constants_bytes"), integer(u, "arena_bytes", p + ".arena_bytes"),
                    integer(u, "cache_bytes", p + ".cache_bytes"),
                    u.has("io_bytes") ? integer(u, "io_bytes", p + ".io_bytes") : 0,
                    u.has("arena_peak_layer") ? index(u, "arena_peak_layer", p + ".arena_peak_layer") : -1,
                    u.has("cache_peak_layer") ? index(u, "cache_peak_layer", p + ".cache_peak_layer") : -1));
        }
        return out;
    }

    private WeightSizes weights(JsonNode parent, String at) {
        JsonNode w = object(parent, "weights", at + ".weights");
        return new WeightSizes(integer(w, "original_bytes", at + ".weights.original_bytes"),
                integer(w, "encoded_bytes", at + ".weights.encoded_bytes"));
    }

    private JsonNode object(JsonNode parent, String key, String at) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isObject()) {
            throw problem(at, n == null ? "missing; expected an object" : "expected an object, got " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return n;
    }

    private String text(JsonNode parent, String key, String at) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isTextual()) {
            throw problem(at, n == null ? "missing; expected a string" : "expected a string, got " + n);
        }
        return n.asText();
    }

    /**
     * Reads a count (cycles, bytes, MACs, a layer index): a result never holds a negative one, and a compare of one
     * would print nonsense changes. The few figures that may be negative (-1 for "no layer") are read apart.
     */
    private long integer(JsonNode parent, String key, String at) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw problem(at, n == null ? "missing; expected an integer of at least 0"
                    : "expected an integer of at least 0, got " + n);
        }
        return n.asLong();
    }

    /** Reads a layer index: a count that fits an int. */
    private int index(JsonNode parent, String key, String at) {
        long v = integer(parent, key, at);
        if (v > Integer.MAX_VALUE) {
            throw problem(at, "expected a layer index, got " + parent.get(key));
        }
        return (int) v;
    }

    /** Reads a time, energy or share: finite and not negative, as a result writes them. */
    private double number(JsonNode parent, String key, String at) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble()) || n.asDouble() < 0) {
            throw problem(at, n == null ? "missing; expected a number of at least 0"
                    : "expected a number of at least 0, got " + n);
        }
        return n.asDouble();
    }

    private InputException problem(String at, String what) {
        return new InputException(file, at, what);
    }
}
