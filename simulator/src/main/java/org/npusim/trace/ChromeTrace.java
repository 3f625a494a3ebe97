// SPDX-License-Identifier: Apache-2.0
package org.npusim.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.npusim.analysis.Resources;
import org.npusim.hw.HardwareConfig;
import org.npusim.plan.ExecutionPlan;
import org.npusim.result.FixedResource;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.sim.Simulator;
import org.npusim.sim.Timeline;

/**
 * Writes a run as Chrome trace-event JSON (the "JSON Object Format" of the Trace Event Format document:
 * {@code {"traceEvents": [...]}}, complete events {@code ph: "X"} with {@code ts} and {@code dur} in microseconds,
 * metadata events {@code ph: "M"} naming processes and threads, counter events {@code ph: "C"}).
 *
 * <p>Layout: process 1 is the NPU, process 2 the CPU. Each has a {@code layers} track with one slice per layer that
 * ran on it (over the layer's span; a layer that overlaps the previous one goes to a second layers track), then one
 * track per component of the timeline: MAC array, output stage, weight decoder, scale/bias fetch, DMA and each AXI
 * channel on the NPU; the CPU on the CPU.
 * A channel's DMA transfers get a track of their own beside its NPU streams. Consecutive transactions of one plan
 * step on a track are merged into batches, at most {@value #MAX_SLICES_PER_STEP} slices per step and track (see
 * {@link #batch}), so that files stay small; a batch covers its first transaction's start to its last one's end
 * (its {@code busy_us} argument is the transactions' own time), and since a component serves one transaction at a
 * time, batches on one track never overlap. A transaction is what the component did: the MAC array's compute (not
 * the time it is held waiting for operands), and a stream's own bytes (its port time counts them times the burst
 * inefficiency), so that a track's busy time and a memory's bytes add up to the result's. Where transactions on
 * one track could overlap (channels without contention, where each stream has a channel of its own), each stream
 * gets its own track, and any remaining overlap goes to a second lane. Counters give each memory's bandwidth in
 * bytes per microsecond over {@value #COUNTER_WINDOWS} equal windows of the run: each transfer's bytes spread evenly
 * over its duration.
 */
public final class ChromeTrace {

    /** The most slices one plan step gets on one track. */
    public static final int MAX_SLICES_PER_STEP = 20;
    /** The number of windows bandwidth counters average over. */
    public static final int COUNTER_WINDOWS = 200;

    static final int NPU_PID = 1;
    static final int CPU_PID = 2;

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    /** The order of the NPU's fixed tracks; channels follow, sorted by label. */
    private static final List<String> NPU_ORDER = Arrays.stream(FixedResource.values())
            .filter(r -> r != FixedResource.CPU && r != FixedResource.NONE).map(FixedResource::label).toList();

    private ChromeTrace() {}

    /** Writes the trace of {@code run} (which must carry a timeline) on {@code hw}. */
    public static void write(Simulator.Run run, HardwareConfig hw, Writer out) throws IOException {
        Timeline timeline = run.timeline();
        if (timeline == null) {
            throw new IllegalArgumentException("the run has no timeline; simulate with the timeline recorded");
        }
        new ChromeTrace.Builder(run.result(), run.plan(), hw, timeline.slices()).write(out);
    }

    /** A slice of the trace on one track: one transaction or a batch of them. */
    record Batch(int step, long startPs, long endPs, int firstBlock, int lastBlock, int count, double bytes, long busyPs,
            TreeSet<String> whats) {}

    /** One track of a process. */
    private record Track(int pid, String resource, String name, List<Batch> batches) {}

    private static final class Builder {
        private final SimulationResult result;
        private final ExecutionPlan plan;
        private final HardwareConfig hw;
        private final List<Timeline.Slice> slices;
        private final double psPerCycle;

        Builder(SimulationResult result, ExecutionPlan plan, HardwareConfig hw, List<Timeline.Slice> slices) {
            this.result = result;
            this.plan = plan;
            this.hw = hw;
            this.slices = slices;
            this.psPerCycle = 1e12 / hw.referenceClockHz();
        }

