// SPDX-License-Identifier: Apache-2.0
package org.npusim.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.npusim.cmdstream.Activation;
import org.npusim.cmdstream.AddressRange;
import org.npusim.cmdstream.CompiledOperator;
import org.npusim.cmdstream.DmaCommand;
import org.npusim.cmdstream.FeatureMap;
import org.npusim.cmdstream.KernelCommand;
import org.npusim.cmdstream.KernelWindow;
import org.npusim.cmdstream.NpuCommand;
import org.npusim.cmdstream.OptimizerConfig;
import org.npusim.cmdstream.SecondOperand;
import org.npusim.npu.Shape4;

/**
 * The decoded {@code ethos-u} operators of a Vela-compiled model, for {@code npusim inspect}: what each was compiled
 * for, its regions, and one row per operation command (op, shapes, block config, weight bytes, regions), as a table
 * or as a JSON array.
 */
public final class CompiledModelReport {

    private CompiledModelReport() {}

    /** Writes the commands of every operator as tables. */
    public static void writeTable(List<CompiledOperator> operators, Writer out) throws IOException {
        for (CompiledOperator c : operators) {
            out.write("\nVela-compiled: operator " + c.operator() + " (" + CompiledOperator.CUSTOM_CODE + ") compiled for "
                    + c.compiledFor().variant().label() + " (" + c.compiledFor().evidence() + ")\n");
            out.write(String.format(Locale.ROOT, "command stream   %s words: %s%n", Table.grouped(c.stream().words()), counts(c)));
            StringBuilder regions = new StringBuilder();
            for (CompiledOperator.Region r : c.regions()) {
                regions.append(regions.length() == 0 ? "" : ", ").append(r.index()).append(' ').append(r.name()).append(" (")
                        .append(Table.grouped(r.bytes())).append(" B, ").append(r.role().name().toLowerCase(Locale.ROOT)).append(')');
            }
            out.write("regions          " + regions + "\n");
            Table t = new Table("#", "command", "IFM / DMA source", "IFM2", "OFM / DMA destination", "kernel", "block",
                    "weights B", "scales B", "DMA B", "activation");
            t.alignRight(0, 7, 8, 9);
            for (NpuCommand cmd : c.stream().commands()) {
                if (cmd instanceof KernelCommand k) {
                    t.row(String.valueOf(k.index()), k.operation().label(), k.ifm().label(), ifm2(k), k.ofm().label(),
                            k.kernel().map(KernelWindow::label).orElse(""), block(k.ofmBlock()),
                            k.operation().hasWeights() ? Table.grouped(k.weightBytes()) + " " + regions(k.weights()) : "",
                            k.operation().hasWeights() ? Table.grouped(k.scaleBytes()) : "", "", activation(k.activation()));
                } else {
                    DmaCommand d = (DmaCommand) cmd;
                    t.row(String.valueOf(d.index()), "DMA", address(d.source()), "",
                            d.toShram() ? String.format(Locale.ROOT, "SHRAM@0x%x", d.destination().address()) : address(d.destination()),
                            "", "", "", "", Table.grouped(d.bytes()), "");
                }
            }
            t.writeTo(out);
            long weights = c.stream().kernels().stream().mapToLong(KernelCommand::weightBytes).sum();
            long scales = c.stream().kernels().stream().mapToLong(KernelCommand::scaleBytes).sum();
            long copied = c.stream().dmas().stream().filter(d -> !d.toShram()).mapToLong(DmaCommand::bytes).sum();
            long luts = c.stream().dmas().stream().filter(DmaCommand::toShram).mapToLong(DmaCommand::bytes).sum();
            out.write(String.format(Locale.ROOT, "MACs %s; weight streams %s B, scale streams %s B; DMA %s B between regions,"
                    + " %s B into SHRAM (LUTs)%n", Table.grouped(c.stream().macs()), Table.grouped(weights), Table.grouped(scales),
                    Table.grouped(copied), Table.grouped(luts)));
        }
    }

