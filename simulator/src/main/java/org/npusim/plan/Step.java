// SPDX-License-Identifier: Apache-2.0
package org.npusim.plan;

import java.util.Optional;
import java.util.OptionalInt;
import org.npusim.graph.Operator;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuOperation;

/** One step of an execution plan, in execution order: an NPU operation or a CPU operator. */
public sealed interface Step {

    /** Returns the index of the graph operator this step executes (part of). */
    int operator();

    /** Returns the step's kind, for switch dispatch. */
    Kind kind();

    /** Step kinds. */
    enum Kind {
        NPU,
        DMA,
        CPU
    }

    /**
     * An operation on the NPU.
     *
     * @param operator graph operator index
     * @param op the lowered operation
     * @param blockConfig its block config
     * @param ifm where the IFM is read from
     * @param ifm2 where the second IFM is read from, for binary element-wise operations with a tensor IFM2
     * @param ofm where the OFM is written to
     * @param weights how weights reach the NPU, for operations with weights
     * @param lutBytes bytes of LUT the DMA copies into SHRAM before the operation (0 without a LUT)
     * @param slackCycles the cycles the planner expects the operation to run, under which the DMA can fetch the
     *     next operation's weights and LUT (Vela's {@code slack_buffering_cycles}: its scheduler's estimate, at
     *     full depth or of the last weight slice, with feature maps where the scheduler sees them)
     * @param transferGate when the DMA may start the step's transfers
     */
    record Npu(int operator, NpuOperation op, BlockConfig blockConfig, TensorPlacement ifm, Optional<TensorPlacement> ifm2,
            TensorPlacement ofm, Optional<WeightPlan> weights, int lutBytes, double slackCycles, TransferGate transferGate)
            implements Step {

        public Npu {
            java.util.Objects.requireNonNull(transferGate, "transferGate");
        }

        @Override
        public Kind kind() {
            return Kind.NPU;
        }
    }

    /**
     * When the DMA may start an NPU step's weight and LUT transfers, beyond the DMA being free and the buffer of a
     * double-buffered slice being drained: a compiled command stream issues a transfer only after the kernel
     * commands before it, and its waits hold it until a buffer it overwrites is no longer read. A planned step's
     * transfers wait for the step before it in its NPU subgraph to start (the first step's for itself): Vela
     * prebuffers weights under the previous operation only and sizes the buffers for that, the cache's space being
     * reused by the operations around, so a prefetch further ahead could overwrite weights still being read.
     *
     * @param afterStarted the step that must have started first (the kernel command issued before the transfer; for
     *     a planned step, the step before it)
     * @param afterComputed the step that must have computed its last block first (the last kernel command the
     *     stream's waits require to be complete)
     */
    record TransferGate(OptionalInt afterStarted, OptionalInt afterComputed) {

        /** No gate. */
        public static final TransferGate NONE = new TransferGate(OptionalInt.empty(), OptionalInt.empty());

        public TransferGate {
            java.util.Objects.requireNonNull(afterStarted, "afterStarted");
            java.util.Objects.requireNonNull(afterComputed, "afterComputed");
        }
    }

    /**
     * A copy by the NPU's DMA (Vela's Memcpy: a reshape of a model input or of a tensor with several readers).
     *
     * @param operator graph operator index
     * @param op the lowered operation (type DMA)
     * @param source where the data is read
     * @param destination where it is written
     * @param bytes the bytes copied (rounded up to the 16-byte allocation quantum)
     */
    record Dma(int operator, NpuOperation op, TensorPlacement source, TensorPlacement destination, long bytes) implements Step {
        @Override
        public Kind kind() {
            return Kind.DMA;
        }

        /** Returns whether the copy moves data between different memories (else it costs nothing). */
        public boolean crossesMemories() {
            return !source.channel().memory().equals(destination.channel().memory());
        }
    }

    /**
     * An operator on the CPU.
     *
     * @param operator graph operator index
     * @param graphOperator the operator
     * @param reason why it is not on the NPU
     */
    record Cpu(int operator, Operator graphOperator, String reason) implements Step {
        @Override
        public Kind kind() {
            return Kind.CPU;
        }
    }
}
