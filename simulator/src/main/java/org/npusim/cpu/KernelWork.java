// SPDX-License-Identifier: Apache-2.0
package org.npusim.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one kernel call does: the kernel's name (the CMSIS-NN or TFLite Micro function that runs), the instructions
 * it executes (counted from the kernel's loops) and its accesses to each operand's memory.
 *
 * @param kernel the function that runs, e.g. {@code arm_convolve_1x1_s8_fast}
 * @param mix the instructions executed
 * @param traffic the memory accesses, per operand
 * @param scratchBytes the bytes of its scratch buffers (im2col columns, sums), which TensorFlow Lite Micro takes from
 *     the arena for the call (CMSIS-NN's {@code *_get_buffer_size}, requested with
 *     {@code RequestScratchBufferInArena})
 * @param persistentBytes the bytes the kernel's {@code Prepare} keeps with {@code AllocatePersistentBuffer} beyond
 *     what every operator keeps (Helium fully connected layers' kernel sums): the arena holds them for the whole run
 */
public record KernelWork(String kernel, InstructionMix mix, List<Traffic> traffic, long scratchBytes,
        long persistentBytes) {

    /** Validates the record and copies the list. */
    public KernelWork {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(mix, "mix");
        traffic = List.copyOf(traffic);
    }

    /** Returns the same work under another kernel name. */
    KernelWork named(String name) {
        return new KernelWork(name, mix, traffic, scratchBytes, persistentBytes);
    }

    /** Returns a builder of the work of {@code kernel}. */
    static Builder of(String kernel) {
        return new Builder(kernel);
    }

    /** Collects instructions and traffic. */
    static final class Builder {
        private final String kernel;
        private final InstructionMix.Builder mix = InstructionMix.builder();
        private final List<Traffic> traffic = new ArrayList<>();
        private long scratchBytes;
        /** What the kernel's {@code *_get_buffer_size} requests, when set ({@link #requests}); else -1. */
        private long requestedBytes = -1;
        private long persistentBytes;

        private Builder(String kernel) {
            this.kernel = kernel;
        }

        /** Adds {@code m} executed {@code n} times. */
        Builder add(InstructionMix m, double n) {
            if (n > 0) {
                mix.add(m, n);
            }
            return this;
        }

        /** Adds {@code m} once. */
        Builder add(InstructionMix m) {
            mix.add(m);
            return this;
        }

        /** Adds reads of {@code bytes} distinct bytes of {@code memory}, each read {@code passes} times. */
        Builder read(String memory, long bytes, double passes, int loadBytes, long reuseBytes) {
            if (bytes > 0) {
                traffic.add(Traffic.read(memory, bytes, passes, loadBytes, reuseBytes));
            }
            return this;
        }

        /** Adds reads of the layer's weights ({@link Traffic#weights}), as {@link #read} does. */
        Builder readWeights(String memory, long bytes, double passes, int loadBytes, long reuseBytes) {
            if (bytes > 0) {
                traffic.add(Traffic.weights(memory, bytes, passes, loadBytes, reuseBytes));
            }
            return this;
        }

        /** Adds writes of {@code bytes} bytes to {@code memory}. */
        Builder write(String memory, long bytes, int storeBytes) {
            if (bytes > 0) {
                traffic.add(Traffic.write(memory, bytes, storeBytes));
            }
            return this;
        }

        /** Adds a scratch buffer ({@link Traffic#scratch}). */
        Builder scratch(String memory, long footprintBytes, long writeBytes, long readBytes, int accessBytes) {
            if (writeBytes > 0 || readBytes > 0) {
                traffic.add(Traffic.scratch(memory, Math.max(1, footprintBytes), writeBytes, readBytes, accessBytes));
                scratchBytes += Math.max(1, footprintBytes);
            }
            return this;
        }

        /**
         * Adds accesses to the operator's variable state tensor as a scratch buffer's ({@link Traffic#scratch}): it
         * is read and written over and over like one, but the arena holds it for the whole run with the model's
         * variables, so it adds nothing to {@link KernelWork#scratchBytes}.
         */
        Builder state(String memory, long footprintBytes, long writeBytes, long readBytes, int accessBytes) {
            if (writeBytes > 0 || readBytes > 0) {
                traffic.add(Traffic.scratch(memory, Math.max(1, footprintBytes), writeBytes, readBytes, accessBytes));
            }
            return this;
        }

        /**
         * Sets what the kernel requests from the arena for its scratch buffers, where CMSIS-NN's
         * {@code *_get_buffer_size} asks for more than the buffers' working set that {@link #scratch} models the
         * accesses of: a whole channel block where the layer has fewer channels, columns rounded to a vector
         * register; or a buffer whose accesses the kernel model does not cost apart (a reference kernel's
         * accumulators). Without it the request is the working set.
         */
        Builder requests(long bytes) {
            requestedBytes = bytes;
            return this;
        }

        /** Sets what the kernel keeps in the arena for the whole run ({@link KernelWork#persistentBytes}). */
        Builder persists(long bytes) {
            persistentBytes = bytes;
            return this;
        }

        KernelWork build() {
            return new KernelWork(kernel, mix.build(), traffic, requestedBytes >= 0 ? requestedBytes : scratchBytes,
                    persistentBytes);
        }
    }
}
