// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.result.SimulationResult;
import org.npusim.testsupport.SharedData;

/**
 * The default simulation against a measurement that is not Vela's: Arm's ML Embedded Evaluation Kit documents one
 * inference of MobileNet v2 1.0 224 int8 on the Corstone-300 FVP with Ethos-U55-128, compiled by Vela for
 * {@code Ethos_U55_High_End_Embedded} in shared-sram mode, with the NPU's PMU counts ({@code
 * docs/use_cases/img_class.md}, "Running Image Classification"): 7,345,741 active cycles; 2,468,259 AXI0 read
 * beats and 1,151,319 AXI0 write beats (the arena in SRAM); 432,351 AXI1 read beats (the model in DDR). The
 * U55's AXI ports are 64 bits wide, 8 bytes a beat. The kit's timing adapters give the FVP's memories the
 * latencies and bandwidths that {@code hwconfigs/corstone-300.yaml} describes.
 *
 * <p>The FVP's NPU model is itself "cycle accurate within approximately +-10%" (tflite-micro,
 * {@code tensorflow/lite/micro/benchmarks/README.md}), so the bound is 10%. The shipped description of MobileNet v2
 * has the same layers as the kit's model but generated weights, which compress differently: the DDR bytes, the
 * weight streams, can differ by a few percent on that alone.
 *
 * <p>The kit's other use cases publish the same counts for other models, and the descriptions in {@code models/}
 * that reproduce those models layer by layer are held to the same 10% where npusim is within it: the kit's earlier
 * img_class model (Google's uint8 MobileNet v2), DS-CNN large (kws) and the ASR run of kws_asr (wav2letter); the
 * earlier kws_asr run of wav2letter with dense weights has its bytes held so and its cycles, 10% above, printed
 * (see {@link #wav2letterDense_bytesWithinTenPercentOfTheKwsAsrCounts_cyclesPrinted()}). Two published figures are
 * printed and not asserted, because npusim is far from them for reasons found in the counts themselves (see
 * {@link #wav2letterAsrDoc_printed()} and {@link #dnnSmallInferenceRunner_printed()}). MicroNet-M, the kit's later
 * kws model, is compared with the FVP's counts and with Alif's on silicon: its byte counts are held to 10%, its
 * cycles, just outside, are printed (see
 * {@link #micronetMediumKws_bytesWithinTenPercentOfTheKwsCounts_cyclesPrinted()}). RNNoise, the kit's noise
 * reduction model, is the one bound by its weight stream: its cycles and AXI1 bytes are held to 15% (see {@link
 * #rnnoise_cyclesAndWeightBytesWithinFifteenPercentOfTheNoiseReductionCounts_printed()}).
 */
final class FvpPmuReferenceTest {

    private static final long AXI_BYTES_PER_BEAT = 8;

    @Test
    void mobilenetV2OnCorstone300_withinTheFvpsAccuracyOfItsPmuCounts() {
        Reference imgClass = new Reference("MobileNet v2 (img_class.md)", "mobilenet_v2_100_224", 7_345_741,
                2_468_259, 1_151_319, 432_351);
        assertWithin(imgClass.compare(), TEN, TEN, TEN, TEN);
    }

    /**
     * The same architecture in the kit's earlier img_class model, Google's uint8 quantized MobileNet v2 1.0 224 with
     * 1001 outputs (ML-zoo {@code tflite_uint8/mobilenet_v2_1.0_224_quantized_1_default_1.tflite}; {@code
     * models/mobilenet_v2_100_224_quant.yaml}, whose head is that file's average pool, 1x1 convolution and reshape):
     * {@code docs/use_cases/img_class.md} in the revision whose log shows "uTFL version: 2.5.0" and a UINT8 input
     * and output (the kit's set_up_default_resources.py of that time downloads this file at ML-zoo commit 68b5fbc7
     * and compiles it with Vela 2.1.1 as for the DS-CNN run below): 7,489,258 active cycles,
     * 2,489,726 AXI0 read beats, 1,098,726 AXI0 write beats, 471,129 AXI1 read beats. npusim is within 10% of all
     * four (cycles +3.6%, as in its Vela-compatible mode, +3.9%). Its AXI1 bytes are 8% below: the FVP read 3.77 MB
     * of weight streams for 3.47 MB of weights, 0.31 MB more than for the int8 file above, whose weights are the same
     * in number; the log does not say why (the file's weights are quantized per tensor with nonzero zero points,
     * npusim's generated ones per channel and symmetric).
     */
    @Test
    void mobilenetV2Uint8OnCorstone300_withinTheFvpsAccuracyOfTheEarlierImgClassCounts() {
        Reference imgClass = new Reference("MobileNet v2 uint8 (img_class.md, TFLu 2.5.0)",
                "mobilenet_v2_100_224_quant", 7_489_258, 2_489_726, 1_098_726, 471_129);
        assertWithin(imgClass.compare(), TEN, TEN, TEN, TEN);
    }

