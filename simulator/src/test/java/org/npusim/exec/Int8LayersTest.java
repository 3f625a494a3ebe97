// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.modeldesc.ModelDescriptions;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * {@link Int8ConvLayer} and {@link Int8FullyConnectedLayer} prepared from real models reproduce, through
 * {@code runDense}, exactly the tensors the interpreter computes for those layers.
 */
final class Int8LayersTest {

    static int checkEveryLayer(Model m) {
        ExecutionResult r = InterpreterTest.runRandom(Interpreter.of(m), 3);
        Subgraph g = m.main();
        int checked = 0;
        for (Operator op : g.operators()) {
            byte[] x;
            byte[] expected = r.tensor(op.output(0)).int8().clone();
            byte[] y = new byte[expected.length];
            if (op.opName().equals("CONV_2D")) {
                x = r.tensor(op.input(0)).int8();
                Int8ConvLayer.of(m.name(), g, op).runDense(x, y);
            } else if (op.opName().equals("FULLY_CONNECTED")) {
                x = r.tensor(op.input(0)).int8();
                Int8FullyConnectedLayer.of(m.name(), g, op).runDense(x, y);
            } else {
                continue;
            }
            assertThat(y).as(op.toString()).isEqualTo(expected);
            checked++;
        }
        return checked;
    }

    @Test
    void runDense_resnet8Layers_equalsTheInterpreter() {
        Model m = ModelDescriptions.load(SharedData.repositoryRoot().resolve("models/resnet8.yaml"));
        // 9 convolutions and the classifier (models/resnet8.yaml).
        assertThat(checkEveryLayer(m)).isEqualTo(10);
    }

    @Test
    void runDense_personDetectLayers_equalsTheInterpreter() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        // Its 14 CONV_2D operators (npusim inspect): the first convolution, the pointwise ones and the classifier.
        assertThat(checkEveryLayer(m)).isEqualTo(14);
    }

    @Test
    void of_depthwiseLayer_failsNamingTheLayer() {
        Model m = TfliteReader.read(SharedData.model("person_detect"));
        Subgraph g = m.main();
        Operator dw = g.operators().stream().filter(o -> o.opName().equals("DEPTHWISE_CONV_2D")).findFirst().orElseThrow();
        assertThatThrownBy(() -> Int8ConvLayer.of(m.name(), g, dw)).isInstanceOf(InputException.class)
                .hasMessageContaining("operator " + dw.index() + " (DEPTHWISE_CONV_2D");
    }
}
