// SPDX-License-Identifier: Apache-2.0
package org.npusim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.npusim.cpu.CpuCostModel;
import org.npusim.cpu.MacRateCostModel;
import org.npusim.graph.Model;
import org.npusim.hw.HardwareConfig;
import org.npusim.kernels.KernelChoice;
import org.npusim.kernels.VariantCpuCostModel;
import org.npusim.plan.WeightSizer;
import org.npusim.report.ResultFormat;
import org.npusim.report.ResultWriter;
import org.npusim.result.SimulationResult;
import org.npusim.sim.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code npusim simulate MODEL --hw HW.yaml}: per-layer and total cycles, time, bottleneck, traffic, energy.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate a model on a hardware description: per layer and in total, cycles, time, where it ran, "
                + "what bound it, bytes per memory and energy.")
final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A .tflite file or a .yaml model description.")
    Path model;

    @Mixin
    HardwareOptions hardware = new HardwareOptions();

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    ResultFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Option(names = "--cpu-kernels", defaultValue = "dense", paramLabel = "KIND",
            description = "Kernels of CPU convolution and fully connected layers: dense, winograd, sparse or auto"
                    + " (default: ${DEFAULT-VALUE}).")
    KernelChoice cpuKernels;

    @Override
    public Integer call() {
        HardwareConfig hw = hardware.load();
        Model m = ModelFiles.load(model);
        CpuCostModel cpu = new MacRateCostModel(hw);
        if (cpuKernels != KernelChoice.DENSE) {
            cpu = new VariantCpuCostModel(cpu, hw.cpu().core(), cpuKernels);
        }
        SimulationResult r = new Simulator(cpu, WeightSizer.UNCOMPRESSED).simulate(m, model.toString(), hw);
        PrintWriter out = spec.commandLine().getOut();
        OutputTarget.write(output, out, w -> ResultWriter.write(r, format, w));
        return Main.OK;
    }
}
