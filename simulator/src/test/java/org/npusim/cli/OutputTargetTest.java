// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.errors.InputException;

final class OutputTargetTest {

    @TempDir
    Path tmp;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void check_outputIsAnInput_refusedNamingTheInput() throws IOException {
        Path model = tmp.resolve("model.yaml");
        Files.writeString(model, "schema: npusim.model/v1\n");
        Path sameByAnotherName = tmp.resolve("sub/../model.yaml");
        assertThatThrownBy(() -> OutputTarget.check(List.of(tmp.resolve("hw.yaml"), model), tmp.resolve("out.json"),
                sameByAnotherName)).isInstanceOf(InputException.class)
                .hasMessage(sameByAnotherName + ": is also an input of the command (" + model
                        + "); write the output to another file");
        assertThat(Files.readString(model)).isEqualTo("schema: npusim.model/v1\n");
    }

    @Test
    void check_samePathTwice_refusedNamingBoth() {
        Path a = tmp.resolve("out.json");
        Path sameByAnotherName = tmp.resolve("sub/../out.json");
        assertThatThrownBy(() -> OutputTarget.check(a, tmp.resolve("other.html"), sameByAnotherName))
                .isInstanceOf(InputException.class)
                .hasMessage(sameByAnotherName + ": is given twice (also as " + a + "); each output needs a file of its own");
    }

    @Test
    void batch_secondContentFails_nothingWrittenAndNoTemporaryLeft() throws IOException {
        Path first = tmp.resolve("first.txt");
        Path second = tmp.resolve("second.txt");
        Files.writeString(first, "old");
        assertThatThrownBy(() -> {
            try (OutputTarget.Batch b = new OutputTarget.Batch()) {
                b.add(first, w -> w.write("new"));
                b.add(second, w -> {
                    w.write("half");
                    throw new IOException("disk full");
                });
                b.commit();
            }
        }).isInstanceOf(InputException.class).hasMessage(second + ": cannot write: disk full");
        assertThat(names()).containsExactly("first.txt");
        assertThat(Files.readString(first)).isEqualTo("old");
    }

    @Test
    void batch_sameFileAddedTwice_refused() {
        Path out = tmp.resolve("out.txt");
        assertThatThrownBy(() -> {
            try (OutputTarget.Batch b = new OutputTarget.Batch()) {
                b.add(out, w -> w.write("a"));
                b.add(out, w -> w.write("b"));
            }
        }).isInstanceOf(InputException.class).hasMessageContaining("is given twice");
    }

    @Test
    void write_throughASymbolicLink_replacesTheFileAndKeepsTheLink() throws IOException {
        Path real = Files.writeString(tmp.resolve("real.txt"), "old");
        Path link = Files.createSymbolicLink(tmp.resolve("link.txt"), real);
        OutputTarget.writeBytes(link, w -> w.write("new"));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
        assertThat(names()).containsExactly("link.txt", "real.txt");
    }

    /**
     * A link whose target does not exist yet is followed too: the target is created and the link kept (it was
     * replaced by a plain file); and two outputs that reach one file through it are refused as one file.
     */
    @Test
    void write_throughADanglingSymbolicLink_createsTheTargetAndKeepsTheLink() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link.txt"), Path.of("target.txt"));
        OutputTarget.writeBytes(link, w -> w.write("new"));
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(tmp.resolve("target.txt"))).isEqualTo("new");
        Path dangling = Files.createSymbolicLink(tmp.resolve("b.html"), Path.of("a.html"));
        assertThatThrownBy(() -> OutputTarget.check(tmp.resolve("a.html"), dangling))
                .isInstanceOf(InputException.class);
    }

    @Test
    void write_newFile_getsTheUmasksPermissionsNotOwnerOnly() throws IOException {
        Path reference = Files.createFile(tmp.resolve("reference"));
        assumeTrue(Files.getFileAttributeView(reference, PosixFileAttributeView.class) != null,
                "no POSIX permissions on this file system");
        // Under a umask of 077 a new file is owner-only anyway: the test could not tell the two apart.
        assumeFalse(Files.getPosixFilePermissions(reference).equals(PosixFilePermissions.fromString("rw-------")),
                "a umask of 077 gives every new file owner-only permissions");
        Path out = tmp.resolve("new.txt");
        OutputTarget.writeBytes(out, w -> w.write("x"));
        // Both are new files in one directory of one process: the umask gives both the same permissions.
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(reference));
    }

    /** An empty name (--report '') says so, instead of "is a directory" under no name. */
    @Test
    void check_emptyName_saysSo() {
        assertThatThrownBy(() -> OutputTarget.check(Path.of(""))).isInstanceOf(InputException.class)
                .hasMessage("output file: the name is empty; give the file to write");
    }

    @Test
    void write_intoADirectoryThatIsAFile_errorWithoutTemporaryNames() throws IOException {
        Path notADir = Files.writeString(tmp.resolve("plain"), "x");
        assertThatThrownBy(() -> OutputTarget.writeBytes(notADir.resolve("out.txt"), w -> w.write("x")))
                .isInstanceOf(InputException.class).hasMessageEndingWith("output directory " + notADir + " is a file")
                .hasMessageNotContaining(".tmp");
    }
}
