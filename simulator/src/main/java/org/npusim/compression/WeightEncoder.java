// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.npusim.graph.ElementType;
import org.npusim.graph.OpKind;
import org.npusim.graph.Operator;
import org.npusim.graph.Quantization;
import org.npusim.graph.Shape;
import org.npusim.graph.StridedConvRewrite;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;

/**
 * Encodes the weights of NPU operations as the Ethos-U stores them (ethos-u-facts.md §5; Vela 3.10
 * {@code weight_compressor.py: encode_weight_and_scale_tensor}): for every depth slice and every core that has
 * channels in it, the scale/bias records padded to 16 bytes, then the compressed weight stream.
 *
 * <p>What it does to the graph's weights first, in Vela's order: subtract the zero point; lay the weights out
 * OHWI (depthwise weights as one IFM channel per OFM channel, fully connected weights as a 1×1 kernel); flip a
 * transpose convolution's kernel; apply the stride rewrite of {@link StridedConvRewrite} (zero columns, then
 * columns folded into the depth) so that the stream matches the operation the NPU runs; spread the kernel with
 * zeros for a dilation above 2 (the hardware dilates by 1 or 2: an even dilation keeps a hardware dilation of 2,
 * an odd one is inflated completely; no model of the test set has one).
 *
 * <p>The traversal is the encoder's own choice (ethos-u-facts.md §4.4): part-kernel-first for a convolution
 * whose IFM has at most 8 channels or whose part-kernel utilisation is at least ({@code ≥}, where the block-config
 * search uses {@code >}) the depth-first one; depth-first for other convolutions and vector products.
 *
 * <p>On the two-core U65-512 core c takes channels c, c+2, … of each slice and an OFM block depth of
 * {@code ⌊(d + 1 − c)/2⌋}, each core with its own records and stream.
 *
 * <p>Not thread-safe (scratch buffers are reused); use one instance per thread.
 */
public final class WeightEncoder {

    private final Subgraph graph;
    private final WeightStreamEncoder streamEncoder = new WeightStreamEncoder();
    private short[] scratch = new short[0];

    /** Creates an encoder for the operations of {@code graph}. */
    public WeightEncoder(Subgraph graph) {
        this.graph = graph;
    }

    /** One stream with its content, for verification. */
    record Stream(EncodedRange range, byte[] scaleRecords, short[] reordered, byte[] bytes) {}

    /** Encodes the weights of {@code op} unsliced. */
    public EncodedWeights encode(NpuOperation op, BlockConfig blockConfig, NpuVariant variant) {
        return run(op, blockConfig, variant, null, null);
    }

    /**
     * Encodes the weights of {@code op} cut into {@code slices} (contiguous OFM ranges from 0 to the OFM depth).
     *
     * @throws IllegalArgumentException when {@code op} has no constant 8-bit weights or the slices do not tile
     *     its OFM depth
     */
    public EncodedWeights encode(NpuOperation op, BlockConfig blockConfig, NpuVariant variant, List<OfmRange> slices) {
        return run(op, blockConfig, variant, slices, null);
    }

    /** Encodes as {@link #encode(NpuOperation, BlockConfig, NpuVariant, List)} and keeps every stream's bytes. */
    List<Stream> encodeStreams(NpuOperation op, BlockConfig blockConfig, NpuVariant variant, List<OfmRange> slices) {
        List<Stream> streams = new ArrayList<>();
        run(op, blockConfig, variant, slices, streams);
        return streams;
    }