        void write(Writer out) throws IOException {
            List<Track> tracks = tracks();
            try (JsonGenerator j = FACTORY.createGenerator(out)) {
                j.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                // One event per line: small files that still diff and grep well.
                DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                        .withArrayIndenter(new DefaultIndenter("", "\n"))
                        .withObjectIndenter(new DefaultPrettyPrinter.NopIndenter())
                        .withoutSpacesInObjectEntries();
                j.setPrettyPrinter(pp);
                j.writeStartObject();
                j.writeArrayFieldStart("traceEvents");
                boolean npu = hw.npu().isPresent();
                if (npu) {
                    process(j, NPU_PID, "NPU " + result.hardware().npu() + " @ " + mhz(result.hardware().npuClockHz()), 0);
                }
                process(j, CPU_PID, "CPU " + result.hardware().cpu() + " @ " + mhz(result.hardware().cpuClockHz()), 1);
                Map<Integer, Integer> tids = new HashMap<>();
                for (Track t : tracks) {
                    int tid = tids.merge(t.pid(), 1, Integer::sum);
                    thread(j, t.pid(), tid, t.name(), tid);
                    for (Batch b : t.batches()) {
                        slice(j, t.pid(), tid, t.resource(), b);
                    }
                }
                layers(j, npu, tids);
                counters(j, npu ? NPU_PID : CPU_PID);
                j.writeEndArray();
                j.writeStringField("displayTimeUnit", "ns");
                j.writeObjectFieldStart("otherData");
                j.writeStringField("model", result.model().name());
                j.writeStringField("hardware", result.hardware().name());
                j.writeStringField("simulation", result.hardware().simulationMode());
                j.writeStringField("generator", "npusim");
                j.writeEndObject();
                j.writeEndObject();
            }
            out.write("\n");
        }

        /**
         * Groups the timeline by track and batches each track's transactions. A channel's DMA transfers (weight
         * and LUT prefetch for later layers, which interleave with the current layer's streams) get a track of their
         * own beside the channel's NPU streams, so that neither cuts the other's batches into pieces; without
         * contention every stream has a channel of its own, and so a track.
         */
        private List<Track> tracks() {
            boolean splitStreams = !hw.simulation().contention();
            Map<String, List<Timeline.Slice>> byKey = new HashMap<>();
            for (Timeline.Slice s : slices) {
                boolean channel = !Resources.channelMemory(s.track()).isEmpty();
                String sub = !channel ? "" : splitStreams ? s.what() : s.what().startsWith("dma") ? "DMA" : "";
                byKey.computeIfAbsent(s.track() + "|" + sub, k -> new ArrayList<>()).add(s);
            }
            List<String> keys = new ArrayList<>(byKey.keySet());
            keys.sort(Comparator.comparingInt((String k) -> order(k)).thenComparing(k -> k));
            List<Track> out = new ArrayList<>();
            for (String key : keys) {
                String track = key.substring(0, key.indexOf('|'));
                String sub = key.substring(key.indexOf('|') + 1);
                int pid = FixedResource.CPU.is(track) || hw.npu().isEmpty() ? CPU_PID : NPU_PID;
                String name = Resources.describe(track, hw) + (sub.isEmpty() ? "" : ": " + sub);
                List<List<Batch>> lanes = lanes(batch(byKey.get(key)));
                for (int lane = 0; lane < lanes.size(); lane++) {
                    out.add(new Track(pid, track, lane == 0 ? name : name + " #" + (lane + 1), lanes.get(lane)));
                }
            }
            return out;
        }

        private static int order(String key) {
            int i = NPU_ORDER.indexOf(key.substring(0, key.indexOf('|')));
            return i >= 0 ? i : NPU_ORDER.size();
        }

