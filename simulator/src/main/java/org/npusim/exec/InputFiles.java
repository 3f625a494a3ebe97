// SPDX-License-Identifier: Apache-2.0
package org.npusim.exec;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.npusim.errors.InputException;
import org.npusim.graph.ElementType;
import org.npusim.graph.Shape;
import org.npusim.graph.Tensor;

/**
 * Reads the values of one input tensor from a file, chosen by extension, and makes random inputs.
 *
 * <ul>
 *   <li>{@code .npy}: NumPy arrays ({@link NpyFormat}). An array of the tensor's element type is taken as is; a
 *       float32 array is quantized with the tensor's scale and zero point. The shape must equal the tensor's,
 *       size-1 dimensions aside.
 *   <li>{@code .csv}, {@code .txt}: numbers separated by commas, whitespace or newlines, row-major; lines starting
 *       with {@code #} are comments. Integers are taken as quantized values; if any number has a fraction or
 *       exponent, all are real values and are quantized.
 *   <li>{@code .bin}, {@code .raw}: the tensor's bytes, little-endian, exactly its size.
 *   <li>{@code .png}, {@code .bmp}, {@code .jpg}, {@code .gif}: an image, resized (bilinear) to the tensor's
 *       height and width, converted to 1 (luma, ITU-R BT.601 weights) or 3 (RGB) channels, in NHWC or NCHW order
 *       as the tensor's shape says. Pixel values 0..255 map onto the integer type's range as camera pipelines on
 *       microcontrollers feed them: uint8 unchanged, int8 as p - 128, int16 as 256 * p - 32768.
 * </ul>
 * Every mismatch is an {@link InputException} naming the file and what the tensor expects.
 */
public final class InputFiles {

    private InputFiles() {}

