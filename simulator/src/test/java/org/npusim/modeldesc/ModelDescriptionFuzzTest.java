// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.testsupport.SharedData;
import org.npusim.testsupport.YamlMutator;

/**
 * Mutates every shipped model description ({@link YamlMutator}) and checks that the reader either builds a model
 * or fails with one error of one line naming the file: never another exception, never a hang.
 */
final class ModelDescriptionFuzzTest {

    @Test
    void parse_mutatedShippedDescriptions_buildOrFailWithOneLine() throws IOException {
        List<Path> files = YamlMutator.yamlFiles(SharedData.repositoryRoot().resolve("models"));
        int[] outcomes = YamlMutator.fuzz(files, 300, (text, name, file) -> ModelDescriptions.parse(text, name),
                (name, e) -> assertThat(e.getMessage()).startsWith(name).doesNotContain("\n"));
        System.out.printf("fuzz: %d mutated model descriptions (%d files), %d built, %d rejected with one line%n",
                outcomes[0] + outcomes[1], files.size(), outcomes[0], outcomes[1]);
        // Both outcomes occur: mutations that keep a file valid build, the others are rejected.
        assertThat(outcomes[0]).isPositive();
        assertThat(outcomes[1]).isPositive();
    }
}
