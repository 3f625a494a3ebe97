// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw.yaml;

import org.npusim.hw.HardwareConfig;
import org.npusim.hw.yaml.Node.MapNode;

/**
 * A parsed description: its file and every {@code extends:} parent read, merged and checked for syntax, but not yet
 * validated. Resolving it with overrides is cheap (no file access, no YAML parsing), so a sweep parses once and
 * resolves once per point. Immutable and safe to share between threads.
 */
public final class HardwareDocument {

    private final MapNode root;
    private final String source;
    private final String defaultName;
    private final Problems duplicates;

    /** {@code duplicates} holds the duplicate keys found while reading, reported with every resolution. */
    HardwareDocument(MapNode root, String source, String defaultName, Problems duplicates) {
        this.root = root;
        this.source = source;
        this.defaultName = defaultName;
        this.duplicates = duplicates;
    }

    /** Returns the file (or source name) the description was read from. */
    public String source() {
        return source;
    }

    /** Validates the description as written. */
    public HardwareConfig resolve() {
        return resolve(Overrides.NONE);
    }

    /**
     * Applies {@code overrides} and validates the result.
     *
     * @throws HardwareConfigException with every error found, when anything is wrong
     */
    public HardwareConfig resolve(Overrides overrides) {
        Problems problems = new Problems();
        problems.addAll(duplicates);
        MapNode edited = TreeEdits.apply(root, overrides, problems);
        var config = new Resolver(problems).resolve(edited, defaultName);
        problems.throwIfAny();
        return config.orElseThrow(() -> new IllegalStateException("no result and no error for " + source));
    }
}
