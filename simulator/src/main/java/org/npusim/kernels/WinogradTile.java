// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.HashSet;
import java.util.Set;

/**
 * The two Winograd algorithms F(m x m, 3 x 3) for 3x3 stride-1 convolution, in integer form.
 *
 * <p>Lavin and Gray's F(m, 3) computes m outputs of a 1-D correlation of a 3-tap filter g with t = m + 2 inputs d
 * as {@code y = Aᵀ[(G g) ⊙ (Bᵀ d)]}; nested in two dimensions it computes an m x m output tile of a 3x3 filter
 * from a t x t input tile as {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)] A}, with t² multiplications per tile and channel
 * pair instead of 9 m² (cortex-m-kernel-facts.md §3.1: 16 vs 36 for F2, 36 vs 144 for F4). Bᵀ and Aᵀ are integer;
 * G has fractions (±1/2 for F2; 1/4, 1/6, 1/12, 1/24 for F4). To stay in exact integer arithmetic each row i of G
 * is scaled by an integer d_i so that {@code G_int = diag(d) G} is integer; the transformed weights are
 * {@code U = G_int g G_intᵀ} and {@code (G g Gᵀ)_ij = U_ij / (d_i d_j)}, so with L = lcm(d) and
 * {@code A'ᵀ = Aᵀ diag(L / d)} the output tile is {@code L² Y = A'ᵀ [Σ_c U ⊙ V] A'}, exactly. The divisor L² is
 * removed at the end by an exact division.
 *
 * <ul>
 *   <li>F2: d = (2, 2, 2, 2), {@code G_int = 2G = [[2,0,0],[1,1,1],[1,-1,1],[0,0,2]]}, L = 2, A' = A, divisor 4.
 *   <li>F4: d = (4, 6, 6, 24, 24, 1) makes G_int's rows (1,0,0), (-1,-1,-1), (-1,1,-1), (1,2,4), (1,-2,4), (0,0,1);
 *       L = 24, {@code A'ᵀ = Aᵀ diag(6, 4, 4, 1, 1, 24)}, divisor 576. (Scaling G uniformly by 24 would give
 *       weights up to 73,728, which no longer fit int16.)
 * </ul>
 *
 * <p><b>Bit growth</b>, with activations {@code x + inputOffset} in [-255, 255] (x and the zero point are int8,
 * so the offset is in [-127, 128]) and weights in [-128, 127]:
 *
 * <ul>
 *   <li>Input transform V = Bᵀ d B: each output is a signed combination of one row of Bᵀ and one column of B, so
 *       |V| ≤ r_i r_j · 255 where r_i is the sum of magnitudes of row i of Bᵀ. F2: r = 2 everywhere, |V| ≤ 1,020
 *       (11 bits). F4: r = (10, 10, 10, 6, 6, 10), |V| ≤ 25,500 (16 bits). Both fit int16.
 *   <li>Weight transform U = G_int g G_intᵀ: |U| ≤ s_i s_j · 128 with s the row magnitude sums of G_int. F2:
 *       s = (2, 3, 3, 2), |U| ≤ 1,152 (12 bits). F4: s = (1, 3, 3, 7, 7, 1), |U| ≤ 6,272 (14 bits). Both fit int16.
 *   <li>Products: F2 ≤ 1,175,040 (22 bits); F4 ≤ 159,936,000 (29 bits); their sums over input channels and the
 *       output transform may exceed 32 bits. They are computed in int32 anyway, because every step is a ring
 *       operation and int32 arithmetic is exact modulo 2³²: the result is {@code L² s mod 2³²}, where s is the true
 *       accumulator {@code Σ w (x + inputOffset)}. Write L² = 2^e · q with q odd (F2: e = 2, q = 1; F4: e = 6,
 *       q = 9). Multiplying by q⁻¹ mod 2³² gives {@code 2^e s mod 2³²}, and an arithmetic right shift by e
 *       recovers s exactly when |2^e s| < 2³¹. Since |s| ≤ 9 · C_in · 255 · 128 = 293,760 · C_in, that holds for
 *       C_in ≤ 1,827 (F2) and C_in ≤ 114 (F4): {@link #maxInputChannels()}. Beyond that a kernel would need 64-bit
 *       accumulators; this package treats the variant as not applicable.
 * </ul>
 *
 * <p><b>Operation counts</b> of the transforms, per tile and channel, count one add or subtract per nonzero
 * coefficient of a row beyond the first and one shift or multiply per distinct non-unit magnitude in the row
 * (terms sharing a magnitude are summed first): {@link #inputTransformOps()} = 2t · ops(Bᵀ) and
 * {@link #outputTransformOps()} = (t + m) · ops(A'ᵀ). For F2 this gives the 32 and 24 adds of
 * cortex-m-kernel-facts.md §3.1; for F4, 288 and 220.
 */
