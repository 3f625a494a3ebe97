// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
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
import org.npusim.npu.Kernel;
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
 * <p>Sizing does not write the bitstreams: {@link WeightStreamEncoder#size} counts the bits of the slices the
 * compressor chooses. The streams of one call are independent (Vela compresses each depth slice and core on its
 * own), so when there are several and enough values to pay for it they are compressed in parallel, each
 * result in its place: the outcome does not depend on the threads.
 *
 * <p>Thread-safe: the scratch buffers (reordered values, the compressor's arrays) belong to the calling thread
 * and are reused by every encoder on it.
 */
public final class WeightEncoder {

    /** Streams of a call are compressed in parallel when they hold at least this many values together. */
    static final long PARALLEL_VALUES = 1 << 15;

    /**
     * Each thread's scratch: they grow to the longest stream the thread has compressed (about 35 bytes a value)
     * and are kept for the next stream, since encoding allocates nothing else per value.
     */
    private static final ThreadLocal<StreamCoder> CODERS = ThreadLocal.withInitial(StreamCoder::new);

    private final Subgraph graph;
    private final Optional<Volumes> volumes;

    /** Creates an encoder for the operations of {@code graph}. */
    public WeightEncoder(Subgraph graph) {
        this(graph, Optional.empty());
    }

    /**
     * Creates an encoder for the operations of {@code graph} that takes their weights from {@code volumes} when
     * they are of this graph, and leaves the ones it builds there.
     */
    public WeightEncoder(Subgraph graph, Optional<Volumes> volumes) {
        this.graph = graph;
        this.volumes = volumes;
    }

    /**
     * The weights of one graph's operations as the encoder lays them out, built once for the requests of a
     * simulation: the planner asks for an operation's whole depth and later for its depth slices, and the weights
     * are the same for all (on MobileNet v2, 2.1 M of the 5.6 M weights built per simulation were built before).
     * Bound to the first graph it serves; thread-safe.
     */
    public static final class Volumes {
        private final ConcurrentHashMap<VolumeInputs, WeightVolume> built = new ConcurrentHashMap<>();
        private final AtomicReference<Subgraph> graph = new AtomicReference<>();

        /** Returns the weights of {@code op} of {@code graph}, built by {@code build} unless already there. */
        WeightVolume of(Subgraph g, NpuOperation op, Function<NpuOperation, WeightVolume> build) {
            graph.compareAndSet(null, g);
            if (graph.get() != g) {
                return build.apply(op);
            }
            return built.computeIfAbsent(new VolumeInputs(op.weights(), op.sourceOperator(), op.type(), op.kernel()),
                    inputs -> build.apply(op));
        }
    }

    /**
     * Everything {@link #encode} reads of an operation, block config and variant: on one subgraph and with the
     * same slices, equal inputs give equal encodings (and equal failures). The weights are built from the
     * weight tensor, the source operator (layout, transpose flip, stride rewrite), the operation type and the
     * kernel (dilation, shape check); the traversal adds the IFM element width; the streams are grouped by the
     * block depth and the variant's cores and micro-blocks. The OFM depth bounds the slices and sizes the
     * uncompressed fallback of a caller. Feature-map shapes, the block's height and width and the name do not
     * enter.
     */
    public record Inputs(Optional<NpuOperation.WeightTensor> weights, int sourceOperator, NpuBlockType type,
            Kernel kernel, int ifmBits, int ofmDepth, int blockDepth, NpuVariant variant) {

        /** Returns the inputs of encoding {@code op} with {@code blockConfig} on {@code variant}. */
        public static Inputs of(NpuOperation op, BlockConfig blockConfig, NpuVariant variant) {
            return new Inputs(op.weights(), op.sourceOperator(), op.type(), op.kernel(), op.ifmBits(), op.ofm().c(),
                    blockConfig.ofmBlock().c(), variant);
        }
    }

    /** One stream with its content, for verification. */
    record Stream(EncodedRange range, byte[] scaleRecords, short[] reordered, byte[] bytes) {}

    /** Encodes the weights of {@code op} unsliced. */
    public EncodedWeights encode(NpuOperation op, BlockConfig blockConfig, NpuVariant variant) {
        return run(op, blockConfig, variant, null, null);
    }

    /**
     * Returns whether weight streams are worth sizing in parallel: only with more than one processor to run on. On
     * one, extra workers only switch threads, and pool threads that come and go each grow their own scratch:
     * MobileNet v2 on one core allocated 50-80 MB per simulation with two workers, 22 MB with one, and ran in
     * 117-122 ms instead of 124-135.
     */
    public static boolean sizesInParallel() {
        return Runtime.getRuntime().availableProcessors() > 1;
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

    /**
     * One stream of a call: the {@code channels} OFM channels {@code first}, {@code first + step}, … of depth
     * slice {@code slice} that core {@code core} decodes, in the order {@code shape} gives.
     */
    private record StreamJob(int slice, int core, int first, int step, int channels, StreamShape shape, int length) {}

    private EncodedWeights run(NpuOperation op, BlockConfig blockConfig, NpuVariant variant, List<OfmRange> slices,
            List<Stream> keep) {
        WeightVolume v = volumes.isPresent() ? volumes.get().of(graph, op, this::volume) : volume(op);
        if (slices == null) {
            slices = OfmRange.whole(v.ofm);
        }
        checkSlices(slices, v.ofm, op);
        WeightTraversal traversal = traversal(op, v);
        int dilationX = hardwareDilation(op.kernel().dilationX());
        int dilationY = hardwareDilation(op.kernel().dilationY());
        int blockDepth = blockConfig.ofmBlock().c();
        int cores = variant.cores();
        List<StreamJob> jobs = new ArrayList<>();
        long values = 0;
        for (int s = 0; s < slices.size(); s++) {
            OfmRange slice = slices.get(s);
            for (int core = 0; core < Math.min(cores, v.ofm); core++) {
                int coreBlockDepth = (blockDepth + cores - 1 - core) / cores;
                if (coreBlockDepth == 0) {
                    continue;
                }
                int channels = slice.channels() > core ? (slice.channels() - core + cores - 1) / cores : 0;
                StreamShape shape = new StreamShape(variant.ifmUblockD(), variant.ofmUblockD(), coreBlockDepth,
                        traversal, op.ifmBits(), SUB_KERNEL_MAX / dilationY, SUB_KERNEL_MAX / dilationX);
                long length = channels == 0 ? 0 : WeightReorder.length(v, channels, shape);
                if (length > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(op.name() + ": weight stream of " + length
                            + " values is too long");
                }
                jobs.add(new StreamJob(s, core, slice.start() + core, cores, channels, shape, (int) length));
                values += length;
            }
        }
        List<EncodedRange> ranges;
        if (keep != null) {
            ranges = keepStreams(op, v, slices, jobs, keep);
        } else {
            IntStream indices = IntStream.range(0, jobs.size());
            if (jobs.size() > 1 && values >= PARALLEL_VALUES && sizesInParallel()) {
                indices = indices.parallel();
            }
            ranges = indices.mapToObj(j -> CODERS.get().size(v, jobs.get(j))).toList();
        }
        Tensor weights = graph.tensor(op.weights().orElseThrow().tensor());
        return new EncodedWeights(weights.elementCount(), cores, traversal, blockDepth, ranges);
    }

    /** Writes every stream of {@code jobs} into {@code keep} with its scale records, and returns their ranges. */
    private List<EncodedRange> keepStreams(NpuOperation op, WeightVolume v, List<OfmRange> slices, List<StreamJob> jobs,
            List<Stream> keep) {
        long[] scales = quantisedScales(op, v.ofm);
        long[] biases = biases(op, v.ofm);
        StreamCoder coder = CODERS.get();
        List<EncodedRange> ranges = new ArrayList<>();
        for (StreamJob job : jobs) {
            if (job.channels() == 0) {
                EncodedRange range = StreamCoder.empty(job);
                ranges.add(range);
                keep.add(new Stream(range, new byte[0], new short[0], new byte[0]));
                continue;
            }
            int n = coder.reorder(v, job);
            WeightStreamEncoder.Result encoded = coder.compressor.encode(coder.reordered, n);
            EncodedRange range = new EncodedRange(job.slice(), job.core(), job.channels(),
                    ScaleBiasRecords.paddedBytes(job.channels()), encoded.bytes().length, n, encoded.zeroRunZeros());
            ranges.add(range);
            byte[] records = new byte[range.scaleBytes()];
            for (int k = 0; k < job.channels(); k++) {
                int c = job.first() + k * job.step();
                ScaleBiasRecords.write(records, k * ScaleBiasRecords.RECORD_BYTES, biases[c], scales[c]);
            }
            keep.add(new Stream(range, records, Arrays.copyOf(coder.reordered, n), encoded.bytes()));
        }
        return ranges;
    }

    /** A thread's scratch: the reordered values of the current stream and the compressor. */
    private static final class StreamCoder {
        final WeightStreamEncoder compressor = new WeightStreamEncoder();
        short[] reordered = new short[0];

        /** Reorders the values of {@code job} into {@link #reordered} and returns how many there are. */
        int reorder(WeightVolume v, StreamJob job) {
            if (reordered.length < job.length()) {
                reordered = new short[Math.max(job.length(), reordered.length + reordered.length / 2)];
            }
            return WeightReorder.reorder(v, job.first(), job.step(), job.channels(), job.shape(), reordered);
        }

        /** Returns the range of {@code job} sized without writing its bitstream. */
        EncodedRange size(WeightVolume v, StreamJob job) {
            if (job.channels() == 0) {
                return empty(job);
            }
            int n = reorder(v, job);
            WeightStreamEncoder.Size size = compressor.size(reordered, n, v.inCodeRange);
            return new EncodedRange(job.slice(), job.core(), job.channels(),
                    ScaleBiasRecords.paddedBytes(job.channels()), size.bytes(), n, size.zeroRunZeros());
        }

        /** The range of a core that has no channels in a slice: no records, no stream. */
        static EncodedRange empty(StreamJob job) {
            return new EncodedRange(job.slice(), job.core(), 0, 0, 0, 0, 0);
        }
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

    /** What {@link #volume} reads of an operation, besides its subgraph. */
    private record VolumeInputs(Optional<NpuOperation.WeightTensor> weights, int sourceOperator, NpuBlockType type,
            Kernel kernel) {}

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
        boolean inRange = zeroPointsInRange(q, unsigned);
        WeightVolume v;
        switch (kind) {
            case CONV_2D, TRANSPOSE_CONV -> {
                int o = s.dim(0);
                int h = s.dim(1);
                int w = s.dim(2);
                int i = s.dim(3);
                v = new WeightVolume(centred(raw, unsigned, q, h * w * i), o, h, w, i, inRange);
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
                v = new WeightVolume(values, c, h, w, 1, inRange);
            }
            case FULLY_CONNECTED, SEQUENCE_LSTM -> {
                // An LSTM's gate products are vector products over its [units, features] weight matrices, stored
                // like a fully connected layer's [out, in].
                int o = s.dim(0);
                int i = (int) (s.elementCount() / Math.max(1, o));
                v = new WeightVolume(centred(raw, unsigned, q, Math.max(1, i)), o, 1, 1, i, inRange);
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

    /**
     * Returns {@code raw} with the zero point of each OFM channel subtracted, the channels being consecutive runs
     * of {@code perChannel} values (the OHWI and [out, in] layouts).
     */
    private static short[] centred(byte[] raw, boolean unsigned, Quantization q, int perChannel) {
        short[] values = new short[raw.length];
        for (int from = 0, channel = 0; from < raw.length; from += perChannel, channel++) {
            int zeroPoint = (int) q.zeroPoint(channel);
            int to = Math.min(raw.length, from + perChannel);
            if (unsigned) {
                for (int k = from; k < to; k++) {
                    values[k] = (short) ((raw[k] & 0xff) - zeroPoint);
                }
            } else {
                for (int k = from; k < to; k++) {
                    values[k] = (short) (raw[k] - zeroPoint);
                }
            }
        }
        return values;
    }

    /**
     * Returns whether every zero point lies in the weights' own range (−128…127, or 0…255 unsigned): then every
     * weight minus its zero point lies in −255…255 and the streams need no range check, which otherwise reads
     * every value of every stream once more. Models with other zero points are checked stream by stream as
     * before, with the same failure.
     */
    private static boolean zeroPointsInRange(Quantization q, boolean unsigned) {
        int low = unsigned ? 0 : Byte.MIN_VALUE;
        int high = unsigned ? 0xff : Byte.MAX_VALUE;
        for (long zeroPoint : q.zeroPoints()) {
            if (zeroPoint < low || zeroPoint > high) {
                return false;
            }
        }
        return true;
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
