// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.hw.yaml.Overrides;

final class SweepPointTest {

    @Test
    void parse_keyAndValues_trimmedInOrder() {
        Axis a = Axis.parse("npu.clock= 200 MHz, 400 MHz");
        assertThat(a.key()).isEqualTo("npu.clock");
        assertThat(a.values()).containsExactly("200 MHz", "400 MHz");
    }

    @Test
    void parse_malformed_oneLineErrorsNamingTheArgument() {
        assertThatThrownBy(() -> Axis.parse("npu.clock")).isInstanceOf(InputException.class)
                .hasMessage("--vary npu.clock: expected KEY=VALUE1,VALUE2,... such as npu.clock=200MHz,400MHz");
        assertThatThrownBy(() -> Axis.parse("npu..clock=1")).isInstanceOf(InputException.class).hasMessageContaining("not a key path");
        assertThatThrownBy(() -> Axis.parse("npu.clock=1MHz,,2MHz")).isInstanceOf(InputException.class).hasMessageContaining("empty value");
        assertThatThrownBy(() -> Axis.parse("npu.clock=1MHz,1MHz")).isInstanceOf(InputException.class).hasMessageContaining("given twice");
        // Semicolons separate values that hold commas; a trailing one marks a single such value.
        assertThat(Axis.parse("placement.layer_weights.sram=0-3,8;0-30").values()).containsExactly("0-3,8", "0-30");
        assertThat(Axis.parse("placement.layer_weights.sram=0-3,8;").values()).containsExactly("0-3,8");
        // The shortcuts' values come from fixed lists: a typo fails the sweep up front, not as a failed point.
        assertThatThrownBy(() -> Axis.parse("npu.variant=ethos-u55-128,bogus")).isInstanceOf(InputException.class)
                .hasMessageStartingWith("--vary npu.variant=ethos-u55-128,bogus: unknown NPU variant 'bogus'");
        assertThatThrownBy(() -> Axis.parse("placement=sram-only,shared")).isInstanceOf(InputException.class)
                .hasMessageStartingWith("--vary placement=sram-only,shared: unknown memory mode 'shared'");
        // "custom" names a description's own placement, not a mode --memory-mode can set.
        assertThatThrownBy(() -> Axis.parse("placement=custom")).isInstanceOf(InputException.class)
                .hasMessage("--vary placement=custom: unknown memory mode 'custom'; expected one of sram-only, shared-sram,"
                        + " dedicated-sram");
        assertThat(Axis.parse("npu.variant=ethos-u55-64,ethos-u65-512").values()).hasSize(2);
    }

    @Test
    void product_threeAxes_odometerOrderLastFastest() {
        List<SweepPoint> points = SweepPoint.product(List.of(Axis.parse("a=1,2"), Axis.parse("b=x,y,z"), Axis.parse("c=p")),
                Overrides.NONE);
        // 2 x 3 x 1 points.
        assertThat(points).hasSize(6);
        assertThat(points).extracting(SweepPoint::values).containsExactly(List.of("1", "x", "p"), List.of("1", "y", "p"),
                List.of("1", "z", "p"), List.of("2", "x", "p"), List.of("2", "y", "p"), List.of("2", "z", "p"));
        assertThat(points).extracting(SweepPoint::index).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void product_shortcuts_variantAndPlacementWinOverTheBase() {
        Overrides base = new Overrides(List.of("npu.clock=100 MHz"), Optional.of("ethos-u55-32"), Optional.of("shared-sram"));
        SweepPoint p = SweepPoint.product(List.of(Axis.parse("npu.variant=ethos-u55-256"), Axis.parse("placement=sram-only"),
                Axis.parse("npu.clock=400 MHz")), base).get(0);
        assertThat(p.overrides().npu()).contains("ethos-u55-256");
        assertThat(p.overrides().memoryMode()).contains("sram-only");
        // The point's --set comes after the base's, so it wins.
        assertThat(p.overrides().set()).containsExactly("npu.clock=100 MHz", "npu.clock=400 MHz");
    }

    @Test
    void product_keyVariedTwice_rejected() {
        assertThatThrownBy(() -> SweepPoint.product(List.of(Axis.parse("a=1"), Axis.parse("a=2")), Overrides.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("varied twice");
    }
}
