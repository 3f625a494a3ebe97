// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.npusim.cli.Main;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;
import org.npusim.tflite.TfliteWriter;

/** The descriptions shipped in {@code models/}: they build, export, read back, and match the published networks. */
final class ShippedDescriptionsTest {

    @TempDir
    Path tmp;

    static Path models() {
        return SharedData.repositoryRoot().resolve("models");
    }

    static List<Path> shipped() throws IOException {
        try (Stream<Path> files = Files.list(models())) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void shipped_listsTheTwelveDescriptions() throws IOException {
        assertThat(shipped()).extracting(p -> p.getFileName().toString()).containsExactly(
                "autoencoder_ad.yaml", "dnn_small_kws.yaml", "ds_cnn_large_clustered.yaml", "ds_cnn_small.yaml",
                "micronet_m_kws.yaml", "mobilenet_v1_025_96.yaml", "mobilenet_v2_100_224.yaml",
                "mobilenet_v2_100_224_quant.yaml", "resnet8.yaml", "rnnoise.yaml", "wav2letter_int8.yaml",
                "wav2letter_pruned.yaml");
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void writeThenRead_shippedDescription_givesAnEqualSubgraph(Path file) {
        Model built = ModelDescriptions.load(file);
        byte[] bytes = TfliteWriter.write(built);
        Model back = TfliteReader.read(ByteBuffer.wrap(bytes), "x.tflite", built.name());
        assertThat(back.subgraphs()).isEqualTo(built.subgraphs());
        assertThat(back.description()).isEqualTo(built.description());
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void load_twice_exportsIdenticalBytes(Path file) {
        assertThat(TfliteWriter.write(ModelDescriptions.load(file))).isEqualTo(TfliteWriter.write(ModelDescriptions.load(file)));
    }

    /**
     * MAC totals against the published figures. {@code inspect} counts MACs as Vela does (graph.Macs): besides the
     * textbook kh·kw·C_in·E(OFM) it counts 2·E(IFM) for a softmax, E(IFM) for a mean, and, for a stride-2 first
     * convolution over few channels, the kernel that Vela pads when it folds IFM columns into the depth
     * (StridedConvRewrite). The exact totals below are derived by hand from the architectures, and the published
     * figures are met within the stated tolerance, whose reason is given case by case.
     */
    static Stream<Arguments> macTotals() {
        return Stream.of(
                // Hello Edge (Zhang et al. 2017, arXiv:1711.07128) gives DS-CNN small as 5.4 M operations, 2.7 M MACs.
                // Textbook: conv 10·4·1·64·(25·5) = 320,000; four blocks of depthwise 9·64·125 = 72,000 and pointwise
                // 64·64·125 = 512,000; pool 24·5·64 = 7,680; dense 64·12 = 768; total 2,664,448. Vela folds the first
                // layer (stride 2, one channel) into 2 channels and pads the kernel 10x4 to 10x6, i.e. 10·3·2 per
                // output: +160,000; softmax +24. Tolerance 5 %: the folded first layer adds 6 % to 2.66 M.
                Arguments.of("ds_cnn_small", 2_824_472L, 2_700_000L, 0.05),
                // MobileNet v1 0.25 at 96x96 with 2 classes, 7.2 M MACs: Vela's nn_macs for person_detect.tflite
                // (../shared/reference/vela/person_detect.json) is 7,215,492, and the description has its layers.
                Arguments.of("mobilenet_v1_025_96", 7_215_492L, 7_200_000L, 0.01),
                // MLPerf Tiny (Banbury et al. 2021, arXiv:2106.07597) gives ResNet-8 as 12.5 M MACs. Textbook: conv
                // 9·3·16·1024 = 442,368; stack 1: 2·9·16·16·1024 = 4,718,592; stack 2: 9·16·32·256 + 9·32·32·256 +
                // 16·32·256 = 3,670,016; stack 3: 3,670,016; pool 64·64 = 4,096; dense 640: 12,505,728, softmax +20.
                Arguments.of("resnet8", 12_505_748L, 12_500_000L, 0.01),
                // MLPerf Tiny gives the anomaly-detection autoencoder as 0.26 M MACs: 640·128 + 3·128·128 + 128·8 +
                // 8·128 + 3·128·128 + 128·640 = 264,192.
                Arguments.of("autoencoder_ad", 264_192L, 260_000L, 0.02),
                // Sandler et al. 2018 (arXiv:1801.04381, Table 4) give MobileNetV2 1.0 224 as 300 M multiply-adds.
                // The textbook sum is 300,838,992 (Vela counts 300,836,992 for the converted model in ../shared, which
                // has no softmax); Vela's folding of the stride-2 first convolution over 3 channels counts 3·2·6
                // instead of 3·3·3 per output of 112·112·32: +3,612,672. Tolerance 2 %.
                Arguments.of("mobilenet_v2_100_224", 304_451_664L, 300_000_000L, 0.02),
                // The same network with the uint8 model's head: the mean (62,720), 1000-way dense layer (1,280,000) and
                // softmax (2,000) above become a 7x7 average pool (49·1280 = 62,720) and a 1x1 convolution to 1001
                // classes (1,281,280): 720 fewer. Tolerance 2 %, as above.
                Arguments.of("mobilenet_v2_100_224_quant", 304_450_944L, 300_000_000L, 0.02));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("macTotals")
    void inspectMacs_shippedDescription_matchesPublishedFigure(String name, long exact, long published, double tolerance) {
        long macs = ModelDescriptions.load(models().resolve(name + ".yaml")).main().facts().totalMacs();
        System.out.printf("MACs %-22s %,13d  published %,13d  (%+.2f %%)%n", name, macs, published,
                100.0 * (macs - published) / published);
        assertThat(macs).isEqualTo(exact);
        assertThat((double) macs).isCloseTo(published, within(published * tolerance));
    }

    /**
     * MicroNet-M has no published MAC or parameter count (ML-zoo's README gives none, the MicroNets paper draws the
     * network); its constants are checked against the model file instead. kws_micronet_m.tflite holds 110,432 int8
     * weights in its 12 weight buffers (10·4·1·140 + 3·140·140 + 140·112 + 112·196 + 196·12 for the convolutions,
     * 9·(4·140 + 112) for the depthwise ones), 1,552 int32 biases (8·140 + 2·112 + 196 + 12) and the reshape's
     * 2-element shape: 116,648 bytes. MACs: 10·4·140·490 + 9·140·125 + 3·(140·140 + 9·140)·125 + 140·112·125
     * + 9·112·125 + 112·196·125 + 196·12 = 15,556,352 in the convolutions, and 25·5·196 = 24,500 in the pooling.
     */
    @Test
    void micronetM_hasTheConstantsAndMacsOfTheModelFile() {
        var facts = ModelDescriptions.load(models().resolve("micronet_m_kws.yaml")).main().facts();
        assertThat(facts.parameterCount()).isEqualTo(110_432L + 1_552L + 2L);
        assertThat(facts.parameterBytes()).isEqualTo(110_432L + 4L * 1_552L + 8L);
        assertThat(facts.totalMacs()).isEqualTo(15_556_352L + 24_500L);
    }

    @Test
    void mobilenetV1_matchesPersonDetect_operatorsShapesAndMacs() {
        Subgraph ours = ModelDescriptions.load(models().resolve("mobilenet_v1_025_96.yaml")).main();
        Subgraph real = TfliteReader.read(SharedData.model("person_detect")).main();
        assertThat(ours.operators()).hasSameSizeAs(real.operators());
        for (int i = 0; i < real.operators().size(); i++) {
            Operator a = ours.operators().get(i);
            Operator b = real.operators().get(i);
            assertThat(a.opName()).as("operator %d", i).isEqualTo(b.opName());
            assertThat(a.options()).as("options of operator %d", i).isEqualTo(b.options());
            assertThat(a.inputCount()).as("inputs of operator %d", i).isEqualTo(b.inputCount());
            for (int k = 0; k < a.inputCount(); k++) {
                assertThat(ours.tensor(a.input(k)).shape()).as("input %d of operator %d", k, i)
                        .isEqualTo(real.tensor(b.input(k)).shape());
            }
            assertThat(ours.tensor(a.output(0)).shape()).as("output of operator %d", i)
                    .isEqualTo(real.tensor(b.output(0)).shape());
            assertThat(ours.operatorFacts(i).macs()).as("MACs of operator %d", i).isEqualTo(real.operatorFacts(i).macs());
        }
        assertThat(ours.facts().totalMacs()).isEqualTo(real.facts().totalMacs());
        assertThat(ours.facts().parameterCount()).isEqualTo(real.facts().parameterCount());
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void mainExport_shippedDescription_exitsZeroAndReadsBack(Path file) {
        Path out = tmp.resolve(file.getFileName().toString().replace(".yaml", ".tflite"));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(new String[] {"export", file.toString(), "-o", out.toString()}, new PrintWriter(o), new PrintWriter(e));
        assertThat(code).as(e.toString()).isZero();
        assertThat(TfliteReader.read(out).subgraphs()).isEqualTo(ModelDescriptions.load(file).subgraphs());
    }

    @Test
    void mainInspect_description_printsItsMacs() {
        StringWriter o = new StringWriter();
        int code = Main.run(new String[] {"inspect", models().resolve("resnet8.yaml").toString()}, new PrintWriter(o),
                new PrintWriter(new StringWriter()));
        assertThat(code).isZero();
        assertThat(o.toString()).contains("MACs             12,505,748").contains("stack3_add");
    }

    @Test
    void mainExport_malformedDescription_exitsTwoWithOneLine() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "schema: npusim.model/v1\nname: x\nbogus: 1\n");
        Path out = tmp.resolve("bad.tflite");
        StringWriter e = new StringWriter();
        int code = Main.run(new String[] {"export", bad.toString(), "-o", out.toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(e));
        assertThat(code).isEqualTo(2);
        assertThat(e.toString().strip()).isEqualTo(bad + ":3:1: unknown key 'bogus' (valid: description, input, layers, "
                + "name, schema, weights)");
        assertThat(out).doesNotExist();
    }
}
