// SPDX-License-Identifier: Apache-2.0
package org.npusim.hw;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The Ethos-U configurations and their fixed silicon facts, which users choose by name and cannot change.
 *
 * <p>Source for every number: ../shared/docs/ethos-u-facts.md §1 (Vela 3.10 {@code architecture_features.py:
 * ArchitectureFeatures.accelerator_configs}, {@code _generate_output_perf_tables}; SHRAM granules from
 * {@code shram_granules}). Micro-blocks are height × width × depth.
 */
public enum NpuVariant {
    ETHOS_U55_32("ethos-u55-32", Family.U55, 32, 1, new int[] {1, 1, 4}, new int[] {1, 1, 8}, 16,
            new int[] {2, 2, 2, 2, 4, 4, 4, 4},
            new double[] {2.0, 3.0, 3.0, 3.0, 4.0, 6.0, 1.0, 2.0}, new double[] {1.0, 1.0, 0.0}),
    ETHOS_U55_64("ethos-u55-64", Family.U55, 64, 1, new int[] {1, 1, 8}, new int[] {1, 1, 8}, 16,
            new int[] {2, 2, 2, 2, 4, 4, 4, 8},
            new double[] {1.0, 1.5, 1.5, 1.5, 2.0, 3.0, 0.5, 1.0}, new double[] {1.0, 1.0, 0.0}),
    ETHOS_U55_128("ethos-u55-128", Family.U55, 128, 1, new int[] {1, 2, 8}, new int[] {1, 2, 8}, 24,
            new int[] {4, 4, 4, 4, 8, 4, 8, 12},
            new double[] {0.75, 1.25, 0.75, 0.75, 1.0, 1.5, 0.25, 0.5}, new double[] {1.0, 0.5, 0.0}),
    ETHOS_U55_256("ethos-u55-256", Family.U55, 256, 1, new int[] {2, 2, 8}, new int[] {2, 2, 8}, 48,
            new int[] {8, 8, 8, 8, 16, 8, 16, 20},
            new double[] {0.625, 1.125, 0.5, 0.375, 0.5, 0.75, 0.125, 0.25}, new double[] {1.0, 0.25, 0.0}),
    ETHOS_U65_256("ethos-u65-256", Family.U65, 256, 1, new int[] {2, 2, 8}, new int[] {2, 2, 8}, 48,
            new int[] {8, 8, 8, 8, 16, 8, 16, 20},
            new double[] {0.625, 1.125, 0.5, 0.375, 0.5, 0.75, 0.125, 0.25}, new double[] {1.0, 0.25, 0.0}),
    ETHOS_U65_512("ethos-u65-512", Family.U65, 256, 2, new int[] {2, 2, 8}, new int[] {2, 2, 8}, 48,
            new int[] {8, 8, 8, 8, 16, 8, 16, 20},
            new double[] {0.3125, 0.5625, 0.25, 0.1875, 0.25, 0.375, 0.0625, 0.125}, new double[] {0.5, 0.125, 0.0});

    /** The product line: U55 has a 64-bit AXI interface, U65 a 128-bit one. */
    public enum Family {
        U55,
        U65
    }

    /** Indices into the output-stage cycles-per-element table (ethos-u-facts.md §1.3). */
    public enum OutputCase {
        /** Element-wise with a 32-bit IFM and an IFM2. */
        ELEMENTWISE_INT32_BINARY,
        /** Element-wise with a 32-bit IFM and no IFM2. */
        ELEMENTWISE_INT32_UNARY,
        /** MUL with a 32-bit OFM. */
        MUL_INT32_OUT,
        /** Other MUL, or a MAC-type operation with 40-bit accumulators. */
        MUL_OR_ACC40,
        /** "Simple" ADD/SUB: defined but never selected by Vela. */
        ADD_SUB_SIMPLE,
        /** ADD and SUB. */
        ADD_SUB,
        /** Max pooling. */
        MAX_POOL,
        /** Everything else (MAC-type with 32-bit accumulators, MIN/MAX/ABS/shift/CLZ/LUT). */
        OTHER
    }

    /** Indices into the activation cycles-per-element table (ethos-u-facts.md §1.3). */
    public enum ActivationCase {
        /** Sigmoid, Tanh or a LUT. */
        LUT,
        /** ReLU, ReLU6, ReLU_N1_TO_1. */
        RELU,
        /** No activation. */
        NONE
    }

    /** SHRAM allocation element kinds, in the order of {@code shram_granules}. */
    public enum ShramKind {
        IFM8,
        IFM16,
        IFM8_ELEMENTWISE,
        IFM16_ELEMENTWISE,
        IFM32,
        ACC16,
        ACC32,
        ACC40
    }

