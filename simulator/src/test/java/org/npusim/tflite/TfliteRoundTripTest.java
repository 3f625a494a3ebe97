// SPDX-License-Identifier: Apache-2.0
package org.npusim.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.graph.OpKind;
import org.npusim.testsupport.SharedData;

final class TfliteRoundTripTest {

    /** Every shared model whose options are all decoded writes and reads back to an equal IR. */
    @Test
    void writeThenRead_sharedModels_giveEqualModels() {
        int written = 0;
        for (Path p : SharedData.models()) {
            Model m = TfliteReader.read(p);
            boolean exportable = m.subgraphs().stream().flatMap(g -> g.operators().stream())
                    .noneMatch(op -> op.options().kind() == OpKind.OPAQUE);
            if (!exportable) {
                System.out.println("round trip: " + p.getFileName() + " has undecoded builtin options, not written");
                continue;
            }
            byte[] bytes = TfliteWriter.write(m);
            Model back = TfliteReader.read(ByteBuffer.wrap(bytes), "roundtrip.tflite", m.name());
            assertThat(back.subgraphs()).as(p.toString()).isEqualTo(m.subgraphs());
            assertThat(back.main().facts().totalMacs()).isEqualTo(m.main().facts().totalMacs());
            written++;
        }
        assertThat(written).isGreaterThanOrEqualTo(5);
    }
}
