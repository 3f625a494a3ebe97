// SPDX-License-Identifier: Apache-2.0
package org.npusim.tflite;

/**
 * A structural problem in a flatbuffer, with the field path where it was found ({@code subgraphs[0].tensors[3]
 * .shape}). The path grows as the exception passes up through the reader's levels.
 */
final class FlatFormatException extends RuntimeException {

    private final String path;
    private final String problem;

    FlatFormatException(String path, String problem) {
        super(path.isEmpty() ? problem : path + ": " + problem, null, false, false);
        this.path = path;
        this.problem = problem;
    }

    /** Returns this problem seen from one level up: {@code prefix} joins the front of the path. */
    FlatFormatException within(String prefix) {
        return new FlatFormatException(path.isEmpty() ? prefix : prefix + (path.startsWith("[") ? "" : ".") + path, problem);
    }

    String path() {
        return path;
    }

    String problem() {
        return problem;
    }
}
