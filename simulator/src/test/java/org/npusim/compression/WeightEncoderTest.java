// SPDX-License-Identifier: Apache-2.0
package org.npusim.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.npusim.graph.Quantization;
import org.npusim.graph.Subgraph;
import org.npusim.graph.Tensor;
import org.npusim.hw.NpuVariant;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.BlockConfigSearch;
import org.npusim.npu.NpuOperation;

/** Does the encoder lay out ranges, slices, cores and scale records as Vela does (ethos-u-facts.md §5.1)? */
class WeightEncoderTest {

    private static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            b[k] = (byte) ((k * 7) % 41 - 20);
        }
        return b;
    }

    @Test
    void traversal_utilisationTie_isPartKernelForTheEncoderButDepthFirstForTheBlockSearch() {
        // 16 IFM channels, 1×2 kernel: depth utilisation 16/32 = 0.5, part-kernel (16/16)·(2/4) = 0.5. The
        // encoder takes part-kernel on ">=", the block-config search only on ">" (ethos-u-facts.md §4.4).
        Subgraph g = TinyGraphs.conv(ramp(8 * 2 * 16), 8, 1, 2, 16, 4, 4);
        NpuOperation op = TinyGraphs.lower(g);
        BlockConfig config = BlockConfigSearch.find(NpuVariant.ETHOS_U55_128, op).orElseThrow();
        assertThat(config.traversal()).isEqualTo(BlockConfig.Traversal.DEPTH_FIRST);
        EncodedWeights e = new WeightEncoder(g).encode(op, config, NpuVariant.ETHOS_U55_128);
        assertThat(e.traversal()).isEqualTo(WeightTraversal.PART_KERNEL_FIRST);
    }

    @Test
    void slices_eachSliceIsAStreamWithItsOwnRecordsAndPadding() {
        Subgraph g = TinyGraphs.fullyConnected(ramp(40 * 64), 40, 64, new int[40]);
        NpuOperation op = TinyGraphs.lower(g);
        BlockConfig config = BlockConfigSearch.find(NpuVariant.ETHOS_U55_128, op).orElseThrow();
        WeightEncoder encoder = new WeightEncoder(g);
        EncodedWeights whole = encoder.encode(op, config, NpuVariant.ETHOS_U55_128);
        EncodedWeights sliced = encoder.encode(op, config, NpuVariant.ETHOS_U55_128, OfmRange.at(40, 0, 16, 32));
        assertThat(whole.ranges()).hasSize(1);
        assertThat(sliced.ranges()).extracting(EncodedRange::channels).containsExactly(16, 16, 8);
        // 40 records are 400 bytes (padded 400); 16 + 16 + 8 records are 160 + 160 + 80 bytes.
        assertThat(whole.scaleBytes()).isEqualTo(400);
        assertThat(sliced.scaleBytes()).isEqualTo(400);
        assertThat(sliced.sliceCount()).isEqualTo(3);
        assertThat(sliced.totalBytes()).isEqualTo(sliced.sliceBytes(0) + sliced.sliceBytes(1) + sliced.sliceBytes(2));
        assertThat(sliced.doubleBufferBytes())
                .isEqualTo(Math.max(sliced.sliceBytes(0), sliced.sliceBytes(2)) + sliced.sliceBytes(1));
        for (EncodedRange r : sliced.ranges()) {
            assertThat(r.weightBytes() % 16).isZero();
        }
    }

    @Test
    void twoCores_splitChannelsAndRecordsBetweenCores() {
        Subgraph g = TinyGraphs.fullyConnected(ramp(9 * 32), 9, 32, new int[9]);
        NpuOperation op = TinyGraphs.lower(g);
        BlockConfig config = BlockConfigSearch.find(NpuVariant.ETHOS_U65_512, op).orElseThrow();
        EncodedWeights e = new WeightEncoder(g).encode(op, config, NpuVariant.ETHOS_U65_512);
        // Core 0 takes channels 0, 2, …, 8 (5), core 1 channels 1, …, 7 (4): records 50 → 64 and 40 → 48 bytes.
        assertThat(e.ranges()).extracting(EncodedRange::core).containsExactly(0, 1);
        assertThat(e.ranges()).extracting(EncodedRange::channels).containsExactly(5, 4);
        assertThat(e.ranges()).extracting(EncodedRange::scaleBytes).containsExactly(64, 48);
        assertThat(e.coreBytes(0) + e.coreBytes(1)).isEqualTo(e.totalBytes());
    }

    @Test
    void streams_carryTheBiasAndTheQuantisedScaleOfEachChannel() {
        Subgraph g = TinyGraphs.fullyConnected(ramp(2 * 8), 2, 8, new int[] {5, -3});
        NpuOperation op = TinyGraphs.lower(g);
        BlockConfig config = BlockConfigSearch.find(NpuVariant.ETHOS_U55_64, op).orElseThrow();
        List<WeightEncoder.Stream> streams = new WeightEncoder(g).encodeStreams(op, config, NpuVariant.ETHOS_U55_64,
                OfmRange.whole(2));
        byte[] records = streams.get(0).scaleRecords();
        // Scale 0.5 · 0.25 / 1 = 0.125 = 0.5·2^-2: multiplier 2^30 (00 00 00 40), shift 31 + 2 = 33.
        assertThat(records).hasSize(32);
        assertThat(records[0]).isEqualTo((byte) 5);
        assertThat(records[8]).isEqualTo((byte) 0x40);
        assertThat(records[9]).isEqualTo((byte) 33);
        assertThat(records[10]).isEqualTo((byte) -3);
        assertThat(records[14]).isEqualTo((byte) -1);
    }

    @Test
    void slices_thatDoNotTileTheDepth_areRejected() {
        Subgraph g = TinyGraphs.fullyConnected(ramp(4 * 8), 4, 8, new int[4]);
        NpuOperation op = TinyGraphs.lower(g);
        BlockConfig config = BlockConfigSearch.find(NpuVariant.ETHOS_U55_64, op).orElseThrow();
        WeightEncoder encoder = new WeightEncoder(g);
        assertThatThrownBy(() -> encoder.encode(op, config, NpuVariant.ETHOS_U55_64, List.of(new OfmRange(0, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not tile");
    }

    @Test
    void decoderModel_eightWeightsPerCyclePerCore() {
        WeightDecoderModel m = WeightDecoderModel.of(NpuVariant.ETHOS_U55_128);
        // 800 decoded values at 8 per cycle: 100 cycles; 801: 101 (rounded up).
        assertThat(m.decodeCycles(new EncodedRange(0, 0, 8, 80, 64, 800, 300))).isEqualTo(100);
        assertThat(m.decodeCycles(new EncodedRange(0, 0, 8, 80, 64, 801, 0))).isEqualTo(101);
        assertThat(m.source()).contains("cycles_wb");
    }

    /** Returns {@code g} with its weights (tensor 1) quantised with zero point {@code zeroPoint}. */
    private static Subgraph withWeightZeroPoint(Subgraph g, long zeroPoint) {
        List<Tensor> tensors = new ArrayList<>(g.tensors());
        Tensor w = tensors.get(1);
        tensors.set(1, new Tensor(w.index(), w.name(), w.type(), w.shape(),
                Optional.of(Quantization.perTensor(0.25f, zeroPoint)), w.data(), w.variable()));
        return Subgraph.of(g.name(), tensors, g.operators(), g.inputs(), g.outputs());
    }

    @Test
    void zeroPointOutsideTheWeightsRange_isCheckedPerStream() {
        // Zero points inside the int8 range skip the streams' range check (every weight minus its zero point lies
        // in -255..255); one outside it checks every stream as before: weight 100 - (-200) = 300 fails, the
        // ramp's weights (-20..20) minus -200 (180..220) pass, sized as written.
        Subgraph fails = withWeightZeroPoint(TinyGraphs.fullyConnected(new byte[] {1, 100, 3, 4}, 1, 4, new int[1]),
                -200);
        NpuOperation op = TinyGraphs.lower(fails);
        BlockConfig config = BlockConfigSearch.find(NpuVariant.ETHOS_U55_64, op).orElseThrow();
        assertThatThrownBy(() -> new WeightEncoder(fails).encode(op, config, NpuVariant.ETHOS_U55_64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300 at 1 is outside -255..255");

        Subgraph passes = withWeightZeroPoint(TinyGraphs.fullyConnected(ramp(8 * 32), 8, 32, new int[8]), -200);
        NpuOperation passing = TinyGraphs.lower(passes);
        BlockConfig passingConfig = BlockConfigSearch.find(NpuVariant.ETHOS_U55_64, passing).orElseThrow();
        EncodedWeights sized = new WeightEncoder(passes).encode(passing, passingConfig, NpuVariant.ETHOS_U55_64);
        byte[] written = new WeightEncoder(passes).encodeStreams(passing, passingConfig, NpuVariant.ETHOS_U55_64,
                OfmRange.whole(8)).get(0).bytes();
        assertThat(sized.weightBytes()).isEqualTo(written.length);
    }
}
