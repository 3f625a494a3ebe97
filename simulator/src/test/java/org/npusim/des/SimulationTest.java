// SPDX-License-Identifier: Apache-2.0
package org.npusim.des;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

final class SimulationTest {

    @Test
    void run_eventsAtSameTime_runByPriorityThenInsertionOrder() {
        Simulation sim = new Simulation();
        List<String> order = new ArrayList<>();
        sim.at(10, 1, (s, a) -> order.add("p1-first"), 0);
        sim.at(10, 0, (s, a) -> order.add("p0"), 0);
        sim.at(10, 1, (s, a) -> order.add("p1-second"), 0);
        sim.at(5, 9, (s, a) -> order.add("t5"), 0);
        sim.run();
        assertThat(order).containsExactly("t5", "p0", "p1-first", "p1-second");
        assertThat(sim.now()).isEqualTo(10);
    }

    @Test
    void at_pastTime_isRejected() {
        Simulation sim = new Simulation();
        sim.at(100, (s, a) -> s.at(50, (s2, b) -> { }, 0), 0);
        assertThatThrownBy(sim::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("in the past");
    }

    /** Whatever the insertion order, events come out sorted by (time, priority, sequence) and time never decreases. */
    @Property(tries = 200)
    void run_randomEvents_timeNeverDecreasesAndOrderIsTotal(
            @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 50) Integer> times,
            @ForAll @IntRange(min = 0, max = 3) int priorityMod) {
        Simulation sim = new Simulation();
        long[] last = {-1, -1, -1};
        for (int i = 0; i < times.size(); i++) {
            int prio = priorityMod == 0 ? 0 : i % (priorityMod + 1);
            final int index = i;
            sim.at(times.get(i), prio, (s, a) -> {
                long t = s.now();
                assertThat(t).isGreaterThanOrEqualTo(last[0]);
                if (t == last[0]) {
                    assertThat(prio).isGreaterThanOrEqualTo((int) last[1]);
                    if (prio == last[1]) {
                        assertThat(index).isGreaterThan((int) last[2]);
                    }
                }
                last[0] = t;
                last[1] = prio;
                last[2] = index;
            }, i);
        }
        sim.run();
        assertThat(sim.eventsRun()).isEqualTo(times.size());
    }

    @Test
    void resource_overlappingReservations_queueInArrivalOrder() {
        Resource port = new Resource("port");
        assertThat(port.reserve(0, 100)).isEqualTo(100);
        assertThat(port.reserve(50, 10)).isEqualTo(110);
        assertThat(port.reserve(200, 10)).isEqualTo(210);
        assertThat(port.waitPs()).isEqualTo(50);
        assertThat(port.busyPs()).isEqualTo(120);
    }

    @Test
    void clockDomain_nonIntegerPeriod_convertsWithoutDrift() {
        ClockDomain c = new ClockDomain("npu", 333_000_000L);
        // 1e6 / 333e6 s = 3,003,003,003.003 ps, rounded up; 9808 / 500e6 s = 19,616,000 ps exactly.
        assertThat(c.toPs(1_000_000)).isEqualTo(3_003_003_004L);
        assertThat(new ClockDomain("npu", 500_000_000L).toPs(9808)).isEqualTo(19_616_000L);
    }

    /**
     * Whole picoseconds stay whole on long runs: 36,920,047 cycles at 400 MHz are 92,300,117,500 ps exactly (2,500
     * ps a cycle), which the double arithmetic gives as ...500.00002 and a fixed 1e-6 margin rounded up to ...501.
     * Every whole cycle count up to 1e9 at 400 MHz (2,500 ps each, up to 2.5 s) converts exactly.
     */
    @Test
    void clockDomain_longRuns_convertWholeCyclesExactly() {
        ClockDomain c = new ClockDomain("npu", 400_000_000L);
        assertThat(c.toPs(36_920_047)).isEqualTo(92_300_117_500L);
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            long cycles = r.nextLong(1_000_000_000L);
            assertThat(c.toPs(cycles)).as("%d cycles", cycles).isEqualTo(cycles * 2_500);
        }
    }
}
