// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.npusim.errors.InputException;

/**
 * Where a command's outputs go: standard output, or files written whole to a temporary file beside each and then
 * moved into place, so that an interrupted or failed run never leaves a half-written file. A command that writes
 * several files checks them all before its work ({@link #check}) and writes them as one {@link Batch}: none is moved
 * into place unless all were written.
 *
 * <p>A symbolic link is followed: the file it points to is replaced, the link stays. A new file gets the permissions
 * the process's umask gives (not the owner-only ones of {@code Files.createTempFile}); a file replaced keeps its own
 * where the file system allows it. A target that exists and is not a regular file (a FIFO, {@code /dev/stdout}) is
 * written directly, since it cannot be replaced.
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
     * Checks, before any work, that every non-null file can be written: its directory exists, it is not a
     * directory, and no two of them are the same file (one output would silently replace the other). Fails with the
     * first problem.
     */
    static void check(Path... files) {
        Map<Path, Path> seen = new HashMap<>();
        for (Path file : files) {
            if (file == null) {
                continue;
            }
            if (file.toString().isEmpty()) {
                throw new InputException("", "output file", "the name is empty; give the file to write");
            }
            if (file.toString().equals("-")) {
                // Not the Unix "standard output": a file named '-' would be written, which nobody wants.
                throw new InputException("-", "", "is not an output file; leave -o out to write to standard output");
            }
            Path target = resolved(file);
            Path dir = target.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new InputException(file.toString(), "", "output directory " + dir
                        + (dir != null && Files.exists(dir) ? " is a file" : " does not exist"));
            }
            if (Files.isDirectory(target)) {
                throw new InputException(file.toString(), "", "is a directory; give a file name to write to");
            }
            if (Files.exists(target) ? !Files.isWritable(target) : !Files.isWritable(dir)) {
                throw new InputException(file.toString(), "", "cannot write: permission denied");
            }
            Path other = seen.putIfAbsent(target, file);
            if (other != null) {
                throw new InputException(file.toString(), "", "is given twice (also as " + other
                        + "); each output needs a file of its own");
            }
        }
    }

    /**
     * {@link #check}s {@code outputs} and that none of them is one of {@code inputs} (a file the command reads):
     * writing over its own input would destroy it.
     */
    static void check(List<Path> inputs, Path... outputs) {
        check(outputs);
        for (Path out : outputs) {
            if (out == null) {
                continue;
            }
            Path target = resolved(out);
            for (Path in : inputs) {
                if (in != null && resolved(in).equals(target)) {
                    throw new InputException(out.toString(), "", "is also an input of the command (" + in
                            + "); write the output to another file");
                }
            }
        }
    }

    /**
     * Returns where writing {@code file} goes: the absolute, normalised path, with a symbolic link (and the links on
     * its way) resolved when the file exists.
     */
    private static Path resolved(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        // A symbolic link whose target does not exist yet (dangling) is followed too, so that the target is created
        // and the link kept, as for a link to an existing file; a chain is followed up to a bound (a loop stops there).
        for (int hops = 0; hops < MAX_LINK_HOPS && !Files.exists(abs) && Files.isSymbolicLink(abs); hops++) {
            try {
                abs = abs.resolveSibling(Files.readSymbolicLink(abs)).normalize();
            } catch (IOException e) {
                break;
            }
        }
        if (Files.exists(abs)) {
            try {
                return abs.toRealPath();
            } catch (IOException e) {
                return abs;
            }
        }
        return abs;
    }

    /** The most symbolic links followed for an output file that does not exist yet (Linux's own limit is 40). */
    private static final int MAX_LINK_HOPS = 40;

    /** Writes {@code content} to {@code file}, or to {@code out} when {@code file} is null (once it is complete). */
    static void write(Path file, PrintWriter out, Content content) {
        if (file == null) {
            // Written whole or not at all, as files are: a writer that fails half-way prints nothing.
            java.io.StringWriter whole = new java.io.StringWriter();
            try {
                content.writeTo(whole);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.write(whole.toString());
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
     * place by {@link #commit}, so that none is replaced unless all were written. (The moves themselves are one per
     * file: a move that fails after an earlier one succeeded leaves the earlier file replaced.) Closing a batch
     * deletes the temporary files it has not moved.
     */
    static final class Batch implements AutoCloseable {

        /** Temporary file and target of each file added, in order; moved ones are dropped from the front. */
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
            Path target = resolved(file);
            if (targets.contains(target)) {
                throw new InputException(file.toString(), "", "is given twice (also as " + target
                        + "); each output needs a file of its own");
            }
            try {
                if (Files.exists(target) && !Files.isRegularFile(target)) {
                    // A FIFO or a device cannot be replaced, and is not left half-written by a failure either.
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target))) {
                        content.writeTo(out);
                    }
                    return;
                }
                Path tmp = createTemporary(target);
                temporaries.add(tmp);
                targets.add(target);
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.WRITE))) {
                    content.writeTo(out);
                }
                keepPermissions(target, tmp);
            } catch (IOException e) {
                throw new InputException(file.toString(), "", "cannot write: " + reason(e), e);
            }
        }

        /** Moves every file written into place. */
        void commit() {
            while (!temporaries.isEmpty()) {
                Path target = targets.get(0);
                try {
                    moveIntoPlace(temporaries.get(0), target);
                } catch (IOException e) {
                    throw new InputException(target.toString(), "", "cannot write: " + reason(e), e);
                }
                temporaries.remove(0);
                targets.remove(0);
            }
        }

        @Override
        public void close() {
            for (Path tmp : temporaries) {
                deleteQuietly(tmp);
            }
            temporaries.clear();
            targets.clear();
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
            // A run stopped by Ctrl-C or SIGTERM never closes its batch: the JVM deletes the file at exit, after the
            // application's shutdown hooks (a sweep's hook writes its finished rows through this class, so the files
            // must live until it is done; java.io.DeleteOnExitHook runs after them). Registered before the file
            // exists, so that a file created once the JVM has begun to delete is never made.
            try {
                tmp.toFile().deleteOnExit();
            } catch (IllegalStateException shuttingDown) {
                throw new IOException("interrupted");
            }
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                // Left by a process that had this id before: try the next name.
            }
        }
    }

    /**
     * Gives {@code tmp} the POSIX permissions of {@code target} when it exists (a replaced file keeps its own). Best
     * effort: some file systems report POSIX attributes but refuse to change them, and the output matters more.
     */
    private static void keepPermissions(Path target, Path tmp) {
        PosixFileAttributeView existing = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (existing == null || !Files.exists(target)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(tmp, existing.readAttributes().permissions());
        } catch (IOException | UnsupportedOperationException ignored) {
            // The new file keeps the umask's permissions.
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
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // The temporary file is left behind only if the file system refuses to delete it.
        }
    }
}
