// SPDX-License-Identifier: Apache-2.0
package org.npusim.sweep;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.npusim.errors.InputException;
import org.npusim.hw.yaml.Overrides;
import org.npusim.kernels.KernelChoice;

/**
 * One point of a sweep: its index in the product, the value of each axis, and the overrides that turn the base
 * description into this point's description. Plain data, so a point can be handed to another process or machine.
 *
 * @param index the point's index: axes vary like an odometer, the last one fastest
 * @param values one value per axis, in axis order
 * @param overrides the base overrides with this point's changes applied after them (they win)
 * @param cpuKernels the point's CPU kernels when an axis varies them ({@link Axis#CPU_KERNELS}); empty otherwise
 */
public record SweepPoint(int index, List<String> values, Overrides overrides, Optional<KernelChoice> cpuKernels) {

    /** The most points a sweep may have. */
    public static final int MAX_POINTS = 1_000_000;

    public SweepPoint {
        values = List.copyOf(values);
    }

    /** Returns the cartesian product of {@code axes} over the {@code base} overrides, in index order. */
    public static List<SweepPoint> product(List<Axis> axes, Overrides base) {
        Set<String> keys = new HashSet<>();
        long count = 1;
        for (Axis a : axes) {
            if (!keys.add(a.key())) {
                throw new InputException("", "--vary " + a.key(), "the key is varied twice; give all its values in one --vary");
            }
            count *= a.values().size();
            if (count > MAX_POINTS) {
                throw new InputException("", "--vary", "more than " + MAX_POINTS + " points; vary fewer keys or values");
            }
        }
        List<SweepPoint> out = new ArrayList<>((int) count);
        int[] digit = new int[axes.size()];
        for (int i = 0; i < count; i++) {
            List<String> values = new ArrayList<>(axes.size());
            List<String> set = new ArrayList<>();
            Optional<String> npu = base.npu();
            Optional<String> mode = base.memoryMode();
            Optional<KernelChoice> kernels = Optional.empty();
            for (int a = 0; a < axes.size(); a++) {
                Axis axis = axes.get(a);
                String v = axis.values().get(digit[a]);
                values.add(v);
                if (axis.key().equals(Axis.VARIANT)) {
                    npu = Optional.of(v);
                } else if (axis.key().equals(Axis.PLACEMENT)) {
                    mode = Optional.of(v);
                } else if (axis.key().equals(Axis.CPU_KERNELS)) {
                    // Axis.parse checked the label.
                    kernels = KernelChoice.fromLabel(v);
                } else {
                    set.add(axis.key() + "=" + v);
                }
            }
            out.add(new SweepPoint(i, values, new Overrides(base.plus(set).set(), npu, mode), kernels));
            for (int a = axes.size() - 1; a >= 0; a--) {
                if (++digit[a] < axes.get(a).values().size()) {
                    break;
                }
                digit[a] = 0;
            }
        }
        return out;
    }
}