    /**
     * DS-CNN large with clustered weights, ML-zoo {@code ds_cnn_clustered_int8} (commit 68b5fbc7), the kit's kws
     * model before MicroNet replaced it: {@code docs/use_cases/kws.md} in the revision whose log shows TensorFlow
     * Lite Micro 2.5.0 and the "Ethos-U55 code sample" (the kit's Vela settings of that time: ethos-u55-128,
     * Shared_Sram, Ethos_U55_High_End_Embedded):
     * 680,611 active cycles, 217,385 AXI0 read beats, 82,607 AXI0 write beats, 59,608 AXI1 read beats.
     */
    @Test
    void dsCnnLargeClustered_withinTheFvpsAccuracyOfTheKwsCounts() {
        Reference kws = new Reference("DS-CNN large clustered (kws.md)", "ds_cnn_large_clustered", 680_611,
                217_385, 82_607, 59_608);
        assertWithin(kws.compare(), TEN, TEN, TEN, TEN);
    }

    /**
     * Wav2letter pruned, ML-zoo {@code wav2letter_pruned_int8} (commit 1a92aa08), the ASR model of the kit's
     * kws_asr use case: {@code docs/use_cases/kws_asr.md} in the revision whose log pairs MicroNet KWS with this
     * model in a 4,184,332-byte arena (the 4 MiB SRAM of later Corstone-300 images; npusim runs it in the 2 MiB of
     * {@code corstone-300.yaml}, and with 4 MiB its cycles rise by 0.1%): 30,164,330 active cycles for the ASR
     * inference, 8,895,431 AXI0 read beats, 1,890,168 AXI0 write beats, 1,740,069 AXI1 read beats. The AXI1 bytes
     * agree with the kit's Vela report of 13.42 MB of flash for this model ({@code
     * docs/sections/memory_considerations.md}).
     */
    @Test
    void wav2letterPruned_withinTheFvpsAccuracyOfTheKwsAsrCounts() {
        Reference asr = new Reference("Wav2letter pruned (kws_asr.md, ASR inference)", "wav2letter_pruned",
                30_164_330, 8_895_431, 1_890_168, 1_740_069);
        assertWithin(asr.compare(), TEN, TEN, TEN, TEN);
    }

    /**
     * Wav2letter with dense weights, ML-zoo {@code wav2letter_int8} (commit 68b5fbc7; {@code
     * models/wav2letter_int8.yaml}), the ASR model of the kit's kws_asr use case when DS-CNN was its kws model (the
     * kit's {@code set_up_default_resources.py} of that time: this file for asr and kws_asr, Vela 2.1.1): the ASR run
     * in the same {@code docs/use_cases/kws_asr.md} revision as the DS-CNN counts above (uTFL 2.5.0, an 809,808-byte
     * arena): 28,909,309 active cycles, 13,520,864 AXI0 read beats, 2,841,970 AXI0 write beats, 2,717,670 AXI1 read
     * beats. One inference: the AXI1 bytes are npusim's 21.8 MB of encoded weights read once, to 0.1%. The bytes are
     * held to 10% (AXI0 read -9.4%, written +0.1%, AXI1 +0.1%). The cycles, 10.2% above, are printed and held to
     * 15%: this run is MAC-bound, and the FVP did its 3.49 G MACs at 94% of the U55-128's 128 a cycle, where npusim
     * gives its 1x32 convolution to 2000 channels (68% of the MACs, 68% of the run) 85% of them, as Vela's
     * estimate does; the Vela-compatible mode is +10.5%, the default +10.2%.
     */
    @Test
    void wav2letterDense_bytesWithinTenPercentOfTheKwsAsrCounts_cyclesPrinted() {
        double[] errors = new Reference("Wav2letter dense (kws_asr.md with DS-CNN, ASR inference)", "wav2letter_int8",
                28_909_309, 13_520_864, 2_841_970, 2_717_670).compare();
        assertWithin(errors, CYCLES_PRINTED, TEN, TEN, TEN);
    }

