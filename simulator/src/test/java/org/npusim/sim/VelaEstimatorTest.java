// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.npusim.cpu.CortexMCostModel;
import org.npusim.plan.EthosUWeightSizer;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.plan.ExecutionPlan;
import org.npusim.plan.NpuTargets;
import org.npusim.plan.Planner;
import org.npusim.plan.Step;
import org.npusim.plan.WeightSizer;
import org.npusim.result.LayerResult;
import org.npusim.result.SimulationResult;
import org.npusim.result.Unit;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.VelaReference;
import org.npusim.tflite.TfliteReader;

/**
 * Acceptance of the Vela-compatible mode (issue 4): on every configuration Vela 3.10 compiled in
 * ../shared/reference/vela, {@code npusim simulate} with {@code simulation.overlap=false} and
 * {@code simulation.contention=false}, on the shipped hwconfigs/vela descriptions, is compared with Vela's
 * per-layer {@code op_cycles} (a graph operator's rows summed) and with its {@code cycles_total}. It prints, per
 * configuration, the layers within 2% and the total error, and per model and overall the share of layers within
 * 2%; it fails when a model falls below what the simulator reached, so that regressions show.
 *
 * <p>Vela's rows are attributed to graph operators through the plan: each NPU operation takes the first unused
 * row of its name (Vela names the vector product a 1×1 convolution becomes {@code <name>_fc}), or, where Vela
 * wrote no names, the next unused row. The issue's targets are 95% of layers within 2% and every total within 1%;
 * the run's encoded weights are also compared with Vela's {@code total_npu_encoded_weights} (within 1%, the weight
 * compression issue's target), LSTM models included.
 * The weight streams are sized by the Ethos-U weight encoder ({@link EthosUWeightSizer}), byte-exact with Vela's;
 * with them every model meets the issue's targets in every configuration.
 */
final class VelaEstimatorTest {

    /** The weight sizing the simulator uses: the Ethos-U encoder. */
    private static final WeightSizer SIZER = new EthosUWeightSizer();

    private static final String[] MODELS = {
        "dtln_noise_suppression", "hello_world_int8", "keyword_scrambled", "micro_speech_lstm", "micro_speech_quantized",
        "mobilenet_v2_quantized_1x3x224x224", "person_detect", "trained_lstm_int8"
    };

    /** The share of layers within 2% over all configurations, and per model (the issue's target). */
    private static final double OVERALL_SHARE = 0.95;

    /** The issue's targets: the share of NPU layers within 2% of Vela, and the largest total error in percent. */
    private static final double ISSUE_SHARE = 0.95;
    private static final double ISSUE_TOTAL_PCT = 1.0;

    /**
     * The weight-compression issue's target for the run's encoded weights against Vela's
     * {@code total_npu_encoded_weights}, in percent. The run counts every stream once however many steps read it
     * (an unrolled LSTM's gates), as Vela does; MobileNet v2 on the U55 High-End Embedded systems is 0.64% short
     * because Vela also counts the all-ones weights of the depthwise convolution it runs MEAN as.
     */
    private static final double ISSUE_WEIGHTS_PCT = 1.0;

    /** One configuration's comparison. */
    private record Outcome(String tag, int layers, int within, double totalErrorPct, String worst, long encodedBytes,
            long velaEncodedBytes) {}