        /**
         * The layers tracks: a slice per layer over its span, in the process of the unit it ran on. A layer may
         * start while the previous one drains its output stage, so spans can overlap; a layer that starts before
         * the one on the first track has ended goes to a second track ({@code layers #2}), so that no track has
         * overlapping slices. The layers tracks come first in each process.
         */
        private void layers(JsonGenerator j, boolean npu, Map<Integer, Integer> tids) throws IOException {
            Map<Integer, List<Long>> laneEnds = new HashMap<>();
            Map<String, Integer> laneTids = new HashMap<>();
            for (LayerResult l : result.layers()) {
                int pid = !npu || l.unit() == Unit.CPU ? CPU_PID : NPU_PID;
                List<Long> ends = laneEnds.computeIfAbsent(pid, p -> new ArrayList<>());
                int lane = 0;
                while (lane < ends.size() && ends.get(lane) > l.startCycle()) {
                    lane++;
                }
                if (lane == ends.size()) {
                    ends.add(0L);
                    int tid = tids.merge(pid, 1, Integer::sum);
                    laneTids.put(pid + "/" + lane, tid);
                    thread(j, pid, tid, lane == 0 ? "layers" : "layers #" + (lane + 1), -100 + lane);
                }
                ends.set(lane, Math.max(ends.get(lane), l.endCycle()));
                j.writeStartObject();
                j.writeStringField("ph", "X");
                j.writeStringField("name", label(l));
                j.writeStringField("cat", "layer");
                j.writeNumberField("pid", pid);
                j.writeNumberField("tid", laneTids.get(pid + "/" + lane));
                // Both ends rounded to the picosecond before the duration is taken: a layer then ends exactly where
                // the next one starts (rounding start and duration apart overlapped them by 1 ps).
                long startPs = cyclePs(l.startCycle());
                long endPs = cyclePs(l.endCycle());
                writeMicros(j, "ts", startPs);
                writeMicros(j, "dur", endPs - startPs);
                j.writeObjectFieldStart("args");
                j.writeNumberField("index", l.index());
                j.writeStringField("op", l.op());
                j.writeStringField("unit", l.unit().label());
                j.writeNumberField("cycles", l.cycles());
                j.writeNumberField("macs", l.macs());
                j.writeStringField("bottleneck", l.bottleneck());
                j.writeEndObject();
                j.writeEndObject();
            }
        }

        /** Returns the picosecond of a result cycle (the NPU clock's, or the CPU's on CPU-only systems). */
        private long cyclePs(long cycle) {
            return Math.round(cycle * psPerCycle);
        }

        /**
         * Bandwidth counters: each memory's bytes per microsecond over equal windows. Transfers come from the
         * channel transactions, which only the NPU makes; a CPU layer's traffic, and every layer's in a timeline
         * without transactions (the Vela-compatible mode, CPU-only systems), is spread over the layer's span.
         */
        private void counters(JsonGenerator j, int pid) throws IOException {
            record Transfer(String memory, long startPs, long endPs, double bytes) {}
            List<Transfer> transfers = new ArrayList<>();
            long endPs = 0;
            for (Timeline.Slice s : slices) {
                endPs = Math.max(endPs, s.endPs());
                String memory = Resources.channelMemory(s.track());
                if (!memory.isEmpty() && s.bytes() > 0) {
                    transfers.add(new Transfer(memory, s.startPs(), s.endPs(), s.bytes()));
                }
            }
            boolean transactions = !transfers.isEmpty();
            for (LayerResult l : result.layers()) {
                if (!transactions || l.unit() == Unit.CPU) {
                    long a = cyclePs(l.startCycle());
                    long b = cyclePs(l.endCycle());
                    endPs = Math.max(endPs, b);
                    for (Map.Entry<String, MemoryTraffic> e : l.traffic().entrySet()) {
                        long bytes = e.getValue().readBytes() + e.getValue().writeBytes();
                        if (bytes > 0) {
                            transfers.add(new Transfer(e.getKey(), a, b, bytes));
                        }
                    }
                }
            }
            if (transfers.isEmpty() || endPs == 0) {
                return;
            }
            long windowPs = Math.max(1, (endPs + COUNTER_WINDOWS - 1) / COUNTER_WINDOWS);
            int windows = (int) ((endPs + windowPs - 1) / windowPs);
            TreeMap<String, double[]> perMemory = new TreeMap<>();
            for (Transfer t : transfers) {
                double[] w = perMemory.computeIfAbsent(t.memory(), m -> new double[windows]);
                spread(w, windowPs, t.startPs(), t.endPs(), t.bytes());
            }
            double windowMicros = windowPs / 1e6;
            for (Map.Entry<String, double[]> e : perMemory.entrySet()) {
                String name = e.getKey() + " bandwidth";
                double[] w = e.getValue();
                for (int i = 0; i <= windows; i++) {
                    j.writeStartObject();
                    j.writeStringField("ph", "C");
                    j.writeStringField("name", name);
                    j.writeNumberField("pid", pid);
                    writeMicros(j, "ts", (double) i * windowPs);
                    j.writeObjectFieldStart("args");
                    // The last event closes the counter at zero after the run.
                    j.writeFieldName("B/us");
                    j.writeNumber(decimal(i < windows ? w[i] / windowMicros : 0, 3));
                    j.writeEndObject();
                    j.writeEndObject();
                }
            }
        }

