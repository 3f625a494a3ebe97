// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.npusim.errors.InputException;

/**
 * Where a command's outputs go: standard output, or files written whole to a temporary file beside each and then
 * moved into place, so that an interrupted or failed run never leaves a half-written file. A command that writes
 * several files checks them all before its work ({@link #check}) and writes them as one {@link Batch}: none is
 * moved into place unless all were written.
 *
 * <p>A new file gets the permissions the process's umask gives (not the owner-only ones of a
 * {@code Files.createTempFile}); a file replaced keeps its own.
 */
final class OutputTarget {

    private OutputTarget() {}

    /** A producer of text that may fail with an I/O error. */
    @FunctionalInterface
    interface Content {
        void writeTo(Writer w) throws IOException;
    }

    /** A producer of bytes that may fail with an I/O error. */
    @FunctionalInterface
    interface BinaryContent {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Distinguishes the temporary files of one process. */
    private static final AtomicLong TEMPORARIES = new AtomicLong();

    /**
     * Checks, before any work, that every non-null file can be written: its directory exists and it is not a
     * directory itself. Fails with the first problem.
     */
    static void check(Path... files) {
        for (Path file : files) {
            if (file == null) {
                continue;
            }
            Path abs = file.toAbsolutePath();
            Path dir = abs.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new InputException(file.toString(), "", "output directory " + dir + " does not exist");
            }
            if (Files.isDirectory(abs)) {
                throw new InputException(file.toString(), "", "is a directory; give a file name to write to");
            }
            if (Files.exists(abs) && !Files.isWritable(abs) || !Files.isWritable(dir)) {
                throw new InputException(file.toString(), "", "cannot write: permission denied");
            }
        }
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
        writeBytes(file, content);
    }

    /** Writes a text file atomically: temporary file in the same directory, then a move over the target. */
    static void writeBytes(Path file, Content content) {
        try (Batch b = new Batch()) {
            b.add(file, content);
            b.commit();
        }
    }

    /** Writes raw bytes to a file atomically. */
    static void writeBinary(Path file, byte[] bytes) {
        try (Batch b = new Batch()) {
            b.addBinary(file, out -> out.write(bytes));
            b.commit();
        }
    }

    /**
     * Files written together: each is written to a temporary file beside it as it is added, and all are moved into
     * place by {@link #commit}. Closing a batch that was not committed deletes what it wrote.
     */
    static final class Batch implements AutoCloseable {

        private final List<Path> temporaries = new ArrayList<>();
        private final List<Path> targets = new ArrayList<>();

        /** Writes {@code content} for {@code file} (text, UTF-8). */
        void add(Path file, Content content) {
            addBinary(file, out -> {
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                content.writeTo(w);
                w.flush();
            });
        }

        /** Writes {@code content} for {@code file}. */
        void addBinary(Path file, BinaryContent content) {
            check(file);
            Path abs = file.toAbsolutePath();
            Path tmp = null;
            try {
                tmp = createTemporary(abs);
                temporaries.add(tmp);
                targets.add(abs);
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
                    content.writeTo(out);
                }
                keepPermissions(abs, tmp);
            } catch (IOException e) {
                throw new InputException(file.toString(), "", "cannot write: " + reason(e), e);
            }
        }

        /** Moves every file written into place. */
        void commit() {
            for (int i = 0; i < temporaries.size(); i++) {
                Path target = targets.get(i);
                try {
                    moveIntoPlace(temporaries.get(i), target);
                    temporaries.set(i, null);
                } catch (IOException e) {
                    throw new InputException(target.toString(), "", "cannot write: " + reason(e), e);
                }
            }
        }

        @Override
        public void close() {
            for (Path tmp : temporaries) {
                deleteQuietly(tmp);
            }
            temporaries.clear();
        }
    }

    /**
     * Creates an empty temporary file beside {@code target}, with the permissions the umask gives a new file: the
     * name is made unique by the process and a counter, and created exclusively.
     */
    private static Path createTemporary(Path target) throws IOException {
        Path dir = target.getParent();
        String stem = "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".";
        while (true) {
            Path tmp = dir.resolve(stem + TEMPORARIES.incrementAndGet() + ".tmp");
            try {
                Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException taken) {
                // Left by a process that had this id before: try the next name.
            }
        }
    }

    /** Gives {@code tmp} the POSIX permissions of {@code target} when it exists (a replaced file keeps its own). */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        PosixFileAttributeView existing = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (existing != null && Files.exists(target)) {
            Files.setPosixFilePermissions(tmp, existing.readAttributes().permissions());
        }
    }

    /** The reason of a failed write, without the temporary file's name. */
    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "the directory went away";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
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