    @Test
    void estimate_everyVelaReferenceConfig_layersAndTotalsWithinThresholds() {
        SharedData.require();
        int allLayers = 0;
        int allWithin = 0;
        int sramOnlyLayers = 0;
        int sramOnlyWithin = 0;
        double sramOnlyWorst = 0;
        Map<String, String> failures = new LinkedHashMap<>();
        for (String name : MODELS) {
            Path file = SharedData.model(name);
            Model model = TfliteReader.read(file);
            int layers = 0;
            int within = 0;
            double worstTotal = 0;
            for (VelaReference.Config c : VelaReference.configs(name)) {
                Outcome o = compare(model, file, c);
                System.out.printf("%-90s %3d/%-3d layers within 2%%  total %+7.2f%%  weights %d/%d B%s%n", o.tag(),
                        o.within(), o.layers(), o.totalErrorPct(), o.encodedBytes(), o.velaEncodedBytes(), o.worst());
                layers += o.layers();
                within += o.within();
                if (c.memoryMode().equals("Sram_Only")) {
                    sramOnlyLayers += o.layers();
                    sramOnlyWithin += o.within();
                    sramOnlyWorst = Math.max(sramOnlyWorst, Math.abs(o.totalErrorPct()));
                }
                worstTotal = Math.max(worstTotal, Math.abs(o.totalErrorPct()));
                double weightsErrorPct = 100.0 * (o.encodedBytes() - o.velaEncodedBytes()) / o.velaEncodedBytes();
                if (Math.abs(weightsErrorPct) > ISSUE_WEIGHTS_PCT) {
                    failures.put(o.tag(), String.format("encoded weights %d B, Vela %d B (%+.2f%%, target %.0f%%)",
                            o.encodedBytes(), o.velaEncodedBytes(), weightsErrorPct, ISSUE_WEIGHTS_PCT));
                }
            }
            double share = layers == 0 ? 1 : (double) within / layers;
            System.out.printf("%-40s %4d/%-4d layers within 2%% (%5.1f%%), largest total error %.2f%%%n", name, within, layers,
                    100 * share, worstTotal);
            allLayers += layers;
            allWithin += within;
            if (share < ISSUE_SHARE || worstTotal > ISSUE_TOTAL_PCT) {
                failures.put(name, String.format("%.3f of layers within 2%% (target %.2f), largest total error %.2f%% (target %.1f%%)",
                        share, ISSUE_SHARE, worstTotal, ISSUE_TOTAL_PCT));
            }
        }
        double overall = (double) allWithin / allLayers;
        System.out.printf("all models: %d/%d layers within 2%% (%.1f%%)%n", allWithin, allLayers, 100 * overall);
        double sramOnlyShare = (double) sramOnlyWithin / sramOnlyLayers;
        System.out.printf("sram-only configurations (weights read in place from SRAM): %d/%d layers within 2%% (%.1f%%), "
                + "largest total error %.2f%%%n", sramOnlyWithin, sramOnlyLayers, 100 * sramOnlyShare, sramOnlyWorst);
        assertThat(failures).as("models below the issue's targets").isEmpty();
        assertThat(overall).as("share of all layers within 2%").isGreaterThanOrEqualTo(OVERALL_SHARE);
        assertThat(sramOnlyShare).as("sram-only: share of layers within 2%").isGreaterThanOrEqualTo(ISSUE_SHARE);
        assertThat(sramOnlyWorst).as("sram-only: largest total error (%)").isLessThanOrEqualTo(ISSUE_TOTAL_PCT);
    }

    /** Simulates {@code model} on configuration {@code c} in Vela-compatible mode and compares layer by layer. */
    private static Outcome compare(Model model, Path file, VelaReference.Config c) {
        HardwareConfig hw = VelaConfigs.hardware(c, VelaConfigs.VELA_COMPATIBLE);
        SimulationResult result = new Simulator(CortexMCostModel::of, SIZER).simulate(model, file.toString(), hw);
        ExecutionPlan plan = new Planner(NpuTargets.from(hw).orElseThrow(), SIZER).plan(model);
        Map<Integer, Double> vela = velaCyclesByOperator(plan, c);
        int layers = 0;
        int within = 0;
        double ours = 0;
        StringBuilder worst = new StringBuilder();
        for (LayerResult l : result.layers()) {
            if (l.unit() != Unit.NPU) {
                continue;
            }
            ours += l.cycles();
            Double rows = vela.get(l.index());
            if (rows == null && l.cycles() == 0) {
                // Lowered to nothing (a fused PAD or LUT, a removed reshape), as in Vela: no row, no layer.
                continue;
            }
            double v = rows == null ? 0 : rows;
            layers++;
            if (Math.abs(l.cycles() - v) <= 0.02 * v || (v == 0 && l.cycles() == 0)) {
                within++;
            } else if (worst.length() < 240) {
                worst.append(String.format("  %s %d/%.0f", tail(l.name()), l.cycles(), v));
            }
        }
        double total = c.summary().get("cycles_total").asDouble();
        return new Outcome(c.tag(), layers, within, 100 * (ours - total) / total, worst.toString(),
                result.layers().stream().filter(l -> l.unit() == Unit.NPU).mapToLong(l -> l.weights().encodedBytes()).sum(),
                c.summary().get("total_npu_encoded_weights").asLong());
    }