    private EncodedWeights run(NpuOperation op, BlockConfig blockConfig, NpuVariant variant, List<OfmRange> slices,
            List<Stream> keep) {
        WeightVolume v = volume(op);
        if (slices == null) {
            slices = OfmRange.whole(v.ofm);
        }
        checkSlices(slices, v.ofm, op);
        WeightTraversal traversal = traversal(op, v);
        int dilationX = hardwareDilation(op.kernel().dilationX());
        int dilationY = hardwareDilation(op.kernel().dilationY());
        int blockDepth = blockConfig.ofmBlock().c();
        int cores = variant.cores();
        long[] scales = keep == null ? new long[0] : quantisedScales(op, v.ofm);
        long[] biases = keep == null ? new long[0] : biases(op, v.ofm);
        List<EncodedRange> ranges = new ArrayList<>();
        for (int s = 0; s < slices.size(); s++) {
            OfmRange slice = slices.get(s);
            for (int core = 0; core < Math.min(cores, v.ofm); core++) {
                int coreBlockDepth = (blockDepth + cores - 1 - core) / cores;
                if (coreBlockDepth == 0) {
                    continue;
                }
                int channels = slice.channels() > core ? (slice.channels() - core + cores - 1) / cores : 0;
                int scaleBytes = ScaleBiasRecords.paddedBytes(channels);
                if (channels == 0) {
                    ranges.add(new EncodedRange(s, core, 0, 0, 0, 0, 0));
                    if (keep != null) {
                        keep.add(new Stream(ranges.get(ranges.size() - 1), new byte[0], new short[0], new byte[0]));
                    }
                    continue;
                }
                StreamShape shape = new StreamShape(variant.ifmUblockD(), variant.ofmUblockD(), coreBlockDepth,
                        traversal, op.ifmBits(), SUB_KERNEL_MAX / dilationY, SUB_KERNEL_MAX / dilationX);
                long length = WeightReorder.length(v, channels, shape);
                if (length > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(op.name() + ": weight stream of " + length
                            + " values is too long");
                }
                if (scratch.length < length) {
                    scratch = new short[(int) Math.max(length, scratch.length + scratch.length / 2)];
                }
                int n = WeightReorder.reorder(v, slice.start() + core, cores, channels, shape, scratch);
                WeightStreamEncoder.Result encoded = streamEncoder.encode(scratch, n);
                EncodedRange range = new EncodedRange(s, core, channels, scaleBytes, encoded.bytes().length, n,
                        encoded.zeroRunZeros());
                ranges.add(range);
                if (keep != null) {
                    byte[] records = new byte[scaleBytes];
                    for (int k = 0; k < channels; k++) {
                        int c = slice.start() + core + k * cores;
                        ScaleBiasRecords.write(records, k * ScaleBiasRecords.RECORD_BYTES, biases[c], scales[c]);
                    }
                    keep.add(new Stream(range, records, java.util.Arrays.copyOf(scratch, n), encoded.bytes()));
                }
            }
        }
        Tensor weights = graph.tensor(op.weights().orElseThrow().tensor());
        return new EncodedWeights(weights.elementCount(), cores, traversal, blockDepth, ranges);
    }

    /** Sub-kernel limit per axis before dilation ({@code SubKernelMax}: 8×8). */
    static final int SUB_KERNEL_MAX = 8;

    private static void checkSlices(List<OfmRange> slices, int depth, NpuOperation op) {
        int next = 0;
        boolean tiled = !slices.isEmpty();
        for (OfmRange r : slices) {
            tiled &= r.start() == next;
            next = r.end();
        }
        if (!tiled || next != depth) {
            throw new IllegalArgumentException(op.name() + ": depth slices " + slices + " do not tile [0, " + depth
                    + ")");
        }
    }

    /** The dilation the hardware applies after a dilation above 2 has been inflated into the kernel. */
    private static int hardwareDilation(int dilation) {
        if (dilation <= 2) {
            return dilation;
        }
        return dilation % 2 == 0 ? 2 : 1;
    }

    /** The encoder's traversal (see the class comment; {@code weight_compressor.py}). */
    static WeightTraversal traversal(NpuOperation op, WeightVolume v) {
        if (op.type() == NpuBlockType.DEPTHWISE) {
            return WeightTraversal.DEPTHWISE;
        }
        if (op.type() != NpuBlockType.CONVOLUTION) {
            return WeightTraversal.DEPTH_FIRST;
        }
        int kernel = v.height * v.width;
        int ifm = v.ifm;
        double depthUtil = ifm / (double) roundUp(ifm, op.ifmBits() == 8 ? 32 : 16);
        double partUtil = (ifm / (double) roundUp(ifm, 8))
                * (kernel / (double) roundUp(kernel, op.ifmBits() == 8 ? 4 : 2));
        return partUtil >= depthUtil || ifm <= 8 ? WeightTraversal.PART_KERNEL_FIRST : WeightTraversal.DEPTH_FIRST;
    }

    private static int roundUp(int a, int b) {
        return (a + b - 1) / b * b;
    }

    private Operator source(NpuOperation op) {
        return graph.operators().get(op.sourceOperator());
    }