    /** SHRAM bank size in bytes (ethos-u-facts.md §1.2). */
    public static final int SHRAM_BANK_BYTES = 1024;
    /** SHRAM banks reserved for output at the start of SHRAM. */
    public static final int SHRAM_RESERVED_OUTPUT_BANKS = 2;
    /** DPU dot-product width: IFM channels consumed per micro-block per cycle. */
    public static final int DOT_PRODUCT_WIDTH = 8;
    /** Maximum OFM block, height × width × depth. */
    public static final int[] OFM_BLOCK_MAX = {32, 64, 128};

    private final String label;
    private final Family family;
    private final int macsPerCorePerCycle;
    private final int cores;
    private final int[] ofmUblock;
    private final int[] ifmUblock;
    private final int shramBanks;
    private final int[] granules;
    private final double[] outputCyclesPerElement;
    private final double[] activationCyclesPerElement;

    NpuVariant(String label, Family family, int macsPerCorePerCycle, int cores, int[] ofmUblock, int[] ifmUblock,
            int shramBanks, int[] granules, double[] outputCpe, double[] activationCpe) {
        this.label = label;
        this.family = family;
        this.macsPerCorePerCycle = macsPerCorePerCycle;
        this.cores = cores;
        this.ofmUblock = ofmUblock;
        this.ifmUblock = ifmUblock;
        this.shramBanks = shramBanks;
        this.granules = granules;
        this.outputCyclesPerElement = outputCpe;
        this.activationCyclesPerElement = activationCpe;
    }

    /** Returns the name users write ({@code ethos-u55-128}), as Vela's {@code --accelerator-config} spells it. */
    public String label() {
        return label;
    }

    /** Returns the product line. */
    public Family family() {
        return family;
    }

    /** Returns MACs per cycle of one core (8-bit × 8-bit). */
    public int macsPerCorePerCycle() {
        return macsPerCorePerCycle;
    }

    /** Returns the number of cores (2 on U65-512, else 1). */
    public int cores() {
        return cores;
    }

    /** Returns MACs per cycle of the whole NPU. */
    public int macsPerCycle() {
        return macsPerCorePerCycle * cores;
    }

    /** Returns the OFM micro-block height. */
    public int ofmUblockH() {
        return ofmUblock[0];
    }

    /** Returns the OFM micro-block width. */
    public int ofmUblockW() {
        return ofmUblock[1];
    }

    /** Returns the OFM micro-block depth. */
    public int ofmUblockD() {
        return ofmUblock[2];
    }

    /** Returns the IFM micro-block depth. */
    public int ifmUblockD() {
        return ifmUblock[2];
    }

    /** Returns the number of 1 KiB SHRAM banks. */
    public int shramBanks() {
        return shramBanks;
    }

    /** Returns the SHRAM banks reserved at the end (2 when there are more than 16 banks; the LUT lives there). */
    public int shramReservedEndBanks() {
        return shramBanks > 16 ? 2 : 0;
    }

    /** Returns the SHRAM bank granule for allocations of {@code kind}. */
    public int granule(ShramKind kind) {
        return granules[kind.ordinal()];
    }

    /** Returns the AXI data bytes per cycle at clock scale 1: 8 on U55 (64 bit), 16 on U65 (128 bit). */
    public int axiBytesPerCycle() {
        return family == Family.U55 ? 8 : 16;
    }

    /** Returns the output-stage cycles per element for {@code c}. */
    public double outputCyclesPerElement(OutputCase c) {
        return outputCyclesPerElement[c.ordinal()];
    }

    /** Returns the activation cycles per element for {@code c}. */
    public double activationCyclesPerElement(ActivationCase c) {
        return activationCyclesPerElement[c.ordinal()];
    }

    /**
     * Returns the weight-step floor {@code cycles_wb = 4·ublock_D}: a lower bound on the cycles of every kernel
     * step, equivalent to a weight supply of 8 weights per cycle per core (ethos-u-facts.md §1.4).
     */
    public int weightStepCycles() {
        return 4 * ofmUblock[2];
    }

    /** Returns the variant named {@code label} ({@code ethos-u55-128}), ignoring case. */
    public static Optional<NpuVariant> fromLabel(String label) {
        String l = label.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(v -> v.label.equals(l)).findFirst();
    }

    /** Returns the labels of all variants, for error messages. */
    public static String labels() {
        StringBuilder b = new StringBuilder();
        for (NpuVariant v : values()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(v.label);
        }
        return b.toString();
    }
}