    /**
     * The same wav2letter in {@code docs/use_cases/asr.md}, in the revision whose log shows a 783,168-byte arena:
     * 28,450,696 active cycles, 6,564,262 AXI0 read beats, 928,889 AXI0 write beats, 841,712 AXI1 read beats.
     * Not asserted: npusim is 12% slower and reads twice the AXI1 bytes. The AXI1 count, 6.7 MB, is half the
     * 13.42 MB of weights Vela places in flash for this model, which every inference must read at least once, and
     * half the kws_asr run's 13.9 MB for the same model: the log cannot be of one whole inference of this
     * model as compiled for the kit, so the comparison says nothing about npusim. Its cycles are also 6% below the
     * kws_asr run's.
     */
    @Test
    void wav2letterAsrDoc_printed() {
        double[] errors = new Reference("Wav2letter pruned (asr.md), not asserted", "wav2letter_pruned", 28_450_696,
                6_564_262, 928_889, 841_712).compare();
        // What rules the figure out: npusim's DDR reads are the model's weights, read once; the log's AXI1 reads
        // are under 60% of them (npusim more than 1/0.6 - 1 = 67% above).
        assertThat(errors[3]).isGreaterThan(67.0);
    }

    /**
     * DNN small, ML-zoo {@code dnn_s_quantized} (commit 68b5fbc7), the default model of the kit's inference_runner
     * use case: {@code docs/use_cases/inference_runner.md} in the revision with the "Ethos-U55 code sample" log:
     * 33,145 active cycles, 9,332 AXI0 read beats, 3,248 AXI0 write beats, 2,219 AXI1 read beats. Not asserted:
     * npusim takes 2.8 times as long. Its four fully connected layers need 80 KB of encoded weights; from flash
     * (Vela's 0.125 clock scale, 1 byte a cycle) that is 80,000 cycles at least, more than the whole measured run,
     * and the FVP read only 17,752 bytes over AXI1 but 74,656 over AXI0, about the weights' size (and wrote
     * 25,984 bytes there, for activations of under 1 KB). Most of this run's weights came over AXI0, not from the
     * DDR that {@code corstone-300.yaml} and the kit's Shared_Sram layout put them in; the log does not say why.
     * With the model in SRAM ({@code --memory-mode sram-only}) npusim takes 28,611 cycles (-14%) and reads
     * 84 KB over AXI0, 1.1 times the FVP (it read 142 KB while it counted weight fetches as Vela's estimator does,
     * a whole OFM depth block for the last partial one: 144 channels in blocks of 128, 256 fetched).
     */
    @Test
    void dnnSmallInferenceRunner_printed() {
        double[] errors = new Reference("DNN small (inference_runner.md), not asserted", "dnn_small_kws", 33_145, 9_332,
                3_248, 2_219).compare();
        // What rules the figure out: the log's AXI1 reads are under a quarter of the weights npusim reads from DDR
        // once (npusim more than 300% above), and its AXI0 reads far above the activations npusim reads there.
        assertThat(errors[3]).isGreaterThan(300.0);
        assertThat(errors[1]).isLessThan(-90.0);
    }