    /** Builds the OHWI, zero-point-free weights of {@code op} as the NPU sees them. */
    WeightVolume volume(NpuOperation op) {
        if (op.weights().isEmpty() || !op.type().hasWeights()) {
            throw new IllegalArgumentException(op.name() + " has no constant weights");
        }
        Operator src = source(op);
        Tensor t = graph.tensor(op.weights().get().tensor());
        if (t.type() != ElementType.INT8 && t.type() != ElementType.UINT8) {
            throw new IllegalArgumentException(op.name() + ": weights are " + t.type().label()
                    + "; the Ethos-U encodes 8-bit weights");
        }
        byte[] raw = t.data().orElseThrow().toByteArray();
        boolean unsigned = t.type() == ElementType.UINT8;
        Quantization q = t.quantization().orElse(Quantization.perTensor(1f, 0));
        Shape s = t.shape();
        OpKind kind = src.options().kind();
        WeightVolume v;
        switch (kind) {
            case CONV_2D, TRANSPOSE_CONV -> {
                int o = s.dim(0);
                int h = s.dim(1);
                int w = s.dim(2);
                int i = s.dim(3);
                short[] values = new short[raw.length];
                int perChannel = h * w * i;
                for (int k = 0; k < raw.length; k++) {
                    values[k] = (short) (value(raw[k], unsigned) - q.zeroPoint(k / perChannel));
                }
                v = new WeightVolume(values, o, h, w, i);
                if (kind == OpKind.TRANSPOSE_CONV) {
                    v = v.flipped();
                }
            }
            case DEPTHWISE_CONV_2D -> {
                int h = s.dim(1);
                int w = s.dim(2);
                int c = s.dim(3);
                short[] values = new short[raw.length];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        for (int ch = 0; ch < c; ch++) {
                            int from = (y * w + x) * c + ch;
                            values[(ch * h + y) * w + x] = (short) (value(raw[from], unsigned) - q.zeroPoint(ch));
                        }
                    }
                }
                v = new WeightVolume(values, c, h, w, 1);
            }
            case FULLY_CONNECTED -> {
                int o = s.dim(0);
                int i = (int) (s.elementCount() / Math.max(1, o));
                short[] values = new short[raw.length];
                for (int k = 0; k < raw.length; k++) {
                    values[k] = (short) (value(raw[k], unsigned) - q.zeroPoint(k / Math.max(1, i)));
                }
                v = new WeightVolume(values, o, 1, 1, i);
            }
            default -> throw new IllegalArgumentException(op.name() + ": " + src.opName() + " has no weight layout");
        }
        Optional<StridedConvRewrite> rewrite = StridedConvRewrite.of(src, graph.tensors());
        if (rewrite.isPresent() && op.type() == NpuBlockType.CONVOLUTION) {
            StridedConvRewrite r = rewrite.get();
            v = v.folded(r.resizeFactor(), r.kernelPadLeft(), r.kernelW());
        }
        int dx = op.kernel().dilationX();
        int dy = op.kernel().dilationY();
        if (dx > 2 || dy > 2) {
            v = v.inflated(dy / hardwareDilation(dy), dx / hardwareDilation(dx));
        } else if (op.type() != NpuBlockType.VECTOR_PRODUCT
                && (v.height != op.kernel().h() || v.width != op.kernel().w())) {
            throw new IllegalStateException(op.name() + ": weights are " + v.height + "x" + v.width
                    + " but the operation's kernel is " + op.kernel().h() + "x" + op.kernel().w());
        }
        return v;
    }

    private static int value(byte b, boolean unsigned) {
        return unsigned ? b & 0xff : b;
    }

    /** Returns the quantised rescale of every OFM channel (ScaleBiasRecords#quantise). */
    private long[] quantisedScales(NpuOperation op, int channels) {
        Operator src = source(op);
        boolean transpose = src.options().kind() == OpKind.TRANSPOSE_CONV;
        Tensor ifm = graph.tensor(src.input(transpose ? 2 : 0));
        Tensor ofm = graph.tensor(src.output(0));
        Tensor weights = graph.tensor(op.weights().orElseThrow().tensor());
        float ifmScale = scale(ifm, 0);
        float ofmScale = scale(ofm, 0);
        boolean singlePrecision = src.options().kind() == OpKind.FULLY_CONNECTED || ifm.type() == ElementType.UINT8;
        boolean reduced = op.ifmBits() == 16 && biasType(src).orElse(ElementType.INT32) == ElementType.INT64;
        long[] out = new long[channels];
        for (int c = 0; c < channels; c++) {
            float w = scale(weights, c);
            double scale = singlePrecision ? (double) (ifmScale * w) / ofmScale : ((double) ifmScale * w) / ofmScale;
            out[c] = reduced ? ScaleBiasRecords.quantiseReduced(scale) : ScaleBiasRecords.quantise(scale);
        }
        return out;
    }

    private static float scale(Tensor t, int channel) {
        if (t.quantization().isEmpty() || t.quantization().get().channelCount() == 0) {
            return 1f;
        }
        Quantization q = t.quantization().get();
        return q.scale(q.isPerChannel() && channel < q.channelCount() ? channel : 0);
    }

    private int biasSlot(Operator src) {
        return src.options().kind() == OpKind.TRANSPOSE_CONV ? 3 : 2;
    }

    private Optional<ElementType> biasType(Operator src) {
        int b = src.input(biasSlot(src));
        return b >= 0 ? Optional.of(graph.tensor(b).type()) : Optional.empty();
    }

    /** Returns the bias of every OFM channel; 0 where the operator has none. */
    private long[] biases(NpuOperation op, int channels) {
        Operator src = source(op);
        long[] out = new long[channels];
        int b = src.input(biasSlot(src));
        if (b < 0 || graph.tensor(b).data().isEmpty()) {
            return out;
        }
        Tensor bias = graph.tensor(b);
        if (bias.type() == ElementType.INT64) {
            long[] values = bias.data().get().toLongArray();
            System.arraycopy(values, 0, out, 0, Math.min(values.length, channels));
        } else if (bias.type() == ElementType.INT32) {
            int[] values = bias.data().get().toIntArray();
            for (int c = 0; c < Math.min(values.length, channels); c++) {
                out[c] = values[c];
            }
        }
        return out;
    }
}
