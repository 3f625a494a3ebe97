// SPDX-License-Identifier: Apache-2.0
package org.npusim.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.npusim.result.LayerResult;
import org.npusim.result.MemoryTraffic;
import org.npusim.result.MemoryUse;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.result.WeightSizes;

final class ComparisonTest {

    private static LayerResult layer(int index, String name, long cycles, String bottleneck, Unit unit) {
        return new LayerResult(index, name, "CONV_2D", unit, 1000, 0, cycles, cycles, 0, 0, bottleneck, 1.0, 0.5,
                new TreeMap<>(Map.of("sram", new MemoryTraffic(100, 50))), 1e-6, WeightSizes.NONE, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(), new TreeMap<>(), "");
    }

    /** A result at {@code hz} whose total is the sum of its layers. */
    private static SimulationResult result(long hz, List<LayerResult> layers) {
        long cycles = layers.stream().mapToLong(LayerResult::cycles).sum();
        SimulationResult.Totals t = new SimulationResult.Totals(cycles, cycles / (double) hz, cycles, 0, 1e-3,
                new TreeMap<>(Map.of("sram", new MemoryTraffic(1000, 500))), WeightSizes.NONE, new TreeMap<>(), new TreeMap<>());
        return new SimulationResult(new SimulationResult.ModelInfo("m", "m.tflite", 0),
                new SimulationResult.HardwareInfo("hw", "ethos-u55-128", hz, "cortex-m55", hz, "shared-sram", "event-driven"), t,
                layers, List.of());
    }

    @Test
    void of_layersMatchedByName_largestAbsoluteTimeChangeFirst() {
        // At 1 GHz a cycle is 1 ns: x 100 -> 90 (-10 ns), y 200 -> 260 (+60 ns), z 50 -> 20 (-30 ns).
        SimulationResult a = result(1_000_000_000L, List.of(layer(0, "x", 100, "mac", Unit.NPU), layer(1, "y", 200, "mac", Unit.NPU),
                layer(2, "z", 50, "mac", Unit.NPU), layer(3, "gone", 10, "mac", Unit.NPU)));
        SimulationResult b = result(1_000_000_000L, List.of(layer(0, "x", 90, "mac", Unit.NPU), layer(1, "y", 260, "axi1:flash", Unit.NPU),
                layer(2, "z", 20, "mac", Unit.CPU), layer(3, "new", 5, "mac", Unit.NPU)));
        Comparison c = Comparison.of(a, b);
        assertThat(c.layers()).extracting(l -> l.layerA().name()).containsExactly("y", "z", "x");
        assertThat(c.layers().get(0).deltaSeconds()).isCloseTo(60e-9, within(1e-15));
        assertThat(c.layers().get(0).relative()).isCloseTo(0.3, within(1e-12));
        assertThat(c.bottleneckChanges()).extracting(l -> l.layerA().name()).containsExactly("y", "z");
        assertThat(c.onlyInA()).extracting(LayerResult::name).containsExactly("gone");
        assertThat(c.onlyInB()).extracting(LayerResult::name).containsExactly("new");
    }

    @Test
    void of_differentClocks_layersComparedInTime() {
        // 100 cycles at 100 MHz (1 us) against 200 cycles at 400 MHz (0.5 us): faster although more cycles.
        SimulationResult a = result(100_000_000L, List.of(layer(0, "x", 100, "mac", Unit.NPU)));
        SimulationResult b = result(400_000_000L, List.of(layer(0, "x", 200, "mac", Unit.NPU)));
        Comparison c = Comparison.of(a, b);
        assertThat(c.layers().get(0).deltaSeconds()).isCloseTo(-0.5e-6, within(1e-15));
        assertThat(c.totals().get(0).name()).isEqualTo("time");
        assertThat(c.totals().get(0).relative()).isCloseTo(-0.5, within(1e-12));
    }

