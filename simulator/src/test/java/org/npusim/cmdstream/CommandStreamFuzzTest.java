// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.npusim.errors.InputException;
import org.npusim.graph.ConstantData;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.HardwareLoader;
import org.npusim.sim.Simulator;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Mutates the driver payload of person_detect_vela.tflite (bit flips, words replaced by extreme values, truncation,
 * duplicated and swapped word ranges) and checks that decoding either succeeds or fails with one
 * {@link InputException} naming the file and the operator input; a payload that decodes also plans and simulates
 * (Vela-compatible and event-driven on every tenth) without any other exception.
 */
final class CommandStreamFuzzTest {

    private static final int CASES = 2000;

    @Test
    void decode_mutatedPayloads_failCleanlyOrSimulate() {
        Path file = SharedData.model("person_detect_vela");
        Model model = TfliteReader.read(file);
        Operator op = model.main().operators().get(0);
        int payloadTensor = op.input(0);
        byte[] original = model.main().tensor(payloadTensor).data().orElseThrow().toByteArray();
        Path hwFile = SharedData.repositoryRoot().resolve("hwconfigs/vela/ethos-u55-high-end-embedded.yaml");
        HardwareConfig vela = HardwareLoader.load(hwFile, new ArrayList<>(List.of("simulation.overlap=false",
                "simulation.contention=false")), Optional.of("ethos-u55-256"), Optional.of("shared-sram"));
        HardwareConfig events = HardwareLoader.load(hwFile, new ArrayList<>(), Optional.of("ethos-u55-256"), Optional.of("shared-sram"));
        Simulator simulator = Simulator.standard();
        SplittableRandom random = new SplittableRandom(20261123L);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofMinutes(4), () -> {
            for (int c = 0; c < CASES; c++) {
                byte[] mutated = mutate(original, random);
                String name = "person_detect_vela#" + c + ".tflite";
                Model m = withPayload(model, payloadTensor, mutated);
                try {
                    CompiledOperator.of(m, name);
                } catch (InputException e) {
                    assertThat(e.getMessage()).startsWith(name + ": operator 0 (ethos-u)").doesNotContain("\n");
                    outcomes[1]++;
                    continue;
                }
                outcomes[0]++;
                try {
                    simulator.simulate(m, name, vela);
                    if (outcomes[0] % 10 == 0) {
                        simulator.simulate(m, name, events);
                    }
                } catch (InputException e) {
                    // A stream that decodes may still be compiled for another variant (a mutated config word).
                    assertThat(e.getMessage()).startsWith(name + ": ").doesNotContain("\n");
                }
            }
        });
        System.out.printf("cmdstream fuzz: %d mutated payloads, %d decoded and simulated, %d rejected with a clean error%n",
                CASES, outcomes[0], outcomes[1]);
        assertThat(outcomes[0]).as("some mutations leave a valid stream").isPositive();
        assertThat(outcomes[1]).as("most mutations are caught").isGreaterThan(outcomes[0]);
    }

    private static Model withPayload(Model model, int tensor, byte[] payload) {
        Subgraph g = model.main();
        List<Tensor> tensors = new ArrayList<>(g.tensors());
        Tensor t = tensors.get(tensor);
        tensors.set(tensor, new Tensor(tensor, t.name(), t.type(), Shape.of(payload.length), t.quantization(),
                Optional.of(ConstantData.copyOf(payload)), false));
        return new Model(model.name(), model.description(), model.schemaVersion(),
                List.of(Subgraph.of(g.name(), tensors, g.operators(), g.inputs(), g.outputs())));
    }

    private static byte[] mutate(byte[] original, SplittableRandom r) {
        byte[] b = original.clone();
        int words = b.length / 4;
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        switch (r.nextInt(6)) {
            case 0 -> {
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int pos = r.nextInt(b.length);
                    b[pos] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF, 0xFFFF0000, 0x4000, 0x00010000, words};
                w.putInt(4 * r.nextInt(words), extremes[r.nextInt(extremes.length)]);
            }
            case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 3 -> {
                int len = 4 * (1 + r.nextInt(16));
                int from = 4 * r.nextInt(words - len / 4);
                int to = 4 * r.nextInt(words - len / 4);
                System.arraycopy(original, from, b, to, len);
            }
            case 4 -> {
                int i = 4 * r.nextInt(words);
                int j = 4 * r.nextInt(words);
                int a = w.getInt(i);
                w.putInt(i, w.getInt(j));
                w.putInt(j, a);
            }
            default -> {
                // A register write's 16-bit parameter replaced: shapes, regions, precisions and modes.
                int i = 4 * (8 + r.nextInt(words - 8));
                w.putInt(i, (w.getInt(i) & 0xFFFF) | r.nextInt(1 << 16) << 16);
            }
        }
        return b;
    }
}
