// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.compression.WeightEncoder;
import org.npusim.hw.NpuVariant;
import org.npusim.plan.Step;

/**
 * An encoded weight stream as the model stores it, identified by its encoder inputs and its OFM depth slices: two
 * NPU steps that encode the same weight tensor from the same inputs into the same slices read one stored stream
 * (an unrolled LSTM's gate weights at every time step). Vela counts its encoded weights the same way
 * ({@code total_npu_encoded_weights}: each weight tensor encoded once however many operations read it).
 *
 * @param inputs what the encoder was given
 * @param slices the OFM depth slices, each as {@code [from, to)}
 */
record StoredStream(WeightEncoder.Inputs inputs, List<List<Integer>> slices) {

    StoredStream {
        slices = List.copyOf(slices);
    }

    /**
     * Returns the stream step {@code n} reads on {@code variant}; empty when the step has no weights or no graph
     * weight tensor to identify them by (a compiled command stream's).
     */
    static Optional<StoredStream> of(Step.Npu n, NpuVariant variant) {
        if (n.weights().isEmpty() || n.op().weights().isEmpty()) {
            return Optional.empty();
        }
        List<List<Integer>> slices = new ArrayList<>(n.weights().get().slices().size());
        for (int[] r : n.weights().get().slices()) {
            slices.add(List.of(r[0], r[1]));
        }
        return Optional.of(new StoredStream(WeightEncoder.Inputs.of(n.op(), n.blockConfig(), variant), slices));
    }
}
