// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.Objects;
import org.npusim.errors.InputException;

/**
 * Where a driver payload comes from, for error messages: the model file and the operator input that holds it.
 *
 * @param file the model file (as the user named it)
 * @param tensor the place of the payload tensor: {@code operator 0 (ethos-u) input 0 (_split_1_command_stream)}
 */
public record PayloadSource(String file, String tensor) {

    public PayloadSource {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensor, "tensor");
    }

    /** Returns the one-line error about 32-bit word {@code word} of the payload. */
    InputException at(int word, String problem) {
        return new InputException(file, tensor + " word " + word, problem);
    }

    /** Returns the one-line error about the payload tensor as a whole. */
    InputException whole(String problem) {
        return new InputException(file, tensor, problem);
    }
}
