// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.io.IOException;
import java.io.Writer;
import org.npusim.graph.Tensor;

/**
 * Writes tensor values as text: a comment line naming the tensor, its type, shape and quantization, then the
 * values row by row (one row per innermost vector, comma-separated), which {@link InputFiles#readCsv} reads back.
 */
public final class TensorText {

    private TensorText() {}

    /** Writes one tensor. */
    public static void write(Writer out, Tensor tensor, TensorBuffer values) throws IOException {
        StringBuilder b = new StringBuilder("# ").append(tensor.name().isEmpty() ? "tensor " + tensor.index()
                : tensor.name()).append(' ').append(values.type().label()).append(' ').append(values.shape());
        tensor.quantization().filter(q -> q.channelCount() == 1).ifPresent(q -> b.append(" scale=")
                .append(q.scale(0)).append(" zero_point=").append(q.zeroPoint(0)));
        out.write(b.append('\n').toString());
        int row = values.shape().rank() == 0 ? 1 : Math.max(1, values.shape().dim(-1));
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length(); i++) {
            if (i % row != 0) {
                line.append(',');
            }
            line.append(values.type() == org.npusim.graph.ElementType.FLOAT32 ? Float.toString(values.float32()[i])
                    : Long.toString(values.get(i)));
            if (i % row == row - 1 || i == values.length() - 1) {
                out.write(line.append('\n').toString());
                line.setLength(0);
            }
        }
    }
}
