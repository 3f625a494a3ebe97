// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.npusim.json.Json;
import org.npusim.kernels.KernelComparison;
import org.npusim.kernels.KernelComparison.Row;
import org.npusim.kernels.KernelVariant;
import org.npusim.kernels.LayerShape;

/**
 * Writes a {@link KernelComparison} ({@code npusim kernels compare}) as a table, CSV, or the
 * {@code npusim.kernels/v1} JSON object. Deterministic: rows in the comparison's order, fixed precision.
 */
public final class KernelsReport {

    /** The JSON schema name. */
    public static final String SCHEMA = "npusim.kernels/v1";

    private KernelsReport() {}

    /** Writes {@code c} in {@code format}. */
    public static void write(KernelComparison c, ResultFormat format, Writer out) throws IOException {
        switch (format) {
            case TABLE -> table(c, out);
            case CSV -> csv(c, out);
            case JSON -> json(c, out);
        }
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    private static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String dims(LayerShape s, boolean input) {
        if (s.kind() == LayerShape.Kind.FULLY_CONNECTED) {
            return s.batches() + "x" + (input ? s.inC() : s.outC());
        }
        return input ? s.inH() + "x" + s.inW() + "x" + s.inC() : s.outH() + "x" + s.outW() + "x" + s.outC();
    }

    private static String layerLine(KernelComparison c) {
        KernelComparison.Layer l = c.layer();
        LayerShape s = l.shape();
        StringBuilder b = new StringBuilder();
        if (l.name().isPresent()) {
            b.append('#').append(l.index().orElseThrow()).append(' ').append(l.operator().orElseThrow()).append(" '")
                    .append(l.name().get()).append("': ");
        }
        b.append(s.label()).append(" (").append(dims(s, true)).append(" -> ").append(dims(s, false)).append(", ")
                .append(Table.grouped(s.macs())).append(" MACs, ").append(Table.grouped(s.weightCount()))
                .append(" weights");
        l.measuredWeightSparsity().ifPresent(w -> b.append(", ").append(pct(w)).append(" of them zero"));
        return b.append(')').toString();
    }

    private static String crossover(OptionalDouble x, String what) {
        return x.isPresent() ? "above " + pct(x.getAsDouble()) + " " + what : "never (not even at 100% " + what + ")";
    }

    private static String label(Row r) {
        return r.cost().label() + (r.needsPruning() ? " *" : "");
    }

    private static String[] cells(Row r) {
        return new String[] {label(r), Table.grouped(r.cost().wholeCycles()), fixed(r.speedup(), 2) + "x",
            Table.grouped(r.cost().footprint().weightBytes()), Table.grouped(r.cost().footprint().scratchBytes())};
    }

    private static boolean unstructured(Row r) {
        return r.cost().variant() == KernelVariant.SPARSE_CSR || r.cost().variant() == KernelVariant.SPARSE_BITMASK;
    }

    /**
     * The table has two parts: the variants whose cost does not depend on the weight sparsity (dense, Winograd,
     * N:M, zero-skip), once; then the unstructured sparse variants at each weight sparsity.
     */
    private static void table(KernelComparison c, Writer out) throws IOException {
        out.write("Layer        " + layerLine(c) + "\n");
        out.write("Core         " + c.core().label() + "\n");
        out.write("Activations  " + pct(c.activationSparsity()) + " zero\n\n");
        Table fixedCost = new Table("variant", "cycles", "speedup", "weights B", "scratch B").alignRight(1, 2, 3, 4);
        double first = c.rows().get(0).weightSparsity();
        boolean pruned = false;
        for (Row r : c.rows()) {
            if (!unstructured(r) && r.weightSparsity() == first) {
                fixedCost.row(cells(r));
                pruned |= r.needsPruning();
            }
        }
        fixedCost.writeTo(out);
        if (pruned) {
            out.write("* only after pruning the weights to the pattern, which they do not follow\n");
        }
        out.write("\n");
        Table sparse = new Table("weight sparsity", "variant", "cycles", "speedup", "weights B", "scratch B")
                .alignRight(0, 2, 3, 4, 5);
        for (Row r : c.rows()) {
            if (unstructured(r)) {
                String[] cells = cells(r);
                sparse.row(pct(r.weightSparsity()), cells[0], cells[1], cells[2], cells[3], cells[4]);
            }
        }
        sparse.writeTo(out);
        out.write("\n");
        StringBuilder best = new StringBuilder();
        for (Row r : c.best()) {
            best.append(best.length() == 0 ? "" : "; ").append(pct(r.weightSparsity())).append(": ")
                    .append(r.cost().label()).append(" (").append(fixed(r.speedup(), 2)).append("x)");
        }
        out.write("fastest      " + best + "\n");
        for (Map.Entry<KernelVariant, OptionalDouble> e : c.weightCrossover().entrySet()) {
            out.write("crossover    " + e.getKey().label() + " beats dense " + crossover(e.getValue(), "weight sparsity")
                    + "\n");
        }
        out.write("crossover    zero-skip beats dense " + crossover(c.activationCrossover(), "activation sparsity") + "\n");
        for (Map.Entry<KernelVariant, String> e : c.notApplicable().entrySet()) {
            out.write("n/a          " + e.getKey().label() + ": " + e.getValue() + "\n");
        }
        if (!c.verified().isEmpty()) {
            out.write("verified     " + String.join(", ", c.verified()) + ": output identical to the dense reference"
                    + " kernel on a seeded random input\n");
        }
        out.write(wrap("NPU          ", KernelComparison.NPU_NOTE));
    }

    /** Returns {@code text} after {@code head}, wrapped at 116 columns with continuation lines indented as far. */
    private static String wrap(String head, String text) {
        StringBuilder b = new StringBuilder(head);
        int column = head.length();
        for (String word : text.split(" ")) {
            if (column > head.length() && column + 1 + word.length() > 116) {
                b.append('\n').append(" ".repeat(head.length()));
                column = head.length();
            } else if (column > head.length()) {
                b.append(' ');
                column++;
            }
            b.append(word);
            column += word.length();
        }
        return b.append('\n').toString();
    }

    private static void csv(KernelComparison c, Writer out) throws IOException {
        out.write("weight_sparsity,activation_sparsity,variant,pattern,needs_pruning,cycles,speedup,weight_bytes,"
                + "scratch_bytes,crossover_sparsity\n");
        for (Row r : c.rows()) {
            KernelVariant v = r.cost().variant();
            OptionalDouble x = v == KernelVariant.ZERO_SKIP ? c.activationCrossover()
                    : c.weightCrossover().getOrDefault(v, OptionalDouble.empty());
            boolean defined = v == KernelVariant.ZERO_SKIP || c.weightCrossover().containsKey(v);
            out.write(String.join(",", fixed(r.weightSparsity(), 4), fixed(c.activationSparsity(), 4), v.label(),
                    r.cost().pattern().map(Object::toString).orElse(""), Boolean.toString(r.needsPruning()),
                    Long.toString(r.cost().wholeCycles()),
                    fixed(r.speedup(), 4), Long.toString(r.cost().footprint().weightBytes()),
                    Long.toString(r.cost().footprint().scratchBytes()),
                    !defined ? "" : x.isPresent() ? fixed(x.getAsDouble(), 4) : "never") + "\n");
        }
    }

    private static void json(KernelComparison c, Writer out) throws IOException {
        JsonGenerator g = Json.generator(out);
        g.writeStartObject();
        g.writeStringField("schema", SCHEMA);
        g.writeStringField("core", c.core().label());
        KernelComparison.Layer l = c.layer();
        LayerShape s = l.shape();
        g.writeObjectFieldStart("layer");
        g.writeStringField("description", s.label());
        if (l.name().isPresent()) {
            g.writeNumberField("index", l.index().orElseThrow());
            g.writeStringField("name", l.name().get());
            g.writeStringField("op", l.operator().orElseThrow());
        }
        g.writeStringField("kind", s.kind() == LayerShape.Kind.CONV ? "conv" : "fully_connected");
        g.writeStringField("input", dims(s, true));
        g.writeStringField("output", dims(s, false));
        g.writeNumberField("macs", s.macs());
        g.writeNumberField("weights", s.weightCount());
        if (l.measuredWeightSparsity().isPresent()) {
            g.writeFieldName("measured_weight_sparsity");
            g.writeNumber(fixed(l.measuredWeightSparsity().getAsDouble(), 6));
        }
        g.writeEndObject();
        g.writeFieldName("activation_sparsity");
        g.writeNumber(fixed(c.activationSparsity(), 6));
        g.writeArrayFieldStart("rows");
        for (Row r : c.rows()) {
            g.writeStartObject();
            g.writeFieldName("weight_sparsity");
            g.writeNumber(fixed(r.weightSparsity(), 6));
            g.writeStringField("variant", r.cost().variant().label());
            if (r.cost().pattern().isPresent()) {
                g.writeStringField("pattern", r.cost().pattern().get().toString());
                g.writeBooleanField("needs_pruning", r.needsPruning());
            }
            g.writeNumberField("cycles", r.cost().wholeCycles());
            g.writeFieldName("speedup");
            g.writeNumber(fixed(r.speedup(), 4));
            g.writeNumberField("weight_bytes", r.cost().footprint().weightBytes());
            g.writeNumberField("scratch_bytes", r.cost().footprint().scratchBytes());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("fastest");
        for (Row r : c.best()) {
            g.writeStartObject();
            g.writeFieldName("weight_sparsity");
            g.writeNumber(fixed(r.weightSparsity(), 6));
            g.writeStringField("variant", r.cost().label());
            g.writeFieldName("speedup");
            g.writeNumber(fixed(r.speedup(), 4));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("crossover");
        for (Map.Entry<KernelVariant, OptionalDouble> e : c.weightCrossover().entrySet()) {
            writeCrossover(g, e.getKey().label(), "weight_sparsity", e.getValue());
        }
        writeCrossover(g, KernelVariant.ZERO_SKIP.label(), "activation_sparsity", c.activationCrossover());
        g.writeEndObject();
        g.writeObjectFieldStart("not_applicable");
        for (Map.Entry<KernelVariant, String> e : c.notApplicable().entrySet()) {
            g.writeStringField(e.getKey().label(), e.getValue());
        }
        g.writeEndObject();
        if (!c.verified().isEmpty()) {
            g.writeArrayFieldStart("verified");
            for (String v : c.verified()) {
                g.writeString(v);
            }
            g.writeEndArray();
        }
        g.writeStringField("npu", KernelComparison.NPU_NOTE);
        g.writeEndObject();
        g.flush();
        out.write("\n");
    }

    private static void writeCrossover(JsonGenerator g, String variant, String axis, OptionalDouble x) throws IOException {
        g.writeObjectFieldStart(variant);
        g.writeFieldName(axis);
        if (x.isPresent()) {
            g.writeNumber(fixed(x.getAsDouble(), 6));
        } else {
            g.writeNull();
        }
        g.writeEndObject();
    }
}
