// SPDX-License-Identifier: Apache-2.0
/**
 * Reads and writes TensorFlow Lite flatbuffers ({@code schema.fbs}, file identifier {@code TFL3}).
 *
 * <p>The reader is written from the schema's field layout over a bounds-checked view of the bytes: every offset,
 * vector length and string is checked against the buffer before it is followed or allocated, so a truncated or
 * corrupted file ends in one {@link org.npusim.errors.InputException} naming the field path, never in an
 * out-of-range read, a hang or an allocation from an unchecked size. The writer uses flatbuffers-java's
 * {@code FlatBufferBuilder}.
 */
package org.npusim.tflite;
