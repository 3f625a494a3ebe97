// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.npusim.cmdstream.CompiledOperator;
import org.npusim.compression.LayerWeights;
import org.npusim.compression.ModelWeights;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.OperatorFacts;
import org.npusim.graph.Subgraph;
import org.npusim.graph.SubgraphFacts;
import org.npusim.graph.Tensor;
import org.npusim.hw.NpuVariant;
import org.npusim.json.Json;

/**
 * The graph summary of {@code npusim inspect}: one row per operator of the main subgraph, then totals; and the
 * weight summary of {@code npusim inspect --weights}: one row per weighted layer with its Ethos-U encoding.
 */
public final class InspectReport {

    /** Output formats. */
    public enum Format {
        TABLE,
        JSON
    }

    private InspectReport() {}

    /**
     * Writes the summary of {@code model} (read from {@code path}) in {@code format}; for a Vela-compiled model,
     * also the commands of its {@code ethos-u} operators ({@link CompiledModelReport}).
     */
    public static void write(Model model, String path, Format format, Writer out) throws IOException {
        List<CompiledOperator> compiled = CompiledOperator.any(model) ? CompiledOperator.of(model, path) : List.of();
        if (format == Format.JSON) {
            writeJson(model, path, compiled, out);
        } else {
            writeTable(model, compiled, out);
            CompiledModelReport.writeTable(compiled, out);
        }
    }

    /**
     * Writes the weighted layers of {@code model} with their unsliced Ethos-U encoding on {@code variant}:
     * weights, distinct values, zero fraction, encoded bytes (scale/bias records and weight stream, each padded to
     * 16 bytes) and weight-stream bits per weight.
     */
    public static void writeWeights(Model model, String path, NpuVariant variant, Format format, Writer out)
            throws IOException {
        List<LayerWeights> layers = ModelWeights.of(model, variant);
        if (format == Format.JSON) {
            writeWeightsJson(model, path, variant, layers, out);
            return;
        }
        Table t = new Table("#", "op", "output", "weights", "unique", "zeros %", "encoded B", "scale B", "weight B",
                "bits/w", "note");
        t.alignRight(0, 3, 4, 5, 6, 7, 8, 9);
        long weights = 0;
        long encoded = 0;
        long scale = 0;
        long stream = 0;
        long encodedWeights = 0;
        for (LayerWeights l : layers) {
            weights += l.weights();
            String enc = "-";
            String sc = "-";
            String wb = "-";
            String bits = "-";
            if (l.isEncoded()) {
                encoded += l.encodedBytes();
                scale += l.scaleBytes();
                stream += l.weightStreamBytes();
                encodedWeights += l.weights();
                enc = Table.grouped(l.encodedBytes());
                sc = Table.grouped(l.scaleBytes());
                wb = Table.grouped(l.weightStreamBytes());
                bits = String.format(Locale.ROOT, "%.2f", l.bitsPerWeight());
            }
            t.row(String.valueOf(l.operator()), l.op(), l.name(), Table.grouped(l.weights()),
                    String.valueOf(l.uniqueValues()), String.format(Locale.ROOT, "%.1f", 100 * l.zeroFraction()), enc,
                    sc, wb, bits, l.note());
        }
        out.write("Model " + model.name() + ": weights on " + variant.label() + " (unsliced streams)\n");
        t.writeTo(out);
        out.write("\n");
        out.write(String.format(Locale.ROOT, "weighted layers  %d (%d encoded)%n", layers.size(),
                layers.stream().filter(LayerWeights::isEncoded).count()));
        out.write(String.format(Locale.ROOT, "weights          %s%n", Table.grouped(weights)));
        out.write(String.format(Locale.ROOT, "encoded bytes    %s (scale/bias %s, weight streams %s)%n",
                Table.grouped(encoded), Table.grouped(scale), Table.grouped(stream)));
        out.write(String.format(Locale.ROOT, "bits per weight  %.2f (weight streams of encoded layers)%n",
                encodedWeights == 0 ? 0.0 : stream * 8.0 / encodedWeights));
    }