        private static void process(JsonGenerator j, int pid, String name, int sort) throws IOException {
            j.writeStartObject();
            j.writeStringField("ph", "M");
            j.writeStringField("name", "process_name");
            j.writeNumberField("pid", pid);
            j.writeObjectFieldStart("args");
            j.writeStringField("name", name);
            j.writeEndObject();
            j.writeEndObject();
            j.writeStartObject();
            j.writeStringField("ph", "M");
            j.writeStringField("name", "process_sort_index");
            j.writeNumberField("pid", pid);
            j.writeObjectFieldStart("args");
            j.writeNumberField("sort_index", sort);
            j.writeEndObject();
            j.writeEndObject();
        }

        private static void thread(JsonGenerator j, int pid, int tid, String name, int sort) throws IOException {
            j.writeStartObject();
            j.writeStringField("ph", "M");
            j.writeStringField("name", "thread_name");
            j.writeNumberField("pid", pid);
            j.writeNumberField("tid", tid);
            j.writeObjectFieldStart("args");
            j.writeStringField("name", name);
            j.writeEndObject();
            j.writeEndObject();
            sortIndex(j, pid, tid, sort);
        }

        private static void sortIndex(JsonGenerator j, int pid, int tid, int index) throws IOException {
            j.writeStartObject();
            j.writeStringField("ph", "M");
            j.writeStringField("name", "thread_sort_index");
            j.writeNumberField("pid", pid);
            j.writeNumberField("tid", tid);
            j.writeObjectFieldStart("args");
            j.writeNumberField("sort_index", index);
            j.writeEndObject();
            j.writeEndObject();
        }

        private void slice(JsonGenerator j, int pid, int tid, String track, Batch b) throws IOException {
            int op = plan.steps().get(b.step()).operator();
            LayerResult layer = result.layers().get(op);
            String whats = String.join(", ", b.whats());
            j.writeStartObject();
            j.writeStringField("ph", "X");
            j.writeStringField("name", name(label(layer), track, b));
            j.writeStringField("cat", whats);
            j.writeNumberField("pid", pid);
            j.writeNumberField("tid", tid);
            writeMicros(j, "ts", b.startPs());
            writeMicros(j, "dur", b.endPs() - b.startPs());
            j.writeObjectFieldStart("args");
            j.writeNumberField("layer", op);
            j.writeStringField("op", layer.op());
            j.writeNumberField("step", b.step());
            j.writeNumberField("transactions", b.count());
            // A batch spans the gaps between its transactions: its busy time is theirs alone.
            writeMicros(j, "busy_us", b.busyPs());
            if (b.bytes() > 0) {
                j.writeFieldName("bytes");
                j.writeNumber(decimal(b.bytes(), 1));
            }
            j.writeEndObject();
            j.writeEndObject();
        }
    }

    /**
     * Merges one track's transactions into batches: in time order, consecutive transactions of the same step (a run),
     * cut into pieces of at most {@code c} transactions. For a step with n transactions in R runs of lengths
     * {@code l_r} on the track, its batches number {@code sum ceil(l_r / c) <= sum ((l_r - 1) / c + 1) = (n - R) / c + R},
     * which is at most MAX for {@code c = ceil((n - R) / (MAX - R))}; when R reaches MAX (the step's transactions
     * alternate with another step's), each run is one batch, since a batch must not span another step's
     * transaction.
     */
    static List<Batch> batch(List<Timeline.Slice> track) {
        List<Timeline.Slice> sorted = new ArrayList<>(track);
        sorted.sort(Comparator.comparingLong(Timeline.Slice::startPs).thenComparingLong(Timeline.Slice::endPs)
                .thenComparingInt(Timeline.Slice::step).thenComparingInt(Timeline.Slice::block));
        Map<Integer, Integer> perStep = new HashMap<>();
        Map<Integer, Integer> runs = new HashMap<>();
        int previous = Integer.MIN_VALUE;
        for (Timeline.Slice s : sorted) {
            perStep.merge(s.step(), 1, Integer::sum);
            if (s.step() != previous) {
                runs.merge(s.step(), 1, Integer::sum);
            }
            previous = s.step();
        }
        List<Batch> out = new ArrayList<>();
        int step = -1;
        int count = 0;
        int limit = 0;
        long start = 0;
        long end = 0;
        int first = 0;
        int last = 0;
        double bytes = 0;
        long busy = 0;
        TreeSet<String> whats = new TreeSet<>();
        for (Timeline.Slice s : sorted) {
            if (count > 0 && (s.step() != step || count == limit)) {
                out.add(new Batch(step, start, end, first, last, count, bytes, busy, whats));
                count = 0;
            }
            if (count == 0) {
                step = s.step();
                int n = perStep.get(step);
                int r = runs.get(step);
                int pieces = MAX_SLICES_PER_STEP - r;
                limit = pieces <= 0 ? n : Math.max(1, (n - r + pieces - 1) / pieces);
                start = s.startPs();
                end = s.endPs();
                first = s.block();
                last = s.block();
                bytes = 0;
                busy = 0;
                whats = new TreeSet<>();
            }
            count++;
            end = Math.max(end, s.endPs());
            first = Math.min(first, s.block());
            last = Math.max(last, s.block());
            bytes += s.bytes();
            busy += s.endPs() - s.startPs();
            whats.add(s.what());
        }
        if (count > 0) {
            out.add(new Batch(step, start, end, first, last, count, bytes, busy, whats));
        }
        return out;
    }

