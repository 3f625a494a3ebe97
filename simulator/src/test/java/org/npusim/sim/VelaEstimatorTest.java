// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.Planner;
import org.npusim.plan.Step;
import org.npusim.plan.WeightSizer;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.VelaReference;
import org.npusim.tflite.TfliteReader;

final class VelaEstimatorTest {

    @Test
    void estimate_personDetect_perLayerAgainstVela() {
        for (String model : new String[] {"person_detect", "micro_speech_quantized", "hello_world_int8", "mobilenet_v2_quantized_1x3x224x224"}) {
            Model m = TfliteReader.read(SharedData.model(model));
            for (VelaReference.Config c : VelaReference.configs(model)) {
                ExecutionPlan plan = new Planner(VelaTargets.of(c.accelerator(), c.systemConfig(), c.memoryMode()), WeightSizer.UNCOMPRESSED).plan(m);
                List<VelaEstimator.Estimate> est = new VelaEstimator(plan).estimateAll();
                Map<String, Double> vela = c.cyclesByOperator();
                int within = 0;
                int total = 0;
                StringBuilder worst = new StringBuilder();
                for (int i = 0; i < plan.steps().size(); i++) {
                    if (!(plan.steps().get(i) instanceof Step.Npu s)) {
                        continue;
                    }
                    Double v = vela.get(s.op().name());
                    if (v == null || v == 0) {
                        continue;
                    }
                    total++;
                    double ours = est.get(i).totalCycles();
                    double err = 100 * (ours - v) / v;
                    if (Math.abs(err) <= 2) {
                        within++;
                    } else if (worst.length() < 600) {
                        worst.append(String.format(" %s %.0f/%.0f(%+.0f%% %s)", s.op().name().substring(Math.max(0, s.op().name().length() - 22)), ours, v, err, est.get(i).bottleneck()));
                    }
                }
                System.out.printf("%-80s %d/%d within 2%%%s%n", c.tag(), within, total, worst);
            }
        }
    }
}
