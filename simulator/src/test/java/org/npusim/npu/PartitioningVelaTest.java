// SPDX-License-Identifier: Apache-2.0
package org.npusim.npu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.VelaReference;
import org.npusim.tflite.TfliteReader;

/**
 * Does the NPU/CPU split agree with Vela 3.10's for every model and configuration in ../shared/reference/vela?
 *
 * <p>Vela's per-layer rows list the operators it ran on the NPU; an operator without rows ran on the CPU, unless
 * Vela removed it (RESHAPE, SQUEEZE, EXPAND_DIMS) or fused it (a PAD into the next convolution's padding, a
 * LOGISTIC/TANH LUT into its NPU producer), which counts as NPU. Rows are matched to operators by TFLite operator
 * and output name (a lowered operator's rows carry the name with a suffix: {@code _maxpool0}, {@code _mul},
 * {@code #0.0}). Operators whose rows carry no usable name (keyword_scrambled writes empty names; LSTM rows are
 * named after internal tensors) are compared by count per operator type: one row per operator, one MaxPool row per
 * SOFTMAX, one Mul row per MEAN, one {@code <tensor>#t.b} output copy name per LSTM. The test prints each model's
 * table.
 */
class PartitioningVelaTest {

    private static final Set<BuiltinOperator> REMOVED = Set.of(BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE,
            BuiltinOperator.EXPAND_DIMS);
    private static final Pattern LSTM_OUTPUT = Pattern.compile("^([^#]+)#\\d+\\.\\d+$");

    /** Vela's verdict for one configuration: per operator NPU, or counts for the operators it cannot name. */
    record VelaSplit(Map<Integer, Boolean> named, Map<String, Integer> unnamedNpuCount, Map<String, List<Integer>> unnamedOps) {}

