// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.npusim.testsupport.ShippedHardware;
import org.npusim.testsupport.YamlMutator;

/**
 * Mutates every shipped hardware description ({@link YamlMutator}) and checks that the loader either resolves it
 * or fails with errors of one line each: never another exception, never a hang. The parent files that
 * {@code extends:} names are found beside the mutated file, as for the original.
 */
final class HardwareFuzzTest {

    @Test
    void load_mutatedShippedDescriptions_resolveOrFailWithOneLineErrors() throws IOException {
        // Complete systems only: the base/ fragments are invalid on their own, so their mutations would be
        // rejected whatever the reader did.
        List<Path> files = ShippedHardware.all();
        int[] outcomes = YamlMutator.fuzz(files, 150,
                (text, name, file) -> HardwareLoader.load(text, name, file.getParent(), Overrides.NONE),
                (name, e) -> {
                    List<String> lines = e instanceof HardwareConfigException h ? h.messages() : List.of(e.getMessage());
                    assertThat(lines).as(name).isNotEmpty().allSatisfy(m -> assertThat(m).isNotBlank().doesNotContain("\n"));
                });
        System.out.printf("fuzz: %d mutated hardware descriptions (%d files), %d resolved, %d rejected with one-line"
                + " errors%n", outcomes[0] + outcomes[1], files.size(), outcomes[0], outcomes[1]);
        // Both outcomes occur: mutations that keep a file valid resolve, the others are rejected.
        assertThat(outcomes[0]).isPositive();
        assertThat(outcomes[1]).isPositive();
    }
}
