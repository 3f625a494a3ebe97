// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed descriptions, each with every message expected, exactly. Each case edits lines of {@link #BASE} (a
 * valid description whose line numbers the expected locations refer to) or gives its own text; columns count from
 * 1, as in editors.
 */
final class MalformedHardwareTest {

    /** A valid description; line numbers are fixed (the comment gives each key's line). */
    private static final String BASE = String.join("\n",
            "schema: npusim.hw/v1", //              1
            "description: A test system", //        2
            "npu:", //                              3
            "  variant: ethos-u55-128", //          4
            "  clock: 500 MHz", //                  5
            "cpu:", //                              6
            "  core: cortex-m55", //                7
            "  clock: 500 MHz", //                  8
            "memories:", //                         9
            "  sram:", //                           10
            "    kind: sram", //                    11
            "    size: 2 MiB", //                   12
            "    clock_scale: 1.0", //              13
            "    data_width: axi", //               14
            "    burst_length: 32 B", //            15
            "    read_latency: 32 cycles", //       16
            "    write_latency: 32 cycles", //      17
            "  flash:", //                          18
            "    kind: flash", //                   19
            "    size: 16 MiB", //                  20
            "    clock_scale: 0.125", //            21
            "    data_width: axi", //               22
            "    burst_length: 128 B", //           23
            "    read_latency: 64 cycles", //       24
            "    write_latency: 64 cycles", //      25
            "ports:", //                            26
            "  axi0: sram", //                      27
            "  axi1: flash", //                     28
            "  cpu:", //                            29
            "    sram: 0", //                       30
            "    flash: 0", //                      31
            "placement: shared-sram") + "\n"; //    32

    private static final String MEMORY_KEYS = "burst_length, clock, clock_scale, data_width, kind, read_energy,"
            + " read_latency, size, static_power, write_energy, write_latency";
    private static final String TOP_KEYS = "cpu, description, energy, extends, memories, name, npu, placement, ports,"
            + " schema, simulation";
    private static final String FREQUENCY = "expected a frequency in Hz, kHz, MHz or GHz, such as '500 MHz'";
    private static final String SIZE = "expected a size in B, kB, MB, GB, KiB, MiB or GiB, such as '2 MiB'";
    private static final String VARIANTS = "ethos-u55-32, ethos-u55-64, ethos-u55-128, ethos-u55-256, ethos-u65-256,"
            + " ethos-u65-512";

