// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Arrays;
import java.util.Optional;

/** The kernel library CPU-fallback operators run with: TFLite Micro's CMSIS-NN kernels or its reference kernels. */
public enum KernelLibrary {
    /** Arm's CMSIS-NN optimized kernels (DSP and Helium variants where the core has them). */
    CMSIS_NN("cmsis-nn"),
    /** TFLite Micro's portable reference kernels. */
    REFERENCE("reference");

    private final String label;

    KernelLibrary(String label) {
        this.label = label;
    }

    /** Returns the name users write: {@code cmsis-nn}. */
    public String label() {
        return label;
    }

    /** Returns the library named {@code label}. */
    public static Optional<KernelLibrary> fromLabel(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
    }

    /** Returns the labels of all libraries, for error messages. */
    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(KernelLibrary::label).toList());
    }
}
