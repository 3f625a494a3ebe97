// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 4180 fields: quoted only when they hold a comma, a quote or a line break; quotes doubled inside. */
final class CsvTest {

    @Test
    void field_plainText_isWrittenAsItIs() {
        assertThat(Csv.field("MobilenetV2/Conv/Relu6")).isEqualTo("MobilenetV2/Conv/Relu6");
        assertThat(Csv.field("")).isEqualTo("");
    }

    @Test
    void field_separatorQuoteOrLineBreak_isQuoted() {
        assertThat(Csv.field("model/dense;model/BiasAdd,1")).isEqualTo("\"model/dense;model/BiasAdd,1\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.field("cr\rhere")).isEqualTo("\"cr\rhere\"");
    }
}