    private static void writeWeightsJson(Model model, String path, NpuVariant variant, List<LayerWeights> layers,
            Writer out) throws IOException {
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeStringField("schema", "npusim.weights/v1");
            j.writeObjectFieldStart("model");
            j.writeStringField("name", model.name());
            j.writeStringField("path", path);
            j.writeEndObject();
            j.writeStringField("npu", variant.label());
            long weights = 0;
            long encoded = 0;
            long scale = 0;
            long stream = 0;
            for (LayerWeights l : layers) {
                weights += l.weights();
                encoded += l.encodedBytes();
                scale += l.scaleBytes();
                stream += l.weightStreamBytes();
            }
            j.writeObjectFieldStart("total");
            j.writeNumberField("weights", weights);
            j.writeNumberField("encoded_bytes", encoded);
            j.writeNumberField("scale_bytes", scale);
            j.writeNumberField("weight_bytes", stream);
            j.writeEndObject();
            j.writeArrayFieldStart("layers");
            for (LayerWeights l : layers) {
                j.writeStartObject();
                j.writeNumberField("index", l.operator());
                j.writeStringField("op", l.op());
                j.writeStringField("name", l.name());
                j.writeNumberField("weights", l.weights());
                j.writeNumberField("unique_values", l.uniqueValues());
                j.writeNumberField("zero_fraction", l.zeroFraction());
                if (l.isEncoded()) {
                    j.writeNumberField("encoded_bytes", l.encodedBytes());
                    j.writeNumberField("scale_bytes", l.scaleBytes());
                    j.writeNumberField("weight_bytes", l.weightStreamBytes());
                    j.writeNumberField("bits_per_weight", l.bitsPerWeight());
                    if (!l.note().isEmpty()) {
                        j.writeStringField("note", l.note());
                    }
                } else {
                    j.writeStringField("note", l.note());
                }
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeEndObject();
        }
        out.write("\n");
    }

    private static String outputName(Subgraph g, Operator op) {
        return op.outputCount() == 0 ? "" : g.tensor(op.output(0)).name();
    }

    private static String outputShape(Subgraph g, Operator op) {
        return op.outputCount() == 0 ? "" : g.tensor(op.output(0)).shape().toString();
    }

    /**
     * Returns the MACs of every operator of the main graph: the graph's count (as Vela counts them), and for an
     * {@code ethos-u} operator, which the graph cannot see into, the MACs of the kernel commands of its stream.
     */
    private static long[] macs(Model model, List<CompiledOperator> compiled) {
        Subgraph g = model.main();
        long[] macs = new long[g.operators().size()];
        for (Operator op : g.operators()) {
            macs[op.index()] = g.facts().operators().get(op.index()).macs();
        }
        for (CompiledOperator c : compiled) {
            macs[c.operator()] = c.stream().macs();
        }
        return macs;
    }

    private static void writeTable(Model model, List<CompiledOperator> compiled, Writer out) throws IOException {
        Subgraph g = model.main();
        SubgraphFacts f = g.facts();
        long[] macs = macs(model, compiled);
        Table t = new Table("#", "op", "output", "shape", "MACs", "weights B");
        t.alignRight(0, 4, 5);
        for (Operator op : g.operators()) {
            OperatorFacts of = f.operators().get(op.index());
            t.row(String.valueOf(op.index()), op.opName(), outputName(g, op), outputShape(g, op),
                    Table.grouped(macs[op.index()]), Table.grouped(of.parameterBytes()));
        }
        out.write("Model " + model.name() + (model.subgraphs().size() > 1 ? " (" + model.subgraphs().size() + " subgraphs, main shown)" : "") + "\n");
        t.writeTo(out);
        out.write("\n");
        out.write(String.format(Locale.ROOT, "operators        %s%n", g.operators().size()));
        out.write(String.format(Locale.ROOT, "MACs             %s%n", Table.grouped(Arrays.stream(macs).sum())));
        out.write(String.format(Locale.ROOT, "parameters       %s (%s bytes)%n", Table.grouped(f.parameterCount()), Table.grouped(f.parameterBytes())));
        out.write(String.format(Locale.ROOT, "peak activations %s bytes (at operator %d)%n", Table.grouped(f.peakActivationBytes()), f.peakActivationStep()));
        for (int i : g.inputs()) {
            Tensor in = g.tensor(i);
            out.write(String.format(Locale.ROOT, "input            %s %s %s%n", in.name(), in.type().label(), in.shape()));
        }
        for (int i : g.outputs()) {
            Tensor o = g.tensor(i);
            out.write(String.format(Locale.ROOT, "output           %s %s %s%n", o.name(), o.type().label(), o.shape()));
        }
    }

