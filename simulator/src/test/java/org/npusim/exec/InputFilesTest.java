// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.npusim.errors.InputException;
import org.npusim.graph.ElementType;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.Tensor;

/** Input files: real values that cannot be quantized, and CSV as spreadsheets save it. */
final class InputFilesTest {

    @TempDir
    Path tmp;

    private static final Tensor INT8 = new Tensor(0, "x", ElementType.INT8, Shape.of(1, 3),
            Optional.of(Quantization.perTensor(0.5f, 0)), Optional.empty(), false);

    @Test
    void quantize_nonFiniteValue_refusedNamingIt() {
        assertThatThrownBy(() -> InputFiles.quantize(new float[] {1f, Float.NaN, 2f}, INT8, "in.npy"))
                .isInstanceOf(InputException.class).hasMessage("in.npy: value 2: NaN cannot be quantized: expected a finite number");
        assertThatThrownBy(() -> InputFiles.quantize(new float[] {1f, 2f, Float.NEGATIVE_INFINITY}, INT8, "in.npy"))
                .isInstanceOf(InputException.class).hasMessageContaining("value 3: -Infinity");
    }

    @Test
    void imageLayout_featureVector_isNotAnImage_butAPlaneIs() {
        // A picture was scaled to one row and fed to micro_speech's 1x1960 features or hello_world's 1x1 input.
        assertThatThrownBy(() -> InputFiles.imageLayout(Shape.of(1, 1960), "a.png", "features"))
                .isInstanceOf(InputException.class).hasMessageContaining("which is not an image");
        assertThatThrownBy(() -> InputFiles.imageLayout(Shape.of(1, 1), "a.png", "x")).isInstanceOf(InputException.class);
        assertThat(InputFiles.imageLayout(Shape.of(2, 6), "a.png", "x")).isEqualTo(new InputFiles.ImageLayout(2, 6, 1, false));
        assertThat(InputFiles.imageLayout(Shape.of(1, 96, 96, 1), "a.png", "x")).isEqualTo(new InputFiles.ImageLayout(96, 96, 1, false));
    }

    @Test
    void readCsv_byteOrderMark_ignored() throws IOException {
        Path csv = tmp.resolve("in.csv");
        Files.write(csv, "\uFEFF1,2,-3\r\n".getBytes(StandardCharsets.UTF_8));
        TensorBuffer b = InputFiles.readCsv(csv, INT8);
        assertThat(b.int8()).containsExactly(1, 2, -3);
    }
}
