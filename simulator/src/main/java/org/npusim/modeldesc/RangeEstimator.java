// SPDX-License-Identifier: Apache-2.0
package org.npusim.modeldesc;

import java.util.List;
import org.npusim.graph.Activation;
import org.npusim.graph.ElementType;

/**
 * Estimates the range of every activation tensor by propagating its first two moments from the input through the
 * layers, so that activation scales can be chosen without running the network (a calibration set does not exist
 * for generated weights). The rule, layer by layer:
 *
 * <ul>
 *   <li><b>Input:</b> uniform over the values its quantization represents, [s·(q_min - z), s·(q_max - z)]:
 *       mean (lo + hi)/2, E[x²] = (lo² + lo·hi + hi²)/3.
 *   <li><b>conv2d, depthwise_conv2d, fully_connected, transpose_conv:</b> an output of channel c is
 *       y = Σ_k w_ck·x_k (biases are 0). The weights are zero-mean and drawn independently of the inputs, so
 *       E[y²] = Σ_k w_ck²·E[x²] (the cross terms w_i·w_j·E[x_i x_j] vanish on average over weights); for a
 *       transpose convolution each output receives only 1/(stride_h·stride_w) of the kernel taps on average. The
 *       Σ_k w_ck² are those of the generated int8 weights after dequantization, so the estimate sees pruning and
 *       clustering. The sum of many independent products is close to normal (central limit theorem): the
 *       pre-activation is taken as N(0, σ²) with σ² the mean over channels of E[y_c²], and the interval to cover is
 *       ±{@value #COVERAGE_SIGMAS}·σ_max, σ_max from the channel with the largest E[y_c²], since one per-tensor
 *       scale serves all channels; beyond 4σ lie 0.006 % of a normal's mass.
 *   <li><b>Fused or standalone relu, relu6:</b> the moments of a rectified normal N(μ, σ²), with α = μ/σ:
 *       E[y] = μΦ(α) + σφ(α), E[y²] = (μ² + σ²)Φ(α) + μσφ(α); relu6 caps them at 6 and 36 (an upper bound). The
 *       interval's ends pass through the function. <b>leaky_relu</b> with slope a: the rectified part of x minus a
 *       times the rectified part of −x (they never overlap: E[y²] adds a² times the second's); the interval is the
 *       image of x's, 0 included when x changes sign.
 *   <li><b>add:</b> inputs independent: means and variances add; the interval is mean ± 4σ, cut to the sum of the
 *       input intervals (which bounds it for certain). <b>mul:</b> E[ab] = E[a]E[b], E[(ab)²] = E[a²]E[b²]; cut to
 *       the products of the interval ends.
 *   <li><b>Pooling, pad, reshape, mean:</b> the input's estimate (averaging nearby, correlated activations keeps
 *       most of their spread; the interval never shrinks, so nothing saturates). <b>concatenation:</b> the
 *       element-weighted moments and the union of the intervals.
 *   <li><b>maximum, minimum:</b> Clark's moments of the greater of two independent normals (and min = a + b − max);
 *       <b>hard_swish:</b> its moments under the normal by numerical integration; intervals are the images of the
 *       inputs'. <b>transpose, slice, strided_slice:</b> the input's estimate.
 *   <li><b>softmax, logistic, tanh:</b> the fixed output intervals [0, 1], [0, 1], [-1, 1] that TFLite's kernels
 *       require; moments: softmax 1/n (outputs sum to 1 over n classes), logistic σ(μ) with variance
 *       min(1/12, Var/16) (the slope at 0 is 1/4), tanh tanh(μ) with variance min(1/3, Var).
 * </ul>
 */
final class RangeEstimator {

    /** How many standard deviations an interval covers on either side of the mean. */
    static final double COVERAGE_SIGMAS = 4;

    private RangeEstimator() {}