    /**
     * Attributes Vela's rows to graph operators: each NPU operation of the plan, in order, takes the first unused
     * row with its name (or its name with Vela's {@code _fc} suffix), else, for unnamed rows, the next unused one.
     */
    private static Map<Integer, Double> velaCyclesByOperator(ExecutionPlan plan, VelaReference.Config c) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode r : c.layers()) {
            if (!"NNG Operator".equals(r.get("vela_operator").asText())) {
                rows.add(r);
            }
        }
        boolean[] used = new boolean[rows.size()];
        Map<Integer, Double> byOperator = new LinkedHashMap<>();
        for (Step s : plan.steps()) {
            String name;
            if (s instanceof Step.Npu n) {
                name = n.op().name();
            } else if (s instanceof Step.Dma d) {
                name = d.op().name();
            } else {
                continue;
            }
            int row = -1;
            for (int i = 0; i < rows.size() && row < 0; i++) {
                String vn = rows.get(i).get("name").asText();
                if (!used[i] && (vn.equals(name) || vn.equals(name + "_fc"))) {
                    row = i;
                }
            }
            for (int i = 0; i < rows.size() && row < 0; i++) {
                if (!used[i] && rows.get(i).get("name").asText().isEmpty()) {
                    row = i;
                }
            }
            if (row >= 0) {
                used[row] = true;
                byOperator.merge(s.operator(), rows.get(row).get("op_cycles").asDouble(), Double::sum);
            }
        }
        return byOperator;
    }

    // ---- Single rows, against Vela's own numbers (/work notes on Vela's lowering, sections cited) ----

    /** Plans {@code model} on the reference configuration and returns the estimate of NPU operation {@code name}. */
    private static VelaEstimator.Estimate row(String model, String accelerator, String system, String mode, String name,
            WeightSizer sizer) {
        VelaReference.Config c = VelaReference.configs(model).stream()
                .filter(x -> x.accelerator().equals(accelerator) && x.systemConfig().equals(system)
                        && x.memoryMode().equals(mode))
                .findFirst().orElseThrow();
        HardwareConfig hw = VelaConfigs.hardware(c, VelaConfigs.VELA_COMPATIBLE);
        Model m = TfliteReader.read(SharedData.model(model));
        ExecutionPlan plan = new Planner(NpuTargets.from(hw).orElseThrow(), sizer).plan(m);
        List<VelaEstimator.Estimate> estimates = new VelaEstimator(plan).estimateAll();
        for (int i = 0; i < plan.steps().size(); i++) {
            if (plan.steps().get(i) instanceof Step.Npu n && n.op().name().equals(name)) {
                return estimates.get(i);
            }
        }
        throw new AssertionError("no operation " + name + " in " + model);
    }

    /**
     * §1.4: the softmax exponent LUT (1024 bytes) is copied from DRAM (3.75 bytes/cycle, latency 500) in
     * 1024//3.75 + 500 = 773 cycles, under the max-pool's scheduling slack of 383 cycles (estimated with its
     * tensors in DRAM): 16 + 773 - 383 = 406 NPU cycles on U65-256, dedicated SRAM.
     */
    @Test
    void estimate_softmaxLutInDedicatedSram_hiddenByScheduledSlack() {
        VelaEstimator.Estimate e = row("person_detect", "ethos-u65-256", "Ethos_U65_High_End", "Dedicated_Sram",
                "MobilenetV1/Predictions/Reshape_1_sub1", SIZER);
        assertThat(e.npuCycles()).isEqualTo(406.0);
    }

    /**
     * §1.4: a single int32 element stored NHCWB16 is read as a whole 16-element brick (64 bytes). Softmax's CLZ
     * reads one and writes one: 128 bytes at 8 bytes/cycle, 16 SRAM cycles; Sub5 reads one and writes 4 bytes
     * NHWC: 68 bytes, 8.5 cycles (U55-128, Deep_Embedded, shared SRAM).
     */
    @Test
    void estimate_singleElementBricks_readWhole() {
        VelaEstimator.Estimate clz = row("person_detect", "ethos-u55-128", "Ethos_U55_Deep_Embedded", "Shared_Sram",
                "MobilenetV1/Predictions/Reshape_1_clz4", SIZER);
        assertThat(clz.accessCycles().get("axi0:sram")).isEqualTo(16.0);
        VelaEstimator.Estimate sub = row("person_detect", "ethos-u55-128", "Ethos_U55_Deep_Embedded", "Shared_Sram",
                "MobilenetV1/Predictions/Reshape_1_sub5", SIZER);
        assertThat(sub.accessCycles().get("axi0:sram")).isEqualTo(8.5);
    }

    /**
     * §4.6 (a): the first layer has no slack before it, so its 224-byte weight stream (Vela's encoding) is fetched
     * from flash at 0.5 bytes/cycle before it starts: 224//0.5 + 64 = 512 cycles on top of its 9728 compute
     * cycles (U55-128, Deep_Embedded, shared SRAM).
     */
    @Test
    void estimate_firstLayer_noSlackWholeTransferAdded() {
        WeightSizer vela224 = (g, op, bc, v, slices) -> slices.size() == 1 && op.name().endsWith("Conv2d_0/Relu6")
                ? new org.npusim.plan.EncodedWeights(216, 144, 80, new long[] {224}, true)
                : WeightSizer.UNCOMPRESSED.size(g, op, bc, v, slices);
        VelaEstimator.Estimate e = row("person_detect", "ethos-u55-128", "Ethos_U55_Deep_Embedded", "Shared_Sram",
                "MobilenetV1/MobilenetV1/Conv2d_0/Relu6", vela224);
        assertThat(e.compute().cycles()).isEqualTo(9728);
        assertThat(e.npuCycles()).isEqualTo(10240.0);
    }

    /**
     * §4.3: mobilenet_v2's first convolution is cascaded; with the block of its stripe (1×40×32 on U55-128, 2×40×32
     * on U55-256) it costs 323,200 and 161,960 cycles (the whole-OFM block would give 307,200 and 153,986).
     */
    @Test
    void estimate_mobilenetV2FirstConvolution_costedWithStripeBlock() {
        assertThat(row("mobilenet_v2_quantized_1x3x224x224", "ethos-u55-128", "Ethos_U55_High_End_Embedded", "Sram_Only",
                "input.13_te_transform", SIZER).npuCycles()).isEqualTo(323_200.0);
        assertThat(row("mobilenet_v2_quantized_1x3x224x224", "ethos-u55-256", "Ethos_U55_High_End_Embedded", "Sram_Only",
                "input.13_te_transform", SIZER).npuCycles()).isEqualTo(161_960.0);
    }

    /**
     * §2.3: an LSTM gate product on U65-256 in dedicated SRAM reads its weights in place from DRAM, so its output
     * stage waits for the bias fetch (10 bytes × block depth × 500 cycles / 256): 652 cycles. The new cell state
     * (20 int16, NHWC) is written to DRAM in 32-byte bursts of a 128-byte burst length: 160 bytes / 3.75 = 42.67.
     */
    @Test
    void estimate_lstmInDedicatedSram_biasFetchAndStateInDram() {
        assertThat(row("trained_lstm_int8", "ethos-u65-256", "Ethos_U65_High_End", "Dedicated_Sram",
                "output_gate#0.0:tfl.pseudo_qconst_state#0_fc", SIZER).npuCycles()).isEqualTo(652.0);
        assertThat(row("trained_lstm_int8", "ethos-u65-256", "Ethos_U65_High_End", "Dedicated_Sram", "cell_state#0.1_add", SIZER)
                .accessCycles().get("axi1:dram")).isCloseTo(160 / 3.75, org.assertj.core.data.Offset.offset(1e-9));
    }

    private static String tail(String s) {
        return s.length() > 28 ? "…" + s.substring(s.length() - 27) : s;
    }
}