    /**
     * MicroNet-M, ML-zoo {@code kws_micronet_m} (commit 9f506fe5), the kit's kws model after DS-CNN: {@code
     * docs/use_cases/kws.md} in the revision whose log classifies "down.wav" with MicroNet's labels (as copied in
     * Alif's fork of the kit, alifsemi/alif_ml-embedded-evaluation-kit, commit 09f95744): 413,814 active cycles,
     * 132,130 AXI0 read beats, 48,252 AXI0 write beats, 17,544 AXI1 read beats. The byte counts are held to 10%
     * (npusim is within 2% of each). The cycles are printed and held only to 15%: npusim takes 10.6% longer, just
     * outside the FVP's own accuracy. The bytes agreeing says the description has the kit's layers, weights and
     * schedule (every tensor crossing AXI0 and every weight stream crossing AXI1 as the FVP counted them), so the
     * excess is in npusim's timing of those layers, not in the model; the log gives no per-layer split to place it
     * (in npusim 45% of the run is the first layer, a 10x4 convolution over one input channel at 10% MAC use).
     */
    @Test
    void micronetMediumKws_bytesWithinTenPercentOfTheKwsCounts_cyclesPrinted() {
        double[] errors = new Reference("MicroNet-M (kws.md)", "micronet_m_kws", 413_814, 132_130, 48_252, 17_544)
                .compare();
        assertWithin(errors, CYCLES_PRINTED, TEN, TEN, TEN);
    }

    /**
     * The same model on silicon: Alif's fork of the kit, {@code Alif_benchmark.md} (commit e6ff0182), section "NPU
     * Cycles", the PMU report of its alif_kws use case (kws_micronet_m compiled by Vela): 404,973 active cycles,
     * 125,388 AXI0 read beats, 48,254 AXI0 write beats, 17,493 AXI1 read beats. The document names neither board
     * nor core. The NPU is a U55-128: the cycles are 2.1% below the FVP's U55-128 run and the AXI0 writes and
     * AXI1 reads within 0.3% of it, where a U55-256 would take about a third fewer cycles (npusim's what-if), and
     * the fork's CI builds alif_kws for the RTSS-HE core, whose NPU is the U55-128 (its AXI0 reads are 5% below
     * the FVP's; the document does not give its Vela settings). Cycles are NPU cycles, so the NPU clock does not
     * enter. On {@code
     * corstone-300.yaml} and on {@code alif-e7-he.yaml} (the HE core's memories as Alif's Vela configuration gives
     * them), as on the FVP, the byte counts are held to 10% and the cycles (npusim 12 to 13% above) printed and
     * held to 15%.
     */
    @Test
    void micronetMediumKwsOnAlifSilicon_bytesWithinTenPercent_cyclesPrinted() {
        for (String hw : List.of("corstone-300", "alif-e7-he")) {
            double[] errors = new Reference("MicroNet-M (Alif_benchmark.md)", "micronet_m_kws", hw, 404_973,
                    125_388, 48_254, 17_493).compare();
            assertWithin(errors, CYCLES_PRINTED, TEN, TEN, TEN);
        }
    }

    /**
     * RNNoise, ML-zoo {@code rnnoise_INT8} ({@code models/rnnoise.yaml}: the layers of ML-zoo's {@code
     * recreate_model/model.py}, with the stand-ins its header lists for what the format cannot say), the kit's
     * noise_reduction model, all of it on the NPU (the log's model info: one operator, ethos-u): {@code
     * docs/use_cases/noise_reduction.md} (as copied in Alif's fork of the kit, commit 00553466), "NPU PMU report for
     * each inference" of a 136-step clip: 103,870 active cycles, 530 AXI0 read beats, 376 AXI0 write beats, 13,911
     * AXI1 read beats. One step it is: its weights, 87 KB, must cross AXI1 every step. A different regime from the
     * convolutional models: nine fully connected layers with one input row, 91% of npusim's time, each bound by
     * its weight stream from DDR. npusim takes 3.4% more cycles but reads 12.6% fewer AXI1 bytes: the FVP read
     * 111 KB at 1.07 bytes a cycle or more (its whole run), npusim its 97 KB of encoded streams at the 1 byte a
     * cycle of {@code corstone-300.yaml}'s DDR (Vela's 0.125 clock scale of the kit's configuration; 0.94 to 1.03
     * in its layers). So per byte npusim's weight stream is at least 10% slower than the FVP's (18% if the fully
     * connected layers took the same 91% of the FVP's run), and the agreement in cycles is two errors cancelling; where
     * the FVP's extra 14 KB come from (the activation functions' lookup tables, 256 bytes each, the converter's
     * QUANTIZE and DEQUANTIZE operations, the trained weights' compression) the log does not say. In its
     * Vela-compatible mode npusim takes 133,736 cycles (+28.8%) and counts 131 KB from DDR, a whole OFM depth block for
     * each partial one, as Vela's estimate does. The AXI0 bytes, 4 KB and 3 KB of vectors of at most 288 elements,
     * differ by 536 and 299 bytes, of which the description's stand-ins move 360 and 271. Cycles and AXI1 bytes are
     * held to 15%, the AXI0 bytes to 25%.
     */
    @Test
    void rnnoise_cyclesAndWeightBytesWithinFifteenPercentOfTheNoiseReductionCounts_printed() {
        double[] errors = new Reference("RNNoise (noise_reduction.md)", "rnnoise", 103_870, 530, 376, 13_911).compare();
        assertWithin(errors, 15.0, 25.0, 25.0, 15.0);
    }

