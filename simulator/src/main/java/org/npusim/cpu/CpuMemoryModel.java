// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.MemoryConfig;
import org.npusim.hw.MemoryKind;

/**
 * What the CPU's accesses to each memory cost beyond the instructions' own cycles.
 *
 * <p>A memory is reached with the wait states of {@code ports.cpu} (hwconfigs/README.md: "extra CPU cycles per
 * access", as MCU datasheets give flash wait states) through its own interface: {@code data_width} bytes per
 * transfer at its own clock, so one transfer takes {@code r = max(1, cpu clock / memory clock)} CPU cycles: the
 * memory's clock period, a whole number of CPU cycles where one clock divides the other. It is not rounded up to
 * whole cycles: that made a faster CPU slower where the ratio passed an integer (resnet8 on the Cortex-M4 board,
 * memories at 120 MHz: 13.6% longer at 241 MHz than at 240 MHz, 5.8% longer at 132 than at 120). Of the shipped
 * descriptions, the Alif E7 HE core (160 MHz, MRAM and OSPI at 100 MHz) and Vela's U65 systems (CPU at the NPU
 * clock, DRAM at a binary fraction of it) have ratios that are not whole numbers.
 *
 * <ul>
 *   <li><b>Without a data cache</b> (Cortex-M0+, M4, M33; and tightly coupled memory on every core) every load or
 *       store instruction pays for its transfers: an access of {@code b} bytes is {@code t = ceil(b / width)}
 *       transfers, each {@code waitStates + r} cycles, of which the instruction's own timing already counts one
 *       cycle (two for a 16-byte Helium access, which a dual-beat core spreads over two cycles). So an LDR from a
 *       flash with 5 wait states costs 5 more cycles, as on an STM32L4 with its ART accelerator off.</li>
 *   <li><b>With a data cache</b> (Cortex-M7, M55, M85, for every memory but TCM) loads that hit cost nothing extra;
 *       a miss fills a 32-byte line, {@code ceil(32 / width)} transfers of {@code waitStates + r} cycles, and the
 *       in-order core waits for it (no hit-under-miss or prefetch is modelled). An operand is filled once when the
 *       bytes the kernel touches between two reads of it ({@link Traffic#reuseBytes()}, the other operands
 *       included) fit in the cache, as in a fully associative LRU cache; otherwise every pass over it misses again.
 *       Written lines are written back once each at the same cost; full-line writes are not filled first (write
 *       streaming), and a scratch buffer the kernel writes and reads back while it fits is never filled from
 *       memory. Bytes moved are counted at the memory: line fills and written bytes.</li>
 * </ul>
 * Stalls add to the instruction cycles: none of these cores overlaps a blocking memory access with later
 * instructions.
 */
public final class CpuMemoryModel {

    /** How the CPU reaches one memory. */
    record Access(int waitStates, int widthBytes, double transferCycles, boolean cached) {}

    /** Memory stalls and bytes moved per memory. */
    public record Result(SortedMap<String, Double> stallCycles, SortedMap<String, Long> readBytes,
            SortedMap<String, Long> writeBytes) {}

    private final Map<String, Access> access = new HashMap<>();
    private final int cacheBytes;

    private CpuMemoryModel(int cacheBytes) {
        this.cacheBytes = cacheBytes;
    }

    /** Returns the model of {@code hw}'s memories as its CPU, timed by {@code timing}, reaches them. */
    public static CpuMemoryModel of(HardwareConfig hw, CoreTiming timing) {
        CpuMemoryModel m = new CpuMemoryModel(timing.dataCacheBytes());
        long cpuHz = hw.cpu().clockHz();
        for (MemoryConfig mem : hw.memories()) {
            int wait = hw.ports().cpuAccess(mem.name()).map(a -> a.waitStates()).orElse(0);
            double r = Math.max(1.0, (double) cpuHz / mem.clockHz());
            boolean cached = timing.hasDataCache() && mem.kind() != MemoryKind.TCM;
            m.access.put(mem.name(), new Access(wait, mem.dataWidthBytes(), r, cached));
        }
        return m;
    }

    /** Returns the stalls and bytes of {@code traffic}. */
    public Result cost(List<Traffic> traffic) {
        SortedMap<String, Double> stalls = new TreeMap<>();
        SortedMap<String, Long> reads = new TreeMap<>();
        SortedMap<String, Long> writes = new TreeMap<>();
        for (Traffic t : traffic) {
            Access a = access.getOrDefault(t.memory(), new Access(0, 4, 1, false));
            double stall;
            long read;
            long write;
            if (a.cached()) {
                int line = CoreTiming.CACHE_LINE_BYTES;
                double lineCycles = Math.ceil((double) line / a.widthBytes()) * (a.waitStates() + a.transferCycles());
                boolean resident = t.reuseBytes() <= cacheBytes;
                boolean producedHere = t.writeBytes() > 0 && t.readBytes() > 0;
                long filled = t.readBytes() == 0 || (resident && producedHere) ? 0
                        : resident ? t.footprintBytes() : t.readBytes();
                long written = t.writeBytes() == 0 ? 0 : resident ? Math.min(t.footprintBytes(), t.writeBytes())
                        : t.writeBytes();
                long fills = (filled + line - 1) / line;
                long writeBacks = (written + line - 1) / line;
                stall = (fills + writeBacks) * lineCycles;
                read = fills * line;
                write = written;
            } else {
                stall = t.loads() * perAccess(a, t.loadBytes()) + t.stores() * perAccess(a, t.storeBytes());
                read = t.readBytes();
                write = t.writeBytes();
            }
            stalls.merge(t.memory(), stall, Double::sum);
            if (read > 0) {
                reads.merge(t.memory(), read, Long::sum);
            }
            if (write > 0) {
                writes.merge(t.memory(), write, Long::sum);
            }
        }
        return new Result(stalls, reads, writes);
    }

    /** Extra cycles of one uncached access of {@code bytes} bytes. */
    private static double perAccess(Access a, int bytes) {
        long transfers = (bytes + a.widthBytes() - 1) / a.widthBytes();
        int own = bytes >= 16 ? CoreTiming.VECTOR_BEAT_CYCLES : 1;
        return Math.max(0, transfers * (a.waitStates() + a.transferCycles()) - own);
    }
}