public enum WinogradTile {
    /** F(2x2, 3x3): 4x4 input tiles, 2x2 output tiles. */
    F2(2,
            new int[][] {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
            new int[][] {{2, 0, 0}, {1, 1, 1}, {1, -1, 1}, {0, 0, 2}},
            new int[][] {{1, 1, 1, 0}, {0, 1, -1, -1}},
            4),
    /** F(4x4, 3x3): 6x6 input tiles, 4x4 output tiles. */
    F4(4,
            new int[][] {
                {4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}},
            new int[][] {{1, 0, 0}, {-1, -1, -1}, {-1, 1, -1}, {1, 2, 4}, {1, -2, 4}, {0, 0, 1}},
            new int[][] {{6, 4, 4, 1, 1, 0}, {0, 4, -4, 2, -2, 0}, {0, 4, 4, 4, 4, 0}, {0, 4, -4, 8, -8, 24}},
            576);

    /** The largest |x + inputOffset| of int8 activations. */
    static final int MAX_ACTIVATION = 255;
    /** The largest |w| of int8 weights. */
    static final int MAX_WEIGHT = 128;

    private final int m;
    private final int[][] bt;
    private final int[][] g;
    private final int[][] at;
    private final int divisor;
    private final int shift;
    private final int oddInverse;

    WinogradTile(int m, int[][] bt, int[][] g, int[][] at, int divisor) {
        this.m = m;
        this.bt = bt;
        this.g = g;
        this.at = at;
        this.divisor = divisor;
        this.shift = Integer.numberOfTrailingZeros(divisor);
        this.oddInverse = inverseMod2To32(divisor >>> shift);
    }

    /** Returns the inverse of an odd number modulo 2³², by Newton's iteration (each step doubles the bits). */
    static int inverseMod2To32(int odd) {
        int x = odd; // correct to 3 bits: odd * odd ≡ 1 (mod 8)
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }

    /** Returns the variant that uses this tile. */
    public KernelVariant variant() {
        return this == F2 ? KernelVariant.WINOGRAD_F2 : KernelVariant.WINOGRAD_F4;
    }

    /** Returns the tile of a Winograd variant. */
    public static WinogradTile of(KernelVariant v) {
        return switch (v) {
            case WINOGRAD_F2 -> F2;
            case WINOGRAD_F4 -> F4;
            default -> throw new IllegalArgumentException(v.label() + " is not a Winograd variant");
        };
    }

    /** Returns m, the output tile edge. */
    public int outputEdge() {
        return m;
    }

    /** Returns t = m + 2, the input tile edge. */
    public int inputEdge() {
        return m + 2;
    }

    /** Returns Bᵀ, t x t. */
    public int[][] bt() {
        return copy(bt);
    }

    /** Returns G_int, t x 3. */
    public int[][] g() {
        return copy(g);
    }

    /** Returns A'ᵀ, m x t. */
    public int[][] at() {
        return copy(at);
    }

    /** Returns L², the factor by which the integer output transform exceeds the true output. */
    public int divisor() {
        return divisor;
    }

    /** Returns e, the power of two in L². */
    int shift() {
        return shift;
    }

    /** Returns q⁻¹ mod 2³² for the odd part q of L². */
    int oddInverse() {
        return oddInverse;
    }

    /** Returns the largest input depth whose accumulators the int32 arithmetic recovers exactly (see above). */
    public int maxInputChannels() {
        long limit = (1L << (31 - shift)) - 1;
        return (int) (limit / (9L * MAX_ACTIVATION * MAX_WEIGHT));
    }

    /** Returns the adds, subtracts and shifts of the input transform per tile and input channel: 2t · ops(Bᵀ). */
    public int inputTransformOps() {
        return 2 * inputEdge() * ops(bt);
    }

    /** Returns the operations of the output transform per tile and output channel: (t + m) · ops(A'ᵀ). */
    public int outputTransformOps() {
        return (inputEdge() + m) * ops(at);
    }

    /**
     * Returns the operations of one application of {@code matrix} to a vector: per row, one add or subtract per
     * nonzero beyond the first, plus one shift or multiply per distinct magnitude other than 1.
     */
    static int ops(int[][] matrix) {
        int ops = 0;
        for (int[] row : matrix) {
            int nonzero = 0;
            Set<Integer> magnitudes = new HashSet<>();
            for (int c : row) {
                if (c != 0) {
                    nonzero++;
                    if (Math.abs(c) != 1) {
                        magnitudes.add(Math.abs(c));
                    }
                }
            }
            ops += Math.max(0, nonzero - 1) + magnitudes.size();
        }
        return ops;
    }

    /** Returns the exact quotient of {@code scaled} (which is L² s modulo 2³²) by L². */
    int divideExactly(int scaled) {
        return (scaled * oddInverse) >> shift;
    }

    private static int[][] copy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
