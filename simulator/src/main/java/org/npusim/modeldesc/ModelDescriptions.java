// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;

/**
 * Loads model descriptions ({@code models/*.yaml}, schema {@code npusim.model/v1}) into the graph IR. The keys
 * are documented in {@code models/README.md}. The same text always gives the same IR, byte for byte.
 */
public final class ModelDescriptions {

    /** Descriptions are small text files; anything larger is not one (and is not read into memory). */
    static final long MAX_FILE_BYTES = 1 << 20;

    private ModelDescriptions() {}

    /** Reads and builds the description in {@code path}. */
    public static Model load(Path path) {
        String file = path.toString();
        String text;
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new InputException(file, "", "the file is " + size + " bytes; a model description is at most "
                        + MAX_FILE_BYTES + " bytes");
            }
            byte[] bytes = Files.readAllBytes(path);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new InputException(file, "", "no such file");
        } catch (CharacterCodingException e) {
            throw new InputException(file, "", "not UTF-8 text; expected a YAML model description", e);
        } catch (IOException e) {
            throw new InputException(file, "", "cannot read: " + e.getMessage(), e);
        }
        return parse(text, file);
    }

    /** Builds the description in {@code text}; {@code file} names it in errors. */
    public static Model parse(String text, String file) {
        Source source = new Source(file);
        ModelDescription description = DescriptionReader.read(YamlTree.parse(text, source), source);
        return GraphBuilder.build(description, source);
    }
}
