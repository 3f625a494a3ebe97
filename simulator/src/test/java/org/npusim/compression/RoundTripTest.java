// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Model;
import org.npusim.graph.Operator;
import org.npusim.graph.Subgraph;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.BlockConfigSearch;
import org.npusim.npu.Lowering;
import org.npusim.npu.NpuOperation;
import org.npusim.testsupport.SharedData;
import org.npusim.tflite.TfliteReader;

/**
 * Is the codec lossless on real weights? For every weighted NPU operation of every model in ../shared/models,
 * on every variant, each encoded stream decodes to exactly the reordered weights, and the reordered streams of
 * all cores hold exactly the layer's non-zero weights (the rest is padding).
 */
class RoundTripTest {

    @Test
    void everyLayerOfEveryModel_onEveryVariant_decodesToTheReorderedWeights() {
        long layers = 0;
        long streams = 0;
        long values = 0;
        for (Path file : SharedData.models()) {
            Model model = TfliteReader.read(file);
            Subgraph g = model.main();
            Lowering lowering = new Lowering(g);
            WeightEncoder encoder = new WeightEncoder(g);
            for (NpuVariant variant : NpuVariant.values()) {
                for (Operator op : g.operators()) {
                    if (!(lowering.lower(op) instanceof Lowering.Result.Npu npu)) {
                        continue;
                    }
                    for (NpuOperation o : npu.operations()) {
                        Optional<BlockConfig> config = BlockConfigSearch.find(variant, o);
                        if (o.weights().isEmpty() || config.isEmpty()) {
                            continue;
                        }
                        WeightVolume volume = encoder.volume(o);
                        short[] expected = nonZeroSorted(volume.values, volume.values.length);
                        short[] seen = new short[0];
                        for (WeightEncoder.Stream s : encoder.encodeStreams(o, config.get(), variant,
                                OfmRange.whole(volume.ofm))) {
                            if (s.range().channels() == 0) {
                                continue;
                            }
                            short[] decoded = WeightStreamDecoder.decode(s.bytes());
                            assertThat(decoded).as("%s %s %s core %d", file.getFileName(), variant.label(), o.name(),
                                    s.range().core()).isEqualTo(s.reordered());
                            short[] nz = nonZeroSorted(s.reordered(), s.reordered().length);
                            short[] merged = Arrays.copyOf(seen, seen.length + nz.length);
                            System.arraycopy(nz, 0, merged, seen.length, nz.length);
                            seen = merged;
                            streams++;
                            values += decoded.length;
                        }
                        Arrays.sort(seen);
                        assertThat(seen).as("%s %s %s: non-zero weights", file.getFileName(), variant.label(), o.name())
                                .isEqualTo(expected);
                        layers++;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "round trip: %d layer encodings, %d streams, %d values decoded exactly%n",
                layers, streams, values);
        assertThat(layers).isPositive();
    }

    private static short[] nonZeroSorted(short[] v, int n) {
        short[] out = new short[n];
        int m = 0;
        for (int k = 0; k < n; k++) {
            if (v[k] != 0) {
                out[m++] = v[k];
            }
        }
        out = Arrays.copyOf(out, m);
        Arrays.sort(out);
        return out;
    }
}