    /** Returns the estimate of the model input: uniform over its representable range. */
    static TensorEstimate input(InputSpec in) {
        double lo = in.scale() * (double) (min(in.type()) - in.zeroPoint());
        double hi = in.scale() * (double) (max(in.type()) - in.zeroPoint());
        return new TensorEstimate(0.5 * (lo + hi), (lo * lo + lo * hi + hi * hi) / 3, lo, hi);
    }

    private static long min(ElementType t) {
        return t == ElementType.INT16 ? Short.MIN_VALUE : Byte.MIN_VALUE;
    }

    private static long max(ElementType t) {
        return t == ElementType.INT16 ? Short.MAX_VALUE : Byte.MAX_VALUE;
    }

    /**
     * Returns the pre-activation estimate of a layer with weights {@code w} over input {@code x}; each output sums
     * the fraction {@code tapFraction} of its channel's weights (1, or 1/(s_h·s_w) for transpose convolution).
     */
    static TensorEstimate linear(QuantizedWeights w, TensorEstimate x, double tapFraction) {
        double[] sums = w.outputSumSquares();
        double total = 0;
        double largest = 0;
        for (double s : sums) {
            total += s;
            largest = Math.max(largest, s);
        }
        double meanSquare = total / sums.length * x.meanSquare() * tapFraction;
        double half = COVERAGE_SIGMAS * Math.sqrt(largest * x.meanSquare() * tapFraction);
        return new TensorEstimate(0, meanSquare, -half, half);
    }

    /** Returns the estimate after fused activation {@code a}. */
    static TensorEstimate activation(TensorEstimate e, Activation a) {
        return switch (a) {
            case NONE -> e;
            case RELU -> rectify(e, Double.POSITIVE_INFINITY);
            case RELU6 -> rectify(e, 6);
            case RELU_N1_TO_1, TANH, SIGN_BIT -> throw new IllegalArgumentException("no estimate for fused " + a);
        };
    }

    /** Returns the estimate of max(0, min(cap, x)) for x normal with {@code e}'s moments. */
    static TensorEstimate rectify(TensorEstimate e, double cap) {
        double mu = e.mean();
        double sigma = e.sigma();
        double mean;
        double meanSquare;
        if (sigma == 0) {
            double y = Math.max(0, Math.min(cap, mu));
            mean = y;
            meanSquare = y * y;
        } else {
            double alpha = mu / sigma;
            double cdf = normalCdf(alpha);
            double pdf = normalPdf(alpha);
            mean = Math.max(0, mu * cdf + sigma * pdf);
            meanSquare = Math.max(0, (mu * mu + sigma * sigma) * cdf + mu * sigma * pdf);
            mean = Math.min(mean, cap);
            meanSquare = Math.min(meanSquare, cap * cap);
        }
        double lo = Math.max(0, Math.min(cap, e.low()));
        double hi = Math.max(0, Math.min(cap, e.high()));
        return new TensorEstimate(mean, Math.max(meanSquare, mean * mean), lo, hi);
    }

    /** Returns the estimate of a + b for independent a and b. */
    static TensorEstimate add(TensorEstimate a, TensorEstimate b) {
        double mean = a.mean() + b.mean();
        double variance = a.variance() + b.variance();
        return cut(mean, variance, a.low() + b.low(), a.high() + b.high());
    }

    /** Returns the estimate of a·b for independent a and b. */
    static TensorEstimate mul(TensorEstimate a, TensorEstimate b) {
        double mean = a.mean() * b.mean();
        double meanSquare = a.meanSquare() * b.meanSquare();
        double[] corners = {a.low() * b.low(), a.low() * b.high(), a.high() * b.low(), a.high() * b.high()};
        double lo = corners[0];
        double hi = corners[0];
        for (double c : corners) {
            lo = Math.min(lo, c);
            hi = Math.max(hi, c);
        }
        return cut(mean, Math.max(0, meanSquare - mean * mean), lo, hi);
    }

    /** Returns N(mean, variance)'s ±4σ interval cut to the certain bounds [lo, hi]. */
    private static TensorEstimate cut(double mean, double variance, double lo, double hi) {
        double half = COVERAGE_SIGMAS * Math.sqrt(variance);
        double low = Math.max(lo, Math.min(hi, mean - half));
        double high = Math.min(hi, Math.max(low, mean + half));
        return new TensorEstimate(mean, variance + mean * mean, low, high);
    }