    /** Puts batches (in time order) on as few lanes as keep every lane free of overlaps; usually one. */
    static List<List<Batch>> lanes(List<Batch> batches) {
        List<List<Batch>> lanes = new ArrayList<>();
        List<Long> laneEnd = new ArrayList<>();
        for (Batch b : batches) {
            int lane = 0;
            while (lane < lanes.size() && laneEnd.get(lane) > b.startPs()) {
                lane++;
            }
            if (lane == lanes.size()) {
                lanes.add(new ArrayList<>());
                laneEnd.add(0L);
            }
            lanes.get(lane).add(b);
            laneEnd.set(lane, b.endPs());
        }
        return lanes;
    }

    /** Spreads {@code bytes} transferred over [start, end) evenly over the windows it covers. */
    static void spread(double[] windows, long windowPs, long startPs, long endPs, double bytes) {
        int last = windows.length - 1;
        if (endPs <= startPs) {
            windows[(int) Math.min(last, startPs / windowPs)] += bytes;
            return;
        }
        double perPs = bytes / (endPs - startPs);
        long t = startPs;
        while (t < endPs) {
            int w = (int) Math.min(last, t / windowPs);
            long windowEnd = w == last ? endPs : Math.min(endPs, (w + 1) * windowPs);
            windows[w] += perPs * (windowEnd - t);
            t = windowEnd;
        }
    }

    /** A layer's name in the trace: its output tensor's, or "#index OP" when the model left that unnamed. */
    static String label(LayerResult l) {
        return l.name().isBlank() ? "#" + l.index() + " " + l.op() : l.name();
    }

    /**
     * Names a batch: the layer, the streams or stages (a MAC-array or output-stage {@code block} goes without
     * saying), and the OFM blocks it covers, or the weight slices for DMA transfers ({@code -1} is a LUT).
     */
    static String name(String layer, String track, Batch b) {
        List<String> whats = new ArrayList<>(b.whats());
        whats.remove("block");
        boolean dma = FixedResource.DMA.is(track) || b.whats().stream().allMatch(w -> w.startsWith("dma"));
        boolean blocks = !dma && b.whats().stream().noneMatch(w -> w.startsWith("dma"));
        StringBuilder n = new StringBuilder(layer);
        if (!whats.isEmpty()) {
            n.append(' ').append(String.join(", ", whats));
        }
        String unit = blocks ? "block" : dma ? "slice" : "";
        if (!unit.isEmpty() && b.firstBlock() >= 0) {
            n.append(' ').append(unit);
            if (b.firstBlock() == b.lastBlock()) {
                n.append(' ').append(b.firstBlock());
            } else {
                n.append("s ").append(b.firstBlock()).append('-').append(b.lastBlock());
            }
        }
        return n.toString();
    }

    private static void writeMicros(JsonGenerator j, String field, double ps) throws IOException {
        j.writeFieldName(field);
        j.writeNumber(decimal(ps / 1e6, 6));
    }

    /** Prints {@code v} with at most {@code decimals} decimals, trailing zeros stripped: deterministic text. */
    static String decimal(double v, int decimals) {
        String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    private static String mhz(long hz) {
        return hz % 1_000_000 == 0 ? hz / 1_000_000 + " MHz" : decimal(hz / 1e6, 3) + " MHz";
    }
}
