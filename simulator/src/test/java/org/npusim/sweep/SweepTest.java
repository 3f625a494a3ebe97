// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.yaml.HardwareDocument;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.hw.yaml.Overrides;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

final class SweepTest {

    private static PointResult.Metrics metrics(double seconds, double joules, int macs, long sram) {
        return new PointResult.Metrics(1000, seconds, joules, sram, 0, 0, macs, 1 << 20);
    }

    private static PointResult row(int index, PointResult.Outcome o) {
        return new PointResult(index, List.of(String.valueOf(index)), o);
    }

    /** A point's stand-in metrics, a pure function of its index. */
    private static final Function<SweepPoint, PointResult> FAKE = p -> row(p.index(),
            metrics(1.0 / (1 + p.index() % 7), 1e-3 * (1 + p.index() % 5), 64 << (p.index() % 3), 1000L * (p.index() % 4)));

    private static List<SweepPoint> points(int n) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add("v" + i);
        }
        return SweepPoint.product(List.of(new Axis("k", values)), Overrides.NONE);
    }

    private static String csv(Sweep.Outcome o) throws IOException {
        StringWriter w = new StringWriter();
        SweepWriter.write(new SweepWriter.Header("m", "hw", List.of(new Axis("k", List.of("x")))), o, SweepFormat.CSV, w);
        return w.toString();
    }

    @Test
    void run_oneOrFourThreads_sameRowsInIndexOrder() throws IOException {
        Sweep.Outcome one = new Sweep(points(200), FAKE, 1).run((r, d, t) -> { });
        Sweep.Outcome four = new Sweep(points(200), FAKE, 4).run((r, d, t) -> { });
        assertThat(four.rows()).extracting(PointResult::index).isSorted().hasSize(200);
        assertThat(four.interrupted()).isFalse();
        assertThat(csv(four)).isEqualTo(csv(one));
    }

    @Test
    void run_listener_calledOncePerRowWithCounts() {
        List<Integer> done = Collections.synchronizedList(new ArrayList<>());
        new Sweep(points(50), FAKE, 3).run((r, d, t) -> {
            assertThat(t).isEqualTo(50);
            done.add(d);
        });
        assertThat(done).hasSize(50);
        assertThat(new ArrayList<>(done)).isSorted().endsWith(50);
    }

    @Test
    void cancel_afterTenRows_keepsFinishedRowsInOrderAndSaysInterrupted() {
        AtomicReference<Sweep> sweep = new AtomicReference<>();
        sweep.set(new Sweep(points(1000), FAKE, 2));
        Sweep.Outcome o = sweep.get().run((r, d, t) -> {
            if (d == 10) {
                sweep.get().cancel();
            }
        });
        assertThat(o.interrupted()).isTrue();
        assertThat(o.points()).isEqualTo(1000);
        // Ten rows had finished when it was cancelled; the other thread may finish the point it had taken.
        assertThat(o.rows().size()).isBetween(10, 11);
        assertThat(o.rows()).extracting(PointResult::index).isSorted();
    }

    @Test
    void run_evaluationThrows_rethrown() {
        Sweep s = new Sweep(points(5), p -> {
            throw new IllegalStateException("bug at " + p.index());
        }, 2);
        assertThatThrownBy(() -> s.run((r, d, t) -> { })).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("bug at");
    }

    /**
     * With several failing points on several threads, the error reported is the lowest failing point's, whichever
     * thread failed first: point 3 fails at once, point 1 only after a delay, so the first failure in time is a
     * later point's.
     */
    @Test
    void run_severalEvaluationsThrow_rethrowsTheLowestPointsError() {
        for (int round = 0; round < 20; round++) {
            Sweep s = new Sweep(points(8), p -> {
                if (p.index() == 1) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (p.index() % 2 == 1) {
                    throw new IllegalStateException("bug at " + p.index());
                }
                return FAKE.apply(p);
            }, 4);
            assertThatThrownBy(() -> s.run((r, d, t) -> { })).hasMessage("bug at 1");
        }
    }

    @Test
    void paretoFront_dominatedAndFailedPoints_notOnFront() {
        List<PointResult> rows = List.of(
                row(0, metrics(1.0, 1.0, 128, 100)),
                // Slower and costlier on the same hardware: dominated by row 0.
                row(1, metrics(2.0, 2.0, 128, 100)),
                // Faster but costlier: a trade-off, on the front.
                row(2, metrics(0.5, 3.0, 128, 100)),
                // Slower and costlier but a smaller NPU: on the front.
                row(3, metrics(3.0, 3.0, 64, 100)),
                // Equal to row 0: neither dominates the other.
                row(4, metrics(1.0, 1.0, 128, 100)),
                row(5, new PointResult.Failure("does not fit")),
                // Equal to row 0 in everything but a larger SRAM built (4 MiB against 1 MiB): dominated.
                row(6, new PointResult.Metrics(1000, 1.0, 1.0, 100, 0, 0, 128, 4 << 20)));
        BitSet front = ParetoFront.of(rows);
        assertThat(front.stream().boxed().toList()).containsExactly(0, 2, 3, 4);
    }

    /**
     * Energies that print equal are equal: the same energy summed in another order (0.012224423988 against
     * 0.012224423988887038 J, resnet8 on the M7 board at 100 and 280 MHz) must not keep the point 2.8 times slower on
     * the front.
     */
    @Test
    void paretoFront_energiesEqualAsPrinted_slowerPointDominated() {
        List<PointResult> rows = List.of(
                row(0, metrics(2.8e-3, 0.012224423988, 0, 100)),
                row(1, metrics(1.0e-3, 0.012224423988887038, 0, 100)));
        assertThat(ParetoFront.of(rows).stream().boxed().toList()).containsExactly(1);
        assertThat(((PointResult.Metrics) rows.get(0).outcome()).energyJoules())
                .isEqualTo(((PointResult.Metrics) rows.get(1).outcome()).energyJoules());
    }

    @Test
    void paretoFront_sortedWalk_sameAsEveryPairCompared() {
        // Random points on small grids, so that ties (in some or all objectives) are common, and a pass of 90,000
        // points of which most are equal: the front found from the sorted walk equals the definition's.
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 40; trial++) {
            List<PointResult> rows = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                rows.add(random.nextInt(20) == 0 ? row(i, new PointResult.Failure("x"))
                        : row(i, new PointResult.Metrics(1000, random.nextInt(6), random.nextInt(6), random.nextInt(4),
                                0, 0, 32 << random.nextInt(3), (1 + random.nextInt(3)) << 20)));
            }
            BitSet expected = new BitSet();
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).outcome() instanceof PointResult.Metrics a) {
                    boolean dominated = false;
                    for (PointResult other : rows) {
                        dominated |= other.outcome() instanceof PointResult.Metrics b && b.dominates(a);
                    }
                    expected.set(i, !dominated);
                }
            }
            assertThat(ParetoFront.of(rows)).as("trial %d", trial).isEqualTo(expected);
        }
        List<PointResult> many = new ArrayList<>();
        for (int i = 0; i < 90_000; i++) {
            many.add(row(i, metrics(1 + i % 3, 1 + (2 - i % 3), 128, 100)));
        }
        assertThat(ParetoFront.of(many).cardinality()).isEqualTo(90_000);
    }

    @Test
    void render_progress_barCountsRateAndTimeLeft() {
        // 125 of 500 points in 2.5 s: 50 points/s, 375 left take 7.5 s, shown rounded up.
        assertThat(Progress.render(125, 500, 2_500_000_000L))
                .isEqualTo("[#######.......................] 125/500  25% 50 points/s 8 s left");
        assertThat(Progress.render(0, 500, 0)).isEqualTo("[..............................] 0/500   0%");
    }

    @Test
    void evaluate_personDetectOnCorstone300_sramOnlyNeedsWeightsInSramAndReadsNoDdr() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        Path hw = SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml");
        HardwareDocument doc = HardwareLoader.parse(hw);
        PointEvaluator e = new PointEvaluator(m, "person_detect", doc);
        List<SweepPoint> points = SweepPoint.product(List.of(Axis.parse("placement=shared-sram,sram-only")), Overrides.NONE);
        PointResult.Metrics shared = (PointResult.Metrics) e.evaluate(points.get(0)).outcome();
        PointResult.Metrics sramOnly = (PointResult.Metrics) e.evaluate(points.get(1)).outcome();
        // shared-sram streams the weights from DDR; sram-only keeps them in SRAM, which then holds them too.
        assertThat(shared.dramBytes()).isPositive();
        assertThat(sramOnly.dramBytes()).isZero();
        assertThat(sramOnly.sramPeakBytes() - m.main().facts().peakActivationBytes())
                .isGreaterThanOrEqualTo(m.main().facts().parameterBytes());
        assertThat(shared.sramPeakBytes()).isGreaterThanOrEqualTo(m.main().facts().peakActivationBytes());
        // Corstone-300's on-chip memories: ITCM 512 KiB + DTCM 512 KiB + SRAM 2 MiB.
        assertThat(shared.onChipBytes()).isEqualTo(3L << 20);
        assertThat(shared.npuMacsPerCycle()).isEqualTo(128);
    }

    @Test
    void evaluate_pointsDifferingOffTheNpuTarget_shareOnePlanAndMatchUnsharedRuns() {
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));
        HardwareDocument doc = HardwareLoader.parse(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"));
        PointEvaluator shared = new PointEvaluator(m, "resnet8", doc);
        // The CPU clock is not part of the NPU target; the NPU clock is (it enters the scheduler's estimates).
        List<SweepPoint> points = SweepPoint.product(List.of(Axis.parse("cpu.clock=100MHz,200MHz,400MHz"),
                Axis.parse("npu.clock=250MHz,500MHz")), Overrides.NONE);
        for (SweepPoint p : points) {
            PointResult.Outcome fromShared = shared.evaluate(p).outcome();
            PointResult.Outcome alone = new PointEvaluator(m, "resnet8", doc).evaluate(p).outcome();
            assertThat(fromShared).isInstanceOf(PointResult.Metrics.class).isEqualTo(alone);
        }
        assertThat(shared.plansMade()).isEqualTo(2);
    }

    @Test
    void evaluate_invalidPoint_failureWithTheDescriptionsError() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        HardwareDocument doc = HardwareLoader.parse(SharedData.repositoryRoot().resolve("hwconfigs/corstone-300.yaml"));
        PointResult r = new PointEvaluator(m, "person_detect", doc)
                .evaluate(SweepPoint.product(List.of(Axis.parse("npu.clock=fast")), Overrides.NONE).get(0));
        assertThat(r.outcome()).isInstanceOf(PointResult.Failure.class);
        assertThat(((PointResult.Failure) r.outcome()).reason()).contains("npu.clock").contains("fast");
    }
}
