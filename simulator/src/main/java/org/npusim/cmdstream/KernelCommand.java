// SPDX-License-Identifier: Apache-2.0
package org.npusim.cmdstream;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.npusim.npu.Shape4;

/**
 * A CONV, DEPTHWISE, POOL or ELEMENTWISE command with the register state that defines it. Registers keep their
 * value from one command to the next and Vela writes only those that change ({@code
 * register_command_stream_generator.py: RegisterMachine}), so the state is that of every write before the command;
 * registers that do not apply to the operation (weights of a POOL, the kernel of an ELEMENTWISE) are left out.
 *
 * @param index position among the stream's operation commands
 * @param word position of the command word in the payload
 * @param operation what it computes
 * @param ifm the input feature map; its shape is the part the command reads (see {@link CommandStreamDecoder})
 * @param ifm2 the second operand of a binary element-wise command
 * @param ofm the output feature map ({@code NPU_SET_OFM_HEIGHT_M1/WIDTH_M1/DEPTH_M1})
 * @param kernel the window of a CONV, DEPTHWISE or POOL
 * @param ofmBlock the OFM block ({@code NPU_SET_OFM_BLK_HEIGHT_M1/WIDTH_M1/DEPTH_M1}), batch 1
 * @param accumulator the accumulator format ({@code NPU_SET_ACC_FORMAT})
 * @param upscale IFM resampling ({@code NPU_SET_IFM_UPSCALE}: none, nearest, transpose)
 * @param activation the output stage's activation
 * @param weights the weight stream per core ({@code NPU_SET_WEIGHT_BASE/LENGTH}, {@code WEIGHT1_*} on the second
 *     core of an Ethos-U65-512), for CONV and DEPTHWISE
 * @param scales the scale/bias stream per core ({@code NPU_SET_SCALE_BASE/LENGTH}, {@code SCALE1_*})
 * @param shram the SHRAM layout ({@code NPU_SET_IFM_IB_END}, {@code NPU_SET_AB_START}, {@code NPU_SET_IFM2_IB_START})
 */
public record KernelCommand(
        int index,
        int word,
        Operation operation,
        FeatureMap ifm,
        Optional<SecondOperand> ifm2,
        FeatureMap ofm,
        Optional<KernelWindow> kernel,
        Shape4 ofmBlock,
        Accumulator accumulator,
        Upscale upscale,
        Activation activation,
        List<AddressRange> weights,
        List<AddressRange> scales,
        ShramLayout shram) implements NpuCommand {

    /** Accumulator formats ({@code ethos_u55_regs.py: acc_format}). */
    public enum Accumulator {
        INT32,
        INT40,
        FP_S5_10
    }

    /** IFM resampling ({@code resampling_mode}). */
    public enum Upscale {
        NONE,
        NEAREST,
        TRANSPOSE
    }

    /**
     * Where the command's buffers start in SHRAM, in 1 KiB banks.
     *
     * @param ifmEnd the bank after the IFM buffer
     * @param accumulatorStart the first accumulator bank
     * @param ifm2Start the first bank of the second IFM's buffer (0 when unset)
     */
    public record ShramLayout(int ifmEnd, int accumulatorStart, int ifm2Start) {
        /** Returns the highest bank index any of the buffers starts or ends at. */
        public int highestBank() {
            return Math.max(ifmEnd, Math.max(accumulatorStart, ifm2Start));
        }
    }

    public KernelCommand {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(ifm, "ifm");
        Objects.requireNonNull(ifm2, "ifm2");
        Objects.requireNonNull(ofm, "ofm");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(ofmBlock, "ofmBlock");
        Objects.requireNonNull(accumulator, "accumulator");
        Objects.requireNonNull(upscale, "upscale");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(shram, "shram");
        weights = List.copyOf(weights);
        scales = List.copyOf(scales);
    }

    /** Returns the weight stream bytes, all cores. */
    public long weightBytes() {
        return weights.stream().mapToLong(AddressRange::length).sum();
    }

    /** Returns the scale/bias stream bytes, all cores. */
    public long scaleBytes() {
        return scales.stream().mapToLong(AddressRange::length).sum();
    }

    /**
     * Returns the MACs as Vela counts them (ethos-u-facts.md §3.2): kernel area × IFM depth × OFM elements for
     * CONV, kernel area × OFM elements for DEPTHWISE and POOL, none for ELEMENTWISE.
     */
    public long macs() {
        if (kernel.isEmpty()) {
            return 0;
        }
        long area = kernel.get().kernel().elements();
        return switch (operation) {
            case CONV -> area * ifm.shape().c() * ofm.shape().elements();
            case DEPTHWISE, MAX_POOL, AVERAGE_POOL -> area * ofm.shape().elements();
            case REDUCE_SUM -> area * ifm.shape().c() * ofm.shape().elements();
            default -> 0;
        };
    }

    /** Returns {@code CONV 96x48x2->48x48x8}. */
    @Override
    public String label() {
        Shape4 i = ifm.shape();
        Shape4 o = ofm.shape();
        return String.format(Locale.ROOT, "%s %dx%dx%d->%dx%dx%d", operation.label(), i.h(), i.w(), i.c(), o.h(), o.w(), o.c());
    }
}