    private static void writeJson(Model model, String path, List<CompiledOperator> compiled, Writer out) throws IOException {
        Subgraph g = model.main();
        SubgraphFacts f = g.facts();
        long[] macs = macs(model, compiled);
        try (JsonGenerator j = Json.generator(out)) {
            j.writeStartObject();
            j.writeStringField("schema", "npusim.inspect/v1");
            j.writeObjectFieldStart("model");
            j.writeStringField("name", model.name());
            j.writeStringField("path", path);
            j.writeNumberField("subgraphs", model.subgraphs().size());
            j.writeEndObject();
            j.writeObjectFieldStart("total");
            j.writeNumberField("operators", g.operators().size());
            j.writeNumberField("macs", Arrays.stream(macs).sum());
            j.writeNumberField("parameters", f.parameterCount());
            j.writeNumberField("parameter_bytes", f.parameterBytes());
            j.writeNumberField("peak_activation_bytes", f.peakActivationBytes());
            j.writeNumberField("peak_activation_step", f.peakActivationStep());
            j.writeEndObject();
            j.writeArrayFieldStart("inputs");
            for (int i : g.inputs()) {
                writeTensor(j, g.tensor(i));
            }
            j.writeEndArray();
            j.writeArrayFieldStart("outputs");
            for (int i : g.outputs()) {
                writeTensor(j, g.tensor(i));
            }
            j.writeEndArray();
            j.writeArrayFieldStart("operators");
            for (Operator op : g.operators()) {
                OperatorFacts of = f.operators().get(op.index());
                j.writeStartObject();
                j.writeNumberField("index", op.index());
                j.writeStringField("op", op.opName());
                j.writeStringField("name", outputName(g, op));
                j.writeArrayFieldStart("inputs");
                for (int t : op.inputs()) {
                    if (t >= 0) {
                        writeTensor(j, g.tensor(t));
                    }
                }
                j.writeEndArray();
                j.writeArrayFieldStart("outputs");
                for (int t : op.outputs()) {
                    writeTensor(j, g.tensor(t));
                }
                j.writeEndArray();
                j.writeNumberField("macs", macs[op.index()]);
                j.writeNumberField("parameters", of.parameterCount());
                j.writeNumberField("parameter_bytes", of.parameterBytes());
                j.writeEndObject();
            }
            j.writeEndArray();
            if (!compiled.isEmpty()) {
                j.writeFieldName("vela_compiled");
                CompiledModelReport.writeJson(compiled, j);
            }
            j.writeEndObject();
        }
        out.write("\n");
    }

    private static void writeTensor(JsonGenerator j, Tensor t) throws IOException {
        j.writeStartObject();
        j.writeStringField("name", t.name());
        j.writeStringField("type", t.type().label());
        j.writeArrayFieldStart("shape");
        for (int d : t.shape().dims()) {
            j.writeNumber(d);
        }
        j.writeEndArray();
        j.writeBooleanField("constant", t.isConstant());
        j.writeEndObject();
    }
}
