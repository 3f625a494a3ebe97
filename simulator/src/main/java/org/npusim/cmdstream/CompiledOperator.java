// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.npusim.errors.InputException;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * An {@code ethos-u} custom operator of a Vela-compiled model, decoded.
 *
 * <p>Vela replaces each NPU subgraph by one such operator ({@code npu_serialisation.py: rewrite_npu_call_ops})
 * whose inputs are, in order, the command stream (the driver payload, a constant uint8 tensor), the flash tensor
 * (encoded weights, scales, LUTs and constants), the scratch tensor (the arena Vela allocated feature maps and
 * weight buffers in), the fast scratch tensor, then the subgraph's own inputs; its outputs are the subgraph's
 * outputs. The driver receives every input after the payload, then every output, as the base pointers of regions
 * 0, 1, 2, ... ({@code ethosu_driver.c: ethosu_invoke}; the TFLite Micro kernel passes them in that order).
 *
 * @param operator the operator's index in the main subgraph
 * @param payload the driver payload
 * @param stream its decoded command streams
 * @param compiledFor the Ethos-U variant it was compiled for
 * @param regions the memory regions, by index
 */
public record CompiledOperator(int operator, DriverPayload payload, CommandStream stream, CompiledFor compiledFor,
        List<Region> regions) {

    /** The custom code Vela gives the operator ({@code Op.CustomNpuOp}, written as {@code "ethos-u"}). */
    public static final String CUSTOM_CODE = "ethos-u";

    public CompiledOperator {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(compiledFor, "compiledFor");
        regions = List.copyOf(regions);
    }

    /** What a region holds, by Vela's convention for its index. */
    public enum Role {
        /** Region 0: weights, scales, LUTs and constants (Vela's permanent storage). */
        FLASH,
        /** Region 1: the arena Vela allocates feature maps and weight buffers in. */
        SCRATCH,
        /** Region 2: the cache of Vela's dedicated-SRAM mode. */
        SCRATCH_FAST,
        /** Regions 3 on: the operator's own inputs and outputs. */
        TENSOR
    }

    /**
     * One base pointer.
     *
     * @param index the region index
     * @param tensor the tensor it points to
     * @param name the tensor's name
     * @param bytes the tensor's size
     * @param role what it holds
     */
    public record Region(int index, int tensor, String name, long bytes, Role role) {}

    /** Returns whether {@code op} is a Vela-compiled NPU subgraph. */
    public static boolean is(Operator op) {
        return op.code().customCode().map(CUSTOM_CODE::equals).orElse(false);
    }

    /** Returns whether {@code model}'s main subgraph has an {@code ethos-u} operator. */
    public static boolean any(Model model) {
        return model.main().operators().stream().anyMatch(CompiledOperator::is);
    }

    /** Decodes every {@code ethos-u} operator of {@code model} (read from {@code file}), in execution order. */
    public static List<CompiledOperator> of(Model model, String file) {
        List<CompiledOperator> out = new ArrayList<>();
        Subgraph g = model.main();
        for (Operator op : g.operators()) {
            if (is(op)) {
                out.add(decode(g, op, file));
            }
        }
        return out;
    }

    private static CompiledOperator decode(Subgraph g, Operator op, String file) {
        String place = "operator " + op.index() + " (" + CUSTOM_CODE + ")";
        if (op.inputCount() < 1 || op.input(0) < 0) {
            throw new InputException(file, place, "no input 0; expected the command stream tensor");
        }
        Tensor cms = g.tensor(op.input(0));
        PayloadSource source = new PayloadSource(file, place + " input 0 (" + cms.name() + ")");
        if (cms.data().isEmpty()) {
            throw source.whole("a tensor without data; expected the constant driver payload Vela writes");
        }
        List<Region> regions = new ArrayList<>();
        List<Integer> bases = new ArrayList<>();
        for (int i = 1; i < op.inputCount(); i++) {
            bases.add(op.input(i));
        }
        for (int t : op.outputs()) {
            bases.add(t);
        }
        for (int i = 0; i < bases.size(); i++) {
            int t = bases.get(i);
            if (t < 0) {
                throw new InputException(file, place + " input " + (i + 1), "an omitted input; expected the base pointer of region " + i);
            }
            Tensor tensor = g.tensor(t);
            long bytes = tensor.data().map(d -> (long) d.sizeBytes()).orElse(tensor.sizeBytes());
            Role role = i < Role.TENSOR.ordinal() ? Role.values()[i] : Role.TENSOR;
            regions.add(new Region(i, t, tensor.name(), bytes, role));
        }
        long[] sizes = regions.stream().mapToLong(Region::bytes).toArray();
        DriverPayload payload = DriverPayload.parse(cms.data().get().buffer(), source);
        CommandStream stream = CommandStreamDecoder.decode(payload, sizes, source);
        CompiledFor variant = CompiledFor.of(payload.config(), stream, source);
        return new CompiledOperator(op.index(), payload, stream, variant, regions);
    }
}
