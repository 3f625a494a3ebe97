// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.graph.Tensor;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Every real model in ../shared/models either runs deterministically on random inputs or is refused, when it is
 * prepared, with an error naming the operator the executor does not support; nothing fails in between.
 */
final class SharedModelsSmokeTest {

    /** Models whose operators the executor does not cover, with the operator it must name. */
    static String unsupportedOperator(String model) {
        switch (model) {
            case "person_detect_vela":
                return "ethos-u";
            default:
                return null;
        }
    }

    @Test
    void run_everySharedModel_runsDeterministicallyOrNamesTheUnsupportedOperator() {
        List<String> ran = new ArrayList<>();
        for (Path file : SharedData.models()) {
            String name = file.getFileName().toString().replace(".tflite", "");
            Model model = TfliteReader.read(file);
            String unsupported = unsupportedOperator(name);
            if (unsupported != null) {
                assertThatThrownBy(() -> Interpreter.of(model)).as(name).isInstanceOf(InputException.class)
                        .hasMessageContaining(unsupported);
                continue;
            }
            Interpreter it = Interpreter.of(model);
            List<TensorBuffer> inputs = new ArrayList<>();
            for (Tensor t : it.inputs()) {
                inputs.add(InputFiles.random(t, 42));
            }
            ExecutionResult a = it.run(inputs);
            ExecutionResult b = it.run(inputs);
            for (int i = 0; i < a.outputs().size(); i++) {
                assertThat(a.outputs().get(i).contentEquals(b.outputs().get(i))).as(name).isTrue();
            }
            for (int t : a.activationTensors()) {
                ActivationStats s = a.stats(t);
                assertThat(s.elements()).as(name + " tensor " + t).isEqualTo(a.tensor(t).length());
                assertThat(s.zeroFraction()).isBetween(0.0, 1.0);
            }
            ran.add(name);
        }
        System.out.println("shared models run: " + ran);
        // dtln_noise_suppression, hello_world_int8, keyword_scrambled, micro_speech_lstm, micro_speech_quantized,
        // mobilenet_v2, person_detect, trained_lstm_int8.
        assertThat(ran).hasSize(8);
    }
}