    /** One case: a name, the text, the overrides, and the messages expected in order. */
    private record Case(String name, String text, List<String> overrides, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Replaces lines of BASE (1-based; the new text may hold several lines), numbered as in BASE. */
    private static String edit(Object... lineAndText) {
        List<String> lines = new ArrayList<>(Arrays.asList(BASE.split("\n", -1)));
        Map<Integer, String> edits = new TreeMap<>((a, b) -> b - a);
        for (int i = 0; i < lineAndText.length; i += 2) {
            edits.put((Integer) lineAndText[i], (String) lineAndText[i + 1]);
        }
        edits.forEach((line, text) -> lines.set(line - 1, text));
        return String.join("\n", lines);
    }

    private static String append(String text) {
        return BASE + text + "\n";
    }

    private static Case c(String name, String text, String... expected) {
        return new Case(name, text, List.of(), List.of(expected));
    }

    private static Case withSet(String name, List<String> set, String... expected) {
        return new Case(name, BASE, set, List.of(expected));
    }

    static Stream<Case> cases() {
        return Stream.of(
                c("unknown key in a memory", edit(15, "    brust: 32 B"),
                        "bad.yaml:11:5: memories.sram: missing required key 'burst_length'",
                        "bad.yaml:15:5: memories.sram: unknown key 'brust' (valid: " + MEMORY_KEYS + ")"),
                c("unknown top-level key", append("colour: blue"),
                        "bad.yaml:33:1: unknown key 'colour' (valid: " + TOP_KEYS + ")"),
                c("no schema", edit(1, "# no schema"),
                        "bad.yaml:2:1: missing required key 'schema' (every file starts with 'schema: npusim.hw/v1')"),
                c("another schema version", edit(1, "schema: npusim.hw/v2"),
                        "bad.yaml:1:9: schema: unsupported schema 'npusim.hw/v2'; expected npusim.hw/v1"),
                c("no description", edit(2, "# no description"),
                        "bad.yaml:1:1: missing required key 'description'"),
                c("description of two lines", edit(2, "description: |\n  line one\n  line two"),
                        "bad.yaml:2:14: description: expected one non-empty line of text"),
                c("unknown NPU variant", edit(4, "  variant: ethos-u55-100"),
                        "bad.yaml:4:12: npu.variant: unknown NPU variant 'ethos-u55-100' (valid: " + VARIANTS + ")"),
                c("frequency unit in the wrong case", edit(5, "  clock: 500 mhz"),
                        "bad.yaml:5:10: npu.clock: '500 mhz' has an unknown unit 'mhz' (did you mean MHz?); " + FREQUENCY),
                c("frequency without a unit", edit(5, "  clock: 500"),
                        "bad.yaml:5:10: npu.clock: '500' has no unit; " + FREQUENCY),
                c("zero CPU clock", edit(8, "  clock: 0 MHz"),
                        "bad.yaml:8:10: cpu.clock: must be positive, got '0 MHz'"),
                c("negative CPU clock", edit(8, "  clock: -400 MHz"),
                        "bad.yaml:8:10: cpu.clock: '-400 MHz' is negative; " + FREQUENCY),
                c("unknown CPU core", edit(7, "  core: cortex-m3"),
                        "bad.yaml:7:9: cpu.core: unknown CPU core 'cortex-m3' (valid: cortex-m0plus, cortex-m4,"
                                + " cortex-m7, cortex-m33, cortex-m55, cortex-m85)"),
                c("unknown kernel library", edit(8, "  clock: 500 MHz\n  kernels: cmsis"),
                        "bad.yaml:9:12: cpu.kernels: unknown kernel library 'cmsis' (valid: cmsis-nn, reference)"),
                c("npu is not a map", edit(3, "npu: ethos-u55-128", 4, "# 4", 5, "# 5"),
                        "bad.yaml:3:6: npu: expected a map of keys, got 'ethos-u55-128'"),
                c("unknown memory kind", edit(11, "    kind: ram"),
                        "bad.yaml:11:11: memories.sram.kind: unknown memory kind 'ram' (valid: sram, tcm, flash, mram,"
                                + " dram)"),
                c("zero size", edit(12, "    size: 0 B"),
                        "bad.yaml:12:11: memories.sram.size: must be positive, got '0 B'"),
                c("fraction of a byte", edit(12, "    size: 1.5 B"),
                        "bad.yaml:12:11: memories.sram.size: '1.5 B' is not a whole number of bytes"),
                c("ambiguous KB", edit(12, "    size: 512 KB"),
                        "bad.yaml:12:11: memories.sram.size: '512 KB' has an unknown unit 'KB' (ambiguous: write kB for"
                                + " 1000 bytes or KiB for 1024); " + SIZE),
                c("a bandwidth where a size belongs", edit(12, "    size: 2 MB/s"),
                        "bad.yaml:12:11: memories.sram.size: '2 MB/s' has an unknown unit 'MB/s'; " + SIZE),
                c("clock and clock_scale", edit(13, "    clock_scale: 1.0\n    clock: 500 MHz"),
                        "bad.yaml:13:18: memories.sram.clock_scale: give either clock or clock_scale, not both"),
                c("neither clock nor clock_scale", edit(13, "    # no clock"),
                        "bad.yaml:11:5: memories.sram: missing required key 'clock' (or 'clock_scale', a fraction of"
                                + " the NPU clock)"),
                c("clock_scale above 1", edit(13, "    clock_scale: 1.5"),
                        "bad.yaml:13:18: memories.sram.clock_scale: must be in (0, 1] (a fraction of the NPU clock, as"
                                + " Vela's <mem>_clock_scale), got 1.5"),
                c("clock_scale not a number", edit(21, "    clock_scale: fast"),
                        "bad.yaml:21:18: memories.flash.clock_scale: expected a number in (0, 1] such as 0.125, got"
                                + " 'fast'"),
                c("zero data width", edit(14, "    data_width: 0 B"),
                        "bad.yaml:14:17: memories.sram.data_width: must be positive, got '0 B'"),
                c("latency in an unknown unit", edit(17, "    write_latency: 32 cyc"),
                        "bad.yaml:17:20: memories.sram.write_latency: '32 cyc' is not a latency; expected cycles of the"
                                + " NPU clock such as '32 cycles', or a time in ps, ns, us, ms or s such as '64 ns'"),
                c("negative latency", edit(16, "    read_latency: -5 ns"),
                        "bad.yaml:16:19: memories.sram.read_latency: '-5 ns' is negative; expected a time in ps, ns, us,"
                                + " µs, ms or s, such as '64 ns'"),
                c("energy without per byte", edit(17, "    write_latency: 32 cycles\n    read_energy: 1 pJ"),
                        "bad.yaml:18:18: memories.sram.read_energy: '1 pJ' has an unknown unit 'pJ'; expected an energy"
                                + " per byte in fJ/B, pJ/B, nJ/B, pJ/bit or nJ/bit, such as '1.25 pJ/B'"),
                c("duplicate memory name", edit(18, "  sram:"),
                        "bad.yaml:18:3: memories: duplicate key 'sram' (first at line 10)",
                        "bad.yaml:28:9: ports.axi1: unknown memory 'flash' (defined: sram)",
                        "bad.yaml:31:5: ports.cpu: unknown memory 'flash' (defined: sram)"),
                c("memory name with capitals", edit(10, "  SRAM:"),
                        "bad.yaml:10:3: memories: memory name 'SRAM' must start with a lower-case letter and contain"
                                + " only a-z, 0-9, '_' and '-'",
                        "bad.yaml:27:9: ports.axi0: unknown memory 'sram' (defined: SRAM, flash)",
                        "bad.yaml:30:5: ports.cpu: unknown memory 'sram' (defined: SRAM, flash)"),
                c("memory that is not a map", edit(25, "    write_latency: 64 cycles\n  tcm: 64 KiB"),
                        "bad.yaml:26:8: memories.tcm: expected a map of keys, got '64 KiB'"),
                c("port naming an undefined memory", edit(28, "  axi1: flsh"),
                        "bad.yaml:28:9: ports.axi1: unknown memory 'flsh' (defined: flash, sram)"),
                c("CPU reaching an undefined memory", edit(31, "    ddr: 0"),
                        "bad.yaml:31:5: ports.cpu: unknown memory 'ddr' (defined: flash, sram)"),
                c("wait states not a number", edit(31, "    flash: two"),
                        "bad.yaml:31:12: ports.cpu.flash: expected the wait states of a CPU access, a whole number such"
                                + " as 0 or 5, got 'two'"),
                c("unknown memory mode", edit(32, "placement: shared"),
                        "bad.yaml:32:12: placement.mode: unknown memory mode 'shared' (valid: sram-only, shared-sram,"
                                + " dedicated-sram, custom)"),
                c("dedicated-sram with flash on axi1", edit(32, "placement: dedicated-sram"),
                        "bad.yaml:32:12: placement.mode: mode dedicated-sram puts the arena on axi1, memory 'flash' of"
                                + " kind flash, which is not writable at run time; the arena needs sram, tcm or dram"
                                + " (Vela rejects this combination too)"),
                c("cache larger than its memory", edit(32, "placement: {mode: shared-sram, cache_size: 4 MiB}"),
                        "bad.yaml:32:44: placement.cache_size: 4 MiB does not fit in memory 'sram' (2 MiB)"),
                c("custom placement without an arena", edit(32, "placement: {mode: custom, weights: flash, cache: sram}"),
                        "bad.yaml:32:12: placement: missing required key 'arena' (mode custom names every role)"),
                c("preset contradicted by a role", edit(32, "placement: {mode: shared-sram, weights: sram}"),
                        "bad.yaml:32:41: placement.weights: mode shared-sram puts the weights on axi1 ('flash'); use"
                                + " mode: custom to place them elsewhere"),
                c("custom arena in flash",
                        edit(32, "placement: {mode: custom, weights: flash, arena: flash, cache: sram}"),
                        "bad.yaml:32:50: placement.arena: memory 'flash' of kind flash is not writable at run time; the"
                                + " arena needs sram, tcm or dram"),
                c("weights where the CPU cannot reach", edit(31, "    # flash not reachable"),
                        "bad.yaml:32:12: placement: memory 'flash' holds the weights, but the CPU does not reach it; add"
                                + " it to ports.cpu (CPU-fallback operators and the application use it)"),
                c("boolean written yes", append("simulation: {overlap: yes}"),
                        "bad.yaml:33:23: simulation.overlap: expected true or false, got 'yes'"),
                c("unknown technology profile", append("energy: {profile: h22}"),
                        "bad.yaml:33:19: energy.profile: unknown technology profile 'h22' (valid: h45, cacti28)"),
                c("zero supply voltage", append("energy: {cpu_voltage: 0 V}"),
                        "bad.yaml:33:23: energy.cpu_voltage: must be positive, got '0 V'"),
                // A value near the double's range made every energy infinite and the JSON writer fail (exit 1).
                c("energy per MAC beyond any part", append("energy: {npu_mac_energy: 1e308 pJ}"),
                        "bad.yaml:33:26: energy.npu_mac_energy: must be at most 1 uJ, got '1e308 pJ'"),
                c("NPU keys without an NPU", edit(3, "# 3", 4, "# 4", 5, "# 5"),
                        "bad.yaml:13:18: memories.sram.clock_scale: clock_scale is a fraction of the NPU clock and needs"
                                + " an npu section; give clock instead",
                        "bad.yaml:14:17: memories.sram.data_width: 'axi' is the width of the NPU's AXI ports and needs"
                                + " an npu section; give a size such as '8 B'",
                        "bad.yaml:21:18: memories.flash.clock_scale: clock_scale is a fraction of the NPU clock and"
                                + " needs an npu section; give clock instead",
                        "bad.yaml:22:17: memories.flash.data_width: 'axi' is the width of the NPU's AXI ports and needs"
                                + " an npu section; give a size such as '8 B'",
                        "bad.yaml:27:9: ports.axi0: an NPU port needs an npu section; remove axi0 or describe the NPU",
                        "bad.yaml:28:9: ports.axi1: an NPU port needs an npu section; remove axi1 or describe the NPU",
                        "bad.yaml:32:12: placement.mode: mode shared-sram places data by NPU AXI port and needs an npu"
                                + " section; use mode: custom with weights, arena and cache"),
                c("missing parent", edit(1, "schema: npusim.hw/v1\nextends: nope.yaml"),
                        "bad.yaml:2:10: extends: no such file 'nope.yaml' (looked for nope.yaml)"),
                c("YAML syntax error", edit(5, "  clock: [500 MHz"),
                        "bad.yaml:6:4: invalid YAML: while parsing a flow sequence; expected ',' or ']', but got :"),
                // Jackson hands an alias over as its name: the CPU clock would read as 'c'.
                c("YAML alias", edit(5, "  clock: &c 500 MHz", 8, "  clock: *c"),
                        "bad.yaml:8:10: YAML aliases (*c) are not supported; write the value out"),
                c("YAML tag", edit(8, "  clock: !!str 500 MHz"),
                        "bad.yaml:8:10: YAML tags (!!str) are not supported; write the plain value"),
                c("YAML tag on a key", edit(8, "  !!str clock: 500 MHz"),
                        "bad.yaml:8:3: YAML tags (!!str) are not supported; write the plain value"),
                c("local YAML tag", edit(8, "  clock: !mine 500 MHz"),
                        "bad.yaml:8:10: YAML tags (!mine) are not supported; write the plain value"),
                // The parser's message names its event classes; the message says it in words.
                c("mapping where a key belongs", "{{{:::\n",
                        "bad.yaml:1:3: invalid YAML: expected a key, found the start of a mapping"),
                // The map is level 0 and x's list level 1 at column 4: level 33, one past the limit, at column 36.
                c("nested too deep", "schema: npusim.hw/v1\nx: " + "[".repeat(2000) + "]".repeat(2000) + "\n",
                        "bad.yaml:2:36: the document is nested deeper than 32 levels"),
                // Cycles take an exponent as frequencies and times do; a count too large was an internal error.
                c("latency too large", edit(16, "    read_latency: 1e40 cycles"),
                        "bad.yaml:16:19: memories.sram.read_latency: '1e40 cycles' is too large: more picoseconds than a"
                                + " 64-bit count holds at the NPU clock"),
                // The message repeats the argument's first 80 characters: "npu.clock=" and 70 brackets.
                withSet("--set with a long value", List.of("npu.clock=" + "[".repeat(500) + "]".repeat(500)),
                        "--set npu.clock=" + "[".repeat(70) + "...: the document is nested deeper than 32 levels"),
                c("two documents", append("---\nschema: npusim.hw/v1"),
                        "bad.yaml:34:1: more than one YAML document ('---'); a description is one document"),
                c("empty file", "",
                        "bad.yaml: empty description; expected keys, starting with 'schema: npusim.hw/v1'"),
                c("a list at the top", "- schema\n- npu\n",
                        "bad.yaml:1:1: expected a map of keys at the top level, got a list"),
                c("layer weights in an unknown memory",
                        edit(32, "placement:\n  mode: shared-sram\n  layer_weights:\n    rom: 3-5"),
                        "bad.yaml:35:5: placement.layer_weights.rom: unknown memory 'rom' (defined: flash, sram)"),
                c("layer weights not a list of layers",
                        edit(32, "placement:\n  mode: shared-sram\n  layer_weights:\n    sram: 3-x"),
                        "bad.yaml:35:11: placement.layer_weights.sram: expected layer indices such as 3-7,12, got '3-x'"),
                c("layer weights range going down",
                        edit(32, "placement:\n  mode: shared-sram\n  layer_weights:\n    sram: 7-3"),
                        "bad.yaml:35:11: placement.layer_weights.sram: expected layer indices such as 3-7,12, got '7-3'"
                                + " (ranges go up from 0)"),
                c("layer weights not a map", edit(32, "placement:\n  mode: shared-sram\n  layer_weights: 3"),
                        "bad.yaml:34:18: placement.layer_weights: expected a map of keys, got '3'"),
                withSet("--set one layer's weights in two memories",
                        List.of("placement.layer_weights.sram=2-4", "placement.layer_weights.flash=4"),
                        "--set placement.layer_weights.flash=4: placement.layer_weights.flash: layer 4 is also given to"
                                + " memory 'sram'; a layer's weights live in one memory"),
                withSet("--set with an unknown key", List.of("npu.clok=3"),
                        "--set npu.clok=3: npu: unknown key 'clok' (valid: clock, variant)"),
                withSet("--set without a value", List.of("npu.clock"),
                        "--set npu.clock: expected key.path=value, such as npu.clock=400 MHz"),
                withSet("--set below a value", List.of("npu.clock.hz=1"),
                        "--set npu.clock.hz=1: npu.clock: is '500 MHz', not a map, so 'npu.clock.hz' cannot be set"),
                withSet("--set a clock the timeline cannot resolve", List.of("npu.clock=1000000 GHz"),
                        "--set npu.clock=1000000 GHz: npu.clock: '1000000 GHz' is faster than 10 GHz, the fastest clock"
                                + " the picosecond timeline resolves to 1%"),
                withSet("--set with a bad value", List.of("memories.flash.size=lots"),
                        "--set memories.flash.size=lots: memories.flash.size: 'lots' is not a number with a unit; "
                                + SIZE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void load_malformed_everyErrorReportedExactly(Case c) {
        HardwareConfigException e = catchThrowableOfType(HardwareConfigException.class,
                () -> HardwareLoader.load(c.text(), "bad.yaml", Path.of(""), Overrides.of(c.overrides().toArray(String[]::new))));
        assertThat(e).as(c.name() + ": expected an error").isNotNull();
        System.out.println(c.name() + ":\n  " + String.join("\n  ", e.messages()));
        assertThat(e.messages()).as(c.name()).containsExactlyElementsOf(c.expected());
        assertThat(e.getMessage()).isEqualTo(c.expected().get(0));
        assertThat(e.messages()).allSatisfy(m -> assertThat(m).doesNotContain("\n"));
    }

    @Test
    void cases_atLeastThirty_andTheBaseIsValid() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(30);
        assertThat(HardwareLoader.load(BASE, "bad.yaml", Path.of(""), Overrides.NONE).name()).isEqualTo("bad");
    }

    @Test
    void shortcuts_badValues_reportedWithTheirOption() {
        HardwareConfigException e = catchThrowableOfType(HardwareConfigException.class, () -> HardwareLoader.load(BASE,
                "bad.yaml", Path.of(""), new Overrides(List.of(), Optional.of("foo"), Optional.of("custom"))));
        // Errors in applying the overrides are found before validation, and neither has a position: found order.
        assertThat(e.messages()).containsExactly(
                "--memory-mode custom: unknown memory mode 'custom' (valid: sram-only, shared-sram, dedicated-sram;"
                        + " give a custom placement in the file or with --set placement...)",
                "--npu foo: npu.variant: unknown NPU variant 'foo' (valid: " + VARIANTS + ")");
    }
}