    /**
     * What each memory holds at its fullest is compared when both results give it (used bytes: constants, arena and
     * cache together), a memory only one hardware has counting 0 on the other side, one that neither uses left out;
     * results written before it existed compare without it.
     */
    @Test
    void of_memoryUse_comparedWhenBothResultsHaveIt() {
        List<LayerResult> layers = List.of(layer(0, "x", 100, "mac", Unit.NPU));
        SimulationResult a = withMemory(result(1_000_000_000L, layers), Map.of("sram", new MemoryUse(1000, 100, 300, 0, 0, 0, -1)));
        SimulationResult b = withMemory(result(1_000_000_000L, layers), Map.of("sram", new MemoryUse(1000, 0, 350, 0, 0, 0, -1),
                "tcm", new MemoryUse(500, 100, 0, 0, 0, -1, -1), "itcm", new MemoryUse(500, 0, 0, 0, 0, -1, -1)));
        assertThat(Comparison.of(a, b).totals()).filteredOn(c -> c.name().startsWith("memory used"))
                .extracting(c -> c.name() + " " + (long) c.a() + "->" + (long) c.b())
                .containsExactly("memory used sram 400->350", "memory used tcm 0->100");
        assertThat(Comparison.of(a, result(1_000_000_000L, layers)).totals()).noneMatch(c -> c.name().startsWith("memory"));
    }

    private static SimulationResult withMemory(SimulationResult r, Map<String, MemoryUse> memory) {
        SimulationResult.Totals t = r.total();
        return new SimulationResult(r.model(), r.hardware(), new SimulationResult.Totals(t.cycles(), t.seconds(),
                t.npuActiveCycles(), t.cpuCycles(), t.energyJoules(), t.traffic(), t.weights(), t.utilization(),
                new TreeMap<>(memory)), r.layers(), r.notes());
    }

    @Test
    void of_repeatedNames_matchedByOccurrence() {
        SimulationResult a = result(1_000_000_000L, List.of(layer(0, "r", 10, "mac", Unit.NPU), layer(1, "r", 20, "mac", Unit.NPU)));
        SimulationResult b = result(1_000_000_000L, List.of(layer(0, "r", 11, "mac", Unit.NPU), layer(1, "r", 40, "mac", Unit.NPU)));
        Comparison c = Comparison.of(a, b);
        assertThat(c.layers()).extracting(l -> l.layerA().index() + "->" + l.layerB().index()).containsExactly("1->1", "0->0");
    }

    @Test
    void write_table_sectionsInOrder() throws IOException {
        SimulationResult a = result(1_000_000_000L, List.of(layer(0, "x", 100, "mac", Unit.NPU)));
        SimulationResult b = result(1_000_000_000L, List.of(layer(0, "x", 50, "output", Unit.NPU)));
        StringWriter w = new StringWriter();
        ComparisonWriter.write(Comparison.of(a, b), ComparisonWriter.Format.TABLE, 20, w);
        String s = w.toString();
        assertThat(s).contains("time").contains("-50.0%").contains("Layers by time change").contains("x: mac -> output");
        assertThat(s.indexOf("Layers by time change")).isLessThan(s.indexOf("Bottleneck or unit changes"));
    }

    @Test
    void write_json_noRatioFromZero_relativeIsNull() throws IOException {
        // A layer that took no time in A and 50 ns in B has no relative change; 0 would read as "unchanged".
        SimulationResult a = result(1_000_000_000L, List.of(layer(0, "x", 0, "none", Unit.NPU), layer(1, "y", 10, "mac", Unit.NPU)));
        SimulationResult b = result(1_000_000_000L, List.of(layer(0, "x", 50, "mac", Unit.NPU), layer(1, "y", 10, "mac", Unit.NPU)));
        StringWriter w = new StringWriter();
        ComparisonWriter.write(Comparison.of(a, b), ComparisonWriter.Format.JSON, 20, w);
        String s = w.toString();
        assertThat(s).containsPattern("\"name\" ?: ?\"x\"[^}]*\"relative\" ?: ?null");
        assertThat(s).containsPattern("\"name\" ?: ?\"y\"[^}]*\"relative\" ?: ?-?[0-9]");
    }

    /** Times and energies keep 4 significant digits in a unit that fits them, across unit boundaries. */
    @Test
    void scaled_fourSignificantDigitsInAFittingUnit() {
        assertThat(ComparisonWriter.scaled(4.0891e-5, "J")).isEqualTo("40.89 uJ");
        assertThat(ComparisonWriter.scaled(-2.6e-7, "J")).isEqualTo("-260.0 nJ");
        assertThat(ComparisonWriter.scaled(0.00099996, "J")).isEqualTo("1.000 mJ");
        assertThat(ComparisonWriter.scaled(7.5541, "s")).isEqualTo("7.554 s");
        assertThat(ComparisonWriter.scaled(1134.2, "J")).isEqualTo("1134 J");
        assertThat(ComparisonWriter.scaled(1e-6, "s")).isEqualTo("1.000 us");
        assertThat(ComparisonWriter.scaled(0, "J")).isEqualTo("0 J");
    }
}
