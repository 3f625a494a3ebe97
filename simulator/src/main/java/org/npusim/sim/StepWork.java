// SPDX-License-Identifier: Apache-2.0
package org.npusim.sim;

import java.util.Optional;
import org.npusim.npu.BlockConfig;
import org.npusim.npu.CostModel;
import org.npusim.npu.NpuBlockType;
import org.npusim.npu.NpuOperation;
import org.npusim.npu.OpCost;
import org.npusim.plan.Channel;
import org.npusim.plan.NpuTarget;
import org.npusim.plan.Step;
import org.npusim.plan.WeightPlan;

/**
 * The work of one NPU step, computed once from the component models and shared by the Vela-compatible estimate
 * and the event-driven simulation: compute cost, and the bytes of every stream with its burst efficiency.
 *
 * @param step the plan step
 * @param compute compute cost under the step's block config
 * @param ifmBytes IFM bytes read (before burst inflation)
 * @param ifmEfficiency IFM burst-efficiency factor η ≥ 1
 * @param ifm2Channel channel of the second IFM (the IFM's when it has none)
 * @param ifm2Bytes second-IFM bytes read
 * @param ifm2Efficiency its η
 * @param ofmBytes OFM bytes written
 * @param ofmEfficiency its η
 * @param weightFetchBytes weight and scale bytes the NPU fetches (from the buffer when buffered, else from where
 *     they are stored) as Vela's estimate counts them: weight elements consumed times the compression ratio, plus
 *     the scales
 * @param weightElements weight elements the MAC array consumes as Vela counts them
 * @param streamedWeightFetchBytes the same bytes as the weight stream holds them, which the event-driven
 *     simulation fetches: a partial last OFM depth block streams only its channels
 *     ({@link CostModel.Traffic#streamedWeightElements})
 * @param streamedWeightElements the weight elements the decoder decodes from that stream
 * @param constants the channel of the operator's constants (its weights' home), from which its LUT is copied
 */
record StepWork(
        Step.Npu step,
        OpCost compute,
        long ifmBytes,
        double ifmEfficiency,
        Channel ifm2Channel,
        long ifm2Bytes,
        double ifm2Efficiency,
        long ofmBytes,
        double ofmEfficiency,
        double weightFetchBytes,
        long weightElements,
        double streamedWeightFetchBytes,
        long streamedWeightElements,
        Channel constants) {

    static StepWork of(Step.Npu s, CostModel costs, NpuTarget target) {
        NpuOperation op = s.op();
        BlockConfig bc = s.blockConfig();
        Optional<WeightPlan> w = s.weights();
        Channel constants = target.weightsOf(s.operator());
        double scaleLatency = w.map(p -> p.readFrom().timing().readLatencyCycles())
                .orElse(constants.timing().readLatencyCycles());
        OpCost compute = op.type() == NpuBlockType.ELEMENTWISE
                ? costs.elementwise(op, bc, s.ifm().stream(), s.ofm().stream())
                : costs.macOperation(op, bc, s.ifm().stream(), s.ofm().stream(), scaleLatency);
        CostModel.Traffic t = costs.traffic(op, bc, s.ifm().format(), s.ofm().format());
        double ifmEta = costs.efficiency(s.ifm().stream(), true, op.ifmBits(), bc.ifmBlock(), op.ifm().w());
        Channel c2 = s.ifm2().map(p -> p.channel()).orElse(s.ifm().channel());
        double eta2 = s.ifm2().map(p -> costs.efficiency(p.stream(), true, op.ifm2Bits(), bc.ifmBlock(), op.ifm2().get().w()))
                .orElse(ifmEta);
        double ofmEta = costs.efficiency(s.ofm().stream(), false, op.ofmBits(), bc.ofmBlock(), op.ofm().w());
        double weightBytes = w.map(p -> t.weightElements() * p.encoded().ratio() + p.encoded().scaleBytes()).orElse(0.0);
        double streamedBytes = w.map(p -> t.streamedWeightElements() * p.encoded().ratio() + p.encoded().scaleBytes())
                .orElse(0.0);
        return new StepWork(s, compute, t.ifmElements() * op.ifmBits() / 8, ifmEta, c2,
                t.ifm2Elements() * op.ifm2Bits() / 8, eta2, t.ofmElements() * op.ofmBits() / 8, ofmEta, weightBytes,
                t.weightElements(), streamedBytes, t.streamedWeightElements(), constants);
    }
}