    /** Returns the estimate of a concatenation of tensors with {@code counts} elements each. */
    static TensorEstimate concat(List<TensorEstimate> parts, List<Long> counts) {
        double total = 0;
        double mean = 0;
        double meanSquare = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < parts.size(); i++) {
            double n = counts.get(i);
            total += n;
            mean += n * parts.get(i).mean();
            meanSquare += n * parts.get(i).meanSquare();
            lo = Math.min(lo, parts.get(i).low());
            hi = Math.max(hi, parts.get(i).high());
        }
        return new TensorEstimate(mean / total, meanSquare / total, lo, hi);
    }

    /** Returns the estimate of a softmax over {@code classes} values. */
    static TensorEstimate softmax(int classes) {
        double p = 1.0 / classes;
        return new TensorEstimate(p, p, 0, 1);
    }

    /**
     * Returns the estimate of LeakyReLU(x): x at and above zero, {@code alpha}·x below. It is the positive part of x
     * minus alpha times the positive part of −x; the two never overlap, so the second moment is the sum of theirs
     * (alpha squared for the second), and each part's moments are those of a rectification. The interval is the
     * image of x's, with 0 inside it when x changes sign (for a negative alpha the function is not monotonic).
     */
    static TensorEstimate leaky(TensorEstimate x, double alpha) {
        TensorEstimate above = rectify(x, Double.POSITIVE_INFINITY);
        TensorEstimate below = rectify(new TensorEstimate(-x.mean(), x.meanSquare(), -x.high(), -x.low()),
                Double.POSITIVE_INFINITY);
        double mean = above.mean() - alpha * below.mean();
        double meanSquare = above.meanSquare() + alpha * alpha * below.meanSquare();
        double atLow = x.low() < 0 ? alpha * x.low() : x.low();
        double atHigh = x.high() < 0 ? alpha * x.high() : x.high();
        double lo = Math.min(atLow, atHigh);
        double hi = Math.max(atLow, atHigh);
        if (x.low() < 0 && x.high() > 0) {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, 0);
        }
        return new TensorEstimate(mean, Math.max(meanSquare, mean * mean), lo, hi);
    }

    /** Returns the estimate of the logistic function of {@code x}. */
    static TensorEstimate logistic(TensorEstimate x) {
        double mean = 1 / (1 + StrictMath.exp(-x.mean()));
        double variance = Math.min(1.0 / 12, x.variance() / 16);
        return new TensorEstimate(mean, variance + mean * mean, 0, 1);
    }

    /** Returns the estimate of tanh of {@code x}. */
    static TensorEstimate tanh(TensorEstimate x) {
        double mean = StrictMath.tanh(x.mean());
        double variance = Math.min(1.0 / 3, x.variance());
        return new TensorEstimate(mean, variance + mean * mean, -1, 1);
    }

    /**
     * Returns the estimate of max(a, b) for independent normal a and b, by Clark's moments of the greater of two
     * normal variables (C. E. Clark, "The greatest of a finite set of random variables", Operations Research 9(2),
     * 1961, eqs. 2 and 3): with θ² = σa² + σb² and α = (μa − μb)/θ,
     * E[max] = μa·Φ(α) + μb·Φ(−α) + θ·φ(α) and E[max²] = (μa² + σa²)·Φ(α) + (μb² + σb²)·Φ(−α) + (μa + μb)·θ·φ(α).
     * The interval runs from the greater low end to the greater high end.
     */
    static TensorEstimate maximum(TensorEstimate a, TensorEstimate b) {
        double[] m = greaterMoments(a, b);
        return new TensorEstimate(m[0], Math.max(m[1], m[0] * m[0]), Math.max(a.low(), b.low()),
                Math.max(a.high(), b.high()));
    }

    /**
     * Returns the estimate of min(a, b): min + max = a + b and min² + max² = a² + b², so its moments follow from
     * {@link #maximum}'s. The interval runs from the lesser low end to the lesser high end.
     */
    static TensorEstimate minimum(TensorEstimate a, TensorEstimate b) {
        double[] m = greaterMoments(a, b);
        double mean = a.mean() + b.mean() - m[0];
        double meanSquare = Math.max(0, a.meanSquare() + b.meanSquare() - m[1]);
        return new TensorEstimate(mean, Math.max(meanSquare, mean * mean), Math.min(a.low(), b.low()),
                Math.min(a.high(), b.high()));
    }

    /** Returns E[max(a, b)] and E[max(a, b)²] for independent normal a and b (see {@link #maximum}). */
    private static double[] greaterMoments(TensorEstimate a, TensorEstimate b) {
        double theta = Math.sqrt(a.variance() + b.variance());
        if (theta == 0) {
            double m = Math.max(a.mean(), b.mean());
            return new double[] {m, m * m};
        }
        double alpha = (a.mean() - b.mean()) / theta;
        double above = normalCdf(alpha);
        double below = normalCdf(-alpha);
        double density = normalPdf(alpha);
        double mean = a.mean() * above + b.mean() * below + theta * density;
        double meanSquare = a.meanSquare() * above + b.meanSquare() * below + (a.mean() + b.mean()) * theta * density;
        return new double[] {mean, meanSquare};
    }

    /**
     * Returns the estimate of hard_swish(x) = x·relu6(x + 3)/6 for x normal with {@code x}'s moments: its mean and
     * mean square by Simpson's rule over μ ± 8σ ({@value #SIMPSON_INTERVALS} intervals; the function is smooth
     * but for two kinks, and the normal's mass beyond 8σ is below 10⁻¹⁴). The interval is the image of x's: the
     * function is 0 up to −3, falls to its least value −3/8 at −1.5, and rises from there.
     */
    static TensorEstimate hardSwish(TensorEstimate x) {
        double mu = x.mean();
        double sigma = x.sigma();
        double mean;
        double meanSquare;
        if (sigma == 0) {
            mean = hardSwish(mu);
            meanSquare = mean * mean;
        } else {
            double from = mu - 8 * sigma;
            double step = 16 * sigma / SIMPSON_INTERVALS;
            double sum = 0;
            double sumSquares = 0;
            for (int k = 0; k <= SIMPSON_INTERVALS; k++) {
                double v = from + k * step;
                double weight = (k == 0 || k == SIMPSON_INTERVALS ? 1 : k % 2 == 1 ? 4 : 2)
                        * normalPdf((v - mu) / sigma) / sigma;
                double y = hardSwish(v);
                sum += weight * y;
                sumSquares += weight * y * y;
            }
            mean = sum * step / 3;
            meanSquare = Math.max(0, sumSquares * step / 3);
        }
        double lo = Math.min(hardSwish(x.low()), hardSwish(x.high()));
        double hi = Math.max(hardSwish(x.low()), hardSwish(x.high()));
        if (x.low() < -1.5 && x.high() > -1.5) {
            lo = Math.min(lo, hardSwish(-1.5));
        }
        return new TensorEstimate(mean, Math.max(meanSquare, mean * mean), lo, hi);
    }

    /** Simpson intervals of {@link #hardSwish(TensorEstimate)}: even. */
    private static final int SIMPSON_INTERVALS = 512;

    private static double hardSwish(double v) {
        return v * Math.min(Math.max(v + 3, 0), 6) / 6;
    }

    /** Returns φ(x), the standard normal density. */
    static double normalPdf(double x) {
        return StrictMath.exp(-0.5 * x * x) / StrictMath.sqrt(2 * Math.PI);
    }

    /**
     * Returns Φ(x), the standard normal distribution function, as ½(1 + erf(x/√2)) with erf from Abramowitz and
     * Stegun, Handbook of Mathematical Functions, 7.1.26 (absolute error below 1.5·10⁻⁷).
     */
    static double normalCdf(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erf = 1 - poly * StrictMath.exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
