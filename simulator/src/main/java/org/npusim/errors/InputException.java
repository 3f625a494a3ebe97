// SPDX-License-Identifier: Apache-2.0
package org.npusim.errors;

import java.util.List;
import java.util.Objects;

/**
 * Bad input from the user: a model, a hardware description or an argument that cannot be used. The message is
 * one line of the form {@code FILE: PLACE: WHAT}, where the place is a path inside the file (a key path, a
 * flatbuffer field path, a line and column) and the what says what was expected.
 */
public class InputException extends RuntimeException {

    private final String file;
    private final String place;
    private final String problem;

    /** Creates an exception about {@code place} in {@code file}; either may be empty. */
    public InputException(String file, String place, String problem) {
        super(format(file, place, problem));
        this.file = Objects.requireNonNull(file, "file");
        this.place = Objects.requireNonNull(place, "place");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** Creates an exception about {@code place} in {@code file}, keeping the cause for {@code --debug}. */
    public InputException(String file, String place, String problem, Throwable cause) {
        this(file, place, problem);
        initCause(cause);
    }

    private static String format(String file, String place, String problem) {
        StringBuilder b = new StringBuilder();
        if (!file.isEmpty()) {
            b.append(file).append(": ");
        }
        if (!place.isEmpty()) {
            b.append(place).append(": ");
        }
        return b.append(problem.replace('\n', ' ')).toString();
    }

    /** Returns the file the problem is in, or an empty string for command-line arguments. */
    public String file() {
        return file;
    }

    /** Returns the place inside the file, or an empty string. */
    public String place() {
        return place;
    }

    /** Returns what is wrong and what was expected. */
    public String problem() {
        return problem;
    }

    /**
     * Returns the lines the command line prints: this one message, or, for exceptions that gather several errors
     * of one input (a hardware description), one line per error.
     */
    public List<String> messages() {
        return List.of(getMessage());
    }
}