    /**
     * A published PMU report: active cycles and the beats of each AXI port (8 bytes each), compared with npusim on
     * the hardware description {@code hw} ({@code hwconfigs/<hw>.yaml}), whose AXI0 and AXI1 memories take the
     * ports' bytes.
     */
    private record Reference(String label, String model, String hw, long cycles, long axi0ReadBeats,
            long axi0WriteBeats, long axi1ReadBeats) {

        /** A report from the Corstone-300 FVP, compared on {@code corstone-300.yaml}. */
        Reference(String label, String model, long cycles, long axi0ReadBeats, long axi0WriteBeats,
                long axi1ReadBeats) {
            this(label, model, "corstone-300", cycles, axi0ReadBeats, axi0WriteBeats, axi1ReadBeats);
        }

        /** Simulates the description on {@code hw}, prints npusim against the report, returns the four errors. */
        double[] compare() {
            Path root = SharedData.repositoryRoot();
            Model m = ModelDescriptions.load(root.resolve("models/" + model + ".yaml"));
            HardwareConfig config = HardwareLoader.load(root.resolve("hwconfigs/" + hw + ".yaml"), List.of(),
                    Optional.empty(), Optional.empty());
            String axi0 = config.axi0Memory().name();
            String axi1 = config.axi1Memory().name();
            SimulationResult r = Simulator.standard().simulate(m, model, config);
            long[] ours = {r.total().cycles(), r.total().traffic().get(axi0).readBytes(),
                r.total().traffic().get(axi0).writeBytes(), r.total().traffic().get(axi1).readBytes()};
            long[] report = {cycles, axi0ReadBeats * AXI_BYTES_PER_BEAT, axi0WriteBeats * AXI_BYTES_PER_BEAT,
                axi1ReadBeats * AXI_BYTES_PER_BEAT};
            String[] what = {"NPU cycles  ", "AXI0 read   ", "AXI0 written", "AXI1 read   "};
            double[] errors = new double[4];
            StringBuilder out = new StringBuilder(String.format("%s on %s (AXI0 %s, AXI1 %s), npusim against the PMU:",
                    label, hw, axi0, axi1));
            for (int i = 0; i < 4; i++) {
                errors[i] = percent(ours[i], report[i]);
                out.append(String.format("%n  %s %,12d against %,12d  %+.1f%%", what[i], ours[i], report[i],
                        errors[i]));
            }
            System.out.println(out);
            return errors;
        }
    }

    /** The FVP's stated accuracy. */
    private static final double TEN = 10.0;
    /** The bound of cycles that are printed with the reason they lie outside {@link #TEN}. */
    private static final double CYCLES_PRINTED = 15.0;

    /**
     * Asserts each error of {@link Reference#compare} (cycles, AXI0 read, AXI0 written, AXI1 read, in percent)
     * within its bound, in the same order.
     */
    private static void assertWithin(double[] errors, double... boundsPercent) {
        String[] what = {"cycles", "AXI0 read", "AXI0 written", "AXI1 read"};
        for (int i = 0; i < boundsPercent.length; i++) {
            assertThat(Math.abs(errors[i])).as(what[i]).isLessThanOrEqualTo(boundsPercent[i]);
        }
    }

    private static double percent(long npusim, long fvp) {
        return 100.0 * (npusim - fvp) / fvp;
    }
}