    /** Writes the operators as the value of the current JSON field: an array. */
    public static void writeJson(List<CompiledOperator> operators, JsonGenerator j) throws IOException {
        j.writeStartArray();
        for (CompiledOperator c : operators) {
            j.writeStartObject();
            j.writeNumberField("operator", c.operator());
            j.writeStringField("compiled_for", c.compiledFor().variant().label());
            j.writeStringField("evidence", c.compiledFor().evidence());
            j.writeBooleanField("inferred", c.compiledFor().inferred());
            if (c.payload().config().isPresent()) {
                OptimizerConfig o = c.payload().config().get();
                j.writeObjectFieldStart("optimizer_config");
                j.writeNumberField("macs_per_cycle", o.macsPerCycle());
                j.writeNumberField("shram_kib", o.shramKib());
                j.writeNumberField("command_stream_version", o.commandStreamVersion());
                j.writeStringField("architecture", o.architecture());
                j.writeEndObject();
            } else {
                j.writeNullField("optimizer_config");
            }
            j.writeNumberField("words", c.stream().words());
            j.writeNumberField("macs", c.stream().macs());
            j.writeArrayFieldStart("regions");
            for (CompiledOperator.Region r : c.regions()) {
                j.writeStartObject();
                j.writeNumberField("index", r.index());
                j.writeStringField("tensor", r.name());
                j.writeNumberField("bytes", r.bytes());
                j.writeStringField("role", r.role().name().toLowerCase(Locale.ROOT));
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeArrayFieldStart("commands");
            for (NpuCommand cmd : c.stream().commands()) {
                j.writeStartObject();
                j.writeNumberField("index", cmd.index());
                j.writeNumberField("word", cmd.word());
                if (cmd instanceof KernelCommand k) {
                    writeKernel(j, k);
                } else {
                    DmaCommand d = (DmaCommand) cmd;
                    j.writeStringField("command", "DMA");
                    writeRange(j, "source", d.source());
                    if (d.toShram()) {
                        j.writeNumberField("shram_destination", d.destination().address());
                    } else {
                        writeRange(j, "destination", d.destination());
                    }
                    j.writeNumberField("bytes", d.bytes());
                }
                j.writeEndObject();
            }
            j.writeEndArray();
            j.writeEndObject();
        }
        j.writeEndArray();
    }

    private static void writeKernel(JsonGenerator j, KernelCommand k) throws IOException {
        j.writeStringField("command", k.operation().label());
        writeMap(j, "ifm", k.ifm());
        if (k.ifm2().isPresent() && k.ifm2().get() instanceof SecondOperand.Tensor t) {
            writeMap(j, "ifm2", t.map());
        } else if (k.ifm2().isPresent() && k.ifm2().get() instanceof SecondOperand.Scalar s) {
            j.writeNumberField("ifm2_scalar", s.value());
        }
        writeMap(j, "ofm", k.ofm());
        if (k.kernel().isPresent()) {
            KernelWindow w = k.kernel().get();
            j.writeObjectFieldStart("kernel");
            j.writeNumberField("width", w.kernel().w());
            j.writeNumberField("height", w.kernel().h());
            j.writeNumberField("stride_x", w.kernel().strideX());
            j.writeNumberField("stride_y", w.kernel().strideY());
            j.writeNumberField("dilation_x", w.kernel().dilationX());
            j.writeNumberField("dilation_y", w.kernel().dilationY());
            j.writeBooleanField("part_kernel_first", w.partKernelFirst());
            j.writeArrayFieldStart("padding_top_left_bottom_right");
            j.writeNumber(w.padding().top());
            j.writeNumber(w.padding().left());
            j.writeNumber(w.padding().bottom());
            j.writeNumber(w.padding().right());
            j.writeEndArray();
            j.writeEndObject();
        }
        j.writeArrayFieldStart("ofm_block");
        j.writeNumber(k.ofmBlock().h());
        j.writeNumber(k.ofmBlock().w());
        j.writeNumber(k.ofmBlock().c());
        j.writeEndArray();
        j.writeStringField("accumulator", k.accumulator().name().toLowerCase(Locale.ROOT));
        j.writeStringField("activation", activation(k.activation()));
        if (k.operation().hasWeights()) {
            writeRanges(j, "weights", k.weights());
            writeRanges(j, "scales", k.scales());
        }
        j.writeNumberField("macs", k.macs());
    }

    private static void writeMap(JsonGenerator j, String field, FeatureMap m) throws IOException {
        j.writeObjectFieldStart(field);
        j.writeArrayFieldStart("shape");
        j.writeNumber(m.shape().h());
        j.writeNumber(m.shape().w());
        j.writeNumber(m.shape().c());
        j.writeEndArray();
        j.writeStringField("type", m.typeName());
        j.writeStringField("format", m.format().name());
        j.writeNumberField("region", m.region());
        j.writeNumberField("address", m.address());
        j.writeEndObject();
    }

    private static void writeRanges(JsonGenerator j, String field, List<AddressRange> ranges) throws IOException {
        j.writeArrayFieldStart(field);
        for (AddressRange r : ranges) {
            j.writeStartObject();
            j.writeNumberField("region", r.region());
            j.writeNumberField("address", r.address());
            j.writeNumberField("bytes", r.length());
            j.writeEndObject();
        }
        j.writeEndArray();
    }

    private static void writeRange(JsonGenerator j, String field, AddressRange r) throws IOException {
        j.writeObjectFieldStart(field);
        j.writeNumberField("region", r.region());
        j.writeNumberField("address", r.address());
        j.writeEndObject();
    }

    /** Returns {@code 87 kernel commands (32 CONV, 23 DEPTHWISE, ...), 55 DMA transfers}. */
    private static String counts(CompiledOperator c) {
        Map<String, Integer> byKind = new TreeMap<>();
        for (KernelCommand k : c.stream().kernels()) {
            byKind.merge(k.operation().command().name().substring("NPU_OP_".length()), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        byKind.forEach((k, n) -> b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(k));
        return c.stream().kernels().size() + " kernel commands (" + b + "), " + c.stream().dmas().size() + " DMA transfers";
    }

    private static String ifm2(KernelCommand k) {
        if (k.ifm2().isEmpty()) {
            return "";
        }
        SecondOperand s = k.ifm2().get();
        return s instanceof SecondOperand.Scalar sc ? "scalar " + sc.value() : ((SecondOperand.Tensor) s).map().label();
    }

    private static String block(Shape4 b) {
        return b.h() + "x" + b.w() + "x" + b.c();
    }

    private static String regions(List<AddressRange> ranges) {
        StringBuilder b = new StringBuilder();
        for (AddressRange r : ranges) {
            b.append(b.length() == 0 ? "r" : "+r").append(r.region());
        }
        return b.toString();
    }

    private static String address(AddressRange r) {
        return String.format(Locale.ROOT, "r%d@0x%x", r.region(), r.address());
    }

    /** Returns {@code LUT 0}, {@code tanh}, {@code sigmoid} or the clamp {@code [0, 127]}. */
    private static String activation(Activation a) {
        return switch (a.function()) {
            case LUT -> "LUT " + a.lutSlot() + " [" + a.min() + ", " + a.max() + "]";
            case TANH -> "tanh";
            case SIGMOID -> "sigmoid";
            case NONE -> "[" + a.min() + ", " + a.max() + "]";
        };
    }
}
