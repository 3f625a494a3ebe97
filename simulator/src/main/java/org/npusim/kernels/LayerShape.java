// SPDX-License-Identifier: Apache-2.0
package org.npusim.kernels;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.npusim.errors.InputException;
import org.npusim.exec.Int8ConvLayer;
import org.npusim.exec.Int8FullyConnectedLayer;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.OpOptions;
import org.npusim.graph.Operator;
import org.npusim.graph.Padding;
import org.npusim.graph.Shape;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;

/**
 * The shape of a convolution or fully connected layer, which is all the cost models need besides the sparsities.
 * A fully connected layer is a 1x1 convolution over {@code batches} pixels of a 1x1 image.
 *
 * @param kind convolution or fully connected
 * @param batches N (for a fully connected layer: the input rows)
 * @param inH input height
 * @param inW input width
 * @param inC input depth (fully connected: the depth of a row)
 * @param outH output height
 * @param outW output width
 * @param outC output depth (fully connected: the units)
 * @param kH filter height
 * @param kW filter width
 * @param strideH vertical stride
 * @param strideW horizontal stride
 * @param dilationH vertical dilation
 * @param dilationW horizontal dilation
 */
public record LayerShape(Kind kind, int batches, int inH, int inW, int inC, int outH, int outW, int outC, int kH,
        int kW, int strideH, int strideW, int dilationH, int dilationW) {

    /** The two layer kinds. */
    public enum Kind {
        CONV,
        FULLY_CONNECTED
    }

    /** Validates the record: every size positive. */
    public LayerShape {
        Objects.requireNonNull(kind, "kind");
        int[] sizes = {batches, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW};
        for (int s : sizes) {
            if (s <= 0) {
                throw new IllegalArgumentException("layer sizes must be positive");
            }
        }
    }

    /** Returns a convolution of an {@code inH x inW x inC} input with the given padding (TensorFlow's rules). */
    public static LayerShape conv(int inH, int inW, int inC, int outC, int kH, int kW, int stride, Padding padding) {
        return new LayerShape(Kind.CONV, 1, inH, inW, inC, padding.outputSize(inH, kH, stride, 1),
                padding.outputSize(inW, kW, stride, 1), outC, kH, kW, stride, stride, 1, 1);
    }

    /** Returns a fully connected layer of {@code batches} rows of {@code depth} values to {@code units} outputs. */
    public static LayerShape fullyConnected(int batches, int depth, int units) {
        return new LayerShape(Kind.FULLY_CONNECTED, batches, 1, 1, depth, 1, 1, units, 1, 1, 1, 1, 1, 1);
    }

    /** Returns the shape of a prepared convolution. */
    public static LayerShape of(Int8ConvLayer l) {
        return new LayerShape(Kind.CONV, l.batches(), l.inH(), l.inW(), l.inC(), l.outH(), l.outW(), l.outC(), l.kH(),
                l.kW(), l.strideH(), l.strideW(), l.dilationH(), l.dilationW());
    }

    /** Returns the shape of a prepared fully connected layer. */
    public static LayerShape of(Int8FullyConnectedLayer l) {
        return fullyConnected(l.batches(), l.depth(), l.units());
    }

    /**
     * Returns the shape of operator {@code op}: a CONV_2D whose filter depth equals its input depth, or a
     * FULLY_CONNECTED, with int8 activations and constant int8 weights; empty for any other operator.
     */
    public static Optional<LayerShape> of(Subgraph graph, Operator op) {
        if (op.inputCount() < 2 || op.outputCount() < 1 || op.input(0) < 0 || op.input(1) < 0) {
            return Optional.empty();
        }
        Tensor in = graph.tensor(op.input(0));
        Tensor w = graph.tensor(op.input(1));
        Tensor out = graph.tensor(op.output(0));
        if (in.type() != ElementType.INT8 || w.type() != ElementType.INT8 || out.type() != ElementType.INT8
                || !w.isConstant()) {
            return Optional.empty();
        }
        Shape i = in.shape();
        Shape f = w.shape();
        Shape o = out.shape();
        if (op.options().kind() == OpKind.CONV_2D && i.rank() == 4 && f.rank() == 4 && o.rank() == 4
                && f.dim(3) == i.dim(3) && f.dim(0) == o.dim(3) && i.dim(0) == o.dim(0) && o.elementCount() > 0
                && i.elementCount() > 0 && f.elementCount() > 0) {
            OpOptions.Conv2D c = (OpOptions.Conv2D) op.options();
            return Optional.of(new LayerShape(Kind.CONV, i.dim(0), i.dim(1), i.dim(2), i.dim(3), o.dim(1), o.dim(2),
                    o.dim(3), f.dim(1), f.dim(2), c.strideH(), c.strideW(), c.dilationH(), c.dilationW()));
        }
        if (op.options().kind() == OpKind.FULLY_CONNECTED && f.rank() == 2 && f.elementCount() > 0
                && i.elementCount() % f.dim(1) == 0 && i.elementCount() > 0) {
            return Optional.of(fullyConnected((int) (i.elementCount() / f.dim(1)), f.dim(1), f.dim(0)));
        }
        return Optional.empty();
    }

    private static final Pattern CONV = Pattern.compile(
            "conv\\s+(\\d+)x(\\d+)(?:\\s+s(\\d+))?\\s+(\\d+)\\s*->\\s*(\\d+)\\s+(\\d+)x(\\d+)(?:\\s+(same|valid))?");
    private static final Pattern FC = Pattern.compile("fc\\s+(\\d+)\\s*->\\s*(\\d+)(?:\\s+b(\\d+))?");
    private static final int MAX_SIZE = 1 << 16;

    /**
     * Parses a layer description: {@code conv KxK [sS] CIN->COUT HxW [same|valid]} (H x W is the input; SAME
     * padding unless VALID is given) or {@code fc IN->OUT [bN]} (N rows, default 1). Sizes are at most 65,536.
     *
     * @param place where the text came from, for the error (e.g. {@code --layer})
     */
    public static LayerShape parse(String text, String place) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        String expected = "expected 'conv KxK [sS] CIN->COUT HxW [same|valid]' or 'fc IN->OUT [bN]', found '" + text
                + "'";
        try {
            Matcher c = CONV.matcher(t);
            if (c.matches()) {
                int stride = c.group(3) == null ? 1 : size(c.group(3));
                Padding padding = "valid".equals(c.group(8)) ? Padding.VALID : Padding.SAME;
                int inH = size(c.group(6));
                int inW = size(c.group(7));
                int kH = size(c.group(1));
                int kW = size(c.group(2));
                if (padding == Padding.VALID && (kH > inH || kW > inW)) {
                    throw new InputException("", place, "a " + kH + "x" + kW + " kernel does not fit a VALID "
                            + inH + "x" + inW + " input");
                }
                return withinLimits(conv(inH, inW, size(c.group(4)), size(c.group(5)), kH, kW, stride, padding), place);
            }
            Matcher f = FC.matcher(t);
            if (f.matches()) {
                return withinLimits(fullyConnected(f.group(3) == null ? 1 : size(f.group(3)), size(f.group(1)),
                        size(f.group(2))), place);
            }
        } catch (NumberFormatException e) {
            throw new InputException("", place, "sizes must be from 1 to " + MAX_SIZE + "; " + expected);
        }
        throw new InputException("", place, expected);
    }

    /** The most MACs a parsed layer may have: 2^40, hours of work for any Cortex-M, far below a long's range. */
    static final long MAX_MACS = 1L << 40;

    /**
     * Returns {@code s} when its filter length fits an int and its MACs are at most {@link #MAX_MACS}; each size
     * alone may be 65,536, but their products overflowed (a 65536x65536 kernel printed 0 MACs and saturated cycles).
     */
    private static LayerShape withinLimits(LayerShape s, String place) {
        long reduction = (long) s.kH() * s.kW() * s.inC();
        boolean fits = reduction <= Integer.MAX_VALUE;
        if (fits) {
            try {
                fits = Math.multiplyExact(Math.multiplyExact(s.pixels(), (long) s.outC()), reduction) <= MAX_MACS;
            } catch (ArithmeticException overflow) {
                fits = false;
            }
        }
        if (!fits) {
            throw new InputException("", place, "the layer '" + s.label() + "' is too large: at most 2^31 - 1"
                    + " weights per filter and 2^40 MACs");
        }
        return s;
    }

    private static int size(String digits) {
        if (digits.length() > 6) {
            throw new NumberFormatException(digits);
        }
        int v = Integer.parseInt(digits);
        if (v < 1 || v > MAX_SIZE) {
            throw new NumberFormatException(digits);
        }
        return v;
    }

    /** Returns the output pixels: batches x outH x outW (fully connected: the rows). */
    public long pixels() {
        return (long) batches * outH * outW;
    }

    /** Returns the length of one filter, the reduction of every output: kH x kW x inC. */
    public int reduction() {
        return kH * kW * inC;
    }

    /** Returns the weights: outC x kH x kW x inC. */
    public long weightCount() {
        return (long) outC * reduction();
    }

    /** Returns the multiply-accumulates of the dense layer. */
    public long macs() {
        return pixels() * outC * reduction();
    }

    /** Returns the output values: pixels x outC. */
    public long outputs() {
        return pixels() * outC;
    }

    /** Returns whether the layer is a 3x3, stride-1, undilated convolution, the case Winograd F(m, 3) covers. */
    public boolean isWinogradShape() {
        return kind == Kind.CONV && kH == 3 && kW == 3 && strideH == 1 && strideW == 1 && dilationH == 1
                && dilationW == 1;
    }

    /** Returns a description in the syntax {@link #parse} reads (the padding is not part of the shape). */
    public String label() {
        if (kind == Kind.FULLY_CONNECTED) {
            return "fc " + inC + "->" + outC + (batches == 1 ? "" : " b" + batches);
        }
        String stride = strideH == strideW ? "s" + strideH : "s" + strideH + "x" + strideW;
        return "conv " + kH + "x" + kW + " " + stride + " " + inC + "->" + outC + " " + inH + "x" + inW;
    }
}
