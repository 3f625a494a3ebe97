// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.des.ClockDomain;
import org.npusim.graph.Model;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Planner;
import org.npusim.plan.Step;
import org.npusim.plan.WeightSizer;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.VelaReference;
import org.npusim.tflite.TfliteReader;

final class EventSimulatorDevTest {

    @Test
    void run_models_totalsAgainstVela() {
        for (String model : new String[] {"person_detect", "micro_speech_quantized", "hello_world_int8", "mobilenet_v2_quantized_1x3x224x224"}) {
            Model m = TfliteReader.read(SharedData.model(model));
            for (VelaReference.Config c : VelaReference.configs(model)) {
                var target = org.npusim.plan.NpuTargets.from(VelaConfigs.hardware(c, List.of())).orElseThrow();
                ExecutionPlan plan = new Planner(target, WeightSizer.UNCOMPRESSED).plan(m);
                ClockDomain clock = new ClockDomain("npu", target.clockHz());
                CpuCost cpu = s -> new CpuCost.Cost(0, "cpu", java.util.Map.of(), java.util.Map.of());
                long t0 = System.nanoTime();
                EventSimulator sim = new EventSimulator(plan, true, true, clock, cpu, 8.0 * target.variant().cores());
                List<StepOutcome> out = sim.run();
                long t1 = System.nanoTime();
                long end = 0;
                for (StepOutcome o : out) {
                    end = Math.max(end, o.endPs());
                }
                double npuCycles = clock.toCycles(end);
                List<VelaEstimator.Estimate> est = new VelaEstimator(plan).estimateAll();
                double compat = 0;
                for (VelaEstimator.Estimate e : est) {
                    if (e != null) {
                        compat += e.totalCycles();
                    }
                }
                double vela = c.summary().get("cycles_total").asDouble();
                System.out.printf("%-80s event %10.0f (%+6.1f%%)  compat %10.0f (%+6.1f%%)  vela %10.0f  %d events %.1f ms%n", c.tag(),
                        npuCycles, 100 * (npuCycles - vela) / vela, compat, 100 * (compat - vela) / vela, vela, sim.events(), (t1 - t0) / 1e6);
            }
        }
    }
}