    /** Reads the values for {@code tensor} from {@code file}. */
    public static TensorBuffer read(Path file, Tensor tensor) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        switch (ext) {
            case "npy":
                return fromArray(NpyFormat.read(readBytes(file), file.toString()), tensor, file.toString());
            case "csv":
            case "txt":
                return readCsv(file, tensor);
            case "bin":
            case "raw":
                return readRaw(readBytes(file), tensor, file.toString());
            case "png":
            case "bmp":
            case "jpg":
            case "jpeg":
            case "gif":
                return fromImage(readImage(file), tensor, file.toString());
            default:
                throw new InputException(file.toString(), "", "unknown input format '" + ext
                        + "'; expected .npy, .csv, .txt, .bin, .raw, .png, .bmp, .jpg or .gif");
        }
    }

    static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputException(file.toString(), "", "cannot read: " + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void requireSupported(Tensor tensor, String file) {
        if (!TensorBuffer.supports(tensor.type())) {
            throw new InputException(file, "", "input '" + tensor.name() + "' has element type "
                    + tensor.type().label() + ", which the executor does not support");
        }
    }

    /** Converts an array read from a file to the tensor's type, checking the shape. */
    static TensorBuffer fromArray(TensorBuffer array, Tensor tensor, String file) {
        requireSupported(tensor, file);
        if (!sameIgnoringOnes(array.shape(), tensor.shape())) {
            throw new InputException(file, "", "array has shape " + array.shape() + "; input '" + tensor.name()
                    + "' needs " + tensor.shape());
        }
        if (array.type() == tensor.type()) {
            return array.reshaped(tensor.shape());
        }
        if (array.type() == ElementType.FLOAT32 && tensor.type() != ElementType.FLOAT32) {
            return quantize(array.float32(), tensor, file);
        }
        throw new InputException(file, "", "array has dtype " + array.type().label() + "; input '" + tensor.name()
                + "' needs " + tensor.type().label() + " (or float32 values to quantize)");
    }

    private static boolean sameIgnoringOnes(Shape a, Shape b) {
        return java.util.Arrays.equals(withoutOnes(a), withoutOnes(b));
    }

    private static int[] withoutOnes(Shape s) {
        return java.util.Arrays.stream(s.dims()).filter(d -> d != 1).toArray();
    }

    /** Quantizes real values with the tensor's scale and zero point ({@code round(x / scale) + zp}, saturated). */
    static TensorBuffer quantize(float[] values, Tensor tensor, String file) {
        TensorBuffer out = TensorBuffer.allocate(tensor.type(), tensor.shape());
        if (tensor.type() == ElementType.FLOAT32) {
            System.arraycopy(values, 0, out.float32(), 0, values.length);
            return out;
        }
        var q = tensor.quantization().filter(x -> x.channelCount() > 0).orElseThrow(() -> new InputException(file,
                "", "input '" + tensor.name() + "' is not quantized, so real values cannot be converted to it"));
        float scale = q.scale(0);
        int zp = (int) q.zeroPoint(0);
        int lo = ActivationRange.typeMin(tensor.type());
        int hi = ActivationRange.typeMax(tensor.type());
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new InputException(file, "value " + (i + 1), values[i] + " cannot be quantized: expected a finite"
                        + " number");
            }
            out.set(i, QuantizeKernels.affineQuantize(values[i], scale, zp, lo, hi));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ CSV

    /** Reads comma- or whitespace-separated numbers for {@code tensor}. */
    public static TensorBuffer readCsv(Path file, Tensor tensor) {
        requireSupported(tensor, file.toString());
        String text = new String(readBytes(file), StandardCharsets.UTF_8);
        // A byte-order mark (spreadsheets save UTF-8 CSV with one) is not part of the first value.
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] tokens = tokens(text);
        long n = tensor.elementCount();
        if (tokens.length != n) {
            throw new InputException(file.toString(), "", tokens.length + " values; input '" + tensor.name()
                    + "' of shape " + tensor.shape() + " needs " + n);
        }
        boolean real = false;
        for (String t : tokens) {
            if (t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0) {
                real = true;
                break;
            }
        }
        if (real || tensor.type() == ElementType.FLOAT32) {
            float[] v = new float[tokens.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = parseFloat(tokens[i], file.toString(), i);
            }
            return quantize(v, tensor, file.toString());
        }
        long[] v = parseIntegers(tokens, file.toString());
        TensorBuffer out = TensorBuffer.allocate(tensor.type(), tensor.shape());
        long lo = tensor.type() == ElementType.INT64 ? Long.MIN_VALUE : ActivationRange.typeMin(tensor.type());
        long hi = tensor.type() == ElementType.INT64 ? Long.MAX_VALUE : ActivationRange.typeMax(tensor.type());
        if (tensor.type() == ElementType.BOOL) {
            lo = 0;
            hi = 1;
        }
        for (int i = 0; i < v.length; i++) {
            if (v[i] < lo || v[i] > hi) {
                throw new InputException(file.toString(), "value " + (i + 1), v[i] + " is outside the range of "
                        + tensor.type().label() + " [" + lo + ", " + hi + "]");
            }
            out.set(i, v[i]);
        }
        return out;
    }

    /** Returns the integers of a CSV text; {@code file} names it in errors. */
    public static long[] parseCsvIntegers(String text, String file) {
        return parseIntegers(tokens(text), file);
    }

    private static String[] tokens(String text) {
        // Lines starting with '#' are comments (TensorText writes one per tensor).
        String s = text.replaceAll("(?m)^\\s*#.*$", "").strip();
        return s.isEmpty() ? new String[0] : s.split("[,\\s]+");
    }

    private static long[] parseIntegers(String[] tokens, String file) {
        long[] v = new long[tokens.length];
        for (int i = 0; i < v.length; i++) {
            try {
                v[i] = Long.parseLong(tokens[i]);
            } catch (NumberFormatException e) {
                throw new InputException(file, "value " + (i + 1), "'" + tokens[i] + "' is not an integer");
            }
        }
        return v;
    }

    private static float parseFloat(String token, String file, int i) {
        try {
            return Float.parseFloat(token);
        } catch (NumberFormatException e) {
            throw new InputException(file, "value " + (i + 1), "'" + token + "' is not a number");
        }
    }

    // ------------------------------------------------------------------------------------------------ raw

    static TensorBuffer readRaw(byte[] bytes, Tensor tensor, String file) {
        requireSupported(tensor, file);
        long needed = tensor.type().bytesFor(tensor.elementCount());
        if (bytes.length != needed) {
            throw new InputException(file, "", bytes.length + " bytes; input '" + tensor.name() + "' ("
                    + tensor.type().label() + " " + tensor.shape() + ") needs exactly " + needed);
        }
        return TensorBuffer.decode(tensor.type(), tensor.shape(), org.npusim.graph.ConstantData.copyOf(bytes));
    }

    // ---------------------------------------------------------------------------------------------- images

    /**
     * The most pixels an input image may declare. Decoders allocate the whole raster from the header's size before
     * reading any pixel data, so a corrupt or hostile header (a 60000x60000 BMP of a few bytes) would otherwise
     * exhaust the heap; inputs of TinyML models are a few hundred pixels a side, and 64 Mpixel leaves room for
     * photographs that are scaled down to the input tensor.
     */
    static final long MAX_IMAGE_PIXELS = 64L << 20;

    private static BufferedImage readImage(Path file) {
        String name = file.toString();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(readBytes(file)))) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InputException(name, "", "not an image the JDK can decode (PNG, BMP, JPEG, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (reader.getWidth(0) <= 0 || reader.getHeight(0) <= 0 || pixels > MAX_IMAGE_PIXELS) {
                    throw new InputException(name, "", "the image declares " + reader.getWidth(0) + "x"
                            + reader.getHeight(0) + " pixels; at most " + MAX_IMAGE_PIXELS + " pixels are read");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new InputException(name, "", "cannot decode the image: " + describe(e), e);
        } catch (InputException e) {
            throw e;
        } catch (RuntimeException e) {
            // The JDK's decoders throw unchecked exceptions on some corrupt files (an index past a table's end).
            throw new InputException(name, "", "cannot decode the image: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The layout of an image-shaped tensor. */
    record ImageLayout(int height, int width, int channels, boolean channelsFirst) {}

    /** Returns how an image maps onto {@code shape}: [1,]H,W,C (C = 1 or 3), [1,]C,H,W, or H,W (one channel, H and W above 1). */
    static ImageLayout imageLayout(Shape shape, String file, String name) {
        int[] d = shape.dims();
        int r = d.length;
        if (r >= 3 && (d[r - 1] == 1 || d[r - 1] == 3) && leadingOnes(d, r - 3)) {
            return new ImageLayout(d[r - 3], d[r - 2], d[r - 1], false);
        }
        if (r >= 3 && (d[r - 3] == 1 || d[r - 3] == 3) && leadingOnes(d, r - 3)) {
            return new ImageLayout(d[r - 2], d[r - 1], d[r - 3], true);
        }
        // A rank-2 tensor is a one-channel image only when both dimensions are: [1, N] is a batch of one feature
        // vector (micro_speech's 1x1960, hello_world's 1x1), which a picture scaled to one row would silently fill.
        if (r == 2 && d[0] > 1 && d[1] > 1) {
            return new ImageLayout(d[0], d[1], 1, false);
        }
        throw new InputException(file, "", "input '" + name + "' has shape " + shape
                + ", which is not an image (height x width x 1 or 3 channels, or height x width both above 1)");
    }

    private static boolean leadingOnes(int[] d, int count) {
        for (int i = 0; i < count; i++) {
            if (d[i] != 1) {
                return false;
            }
        }
        return true;
    }

    /** Converts an image to the tensor: resize, channels, layout, then the pixel mapping of the class comment. */
    public static TensorBuffer fromImage(BufferedImage img, Tensor tensor, String file) {
        requireSupported(tensor, file);
        ImageLayout l = imageLayout(tensor.shape(), file, tensor.name());
        BufferedImage rgb = new BufferedImage(l.width(), l.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, l.width(), l.height(), null);
        } finally {
            g.dispose();
        }
        TensorBuffer out = TensorBuffer.allocate(tensor.type(), tensor.shape());
        int hw = l.height() * l.width();
        for (int y = 0; y < l.height(); y++) {
            for (int x = 0; x < l.width(); x++) {
                int p = rgb.getRGB(x, y);
                int r = (p >> 16) & 0xFF;
                int gr = (p >> 8) & 0xFF;
                int bl = p & 0xFF;
                int pixel = y * l.width() + x;
                if (l.channels() == 1) {
                    int luma = (int) Math.round(0.299 * r + 0.587 * gr + 0.114 * bl);
                    out.set(pixel, mapPixel(luma, tensor, file));
                } else {
                    int[] c = {r, gr, bl};
                    for (int k = 0; k < 3; k++) {
                        int idx = l.channelsFirst() ? k * hw + pixel : pixel * 3 + k;
                        out.set(idx, mapPixel(c[k], tensor, file));
                    }
                }
            }
        }
        return out;
    }

    private static long mapPixel(int p, Tensor tensor, String file) {
        switch (tensor.type()) {
            case UINT8:
                return p;
            case INT8:
                return p - 128;
            case INT16:
                return 256L * p - 32768;
            default:
                throw new InputException(file, "", "input '" + tensor.name() + "' has element type "
                        + tensor.type().label() + "; images feed uint8, int8 or int16 inputs");
        }
    }

    // ---------------------------------------------------------------------------------------------- random

    /**
     * Returns uniformly distributed values over the element type's whole range (float32: [-1, 1)), drawn from a
     * {@link SplittableRandom} seeded with {@code seed}, so that the same seed gives the same values on every JVM.
     */
    public static TensorBuffer random(Tensor tensor, long seed) {
        requireSupported(tensor, "--random");
        TensorBuffer out = TensorBuffer.allocate(tensor.type(), tensor.shape());
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < out.length(); i++) {
            switch (tensor.type()) {
                case FLOAT32:
                    out.float32()[i] = (float) (rnd.nextDouble() * 2 - 1);
                    break;
                case INT64:
                    out.set(i, rnd.nextLong());
                    break;
                case BOOL:
                    out.set(i, rnd.nextInt(2));
                    break;
                default:
                    out.set(i, rnd.nextInt(ActivationRange.typeMin(tensor.type()),
                            (int) Math.min((long) ActivationRange.typeMax(tensor.type()) + 1, Integer.MAX_VALUE)));
            }
        }
        return out;
    }
}
