// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.npusim.errors.InputException;

/**
 * Where a command's main output goes: standard output, or a file written whole to a temporary file beside it and
 * then moved into place, so that an interrupted or failed run never leaves a half-written file.
 */
final class OutputTarget {

    private OutputTarget() {}

    /** A producer of text that may fail with an I/O error. */
    @FunctionalInterface
    interface Content {
        void writeTo(Writer w) throws IOException;
    }

    /** Writes {@code content} to {@code file}, or to {@code out} when {@code file} is null. */
    static void write(Path file, PrintWriter out, Content content) {
        if (file == null) {
            try {
                content.writeTo(out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            out.flush();
            return;
        }
        writeBytes(file, w -> content.writeTo(w));
    }

    /** Writes a file atomically: temporary file in the same directory, then a move over the target. */
    static void writeBytes(Path file, Content content) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InputException(file.toString(), "", "output directory " + dir + " does not exist");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                content.writeTo(w);
            }
            moveIntoPlace(tmp, abs);
            tmp = null;
        } catch (IOException e) {
            throw new InputException(file.toString(), "", "cannot write: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Writes raw bytes to a file atomically. */
    static void writeBinary(Path file, byte[] bytes) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InputException(file.toString(), "", "output directory " + dir + " does not exist");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            Files.write(tmp, bytes);
            moveIntoPlace(tmp, abs);
            tmp = null;
        } catch (IOException e) {
            throw new InputException(file.toString(), "", "cannot write: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The temporary file is left behind only if the file system refuses to delete it.
            }
        }
    }
}