    static VelaSplit velaSplit(Subgraph g, VelaReference.Config c) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode r : c.layers()) {
            if (!r.get("tflite_operator").asText().equals("TFLite_operator")) {
                rows.add(r);
            }
        }
        boolean[] used = new boolean[rows.size()];
        Map<Integer, Boolean> named = new TreeMap<>();
        List<Operator> unmatched = new ArrayList<>();
        for (Operator op : g.operators()) {
            String out = g.tensor(op.output(0)).name();
            boolean hit = false;
            if (!out.isEmpty()) {
                for (int i = 0; i < rows.size(); i++) {
                    String n = rows.get(i).get("name").asText();
                    if (rows.get(i).get("tflite_operator").asText().equals(op.opName())
                            && (n.equals(out) || n.startsWith(out + "_") || n.startsWith(out + "#"))) {
                        used[i] = true;
                        hit = true;
                    }
                }
            }
            if (hit) {
                named.put(op.index(), true);
            } else {
                unmatched.add(op);
            }
        }
        // Removed and fused operators have no rows but are NPU operators to Vela.
        for (Operator op : new ArrayList<>(unmatched)) {
            boolean removed = op.code().builtin().map(REMOVED::contains).orElse(false);
            boolean fusedPad = op.is(BuiltinOperator.PAD) && consumersNpu(g, op, named);
            boolean fusedLut = (op.is(BuiltinOperator.LOGISTIC) || op.is(BuiltinOperator.TANH))
                    && producerNpu(g, op, named);
            if (removed || fusedPad || fusedLut) {
                named.put(op.index(), true);
                unmatched.remove(op);
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Set<String>> lstmOutputs = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            if (used[i]) {
                continue;
            }
            String type = rows.get(i).get("tflite_operator").asText();
            String vela = rows.get(i).get("vela_operator").asText();
            String name = rows.get(i).get("name").asText();
            switch (type) {
                case "UNIDIRECTIONAL_SEQUENCE_LSTM" -> {
                    Matcher m = LSTM_OUTPUT.matcher(name);
                    if (m.matches()) {
                        lstmOutputs.computeIfAbsent(type, k -> new LinkedHashSet<>()).add(m.group(1));
                    }
                }
                case "SOFTMAX" -> counts.merge(type, vela.equals("MaxPool") ? 1 : 0, Integer::sum);
                case "MEAN" -> counts.merge(type, vela.equals("Mul") ? 1 : 0, Integer::sum);
                default -> counts.merge(type, 1, Integer::sum);
            }
        }
        lstmOutputs.forEach((k, v) -> counts.put(k, v.size()));
        Map<String, List<Integer>> unnamed = new TreeMap<>();
        for (Operator op : unmatched) {
            unnamed.computeIfAbsent(op.opName(), k -> new ArrayList<>()).add(op.index());
            counts.putIfAbsent(op.opName(), 0);
        }
        return new VelaSplit(named, counts, unnamed);
    }

    private static boolean consumersNpu(Subgraph g, Operator pad, Map<Integer, Boolean> npu) {
        boolean any = false;
        for (Operator r : g.operators()) {
            for (int t : r.inputs()) {
                if (t == pad.output(0)) {
                    any = true;
                    if (!npu.getOrDefault(r.index(), false)) {
                        return false;
                    }
                }
            }
        }
        return any;
    }

    private static boolean producerNpu(Subgraph g, Operator lut, Map<Integer, Boolean> npu) {
        for (Operator p : g.operators()) {
            for (int t : p.outputs()) {
                if (t == lut.input(0)) {
                    return npu.getOrDefault(p.index(), false);
                }
            }
        }
        return false;
    }

    @Test
    void partitioning_everyVelaReference_agreesWithVelasNpuCpuSplit() {
        SharedData.require();
        String[] models = {"dtln_noise_suppression", "hello_world_int8", "keyword_scrambled", "micro_speech_lstm",
            "micro_speech_quantized", "mobilenet_v2_quantized_1x3x224x224", "person_detect", "trained_lstm_int8"};
        int configs = 0;
        for (String name : models) {
            Model model = TfliteReader.read(SharedData.model(name));
            Subgraph g = model.main();
            List<VelaReference.Config> cs = VelaReference.configs(name);
            assertThat(cs).as(name).isNotEmpty();
            boolean printed = false;
            for (VelaReference.Config c : cs) {
                NpuVariant v = NpuVariant.fromLabel(c.accelerator()).orElseThrow();
                Partitioning p = Partitioning.of(g, Optional.of(v));
                VelaSplit vela = velaSplit(g, c);
                if (!printed) {
                    print(name, g, p, vela);
                    printed = true;
                }
                for (Partitioning.Assignment a : p.assignments()) {
                    int i = a.operator().index();
                    if (vela.named().containsKey(i)) {
                        assertThat(a.unit()).as("%s #%d %s (%s)", c.tag(), i, a.operator().opName(), a.reason())
                                .isEqualTo(Partitioning.Unit.NPU);
                    }
                }
                vela.unnamedOps().forEach((type, ops) -> {
                    long npu = ops.stream().filter(i -> p.assignments().get(i).unit() == Partitioning.Unit.NPU).count();
                    assertThat(npu).as("%s: %s operators on the NPU among %s", c.tag(), type, ops)
                            .isEqualTo(vela.unnamedNpuCount().get(type).longValue());
                });
                configs++;
            }
        }
        System.out.println("compared " + configs + " Vela configurations");
        assertThat(configs).isGreaterThanOrEqualTo(60);
    }

    private static void print(String name, Subgraph g, Partitioning p, VelaSplit vela) {
        System.out.printf(Locale.ROOT, "%n%s: %d of %d operators on the NPU, %.1f%% of MACs, %d NPU subgraph(s)%n", name,
                p.operators(Partitioning.Unit.NPU), g.operators().size(), 100 * p.npuMacShare(), p.subgraphs().size());
        System.out.printf(Locale.ROOT, "%3s  %-30s  %-4s  %-9s  %s%n", "#", "op", "npusim", "vela", "reason");
        for (Partitioning.Assignment a : p.assignments()) {
            int i = a.operator().index();
            String v = vela.named().containsKey(i) ? "npu" : "by count";
            for (Map.Entry<String, List<Integer>> e : vela.unnamedOps().entrySet()) {
                if (e.getValue().contains(i)) {
                    v = vela.unnamedNpuCount().get(e.getKey()) + "/" + e.getValue().size() + " npu";
                }
            }
            System.out.printf(Locale.ROOT, "%3d  %-30s  %-6s  %-9s  %s%n", i, a.operator().opName(),
                    a.unit().name().toLowerCase(Locale.ROOT), v, a.reason());
        }
    }
}
