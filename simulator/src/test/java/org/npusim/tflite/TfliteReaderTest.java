// SPDX-License-Identifier: Apache-2.0
package org.npusim.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.BuiltinOperator;
import org.npusim.graph.ElementType;
import org.npusim.graph.Model;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorCode;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.testsupport.SharedData;

final class TfliteReaderTest {

    @Test
    void read_everySharedModel_givesOperatorsWithTensorsInRange() {
        for (Path p : SharedData.models()) {
            Model m = TfliteReader.read(p);
            Subgraph g = m.main();
            assertThat(g.operators()).as(p.toString()).isNotEmpty();
            assertThat(g.inputs()).as(p.toString()).isNotEmpty();
            System.out.printf("%-45s %3d ops %4d tensors %2d subgraphs%n", p.getFileName(), g.operators().size(),
                    g.tensors().size(), m.subgraphs().size());
        }
    }

    @Test
    void read_personDetect_decodesConvolutionOptions() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        Operator first = m.main().operators().get(0);
        assertThat(first.is(BuiltinOperator.DEPTHWISE_CONV_2D)).isTrue();
        OpOptions.DepthwiseConv2D o = (OpOptions.DepthwiseConv2D) first.options();
        assertThat(o.strideW()).isEqualTo(2);
        assertThat(o.depthMultiplier()).isEqualTo(8);
        assertThat(m.main().tensor(first.input(1)).type()).isEqualTo(ElementType.INT8);
        assertThat(m.main().tensor(first.input(1)).quantization().orElseThrow().isPerChannel()).isTrue();
    }

    @Test
    void read_velaCompiledModel_keepsEthosUCustomOperatorAndPayload() {
        Model m = TfliteReader.read(SharedData.model("person_detect_vela"));
        Operator op = m.main().operators().get(0);
        assertThat(op.opName()).isEqualTo("ethos-u");
        assertThat(op.options().kind()).isEqualTo(OpKind.CUSTOM);
        assertThat(((OpOptions.CustomOptions) op.options()).payload().sizeBytes()).isPositive();
    }

    @Test
    void read_lstmModels_decodeSequenceLstmOptions() {
        for (String name : new String[] {"trained_lstm_int8", "micro_speech_lstm", "dtln_noise_suppression"}) {
            Model m = TfliteReader.read(SharedData.model(name));
            assertThat(m.main().operators()).as(name)
                    .anyMatch(op -> op.options().kind() == OpKind.SEQUENCE_LSTM);
        }
    }

    /**
     * The MAC total equals Vela 3.10's {@code nn_macs} for every model whose operators all ran on the NPU in some
     * reference configuration (Vela counts NPU operators only). A model counts as NPU-only when every operator
     * type that carries MACs appears among the TFLite operators of Vela's rows.
     */
    @Test
    void macs_equalVelaNnMacs_forEveryNpuOnlyReferenceModel() throws IOException {
        ObjectMapper json = new ObjectMapper();
        int compared = 0;
        for (Path p : SharedData.models()) {
            String name = p.getFileName().toString().replace(".tflite", "");
            Path ref = SharedData.velaReference(name);
            if (!Files.exists(ref)) {
                continue;
            }
            JsonNode compiled = null;
            for (JsonNode c : json.readTree(ref.toFile()).get("configs")) {
                if (c.has("summary")) {
                    compiled = c;
                    break;
                }
            }
            if (compiled == null) {
                continue;
            }
            Set<String> velaOps = new HashSet<>();
            for (JsonNode row : compiled.get("layers")) {
                velaOps.add(row.get("tflite_operator").asText());
            }
            Model m = TfliteReader.read(p);
            Subgraph g = m.main();
            boolean npuOnly = true;
            for (Operator op : g.operators()) {
                if (g.operatorFacts(op.index()).macs() > 0 && !velaOps.contains(op.opName())) {
                    npuOnly = false;
                }
            }
            long vela = compiled.get("summary").get("nn_macs").asLong();
            long ours = g.facts().totalMacs();
            System.out.printf("%-40s npusim %,13d  vela nn_macs %,13d  %s%n", name, ours, vela,
                    npuOnly ? (ours == vela ? "equal" : "DIFFERENT") : "(CPU operators under Vela: not compared)");
            if (npuOnly) {
                assertThat(ours).as(name).isEqualTo(vela);
                compared++;
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(6);
    }

    /** A RELU from an int8 input with the given quantization to an ordinary int8 output, written as TFLite. */
    private static byte[] reluWithInputQuantization(float scale, long zeroPoint) {
        Tensor in = new Tensor(0, "in", ElementType.INT8, Shape.of(1, 4), Optional.of(Quantization.perTensor(scale, zeroPoint)),
                Optional.empty(), false);
        Tensor out = new Tensor(1, "out", ElementType.INT8, Shape.of(1, 4), Optional.of(Quantization.perTensor(0.1f, 0)),
                Optional.empty(), false);
        Operator relu = new Operator(0, OperatorCode.of(BuiltinOperator.RELU), new int[] {0}, new int[] {1}, new int[0],
                new OpOptions.NoOptions());
        Subgraph g = Subgraph.of("main", List.of(in, out), List.of(relu), new int[] {0}, new int[] {1});
        return TfliteWriter.write(new Model("q", "", 3, List.of(g)));
    }

    @Test
    void read_zeroPointOutsideTheTensorType_failsNamingTheTensor() {
        byte[] bytes = reluWithInputQuantization(0.1f, 40_000);
        assertThatThrownBy(() -> TfliteReader.read(ByteBuffer.wrap(bytes), "zp.tflite", "zp"))
                .isInstanceOf(InputException.class)
                .hasMessage("zp.tflite: subgraphs[0].tensors[0].quantization.zero_point[0]: zero point 40000 is outside the"
                        + " values of a int8 tensor (-128..127)");
    }

    @Test
    void read_activationScaleNotPositiveAndFinite_fails() {
        for (float scale : new float[] {0f, -0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            byte[] bytes = reluWithInputQuantization(scale, 0);
            assertThatThrownBy(() -> TfliteReader.read(ByteBuffer.wrap(bytes), "s.tflite", "s"))
                    .as("scale %s", scale)
                    .isInstanceOf(InputException.class)
                    .hasMessage("s.tflite: subgraphs[0].tensors[0].quantization.scale[0]: scale " + scale
                            + " is not a positive finite number");
        }
        assertThat(TfliteReader.read(ByteBuffer.wrap(reluWithInputQuantization(0.5f, 127)), "ok.tflite", "ok").main()
                .operators()).hasSize(1);
    }

    @Test
    void read_emptyBuffer_failsWithPlaceAndReason() {
        assertThatThrownBy(() -> TfliteReader.read(ByteBuffer.allocate(0), "empty.tflite", "empty"))
                .isInstanceOf(InputException.class)
                .hasMessage("empty.tflite: file is 0 bytes, too short for a flatbuffer");
    }

    @Test
    void read_notTflite_failsNamingTheIdentifier() {
        byte[] bytes = "this is not a flatbuffer at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TfliteReader.read(ByteBuffer.wrap(bytes), "text.tflite", "text"))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("not a TFLite flatbuffer");
    }

    @Test
    void read_truncatedModel_failsWithFieldPath() throws IOException {
        byte[] bytes = Files.readAllBytes(SharedData.model("hello_world_int8"));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length / 2);
        assertThatThrownBy(() -> TfliteReader.read(ByteBuffer.wrap(cut), "cut.tflite", "cut"))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("cut.tflite: ");
    }
}
