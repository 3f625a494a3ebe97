// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.npusim.errors.InputException;
import org.npusim.exec.InputFiles;
import org.npusim.exec.Interpreter;
import org.npusim.exec.TensorBuffer;
import org.npusim.graph.Tensor;

/**
 * The input values of a functional run, from files (one per model input, in input order) or seeded uniform random
 * values; shared by {@code run}, {@code simulate --input/--random} and {@code kernels compare}.
 */
final class ModelInputs {

    /** The seed of random inputs (and of clustering) when {@code --seed} is not given. */
    static final long DEFAULT_SEED = 1;

    /** Returns {@code --seed} when given, else {@link #DEFAULT_SEED}. */
    static long seed(Long given) {
        return given == null ? DEFAULT_SEED : given;
    }

    private ModelInputs() {
    }

    /**
     * Returns the values of {@code interpreter}'s inputs: read from {@code files}, or random with {@code seed} when
     * {@code random}. Input {@code i} of a random run uses seed {@code seed + 1_000_003 i} so that inputs differ.
     */
    static List<TensorBuffer> values(Interpreter interpreter, String modelPath, List<Path> files, boolean random,
            long seed) {
        List<Tensor> tensors = interpreter.inputs();
        if (random && !files.isEmpty()) {
            throw new InputException("", "--random", "give either --input files or --random, not both");
        }
        List<TensorBuffer> values = new ArrayList<>();
        if (random) {
            for (int i = 0; i < tensors.size(); i++) {
                values.add(InputFiles.random(tensors.get(i), seed + 1_000_003L * i));
            }
            return values;
        }
        if (files.size() != tensors.size()) {
            throw new InputException(modelPath, "inputs", "the model has " + tensors.size() + " input"
                    + (tensors.size() == 1 ? "" : "s") + "; give one --input FILE for each, or --random ("
                    + files.size() + " given)");
        }
        for (int i = 0; i < tensors.size(); i++) {
            values.add(InputFiles.read(files.get(i), tensors.get(i)));
        }
        return values;
    }
}
